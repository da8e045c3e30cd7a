"""`python -m analysis extract`: one record per input, bad files included, in the order given."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import RAW, ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_bad_files_yield_error_records_and_the_rest_still_come_out(tmp_path: Path):
    good = tmp_path / "good.txt"
    shutil.copy(RAW / "004_61bfce714908b168.txt", good)
    (tmp_path / "empty.txt").write_bytes(b"")
    res = run(
        "extract",
        str(good),
        str(tmp_path / "empty.txt"),
        str(tmp_path / "missing.txt"),
        str(good),
        "--format",
        "jsonl",
    )
    assert res.returncode == 0
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["source"] for r in recs] == [
        str(good),
        str(tmp_path / "empty.txt"),
        str(tmp_path / "missing.txt"),
        str(good),
    ]
    assert recs[0]["ok"] and recs[0]["metrics"]["proactive_total"]["value"] > 0
    assert recs[0]["agency"] == recs[3]["agency"] == "新余市商务局"
    for r, code in ((recs[1], "empty"), (recs[2], "unreadable")):
        assert r["ok"] is False and r["issues"][0]["code"] == code
    assert "empty.txt: the file is empty" in res.stderr
    assert "missing.txt: cannot be read" in res.stderr
    for key in (
        "source",
        "agency",
        "report_year",
        "publish_date",
        "script",
        "encoding",
        "format",
        "metrics",
        "issues",
    ):
        assert all(key in r for r in recs), key


def test_a_folder_is_read_with_its_manifest(tmp_path: Path):
    shutil.copy(RAW / "002_ee0bfc924291661c.txt", tmp_path / "a.txt")
    (tmp_path / "manifest.csv").write_text(
        "file,agency\na.txt,呼和浩特市商务局\n", encoding="utf-8"
    )
    recs = [json.loads(line) for line in run("extract", str(tmp_path)).stdout.splitlines()]
    assert len(recs) == 1 and recs[0]["agency"] == "呼和浩特市商务局" and recs[0]["overrides"]
    recs = [
        json.loads(line)
        for line in run("extract", str(tmp_path), "--no-manifest").stdout.splitlines()
    ]
    assert recs[0]["agency"] == "市商务局" and not recs[0]["overrides"]
