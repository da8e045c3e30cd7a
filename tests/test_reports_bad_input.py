"""`make reports` over the seeds plus bad files: every seed report and chart is still produced."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from conftest import RAW, ROOT


def test_reports_survive_bad_files_and_duplicates(tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    shutil.copy(RAW / "004_61bfce714908b168.txt", raw / "copy_of_004.txt")
    (raw / "gbk.txt").write_bytes(
        "某县交通运输局2017年政府信息公开工作年度报告\n2017年,我局主动公开政府信息31条。\n".encode(
            "gbk"
        )
    )
    out, processed = tmp_path / "reports", tmp_path / "processed"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.reports",
            "--raw",
            str(raw),
            "--processed",
            str(processed),
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    agencies = set(pd.read_parquet(processed / "reports.parquet").query("status == 'ok'")["agency"])
    assert {
        "福州市商务局",
        "张店区商务局",
        "呼和浩特市商务局",
        "贵州省工商局",
        "新余市商务局",
        "某县交通运输局",
    } <= agencies
    index = (out / "index.html").read_text(encoding="utf-8")
    for agency in agencies:
        assert agency in index, agency  # readable, not entity-escaped
    pages = sorted((out / "agency").glob("*.html"))
    assert len(pages) == len(agencies)  # the duplicate of 004 makes no second page
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3, page.name  # charts
    overview = html.unescape((out / "corpus_overview.html").read_text(encoding="utf-8"))
    for bad in ("empty.txt", "photo.txt", "copy_of_004.txt"):
        assert bad in overview, bad
    # the pages carry their own CJK font, so a browser without one still shows Chinese
    assert (out / "assets" / "NotoSansCJK-Regular.ttc").stat().st_size > 1_000_000
    assert 'url("assets/NotoSansCJK-Regular.ttc")' in index
    assert 'url("../assets/NotoSansCJK-Regular.ttc")' in pages[0].read_text(encoding="utf-8")
