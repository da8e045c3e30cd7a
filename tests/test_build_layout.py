"""Tables too large for one CSV (analysis.build.layout), and the build's up-to-date check.

The row limit is Excel's (1,048,575 rows under the header); the tests lower it with
ANALYSIS_FLAT_MAX_ROWS so that a corpus of a few dozen reports has tables on both sides.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import seeds_and_generated

from analysis import dataset, tidy
from analysis.build import layout as L
from analysis.build import run as R
from analysis.build import state as K
from analysis.build import summary as S
from analysis.build import versions as V
from analysis.reports import data as rd

TABLES = list(tidy.SCHEMAS)


def build(raw: Path, out: Path, limit: int | None = None, stats: Path | None = None) -> str:
    """Build (two processes), with the row limit set or not; returns what it printed."""
    env = {L.FLAT_ROWS_ENV: str(limit)} if limit is not None else {}
    if stats is not None:
        env[R.STATS_ENV] = str(stats)
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err):
        mp.delenv(L.FLAT_ROWS_ENV, raising=False)
        for k, v in env.items():
            mp.setenv(k, v)
        assert R.build(raw, out, jobs=2) == 0
    return err.getvalue()


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in folder.rglob("*")
        if p.is_file()
    }


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def by_every_column(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns), na_position="first").reset_index(drop=True)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    return seeds_and_generated(tmp_path_factory.mktemp("layout") / "raw", 30, seed=9)


@pytest.fixture(scope="module")
def flat(raw: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("layout-flat") / "processed"
    build(raw, out)
    return out


@pytest.fixture(scope="module")
def limit(flat: Path) -> int:
    """As many rows as the reports table has: it stays flat, the larger tables do not."""
    return len(dataset.load("reports", flat))


@pytest.fixture(scope="module")
def split(raw: Path, limit: int, tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("layout-split") / "processed"
    return out, build(raw, out, limit)


def rows_of(processed: Path) -> dict[str, int]:
    return {name: len(dataset.load(name, processed)) for name in TABLES}


def test_a_table_over_the_limit_has_a_csv_per_year_and_no_flat_files(flat, split, limit):
    out, _ = split
    rows = rows_of(flat)
    over = [n for n in TABLES if rows[n] > limit]
    assert {"metrics", "cells"} <= set(over) and "reports" not in over and len(over) < len(TABLES)
    a, b = outputs(flat), outputs(out)
    for name in TABLES:
        flat_csv = read_csv(flat / f"{name}.csv")
        if name not in over:  # as before, byte for byte
            for ext in ("parquet", "csv"):
                assert b[f"{name}.{ext}"] == a[f"{name}.{ext}"], name
            assert not (out / L.CSV_DIR / name).exists()
            continue
        assert not (out / f"{name}.parquet").exists() and not (out / f"{name}.csv").exists()
        years = [
            None if d.name.endswith(tidy.YEAR + "=__HIVE_DEFAULT_PARTITION__") else int(d.name[12:])
            for d in sorted((out / tidy.PARTS_DIR / name).iterdir())
        ]
        want = {Path(L.csv_name(name, y)).name for y in years}
        assert {p.name for p in (out / L.CSV_DIR / name).iterdir()} == want
        header = (flat / f"{name}.csv").read_bytes().split(b"\r\n")[0]
        parts = []
        for y in years:
            path = out / L.CSV_DIR / L.csv_name(name, y)
            assert path.read_bytes().split(b"\r\n")[0] == header  # BOM and the same columns
            part = read_csv(path)
            if tidy.YEAR in part.columns:  # each file holds its own year's rows only
                assert set(part[tidy.YEAR]) == {"" if y is None else str(y)}, (name, y)
            parts.append(part)
        got = pd.concat(parts, ignore_index=True)
        assert len(got) == len(flat_csv) == rows[name]
        pd.testing.assert_frame_equal(by_every_column(got), by_every_column(flat_csv))
    # the year partitions are the same files in both layouts
    assert {k: v for k, v in b.items() if k.startswith(tidy.PARTS_DIR)} == {
        k: v for k, v in a.items() if k.startswith(tidy.PARTS_DIR)
    }


def test_the_build_summary_says_where_the_csvs_are(flat, split, limit):
    _, err = split
    rows = rows_of(flat)
    for name in TABLES:
        line = f"csv/{name}/{name}_YYYY.csv"
        assert (line in err) == (rows[name] > limit), name
    assert f"metrics: {rows['metrics']:,} rows, more than one CSV may hold ({limit:,}" in err


@pytest.mark.parametrize("name", TABLES)
def test_dataset_reads_either_layout_as_the_same_table(flat, split, name):
    out, _ = split
    a, b = dataset.load(name, flat), dataset.load(name, out)
    assert list(b.columns) == list(a.columns) == tidy.SCHEMAS[name].names
    assert list(b.dtypes) == list(a.dtypes)
    pd.testing.assert_frame_equal(by_every_column(b), by_every_column(a))
    years = sorted(dataset.reports(flat)["report_year"].dropna().astype(int).unique())[:2]
    pd.testing.assert_frame_equal(
        by_every_column(dataset.load(name, out, years=years)),
        by_every_column(dataset.load(name, flat, years=years)),
    )


def test_the_report_pages_data_is_the_same_in_either_layout(flat, split):
    out, _ = split
    for loader in (rd.load, rd.load_figures):  # the agency pages', the corpus pages'
        rd.forget()
        x_all = loader(flat)
        rd.forget()
        y_all = loader(out)
        rd.forget()
        for f in ("reports", "all_reports", "metrics", "issues", "cells", "checks"):
            x, y = getattr(x_all, f), getattr(y_all, f)
            assert list(x.columns) == list(y.columns) and list(x.dtypes) == list(y.dtypes), f
            pd.testing.assert_frame_equal(
                by_every_column(y.astype(str)), by_every_column(x.astype(str)), obj=f
            )
    a, b = rd.load(flat), rd.load(out)
    rd.forget()
    assert rd.agencies(a) == rd.agencies(b)
    for agency in rd.agencies(a)[:8]:  # what an agency page shows of its figures and tables
        va, vb = rd.agency_view(a, agency), rd.agency_view(b, agency)
        pd.testing.assert_frame_equal(rd.figures_table(vb), rd.figures_table(va), obj=agency)
        pd.testing.assert_frame_equal(rd.checks_table(vb), rd.checks_table(va), obj=agency)


def test_signature_changes_with_a_table_in_either_layout(flat, split):
    out, _ = split
    assert [f for f, _, _ in dataset.signature("metrics", flat)] == ["metrics.parquet"]
    sig = dataset.signature("metrics", out)
    assert sig and all(f.startswith("parquet/metrics/report_year=") for f, _, _ in sig)
    assert dataset.signature("metrics", out / "nothing") == ()
    before = rd._signature(out)  # what the report pages' cache and skip check go by
    first = out / sig[0][0]
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 10**9))
    assert dataset.signature("metrics", out) != sig
    assert rd._signature(out) != before


def test_one_changed_report_rewrites_only_its_years_csvs(raw, limit, tmp_path):
    mine = tmp_path / "raw"
    shutil.copytree(raw, mine)
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    build(mine, out, limit, stats)
    first = json.loads(stats.read_text())
    assert first["year_csvs_written"] == first["year_csvs"] > 0
    reports = dataset.reports(out)
    row = reports[reports["file"].str.endswith(".txt") & reports["report_year"].notna()].iloc[0]
    year = int(row["report_year"])
    before = stamps(out)
    target = mine / row["file"]
    # one figure of it corrected: its metrics of that year change
    text = target.read_text(encoding="utf-8")
    fixed = re.sub(r"(\d+)(件|条)", lambda m: f"{int(m[1]) + 1}{m[2]}", text, count=1)
    assert fixed != text
    target.write_text(fixed, encoding="utf-8")
    build(mine, out, limit, stats)
    s = json.loads(stats.read_text())
    assert s["extracted"] == 1
    ours = [k for k in before if k.startswith(L.CSV_DIR) and k.endswith(f"_{year}.csv")]
    others = [k for k in before if k.startswith(L.CSV_DIR) and k not in ours]
    assert ours and others
    after = stamps(out)
    assert f"{L.CSV_DIR}/metrics/metrics_{year}.csv" in [k for k in ours if after[k] != before[k]]
    assert 1 <= s["year_csvs_written"] <= len(ours) and s["year_csvs"] == first["year_csvs"]
    assert all(after[k] == before[k] for k in others)


def test_a_table_that_grows_past_the_limit_changes_layout_and_back(
    raw, flat, split, limit, tmp_path
):
    out = tmp_path / "out"
    build(raw, out)
    assert outputs(out).keys() == outputs(flat).keys()
    build(raw, out, limit)  # the same corpus, now over the (lowered) limit
    want = outputs(split[0])
    got = outputs(out)
    assert got.keys() == want.keys()
    assert [k for k in got if got[k] != want[k]] == []
    build(raw, out)  # and back: the per-year CSVs go, the flat files return
    assert not (out / L.CSV_DIR).exists()
    got, want = outputs(out), outputs(flat)
    assert got.keys() == want.keys() and [k for k in got if got[k] != want[k]] == []


def test_nothing_changed_is_decided_without_the_state_and_never_wrongly(raw, tmp_path):
    mine = tmp_path / "raw"
    shutil.copytree(raw, mine)
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    build(mine, out)

    def again() -> dict:
        build(mine, out, stats=stats)
        return json.loads(stats.read_text())

    before = stamps(out)
    s = again()
    assert s["up_to_date"] and s.get("quick") and stamps(out) == before
    # touched, same bytes: the full check says up to date and remembers the new time
    f = next(p for p in sorted(mine.iterdir()) if p.suffix == ".txt")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    s = again()
    assert s["up_to_date"] and not s.get("quick") and s["extracted"] == 0
    assert again().get("quick")
    # an output that went missing is made again
    part = next((out / tidy.PARTS_DIR / "metrics").rglob("*.parquet"))
    part.unlink()
    s = again()
    assert not s.get("up_to_date") and part.exists()
    assert again().get("quick")
    # a changed file is read again
    f.write_bytes(f.read_bytes() + b"\n")
    s = again()
    assert not s.get("up_to_date") and s["extracted"] == 1
    # a changed manifest, or another row limit, is not "nothing changed" either
    with (mine / "manifest.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    s = again()
    assert not s.get("quick")
    build(mine, out, limit=10**12, stats=stats)
    assert not json.loads(stats.read_text()).get("quick")


def test_the_imports_cache_gives_the_versions_parsing_gives(tmp_path, monkeypatch):
    plain = (V.code_version(), V.writer_version())
    cache = tmp_path / "imports.json"
    try:
        V.use_cache(cache)
        assert (V.code_version(), V.writer_version()) == plain
        V.save_cache()
        saved = json.loads(cache.read_text())
        assert any(k.startswith("analysis.extract:0:") for k in saved)
        V.use_cache(cache)  # a new build: nothing is parsed again

        def no_parse(*a):
            raise AssertionError("parsed although cached")

        monkeypatch.setattr(V, "_imports_of", no_parse)
        assert (V.code_version(), V.writer_version()) == plain
        monkeypatch.undo()
        cache.write_text("{not json")  # a broken cache is parsed around, not trusted
        V.use_cache(cache)
        assert (V.code_version(), V.writer_version()) == plain
    finally:
        V.use_cache(None)


@pytest.mark.parametrize("old_format", [1, 2])
def test_a_state_of_a_format_before_is_read(raw, tmp_path, old_format):
    """States of before the slices were kept held every file and summary in
    build-state.json: objects (format 1), then rows (format 2). An upgraded build reads
    them instead of hashing and extracting the corpus again."""
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    build(raw, out)
    state_file = out / "build-state.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    saved = K.load(out)
    assert state["format"] == R.STATE_FORMAT and "files" not in state
    rows = [f for sl in saved.slices for f in sl.rows()]
    summaries = [x for sl in saved.slices for x in sl.summaries]
    assert [f[0] for f in rows] == [x[0] for x in summaries] == sorted(state_names(raw))
    names = S.Summary._fields[1:]
    if old_format == 2:
        old = dict(state) | {
            "format": 2,
            "files": [list(f[:4]) for f in rows],
            "summaries": [[f[4], *x[1:-1], list(x[-1])] for f, x in zip(rows, summaries)],
        }
    else:
        fields = ["sha256", "size", "mtime_ns"]
        old = dict(state) | {
            "files": {f[0]: dict(zip(fields, f[1:4])) for f in rows},
            "summaries": {f[4]: dict(zip(names, x[1:])) for f, x in zip(rows, summaries)},
        }
        del old["format"]

    def downgrade():
        state_file.write_text(json.dumps(old), encoding="utf-8")
        (out / K.FILE).unlink(missing_ok=True)
        (out / R.QUICK_FILE).unlink()

    downgrade()
    build(raw, out, stats=stats)
    s = json.loads(stats.read_text())
    assert s["up_to_date"] and s["extracted"] == 0 and not s.get("quick")
    # and with a file changed, only that one is read again: the summaries were understood
    downgrade()
    mine = tmp_path / "raw"
    shutil.copytree(raw, mine)
    f = next(p for p in sorted(mine.iterdir()) if p.suffix == ".txt")
    f.write_bytes(f.read_bytes() + b"\n")
    build(mine, out, stats=stats)
    assert json.loads(stats.read_text())["extracted"] == 1
    assert len(K.load(out).slices) == len(saved.slices)  # and kept by slice from then on


def state_names(raw):
    return [p.name for p in raw.iterdir() if p.is_file() and p.name not in R.SKIP_NAMES]


def test_a_file_saved_again_rewrites_only_the_tables_its_rows_changed_in(raw, tmp_path):
    mine = tmp_path / "raw"
    shutil.copytree(raw, mine)
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    build(mine, out)
    before = stamps(out)
    f = mine / "004_61bfce714908b168.txt"
    original = f.read_bytes()
    f.write_bytes(original + b"\n")  # new bytes, the same report: its sha256 and size change
    build(mine, out, stats=stats)
    s = json.loads(stats.read_text())
    after = stamps(out)
    assert s["extracted"] == 1 and not s.get("indicators_computed")
    assert after["reports.parquet"] != before["reports.parquet"]
    for name in ("texts", "metrics", "indicators"):  # the same rows: not written again
        assert after[f"{name}.csv"] == before[f"{name}.csv"], name
        assert after[f"{name}.parquet"] == before[f"{name}.parquet"], name
    assert s["flat_written"] == 2 * sum(
        1 for n in TABLES if (out / f"{n}.csv").exists() and after[f"{n}.csv"] != before[f"{n}.csv"]
    )
    fresh = tmp_path / "fresh"  # and what it left is what a build from nothing gives
    build(mine, fresh)
    a, b = outputs(out), outputs(fresh)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k] and k != "build-state.json"] == []
    # a change of the text (in its title): its texts are written again; the corpus
    # indicators, made from the sentence hashes and the flagged reports' passages, are
    # recomputed only if those changed, and are what a build from nothing gives either way
    f.write_bytes(original.replace("政府信息".encode(), "政务信息".encode(), 1))
    build(mine, out, stats=stats)
    assert stamps(out)["texts.csv"] != after["texts.csv"]
    build(mine, tmp_path / "fresh2")
    for name in ("indicators.csv", "texts.csv"):
        assert (out / name).read_bytes() == (tmp_path / "fresh2" / name).read_bytes(), name
