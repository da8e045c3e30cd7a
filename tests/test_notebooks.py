"""The committed notebooks: clean templates with working defaults, reading data only via analysis.

nbval itself (`pytest --nbval-lax notebooks`, run by `make test`) executes them on the seed
corpus; these checks keep the files in the shape nbval and papermill rely on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from conftest import RAW, ROOT

from analysis.build.run import build
from analysis.reports import data as rd
from analysis.reports.notebooks import MARK, problems, strip

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMS = {
    "agency_summary": {"agency", "processed_dir"},
    "cross_year": {"metrics", "agencies", "highlight", "processed_dir"},
    "corpus_overview": {"highlight", "processed_dir"},
    "indicators": {"processed_dir"},
}


def _nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def test_the_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} == set(PARAMS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_carry_no_outputs_but_the_checked_ones(path):
    assert problems(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_has_plain_defaults(path):
    cells = [c for c in _nb(path).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    tree = ast.parse(cells[0].source)
    values = {
        t.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
    }
    assert set(values) == PARAMS[path.stem]
    assert all(
        v in ("", []) for v in values.values()
    )  # empty = "the whole corpus / the project's data"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_stay_thin_and_read_through_analysis(path):
    code = "\n".join(
        line.split("#")[0]
        for c in _nb(path).cells
        if c.cell_type == "code"
        for line in c.source.splitlines()
    )
    for banned in (
        "read_parquet",
        "read_csv",
        "data/processed",
        "open(",
        "eval(",
        "exec(",
        "Markdown(",
    ):
        assert banned not in code, banned
    assert "from analysis.reports import" in code  # the page helpers, never the extractor
    assert all(len(c.source.splitlines()) <= 12 for c in _nb(path).cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def seed_corpus() -> rd.Corpus:
    build(
        RAW, ROOT / "data" / "processed", jobs=1, quiet=True
    )  # nbval's data; a no-op when up to date
    return rd.load(ROOT / "data" / "processed")


def _checked_output(name: str) -> str:
    cells = [
        c
        for c in _nb(ROOT / "notebooks" / f"{name}.ipynb").cells
        if c.cell_type == "code" and MARK in c.source
    ]
    assert len(cells) == 1
    return "".join(o["text"] for o in cells[0].outputs if o.get("output_type") == "stream").rstrip(
        "\n"
    )


def test_stored_figures_table_matches_the_seed_corpus(seed_corpus):
    stored = _checked_output("cross_year")
    assert stored == rd.figures_text(seed_corpus, rd.scope(seed_corpus, []))
    assert "2,437 条" in stored and stored.count("\n") == len(seed_corpus.metrics)


def test_stored_overview_matches_the_seed_corpus(seed_corpus):
    assert _checked_output("corpus_overview") == rd.overview_text(seed_corpus)


def test_strip_keeps_only_stdout_of_checked_cells():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "x = 1",
                execution_count=3,
                outputs=[nbformat.v4.new_output("stream", name="stdout", text="noise")],
            ),
            nbformat.v4.new_code_cell(f"{MARK}\nprint(1)", execution_count=4),
        ]
    )
    executed = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                f"{MARK}\nprint(1)",
                outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warning"),
                ],
            )
        ]
    )
    out = strip(nb, executed)
    assert out.cells[0].outputs == [] and out.cells[0].execution_count is None
    assert [o["text"] for o in out.cells[1].outputs] == ["1\n"]
