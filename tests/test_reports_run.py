"""`python -m analysis.reports` end to end, on a corpus built from two seeds in a temporary folder.

Covers skipping unchanged work, re-running only what a changed file touches, and a failing
notebook (the others still run, the old good report survives, exit 1 naming the notebook).
Hostile agency names are in test_reports_hostile.py (a separate module, so xdist can run
the two slow end-to-end tests on different workers).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from conftest import RAW, ROOT

SEED_A, SEED_B, SEED_C = (
    "000_5c8a14d5fa55ccf4.txt",
    "001_fc4f34c734b4c5a9.txt",
    "004_61bfce714908b168.txt",
)


def _run(base: Path, *extra: str, notebooks: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "analysis.reports",
        "--raw",
        str(base / "raw"),
        "--processed",
        str(base / "processed"),
        "--out",
        str(base / "reports"),
        "--notebooks",
        str(notebooks or ROOT / "notebooks"),
        "--jobs",
        "2",
        *extra,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)


def _corpus(base: Path, files: list[str], manifest: dict[str, str] | None = None) -> Path:
    raw = base / "raw"
    raw.mkdir(parents=True)
    for f in files:
        shutil.copy(RAW / f, raw / f)
    if manifest:
        with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "agency"])
            w.writerows(manifest.items())
    return raw


def _ran(proc: subprocess.CompletedProcess) -> set[str]:
    return {m.group(1) for m in re.finditer(r"\] (.+?): (?:ok|FAILED)", proc.stderr)}


def _no_temp_files(out: Path) -> None:
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".run.") or p.name.endswith(".tmp")]
    assert leftovers == []


def test_skips_unchanged_work_reruns_only_what_a_change_touches_and_survives_a_failing_notebook(
    tmp_path,
):
    _corpus(tmp_path, [SEED_A, SEED_B])
    out = tmp_path / "reports"
    cold = _run(tmp_path)
    assert cold.returncode == 0, cold.stderr
    assert "5 ran, 0 skipped (unchanged)" in cold.stderr
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert pages == [
        "agency/张店区商务局.html",
        "agency/福州市商务局.html",
        "corpus_overview.html",
        "cross_year.html",
        "index.html",
        "indicators.html",
    ]
    assert len(list(out.rglob("*.ipynb"))) == 5
    stamps = {
        p: p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".ipynb")
    }

    # nothing changed: nothing runs, nothing is rewritten (the index included)
    warm = _run(tmp_path)
    assert warm.returncode == 0 and "nothing changed since the last complete run" in warm.stderr
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    # the same after the tables were rewritten with the same rows: planned, nothing runs
    for p in (tmp_path / "processed").glob("*.parquet"):
        os.utime(p)
    warm = _run(tmp_path)
    assert warm.returncode == 0 and "0 ran, 5 skipped (unchanged)" in warm.stderr
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps

    # one raw file changed, and the cross_year template is broken: the changed agency and the
    # overview run again, cross_year fails (exit 1, named), the other agency is skipped,
    # and the earlier good cross_year page stays
    good = (out / "cross_year.html").read_bytes()
    nb_dir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nb_dir)
    nb = nbformat.read(str(nb_dir / "cross_year.ipynb"), as_version=4)
    first = next(
        c
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    )
    first.source = 'raise RuntimeError("boom: broken template")\n' + first.source
    nbformat.write(nb, str(nb_dir / "cross_year.ipynb"))
    with (tmp_path / "raw" / SEED_B).open("a", encoding="utf-8") as fh:
        fh.write("\n本报告另附说明。\n")
    bad = _run(tmp_path, notebooks=nb_dir)
    assert bad.returncode == 1
    assert _ran(bad) == {
        "agency_summary · 张店区商务局",
        "cross_year",
        "corpus_overview",
        "indicators",
    }
    assert "3 ran, 1 skipped (unchanged), 1 failed" in bad.stderr, bad.stderr[-3000:]
    assert (
        f"FAILED {nb_dir / 'cross_year.ipynb'}" in bad.stderr
        and "boom: broken template" in bad.stderr
    )
    # the changed agency's notebook is executed again (its page may come out byte-identical
    # when the change does not show, and is then left as it was); the other is not touched
    untouched, changed = out / "agency" / "福州市商务局.html", out / "agency" / "张店区商务局.ipynb"
    assert (
        untouched.stat().st_mtime_ns == stamps[untouched]
        and changed.stat().st_mtime_ns != stamps[changed]
    )
    assert (out / "cross_year.html").read_bytes() == good
    failed = out / "failed" / "cross_year.ipynb"
    assert failed.is_file() and "boom: broken template" in failed.read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "运行失败" in index and "cross_year.ipynb" in index and 'href="cross_year.html"' in index
    _no_temp_files(out)

    # a failure is not remembered as done: back on the good templates only cross_year runs,
    # and succeeds
    fixed = _run(tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert _ran(fixed) == {"cross_year"}
    fresh = out / "cross_year.ipynb"  # executed again (the page itself may be byte-identical)
    assert fresh.stat().st_mtime_ns != stamps[fresh] and (out / "cross_year.html").exists()
    assert "运行失败" not in (out / "index.html").read_text(encoding="utf-8")

    # a subset: only the agencies matching the pattern (and the corpus pages) run; the other
    # agency's page and state stay, so a later full run still skips it
    other = out / "agency" / "福州市商务局.ipynb"
    before = other.stat().st_mtime_ns
    subset = _run(tmp_path, "--force", "--agencies", "张店*")
    assert subset.returncode == 0, subset.stderr
    assert _ran(subset) == {
        "agency_summary · 张店区商务局",
        "cross_year",
        "corpus_overview",
        "indicators",
    }
    assert other.stat().st_mtime_ns == before
    again = _run(tmp_path)
    assert again.returncode == 0 and _ran(again) == set(), again.stderr


def test_help_describes_the_command():
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.reports", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0 and "papermill" in proc.stdout and "--force" in proc.stdout
