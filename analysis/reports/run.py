"""`python -m analysis.reports` (what `make reports` runs): every notebook, as .ipynb and HTML.

1. Builds data/processed from data/raw if its inputs changed (the build's own cache).
2. Plans one agency_summary per agency, plus cross_year and corpus_overview. Each job has
   a fingerprint: the notebook's source, the reporting code, its parameters and exactly the
   data it reads (an agency summary reads only its agency's rows). Jobs whose fingerprint
   matches reports/.state.json and whose outputs exist are skipped.
3. Runs the rest with papermill in parallel worker processes, one kernel per notebook.
   Each executed notebook and its standalone HTML (charts embedded as PNG, no code, no
   external scripts) are written to temporary files and renamed into place; a notebook
   that fails leaves the earlier good report untouched, its executed copy goes to
   reports/failed/, the other notebooks still run, and the command exits 1 listing it.
4. Writes reports/index.html linking everything (names escaped, Chinese readable).

Output names come from analysis.reports.names, so any agency name gives a safe, distinct,
readable file inside reports/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..atomic import atomic_path, write_text
from ..build.versions import closure, fingerprint
from .indicators import page_fingerprints
from .names import unique_slugs

ROOT = Path(__file__).resolve().parent.parent.parent
# the code whose change changes what a report shows: what the notebooks and this module
# import, less the build (run here only to bring data/processed up to date, and its
# tables are fingerprinted by the data each report reads)
CODE_MODULES = (
    "analysis.reports.run",
    "analysis.reports.data",
    "analysis.reports.charts",
    "analysis.reports.html",
    "analysis.reports.indicators",
)
STATE_FILE = ".state.json"
# what the index shows and filters on for each agency (see data.agency_rows)
INDEX_FIELDS = (
    "years",
    "year_list",
    "n_reports",
    "n_figures",
    "figures",
    "level",
    "place",
    "region",
)
# warm: one kept kernel per worker (engine.py); plain: a kernel per notebook, papermill's own
ENGINE_NAMES = {"warm": "gdr-warm", "plain": None}
KERNEL = "python3"
CELL_TIMEOUT = 600

EXPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
{{ resources.gdr_font_css }}
<style>
body.jp-Notebook {font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "Hiragino Sans GB", sans-serif;}
main {max-width: 1000px; margin: 0 auto;}
.jp-RenderedImage img {max-width: 100%; height: auto;}
.gdr-back {font-size: 13px; margin: 1em 0 0 0;}
</style>
{%- endblock extra_css -%}
{#- the agency charts are SVG written by analysis.reports.bars_svg (all text escaped there):
    inline, not an <img>, so the page's CJK font reaches their text -#}
{%- block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
{{ output.data['image/svg+xml'] }}
</div>
{%- endblock data_svg -%}
{%- block body_header -%}
{{ super() }}
<p class="gdr-back"><a href="{{ resources.gdr_index }}">← 报告索引</a></p>
{%- endblock body_header -%}
"""


# The corpus pages, in the order the index lists them: (notebook name, title, description).
# A new corpus page is one notebook in notebooks/ plus one entry here.
CORPUS_PAGES: list[tuple[str, str, str]] = [
    (
        "corpus_overview",
        "语料总览",
        "语料构成、各指标的覆盖率（按年份、层级、地区）、有警告或错误的报告",
    ),
    (
        "cross_year",
        "跨年度、跨机关比较",
        "各指标逐年的分布（中位数、四分位）、按层级和地区、最高与最低的机关",
    ),
    (
        "indicators",
        "报告质量指标",
        "按时发布、内容完整、数字一致、重复与模板、语料缺年度",
    ),
]
BUILTIN_PAGES = {"corpus_overview", "cross_year"}


@dataclass
class Job:
    key: str  # stable id in the state file, e.g. "agency/福州市商务局"
    kind: str  # notebook name without .ipynb
    title: str  # what the index shows (an agency name, or the report's name)
    template: str  # path of the notebook to run
    params: dict[str, Any]
    out_stem: str  # output path without extension, relative to the reports folder
    fingerprint: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def code_fingerprint() -> str:
    return fingerprint(closure(*CODE_MODULES, skip=["analysis.build.run"]), n=64)


def plan(processed_dir: Path, notebooks_dir: Path) -> tuple[list[Job], Any]:
    """Every notebook to produce, with its parameters, output name and fingerprint."""
    from . import data as rd

    corpus = rd.load(processed_dir)
    code = code_fingerprint()
    whole = rd.corpus_digest(corpus)
    pdir = str(Path(processed_dir).resolve())
    jobs: list[Job] = []
    for kind, title, desc in CORPUS_PAGES:
        if not (notebooks_dir / f"{kind}.ipynb").exists() and kind not in BUILTIN_PAGES:
            continue  # a page another branch adds: planned once its notebook exists
        jobs.append(
            Job(
                kind,
                kind,
                title,
                str(notebooks_dir / f"{kind}.ipynb"),
                {"processed_dir": pdir},
                kind,
                meta={"desc": desc},
                fingerprint=whole,
            )
        )
    names = rd.agencies(corpus)
    stems = unique_slugs(names)
    prints = rd.agency_fingerprints(corpus)
    rows = {e["agency"]: e for e in rd.agency_rows(corpus)}
    for name in names:
        e = rows[name]
        jobs.append(
            Job(
                f"agency/{name}",
                "agency_summary",
                name,
                str(notebooks_dir / "agency_summary.ipynb"),
                {"agency": name, "processed_dir": pdir},
                f"agency/{stems[name]}",
                meta={k: e[k] for k in INDEX_FIELDS},
                fingerprint=prints[name],
            )
        )
    ind_fps = page_fingerprints(processed_dir)  # the indicator rows each page reads
    for j in jobs:
        j.fingerprint = _sha(j.fingerprint, ind_fps.get(j.kind, ind_fps.get(j.title, "")))
        tpl = Path(j.template).read_bytes() if Path(j.template).exists() else b"(missing)"
        j.fingerprint = _sha(
            j.fingerprint,
            code,
            tpl,
            json.dumps(j.params, sort_keys=True, ensure_ascii=False),
            j.out_stem,
        )
    return jobs, corpus


# ---- running one notebook (in a worker process) --------------------------------------------


_EXPORTER: Any = None


_FOCUSABLE_DIV = re.compile(
    r'(<div class="[^"]*\b(?:jp-OutputArea-output|jp-Cell-inputWrapper)\b[^"]*"[^>]*)>'
)
_IMG_NO_ALT = re.compile(r"<img(?![^>]*\balt=)")


def _focusable(page: str) -> str:
    """What nbconvert's HTMLExporter adds with a BeautifulSoup pass after rendering: cells'
    inputs (the markdown) and outputs reachable by the keyboard, a default alt on images
    without one. Done by two regexes on the page as the template wrote it, which costs a
    tenth of re-parsing and re-serializing it (0.04 s a page).

    >>> _focusable('<div class="jp-OutputArea-output x" data-a="1"><img src="a.png">')
    '<div class="jp-OutputArea-output x" data-a="1" tabindex="0"><img alt="No description \
has been provided for this image" src="a.png">'
    """
    page = _FOCUSABLE_DIV.sub(r'\1 tabindex="0">', page)
    return _IMG_NO_ALT.sub('<img alt="No description has been provided for this image"', page)


def _exporter() -> Any:
    """One HTML exporter per process (building it loads and compiles the templates)."""
    global _EXPORTER
    if _EXPORTER is None:
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        class Exporter(HTMLExporter):
            """HTMLExporter without its BeautifulSoup pass (see `_focusable`)."""

            def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
                info = nb.metadata.get("language_info", {})
                lexer = info.get("pygments_lexer", info.get("name", None))
                self.register_filter(
                    "highlight_code",
                    self.filters.get(
                        "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                    ),
                )
                resources = self._init_resources(resources)
                self.register_filter(
                    "filter_data_type",
                    WidgetsDataTypeFilter(
                        notebook_metadata=self._nb_metadata, parent=self, resources=resources
                    ),
                )
                page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
                return _focusable(page), resources

        _EXPORTER = Exporter(
            template_name="lab",
            extra_loaders=[DictLoader({"gdr.html.j2": EXPORT_TEMPLATE})],
            template_file="gdr.html.j2",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            optimistic_validation=True,  # validate once, not after each of a dozen steps
        )
    return _EXPORTER


def _export_html(nb: Any, index_href: str) -> str:
    from .html import font_face_css

    prefix = index_href[: -len("index.html")]
    body, _ = _exporter().from_notebook_node(
        nb, resources={"gdr_index": index_href, "gdr_font_css": font_face_css(prefix)}
    )
    return body


def stable_ids(nb: Any) -> Any:
    """Give papermill's injected-parameters cell a fixed id (papermill draws a random one),
    so the same page from the same data is the same file, byte for byte."""
    for c in nb.cells:
        if "injected-parameters" in c.get("metadata", {}).get("tags", []):
            c["id"] = "injected-parameters"
    return nb


def _error_summary(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename:
        return f"{ename}: {getattr(exc, 'evalue', '')}".strip()
    return f"{type(exc).__name__}: {exc}".strip()


def run_job(job: dict[str, Any], out_dir: str, engine: str = "warm") -> dict[str, Any]:
    """Execute one notebook with papermill and write .ipynb + .html, each renamed into place.

    `engine` "warm" runs it on this process's kept kernel (analysis.reports.engine),
    "plain" on a fresh kernel as `papermill` itself does. Never raises: a failure comes back
    as a result, so one notebook cannot stop the batch, and the earlier good outputs stay.
    """
    t0 = time.monotonic()
    out = Path(out_dir)
    stem = job["out_stem"]
    target_nb = out / f"{stem}.ipynb"
    target_nb.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".run.", suffix=".ipynb", dir=target_nb.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    result: dict[str, Any] = {
        "key": job["key"],
        "ok": False,
        "error": "",
        "seconds": 0.0,
        "failed_copy": "",
    }
    try:
        import nbformat
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        if engine == "warm":
            from . import engine as _registers_the_engine  # noqa: F401

        opts = dict(
            parameters=job["params"],
            engine_name=ENGINE_NAMES[engine],
            request_save_on_cell_execute=False,
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            cwd=str(Path(job["template"]).parent),
            execution_timeout=CELL_TIMEOUT,
            language="python",
        )
        try:
            nb = pm.execute_notebook(job["template"], str(tmp), **opts)
        except PapermillExecutionError:
            raise  # the notebook's own error: reported as it is
        except Exception:  # noqa: BLE001 - the kernel, not the notebook: once more, fresh
            if engine != "warm":
                raise
            from . import engine as warm

            warm.shutdown()
            nb = pm.execute_notebook(job["template"], str(tmp), **opts)
        nb.metadata["title"] = job["title"]
        stable_ids(nb)
        nbformat.write(nb, str(tmp))
        html_text = _export_html(nb, "../" * stem.count("/") + "index.html")
        write_text(out / f"{stem}.html", html_text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target_nb)
        result["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - reported, not raised
        result["error"] = _error_summary(exc)
        if tmp.exists() and tmp.stat().st_size:
            failed = out / "failed" / f"{stem}.ipynb"
            failed.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o644)
            os.replace(tmp, failed)
            result["failed_copy"] = f"failed/{stem}.ipynb"
    finally:
        if tmp.exists():
            tmp.unlink()
    result["seconds"] = round(time.monotonic() - t0, 1)
    return result


def _quiet_worker(log_path: str) -> None:
    """Send the kernels' own stderr chatter (e.g. transport warnings) to a log, not the console."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", closefd=False, encoding="utf-8", errors="replace")  # noqa: SIM115


# ---- the batch --------------------------------------------------------------------------


def _load_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return (
            state
            if isinstance(state, dict) and isinstance(state.get("jobs"), dict)
            else {"jobs": {}}
        )
    except (OSError, ValueError):
        return {"jobs": {}}


def inputs_signature(processed_dir: Path, notebooks_dir: Path) -> str:
    """Everything a run depends on, cheaply: the tables' sizes and times, the code, the
    notebooks. Equal to the last complete run's, nothing needs planning, let alone running."""
    from . import data as rd

    nbs = sorted(Path(notebooks_dir).glob("*.ipynb"))
    return _sha(
        str(Path(processed_dir).resolve()),
        json.dumps(rd._signature(processed_dir)),
        code_fingerprint(),
        *(p.name.encode() + b"\0" + p.read_bytes() for p in nbs),
    )


def _all_current(out: Path, state: dict[str, Any], inputs: str) -> bool:
    if state.get("inputs") != inputs or not state["jobs"] or not (out / "index.html").exists():
        return False
    for entry in state["jobs"].values():
        stem = entry.get("out") if isinstance(entry, dict) else None
        if not isinstance(stem, str):
            return False
        if not ((out / f"{stem}.ipynb").exists() and (out / f"{stem}.html").exists()):
            return False
    return True


def _outputs(out: Path, job: Job) -> list[Path]:
    return [out / f"{job.out_stem}.ipynb", out / f"{job.out_stem}.html"]


def _say(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def _inside(out: Path, p: Path) -> bool:
    try:
        p.resolve().relative_to(out.resolve())
        return True
    except ValueError:
        return False


def run(
    processed_dir: Path,
    out_dir: Path,
    notebooks_dir: Path,
    jobs: int = 0,
    force: bool = False,
    only: list[str] | None = None,
    quiet: bool = False,
    agencies: list[str] | None = None,
    engine: str = "warm",
) -> int:
    """Plan, skip, run and index; returns the exit code (1 when any notebook failed).

    With `agencies` (patterns, see `matches`), only those agencies' summaries run, plus the
    corpus pages; the other agencies' pages and their state are left as they are.
    """
    t0 = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state_path = out / STATE_FILE
    state = _load_state(state_path)
    inputs = inputs_signature(Path(processed_dir), Path(notebooks_dir))
    if not (force or only or agencies) and _all_current(out, state, inputs):
        _say(
            f"reports: nothing changed since the last complete run, {len(state['jobs'])} "
            f"notebooks up to date ({time.monotonic() - t0:.1f} s) -> {out / 'index.html'}",
            quiet,
        )
        return 0
    all_jobs, corpus = plan(Path(processed_dir), Path(notebooks_dir))
    todo, skipped = [], []
    for j in all_jobs:
        prev = state["jobs"].get(j.key, {})
        wanted = (not only or j.kind in only) and (
            not agencies or j.kind != "agency_summary" or matches(j, agencies)
        )
        if (
            not force
            and prev.get("fingerprint") == j.fingerprint
            and all(p.exists() for p in _outputs(out, j))
        ):
            skipped.append(j)
        elif wanted:
            todo.append(j)
    _say(
        f"reports: {len(all_jobs)} notebooks, {len(skipped)} up to date, {len(todo)} to run", quiet
    )
    results: dict[str, dict[str, Any]] = {}
    counts = corpus_counts(corpus)
    if todo:  # the workers' kernels read the tables themselves: this process lets go of them
        del corpus
        from . import data as rd

        rd.forget()
        import gc

        gc.collect()
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        todo.sort(
            key=lambda j: (j.kind == "agency_summary", j.kind != "cross_year")
        )  # longest first
        log = out / ".logs" / "kernels.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("", encoding="utf-8")  # this run's kernel messages only
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=_quiet_worker,
            initargs=(str(log),),
        ) as pool:
            futures = {pool.submit(run_job, asdict(j), str(out), engine): j for j in todo}
            for i, fut in enumerate(as_completed(futures), start=1):
                j = futures[fut]
                try:
                    r = fut.result()
                except BaseException as exc:  # noqa: BLE001 - a worker that died
                    r = {
                        "key": j.key,
                        "ok": False,
                        "error": _error_summary(exc),
                        "seconds": 0.0,
                        "failed_copy": "",
                    }
                results[j.key] = r
                what = f"{j.kind} · {j.title}" if j.kind == "agency_summary" else j.kind
                status = "ok" if r["ok"] else f"FAILED ({r['error']})"
                _say(
                    f"  [{i}/{len(todo)}] {_one_line(what)}: {status} ({r['seconds']:.1f} s)", quiet
                )
    # state: keep what succeeded or was skipped; forget failures so they run again next time
    new_state: dict[str, Any] = {"jobs": {}}
    for j in all_jobs:
        r = results.get(j.key)
        if r is not None and r["ok"]:
            new_state["jobs"][j.key] = {"fingerprint": j.fingerprint, "out": j.out_stem}
        elif r is None and j.key in state["jobs"]:  # skipped, or not asked for this time
            new_state["jobs"][j.key] = state["jobs"][j.key]
    # reports of agencies that left the corpus: remove the files this tool made for them
    current = {j.key for j in all_jobs}
    for key, entry in state["jobs"].items():
        if key not in current and isinstance(entry, dict) and isinstance(entry.get("out"), str):
            for ext in (".ipynb", ".html"):
                p = out / f"{entry['out']}{ext}"
                if _inside(out, p) and p.is_file():
                    p.unlink()
    failures = [
        {
            "notebook": j.template,
            "title": j.title if j.kind == "agency_summary" else "",
            "error": results[j.key]["error"],
            "failed_copy": results[j.key]["failed_copy"],
        }
        for j in all_jobs
        if j.key in results and not results[j.key]["ok"]
    ]
    write_index(out, all_jobs, results, failures, counts)
    if not failures and len(new_state["jobs"]) == len(all_jobs) and not (only or agencies):
        new_state["inputs"] = inputs  # a complete run: the next one may skip the planning
    write_text(state_path, json.dumps(new_state, ensure_ascii=False, indent=1, sort_keys=True))
    n_ok = sum(1 for r in results.values() if r["ok"])
    _say(
        f"reports: {n_ok} ran, {len(skipped)} skipped (unchanged), {len(failures)} failed "
        f"({time.monotonic() - t0:.1f} s) -> {out / 'index.html'}",
        quiet,
    )
    for f in failures:
        print(
            f"FAILED {f['notebook']}"
            + (f" [agency={_one_line(f['title'])!r}]" if f["title"] else "")
            + f": {f['error']}"
            + (f"; executed copy: {out / f['failed_copy']}" if f["failed_copy"] else ""),
            file=sys.stderr,
        )
    return 1 if failures else 0


def matches(job: Job, patterns: list[str]) -> bool:
    """Whether an agency's page is asked for: a pattern matches its name, province or place.

    A pattern with * ? or [ is a shell-style wildcard over the whole text, any other is a
    part of it (so `--agencies 福建` takes every agency in 福建省 or named 福建…).

    >>> j = Job("agency/福州市商务局", "agency_summary", "福州市商务局", "", {}, "",
    ...         meta={"region": "福建省", "place": "福州市"})
    >>> matches(j, ["福建"]), matches(j, ["*商务局"]), matches(j, ["厦门"]), matches(j, ["商务?"])
    (True, True, False, False)
    """
    from fnmatch import fnmatchcase

    texts = [job.title, job.meta.get("region") or "", job.meta.get("place") or ""]
    for p in patterns:
        wild = any(ch in p for ch in "*?[")
        if any((fnmatchcase(t, p) if wild else p in t) for t in texts if t):
            return True
    return False


def _one_line(s: str, limit: int = 80) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def corpus_counts(corpus: Any) -> dict[str, int]:
    """What the index says about the corpus as a whole."""
    return {
        "reports": len(corpus.reports),
        "duplicates": int((corpus.all_reports["status"] == "duplicate").sum()),
        "anonymous": int(corpus.reports["agency"].isna().sum()),
    }


def write_index(
    out: Path,
    jobs: list[Job],
    results: dict[str, dict[str, Any]],
    failures: list[dict[str, Any]],
    counts: dict[str, int],
) -> None:
    from .html import index_page

    def entry(j: Job) -> dict[str, Any]:
        html_rel = f"{j.out_stem}.html"
        r = results.get(j.key)
        return {
            "title": j.title,
            "html": html_rel if (out / html_rel).exists() else "",
            "failed": bool(r and not r["ok"]),
            **j.meta,
        }

    overall = [entry(j) for j in jobs if j.kind != "agency_summary"]
    agencies = [entry(j) for j in jobs if j.kind == "agency_summary"]
    n_rep, n_dup, n_anon = counts["reports"], counts["duplicates"], counts["anonymous"]
    anon = f"另有 {n_anon} 份报告未能识别机关，见语料总览。" if n_anon else ""
    summary = (
        f"语料：{n_rep} 份报告（另有 {n_dup} 个重复文件未计入），{len(agencies)} 个机关。{anon}"
        f"每页图表中的“缺失”表示报告中未找到该数字，不等于 0。"
    )
    ship_font(out)
    write_text(out / "index.html", index_page(overall, agencies, failures, summary))


def ship_font(out: Path) -> Path:
    """Copy the CJK font the pages refer to into reports/ once (atomically; skipped when
    unchanged)."""
    import shutil

    from .charts import font_path
    from .html import FONT_ASSET

    src, dst = font_path(), out / FONT_ASSET
    if not (dst.exists() and dst.stat().st_size == src.stat().st_size):
        with atomic_path(dst, keep_if_same=False) as tmp:
            shutil.copyfile(src, tmp)
    return dst


def readme_image(processed_dir: Path, path: Path, metric: str = "proactive_total") -> Path:
    """The README's example chart: one metric across the corpus's agencies, from the seeds."""
    from . import charts
    from . import data as rd

    corpus = rd.load(processed_dir)
    reps = rd.scope(corpus, [])
    fig = charts.metric_across_agencies(
        rd.metric_long(corpus, reps, metric), metric, charts.agency_colors(rd.agencies(corpus))
    )
    return charts.save(fig, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m analysis.reports",
        description="Build data/processed if its inputs changed, then run every report notebook "
        "with papermill (one agency summary per agency, plus cross_year and corpus_overview) into "
        "executed notebooks and standalone HTML, with an index page. Unchanged reports are "
        "skipped; a failed notebook is "
        "listed and makes the exit code 1, the others still run.",
    )
    ap.add_argument(
        "--raw",
        default=str(ROOT / "data" / "raw"),
        help="folder of report files (default: data/raw)",
    )
    ap.add_argument(
        "--processed",
        default=str(ROOT / "data" / "processed"),
        help="processed tables folder (default: data/processed)",
    )
    ap.add_argument("--out", default=str(ROOT / "reports"), help="output folder (default: reports)")
    ap.add_argument(
        "--notebooks", default=str(ROOT / "notebooks"), help="folder of the notebook templates"
    )
    ap.add_argument("--jobs", type=int, default=0, help="notebooks run at once (0: one per core)")
    ap.add_argument("--no-build", action="store_true", help="use data/processed as it is")
    ap.add_argument(
        "--force", action="store_true", help="run every notebook even if nothing changed"
    )
    ap.add_argument(
        "--only",
        action="append",
        choices=["agency_summary"] + [k for k, _, _ in CORPUS_PAGES],
        help="run only this kind of notebook (repeatable)",
    )
    ap.add_argument(
        "--agencies",
        action="append",
        metavar="PATTERN",
        help="make the summaries of these agencies only (repeatable): a part of the name, "
        "province or place, or a wildcard such as '*商务局'; the corpus pages still run",
    )
    ap.add_argument(
        "--engine",
        choices=list(ENGINE_NAMES),
        default="warm",
        help="warm: one kept kernel per worker (default); plain: a fresh kernel per notebook",
    )
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument(
        "--readme-image", metavar="PNG", help="only render the README's example chart to this file"
    )
    args = ap.parse_args(argv)
    if not args.no_build:
        from ..build.run import build

        code = build(raw_dir=Path(args.raw), out_dir=Path(args.processed), quiet=args.quiet)
        if code:
            return code
    if args.readme_image:
        print(
            f"wrote {readme_image(Path(args.processed), Path(args.readme_image))}", file=sys.stderr
        )
        return 0
    try:
        return run(
            Path(args.processed),
            Path(args.out),
            Path(args.notebooks),
            jobs=args.jobs,
            force=args.force,
            only=args.only,
            quiet=args.quiet,
            agencies=[a for a in args.agencies or [] if a.strip()] or None,
            engine=args.engine,
        )
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
