"""A batch with every kind of bad file: clear messages, nothing lost, the good reports intact."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import opencc
import pandas as pd
import pytest
from conftest import RAW, ROOT

REPORT = (
    "{agency}{year}年政府信息公开工作年度报告\n一、主动公开政府信息情况\n{year}年,我局主动公开政府信息{n}条。\n"
    "二、依申请公开情况\n全年共受理政府信息公开申请{m}件。\n"
)


def report(agency: str, year: int, n: int, m: int) -> str:
    return REPORT.format(agency=agency, year=year, n=n, m=m)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def run_build(raw: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


BAD = {
    "empty.txt": ("empty", b""),
    "photo.txt": ("PNG image", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
    "archive.txt": ("ZIP", b"PK\x03\x04" + zlib.compress(os.urandom(3000))),
    "garbage.txt": ("not valid", bytes([0x81, 0x20, 0xFF, 0x80, 0xFE]) * 500),
    "mojibake.txt": (
        "mojibake",
        report("某县水利局", 2019, 10, 1)
        .encode("utf-8")
        .decode("gbk", errors="replace")
        .encode("utf-8"),
    ),
}


@pytest.fixture(scope="module")
def messy(
    tmp_path_factory,
) -> tuple[Path, Path, subprocess.CompletedProcess, Path, subprocess.CompletedProcess]:
    base = tmp_path_factory.mktemp("messy")
    clean_raw, raw = base / "clean_raw", base / "raw"
    shutil.copytree(RAW, clean_raw)
    shutil.copytree(RAW, raw)
    for name, (_, data) in BAD.items():
        (raw / name).write_bytes(data)
    with (raw / "huge.txt").open("wb") as fh:
        fh.write(report("某县林业局", 2018, 5, 0).encode())
        fh.seek(50 * 2**20)
        fh.write(b"\n")
    (raw / "gbk.txt").write_bytes(report("某县交通运输局", 2017, 31, 2).encode("gbk"))
    (raw / "gb18030.txt").write_bytes(report("𠀾县交通运输局", 2017, 32, 2).encode("gb18030"))
    (raw / "big5.txt").write_bytes(
        opencc.OpenCC("s2t").convert(report("某县教育局", 2016, 33, 3)).encode("big5")
    )
    (raw / "utf16.txt").write_bytes(report("某县民政局", 2015, 34, 4).encode("utf-16"))
    (raw / "page.txt").write_text(
        "<!DOCTYPE html><html><head><script>var a='主动公开政府信息999条';</script>"
        "<style>p{}</style></head><body><nav>首页 &gt; 年报</nav><p>"
        + report("某县审计局", 2014, 35, 5).replace("\n", "</p><p>")
        + "</p></body></html>",
        encoding="utf-8",
    )
    (raw / "anonymous.txt").write_text(
        "我局认真做好政府信息公开工作,主动公开政府信息12条。\n", encoding="utf-8"
    )
    (raw / "future.txt").write_text(report("某县统计局", 2099, 36, 6), encoding="utf-8")
    (raw / "ancient.txt").write_text(report("某县档案局", 2005, 37, 7), encoding="utf-8")
    shutil.copy(RAW / "004_61bfce714908b168.txt", raw / "copy_of_004.txt")  # the same bytes
    shutil.copy(
        raw / "page.txt", raw / "page_mirror.txt"
    )  # the same bytes, with messages that name the file
    (raw / "again_004.txt").write_text(
        report("新余市商务局", 2019, 998, 0) + "再次发布。\n", encoding="utf-8"
    )  # same agency+year
    before = snapshot(raw)
    out, clean_out = base / "processed", base / "clean_processed"
    res = run_build(raw, out)
    clean = run_build(clean_raw, clean_out)
    assert snapshot(raw) == before, "the build changed data/raw"
    return raw, out, res, clean_out, clean


def test_build_finishes_and_lists_each_bad_file_once(messy):
    raw, out, res, _, _ = messy
    assert res.returncode == 0, res.stderr
    bad_lines = [ln for ln in res.stderr.splitlines() if "bad file:" in ln]
    for name, (words, _) in list(BAD.items()) + [("huge.txt", ("MB", b""))]:
        mine = [ln for ln in bad_lines if f" {name}:" in ln]
        assert len(mine) == 1, (name, bad_lines)
        assert words in mine[0]
    assert len(bad_lines) == len(BAD) + 1


def test_every_file_has_a_row_and_errors_say_why(messy):
    raw, out, _, _, _ = messy
    reports = pd.read_parquet(out / "reports.parquet")
    assert set(reports["report_id"]) == {p.name for p in raw.iterdir() if p.name != "manifest.csv"}
    errors = reports[reports["status"] == "error"].set_index("report_id")
    assert set(errors.index) == set(BAD) | {"huge.txt"}
    for name in errors.index:
        assert errors.loc[name, "flags"].startswith(name + ":")


def test_good_reports_in_any_encoding_are_read(messy):
    _, out, _, _, _ = messy
    reports = pd.read_parquet(out / "reports.parquet").set_index("report_id")
    metrics = pd.read_parquet(out / "metrics.parquet")
    proactive = metrics[metrics["metric"] == "proactive_total"].set_index("report_id")["value"]
    for name, enc, n in [
        ("gbk.txt", "gbk", 31),
        ("gb18030.txt", "gb18030", 32),
        ("big5.txt", "big5", 33),
        ("utf16.txt", "utf-16 (BOM, LE)", 34),
        ("page.txt", "utf-8", 35),
    ]:
        assert reports.loc[name, "status"] == "ok"
        assert reports.loc[name, "encoding"] == enc
        assert proactive[name] == n
    assert reports.loc["page.txt", "file_format"] == "html"
    assert "HTML page" in reports.loc["page.txt", "flags"]


def test_seed_figures_unchanged_by_the_bad_company(messy):
    _, out, _, clean_out, clean = messy
    assert clean.returncode == 0
    cols = ["report_id", "metric", "value", "approximate", "evidence"]
    a = pd.read_parquet(out / "metrics.parquet")
    b = pd.read_parquet(clean_out / "metrics.parquet")
    seeds = set(b["report_id"])
    a = a[a["report_id"].isin(seeds)][cols].sort_values(cols[:2]).reset_index(drop=True)
    b = b[cols].sort_values(cols[:2]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_duplicates_kept_once_and_never_counted_twice(messy):
    _, out, res, _, _ = messy
    reports = pd.read_parquet(out / "reports.parquet").set_index("report_id")
    assert reports.loc["copy_of_004.txt", "status"] == "duplicate"
    assert reports.loc["copy_of_004.txt", "duplicate_of"] == "004_61bfce714908b168.txt"
    assert reports.loc["again_004.txt", "status"] == "duplicate"
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert not metrics["report_id"].isin(["copy_of_004.txt", "again_004.txt"]).any()
    kept = metrics[(metrics["agency"] == "新余市商务局") & (metrics["metric"] == "proactive_total")]
    assert len(kept) == 1
    assert reports.loc["page_mirror.txt", "duplicate_of"] == "page.txt"
    assert sum("duplicate:" in ln for ln in res.stderr.splitlines()) == 3


def test_missing_year_agency_and_odd_years_are_flagged(messy):
    _, out, _, _, _ = messy
    issues = pd.read_parquet(out / "issues.parquet")
    codes = issues.groupby("report_id")["code"].apply(set)
    assert {"no-year", "no-agency"} <= codes["anonymous.txt"]
    assert "year-out-of-range" in codes["future.txt"]
    assert "year-out-of-range" in codes["ancient.txt"]


def test_csv_exports_open_in_excel(messy):
    _, out, _, _, _ = messy
    for name in ("reports", "metrics", "issues", "checks", "cells", "texts"):
        data = (out / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
        data.decode("utf-8-sig")
    df = pd.read_csv(out / "metrics.csv", encoding="utf-8-sig")
    assert "某县交通运输局" in set(df["agency"])


def test_interrupted_build_keeps_previous_outputs_and_next_run_completes(tmp_path: Path):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(RAW, raw)
    assert run_build(raw, out).returncode == 0
    outputs = {
        p.name: p.read_bytes()
        for p in out.iterdir()
        if p.is_file() and p.suffix in (".parquet", ".csv")
    }
    assert len(outputs) >= 12
    seed = (RAW / "004_61bfce714908b168.txt").read_text(encoding="utf-8")
    for i in range(400):  # seed-sized reports: enough work that the kill lands mid-build
        (raw / f"extra_{i:04d}.txt").write_text(
            seed.replace("新余市", f"某{i}市").replace("998条", f"{998 + i}条"), encoding="utf-8"
        )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analysis",
            "build",
            "--raw",
            str(raw),
            "--out",
            str(out),
            "--jobs",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(1.0)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for name, data in outputs.items():
        assert (out / name).read_bytes() == data, f"{name} was damaged by the interrupted build"
    res = run_build(raw, out)
    assert res.returncode == 0, res.stderr
    reports = pd.read_parquet(out / "reports.parquet")
    assert len(reports) == len([p for p in raw.iterdir() if p.name != "manifest.csv"])
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")], (
        "temporary files left behind"
    )


def test_unchanged_input_rewrites_nothing(tmp_path: Path):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(RAW, raw)
    assert run_build(raw, out).returncode == 0
    before = snapshot(out)
    time.sleep(0.05)
    res = run_build(raw, out)
    assert res.returncode == 0
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k != "build-state.json"} == {
        k: v for k, v in before.items() if k != "build-state.json"
    }


def test_copies_of_the_same_bytes_each_name_themselves_in_their_messages(messy):
    """Records are cached by content, but a message names its file: a copy must not carry the
    original's name."""
    _, out, _, _, _ = messy
    issues = pd.read_parquet(out / "issues.parquet")
    for rid in ("page.txt", "page_mirror.txt"):
        mine = issues[(issues["report_id"] == rid) & (issues["code"] == "html-page")]
        assert len(mine) == 1, rid
        assert mine["message"].iloc[0].startswith(rid + ":"), mine["message"].iloc[0]
