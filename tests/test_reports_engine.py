"""The warm-kernel engine makes the page a plain `papermill` run makes.

A corpus of two seeds (two agencies). Agency B's summary is run twice: once by papermill
itself (its own engine, a fresh kernel), once on the warm engine in a kernel that has just
made agency A's page and carries a variable and a changed matplotlib setting left behind by
a scribbling notebook. After removing what differs between any two runs (timings, paths),
the executed notebooks are identical, images included, and so are their HTML pages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from conftest import RAW, ROOT
from nbclient.util import run_sync

from analysis.build.run import build
from analysis.reports import data as rd
from analysis.reports import engine
from analysis.reports import run as rr

SEED_A, SEED_B = "000_5c8a14d5fa55ccf4.txt", "001_fc4f34c734b4c5a9.txt"
TEMPLATE = ROOT / "notebooks" / "agency_summary.ipynb"


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("engine")
    raw = base / "raw"
    raw.mkdir()
    for f in (SEED_A, SEED_B):
        shutil.copy(RAW / f, raw / f)
    assert build(raw, base / "processed", jobs=1, quiet=True) == 0
    return base / "processed"


def _normalized(nb: nbformat.NotebookNode) -> str:
    """The notebook without what changes from run to run whatever the engine."""
    nb = nbformat.from_dict(json.loads(nbformat.writes(nb)))
    pmeta = nb.metadata.pop("papermill", {})
    nb.metadata["parameters"] = pmeta.get("parameters")
    for c in nb.cells:
        if "injected-parameters" in c.metadata.get("tags", []):
            c["id"] = "injected"  # papermill gives this cell a new random id every run
        c.metadata.pop("papermill", None)
        c.metadata.pop("execution", None)
    return nbformat.writes(nb)


def _run(engine_name: str | None, params: dict, out: Path) -> nbformat.NotebookNode:
    return pm.execute_notebook(
        str(TEMPLATE),
        str(out),
        parameters=params,
        engine_name=engine_name,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(TEMPLATE.parent),
        language="python",
    )


def test_a_page_from_the_warm_kernel_is_the_page_papermill_makes(processed, tmp_path):
    names = rd.agencies(rd.load(processed))
    assert len(names) == 2
    a, b = ({"agency": n, "processed_dir": str(processed)} for n in names)
    plain = _run(None, b, tmp_path / "plain.ipynb")
    try:
        first = _run(engine.NAME, a, tmp_path / "a.ipynb")
        assert first.cells[-1].outputs  # agency A's page was made in this kernel
        kernel = engine._kernel
        assert kernel is not None
        # a notebook that leaves state behind: a variable, a setting, an open figure
        run_sync(kernel.kc.execute_interactive)(
            "leftover = 1\nimport matplotlib\nmatplotlib.rcParams['lines.linewidth'] = 9\n"
            "import matplotlib.pyplot as plt\nplt.figure()",
            store_history=True,
            timeout=60,
        )
        warm = _run(engine.NAME, b, tmp_path / "warm.ipynb")
        assert engine._kernel is kernel  # the same kernel made both pages
        probe = _run(engine.NAME, a, tmp_path / "probe.ipynb")
    finally:
        engine.shutdown()
    assert _normalized(warm) == _normalized(plain)
    counts = [c.execution_count for c in warm.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # as in a fresh kernel
    images = [
        o for c in warm.cells for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})
    ]
    assert len(images) == 3
    pages = [rr._export_html(rr.stable_ids(nb), "../index.html") for nb in (warm, plain)]
    assert pages[0] == pages[1]
    assert _normalized(probe) == _normalized(first)


def test_a_failing_notebook_does_not_poison_the_next_one(processed, tmp_path):
    nb = nbformat.read(str(TEMPLATE), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[1].source = "import sys\nsys.modules['analysis.reports.data'].load = None\n" + (
        code[1].source
    )
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(broken))
    params = {"agency": "", "processed_dir": str(processed)}
    try:
        with pytest.raises(pm.PapermillExecutionError):
            pm.execute_notebook(
                str(broken),
                str(tmp_path / "out.ipynb"),
                parameters=params,
                engine_name=engine.NAME,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(TEMPLATE.parent),
            )
        ok = _run(engine.NAME, params, tmp_path / "ok.ipynb")  # a new kernel, modules intact
    finally:
        engine.shutdown()
    assert not any(o.get("output_type") == "error" for c in ok.cells for o in c.get("outputs", []))


def test_the_exporter_writes_the_page_nbconverts_own_html_exporter_writes(processed, tmp_path):
    """run._exporter skips HTMLExporter's BeautifulSoup pass and adds its attributes by regex;
    parsed the same way, the two pages are the same document."""
    from bs4 import BeautifulSoup
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    from analysis.reports.html import font_face_css

    params = {"agency": "", "processed_dir": str(processed)}
    nb = rr.stable_ids(_run(None, params, tmp_path / "page.ipynb"))
    ours = rr._export_html(nb, "../index.html")
    stock, _ = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"gdr.html.j2": rr.EXPORT_TEMPLATE})],
        template_file="gdr.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    ).from_notebook_node(
        nb, resources={"gdr_index": "../index.html", "gdr_font_css": font_face_css("../")}
    )
    assert 'tabindex="0"' in ours and ours.count("<svg ") == 3
    assert str(BeautifulSoup(ours, features="html.parser")) == stock


def test_a_kernel_that_dies_is_replaced_and_the_notebook_runs_once_more(processed, tmp_path):
    """A kernel lost mid-page (killed, out of memory) is not the notebook's fault: run_job
    starts a fresh kernel and runs it again; a notebook's own error is not retried."""
    flag = tmp_path / "died-once"
    nb = nbformat.read(str(TEMPLATE), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[1].source = (
        f"import os, pathlib\nif not pathlib.Path({str(flag)!r}).exists():\n"
        f"    pathlib.Path({str(flag)!r}).touch()\n    os._exit(1)\n" + code[1].source
    )
    dying = tmp_path / "dying.ipynb"
    nbformat.write(nb, str(dying))
    job = {
        "key": "agency/x",
        "template": str(dying),
        "params": {"agency": "", "processed_dir": str(processed)},
        "out_stem": "agency/x",
        "title": "x",
    }
    try:
        res = rr.run_job(job, str(tmp_path / "out"))
        code[1].source = "raise ValueError('the notebook itself')\n" + code[1].source
        nbformat.write(nb, str(dying))
        bad = rr.run_job({**job, "out_stem": "agency/y"}, str(tmp_path / "out"))
    finally:
        engine.shutdown()
    assert flag.exists() and res["ok"], res
    assert (tmp_path / "out" / "agency" / "x.html").read_text(encoding="utf-8").count("<svg ") == 3
    assert not bad["ok"] and "the notebook itself" in bad["error"]
