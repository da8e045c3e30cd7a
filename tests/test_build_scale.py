"""The build at scale: parallel, split into slices, partitioned by year, cached, and still exact.

Speed itself is measured by `make bench`, never asserted here; these tests pin down what
must stay true while the build is made fast: the same bytes however the work is split,
partitions that hold exactly the flat tables' rows, nothing rewritten when nothing
changed, only the changed file re-read, and nothing left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import zlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from conftest import RAW

from analysis import tidy
from analysis.build import jobs as J
from analysis.build import run as R
from analysis.build import state as K
from analysis.build import versions as V
from analysis.build import write as W
from analysis.synth import generate

TABLES = list(tidy.SCHEMAS)


def make_corpus(folder: Path, n: int, seed: int = 11) -> Path:
    """The seeds plus `n` generated reports (their manifest rows merged into the seeds'
    manifest)."""
    gen = folder.parent / f"{folder.name}-gen"
    generate(gen, n, seed=seed, seeds_dir=RAW)
    shutil.copytree(RAW, folder)
    rows = (gen / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    seeds_manifest = (RAW / "manifest.csv").read_text(encoding="utf-8").splitlines()
    header = seeds_manifest[0].split(",")
    for p in gen.iterdir():
        if p.name != "manifest.csv":
            shutil.copy2(p, folder / p.name)
    # the generated manifest has the same columns; keep the seeds' header and rows
    assert header == ["file", "agency", "report_year", "publish_date", "place", "level", "note"]
    (folder / "manifest.csv").write_text("\n".join(seeds_manifest + rows) + "\n", encoding="utf-8")
    shutil.rmtree(gen)
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in folder.rglob("*")
        if p.is_file()
    }


def outputs(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree(folder).items() if not k.startswith(".cache")}


def run(raw: Path, out: Path, stats: Path | None = None, **kw) -> int:
    if stats is not None:
        os.environ[R.STATS_ENV] = str(stats)
    try:
        return R.build(raw, out, quiet=True, **kw)
    finally:
        os.environ.pop(R.STATS_ENV, None)


@pytest.fixture(scope="module", autouse=True)
def fixed_versions():
    """The extractor's source is hashed into every cache key; hold it still while files are compared
    (the working tree may be edited while the tests run)."""
    code, writer = V.code_version(), V.writer_version()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "code_version", lambda: code)
        mp.setattr(R, "writer_version", lambda: writer)
        mp.setattr(W, "writer_version", lambda: writer)
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("scale") / "raw", 40)


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scale-out") / "processed"
    assert run(corpus, out, jobs=2) == 0
    return out


def test_same_bytes_however_the_work_is_split(corpus: Path, tmp_path: Path, monkeypatch):
    # small row groups so that the pieces of several slices really are re-cut
    monkeypatch.setattr(W, "BATCH_ROWS", 40)
    monkeypatch.setattr(W, "ROW_GROUP_ROWS", {"texts": 3})
    one, many = tmp_path / "one", tmp_path / "many"
    assert run(corpus, one, jobs=1) == 0
    monkeypatch.setattr(W, "WRITE_CHUNK", 7)
    monkeypatch.setattr(W, "MIN_SLICE", 1)
    assert run(corpus, many, jobs=2) == 0
    a, b = outputs(one), outputs(many)
    assert a.keys() == b.keys()
    # every table, flat and partitioned (the build's own state records how it was split)
    assert [k for k in a if a[k] != b[k]] == ["build-state.json"]
    assert pq.ParquetFile(many / "metrics.parquet").metadata.num_row_groups > 1
    assert pq.ParquetFile(many / "texts.parquet").metadata.num_row_groups == -(
        -len(pq.read_table(many / "texts.parquet")) // 3
    )


def _sorted(t: pa.Table, keys: list[str]) -> pa.Table:
    return t.sort_by([(k, "ascending") for k in keys])


def test_year_partitions_hold_exactly_the_rows_of_the_flat_tables(built: Path):
    reports = pq.read_table(built / "reports.parquet").to_pandas().set_index("report_id")
    years = set(reports["report_year"].dropna().astype(int))
    assert len(years) >= 5  # the corpus spans many years
    for name in TABLES:
        flat = pq.read_table(built / f"{name}.parquet")
        root = built / tidy.PARTS_DIR / name
        if flat.num_rows == 0:
            assert not root.exists()
            continue
        ds = pads.dataset(
            root,
            format="parquet",
            partitioning=pads.partitioning(pa.schema([("report_year", pa.int64())]), flavor="hive"),
        )
        parts = ds.to_table()
        assert parts.num_rows == flat.num_rows, name
        cols = [c for c in flat.schema.names if c != "report_year"]
        # the partition files hold every column but the year, which is in the folder name
        assert pq.read_schema(next(root.rglob("*.parquet"))).names == cols
        keys = cols[:4]
        if "report_year" in flat.schema.names:
            assert _sorted(parts.select(flat.schema.names), keys).equals(_sorted(flat, keys)), name
        else:  # texts, issues: partitioned by their report's year
            assert _sorted(parts.select(cols), keys).equals(_sorted(flat, keys)), name
            got = (
                parts.select(["report_id", "report_year"])
                .to_pandas()
                .drop_duplicates()
                .set_index("report_id")
            )
            want = reports.loc[got.index, "report_year"]
            assert (
                got["report_year"].fillna(-1).astype(int) == want.fillna(-1).astype(int)
            ).all(), name


def test_partitions_are_named_hive_style_with_a_null_year_folder(built: Path):
    dirs = {d.name for d in (built / tidy.PARTS_DIR / "reports").iterdir()}
    assert all(d.startswith("report_year=") for d in dirs)
    reports = pq.read_table(built / "reports.parquet").to_pandas()
    if reports["report_year"].isna().any():  # unreadable files have no year
        assert "report_year=__HIVE_DEFAULT_PARTITION__" in dirs


def test_duckdb_reads_the_partitions_when_installed(built: Path):
    duckdb = pytest.importorskip("duckdb")  # optional: pyarrow.dataset above is the required reader
    glob = str(built / tidy.PARTS_DIR / "metrics" / "*" / "*.parquet")
    n, years = duckdb.sql(
        "select count(*), count(distinct report_year) "
        f"from read_parquet('{glob}', hive_partitioning=true)"
    ).fetchall()[0]
    assert n == pq.read_metadata(built / "metrics.parquet").num_rows
    assert years >= 2


def test_unchanged_corpus_rewrites_nothing_at_all(corpus: Path, built: Path, tmp_path: Path):
    before = stamps(built)
    stats = tmp_path / "stats.json"
    assert run(corpus, built, stats, jobs=2) == 0
    assert stamps(built) == before  # cache, partitions, flat tables and state alike
    assert json.loads(stats.read_text())["up_to_date"] is True


def test_a_changed_file_is_the_only_one_read_again_and_other_years_stay_untouched(
    tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(W, "MIN_SLICE", 3)
    monkeypatch.setattr(W, "SLICE_EVERY", 2)
    raw = make_corpus(tmp_path / "raw", 20, seed=5)
    out = tmp_path / "out"
    stats = tmp_path / "stats.json"
    assert run(raw, out, stats, jobs=2) == 0
    first = json.loads(stats.read_text())
    assert first["slices"] >= 3 and first["slices_written"] == first["slices"]
    reports = pq.read_table(out / "reports.parquet").to_pandas()
    row = reports[
        (reports["status"] == "ok")
        & reports["file"].str.endswith(".txt")
        & reports["report_year"].notna()
    ].iloc[0]
    year = int(row["report_year"])
    before = stamps(out)
    target = raw / row["file"]
    target.write_bytes(target.read_bytes() + b"\n")
    assert run(raw, out, stats, jobs=2) == 0
    s = json.loads(stats.read_text())
    assert s["extracted"] == 1 and s["cached"] == s["files"] - 1
    assert (
        s["slices_written"] == 1 and s["slices"] == first["slices"]
    )  # the other slices' rows are reused
    after = stamps(out)
    this_year = f"report_year={year}/"
    other = [k for k in before if k.startswith(tidy.PARTS_DIR) and this_year not in k]
    assert other and all(after[k] == before[k] for k in other)
    assert (
        after[f"{tidy.PARTS_DIR}/reports/{this_year}part-0.parquet"]
        != before[f"{tidy.PARTS_DIR}/reports/{this_year}part-0.parquet"]
    )
    # the build wrote that year's partitions of the tables whose rows changed, and no other:
    # a newline changes the report's sha256 and size, not its figures or text
    this_years = [k for k in before if k.startswith(tidy.PARTS_DIR) and this_year in k]
    changed = [k for k in this_years if after[k] != before[k]]
    assert s["partitions_written"] == len(changed) < len(this_years)
    assert f"{tidy.PARTS_DIR}/metrics/{this_year}part-0.parquet" not in changed
    assert s["partitions"] == first["partitions"]
    assert first["partitions_written"] == first["partitions"]  # the first build wrote them all
    # the other slices' pieces were not written again either
    pieces = [k for k in before if k.startswith(".cache/pieces/") and k in after]
    assert pieces and sum(after[k] != before[k] for k in pieces) == 0


def test_slices_whose_files_did_not_change_are_taken_whole(tmp_path: Path, monkeypatch):
    """A changed file costs its own slice: the files of the other slices are neither hashed
    nor keyed again (their rows come from the kept slices), and what the build leaves is
    what a build from nothing gives."""
    monkeypatch.setattr(W, "MIN_SLICE", 3)
    monkeypatch.setattr(W, "SLICE_EVERY", 2)
    raw = make_corpus(tmp_path / "raw", 24, seed=9)
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    assert run(raw, out, stats, jobs=2) == 0
    n_slices = json.loads(stats.read_text())["slices"]
    names = sorted(p.name for p in raw.iterdir() if p.name not in R.SKIP_NAMES)
    bounds = W.slice_bounds(names)
    target = next(n for n in names[len(names) // 2 :] if n.endswith(".txt"))
    a, b = next((a, b) for a, b in bounds if a <= names.index(target) < b)
    keyed: list[str] = []
    real_key = J.cache_key
    monkeypatch.setattr(
        J, "cache_key", lambda sha, name, *r: keyed.append(name) or real_key(sha, name, *r)
    )
    (raw / target).write_bytes((raw / target).read_bytes() + b"\n")
    assert run(raw, out, stats, jobs=2) == 0
    s = json.loads(stats.read_text())
    assert s["extracted"] == 1 and s["slices"] == n_slices > 3
    assert target in keyed and set(keyed) <= set(names[a:b])
    monkeypatch.setattr(J, "cache_key", real_key)
    fresh = tmp_path / "fresh"
    assert run(raw, fresh, jobs=2) == 0
    x, y = outputs(out), outputs(fresh)
    assert [k for k in x if x[k] != y.get(k) and k != "build-state.json"] == []


def test_a_slice_taken_whole_whose_duplicates_changed_is_written_again_from_its_records(
    tmp_path: Path, monkeypatch
):
    """A slice whose own files did not change is taken whole, but a new file elsewhere can
    make one of its reports a duplicate: it is then written again, patched from its pieces
    without duplicates or, as here where those are gone with its records, from records
    made again. Either way the tables are what a build from nothing gives."""
    monkeypatch.setattr(W, "MIN_SLICE", 3)
    monkeypatch.setattr(W, "SLICE_EVERY", 2)
    raw = make_corpus(tmp_path / "raw", 16, seed=4)
    names = sorted(p.name for p in raw.iterdir() if p.name not in R.SKIP_NAMES)
    a, b = W.slice_bounds(names)[1]  # a slice that is not the first
    texts = [n for n in names[a:b] if n.endswith(".txt") and (raw / n).stat().st_size > 200]
    assert len(texts) >= 2
    shutil.copy(raw / texts[0], raw / (texts[0] + "_mirror.txt"))  # a duplicate in it
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    assert run(raw, out, stats, jobs=2) == 0

    def second_slice() -> list[str]:
        now = sorted(p.name for p in raw.iterdir() if p.name not in R.SKIP_NAMES)
        a, b = W.slice_bounds(now)[1]
        return now[a:b]

    slice_files = second_slice()
    assert texts[0] + "_mirror.txt" in slice_files and texts[1] in slice_files
    keys = [f[4] for sl in K.load(out).slices for f in sl.rows() if f[0] in slice_files]
    for key in keys:  # the records of that slice are lost
        next((out / ".cache" / "records").rglob(f"{key}.rec")).unlink()
    # a copy of another of its reports, named to sort into the first slice without moving
    # where it ends: that report becomes a duplicate of the copy
    first = next(
        n
        for k in range(20)
        if zlib.crc32((n := f"{names[W.MIN_SLICE - 1]}_copy{k}.txt").encode()) % 2
    )
    shutil.copy(raw / texts[1], raw / first)
    assert second_slice() == slice_files
    assert run(raw, out, stats, jobs=2) == 0
    s = json.loads(stats.read_text())
    assert s["extracted"] == 1 and s["records_made_again"] == len(keys)
    fresh = tmp_path / "fresh"
    assert run(raw, fresh, jobs=2) == 0
    x, y = outputs(out), outputs(fresh)
    assert x.keys() == y.keys() and [k for k in x if x[k] != y[k] and k != "build-state.json"] == []
    reports = pq.read_table(out / "reports.parquet").to_pandas().set_index("report_id")
    assert reports.loc[texts[1], "duplicate_of"] == first


def test_a_year_that_leaves_the_corpus_loses_its_partitions(tmp_path: Path):
    raw = make_corpus(tmp_path / "raw", 20, seed=6)
    out = tmp_path / "out"
    assert run(raw, out) == 0
    reports = pq.read_table(out / "reports.parquet").to_pandas()
    year = int(reports["report_year"].dropna().value_counts().idxmin())
    for f in reports.loc[reports["report_year"] == year, "file"]:
        (raw / f).unlink()
    assert run(raw, out) == 0
    for name in TABLES:
        assert not (out / tidy.PARTS_DIR / name / f"report_year={year}").exists(), name
    assert year not in set(pq.read_table(out / "reports.parquet").column("report_year").to_pylist())


def test_duplicates_across_slices_are_kept_once_and_bad_files_named(
    tmp_path: Path, monkeypatch, capsys
):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    shutil.copy(
        raw / "004_61bfce714908b168.txt", raw / "zzz_mirror_of_004.txt"
    )  # sorts last: another slice
    (raw / "broken.txt").write_bytes(b"")
    monkeypatch.setattr(W, "WRITE_CHUNK", 2)
    monkeypatch.setattr(W, "MIN_SLICE", 1)
    out = tmp_path / "out"
    assert R.build(raw, out, jobs=2) == 0
    err = capsys.readouterr().err
    reports = pq.read_table(out / "reports.parquet").to_pandas().set_index("report_id")
    assert reports.loc["zzz_mirror_of_004.txt", "status"] == "duplicate"
    assert reports.loc["zzz_mirror_of_004.txt", "duplicate_of"] == "004_61bfce714908b168.txt"
    assert (
        reports.loc["broken.txt", "status"] == "error"
        and "broken.txt" in reports.loc["broken.txt", "flags"]
    )
    metrics = pq.read_table(out / "metrics.parquet").to_pandas()
    assert "zzz_mirror_of_004.txt" not in set(metrics["report_id"])
    issues = pq.read_table(out / "issues.parquet").to_pandas()
    dup = issues[(issues["report_id"] == "zzz_mirror_of_004.txt") & (issues["code"] == "duplicate")]
    assert len(dup) == 1 and "repeats 004_61bfce714908b168.txt" in dup["message"].iloc[0]
    assert (
        err.count("bad file: broken.txt") == 1
        and err.count("duplicate: zzz_mirror_of_004.txt") == 1
    )


def test_leftovers_of_a_killed_build_are_removed(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run(corpus, out) == 0
    junk = [
        out / ".reports.parquet.k1l2.tmp",
        out / tidy.PARTS_DIR / "metrics" / ".part-0.parquet.x9.tmp",
        out / ".cache" / "pieces" / ".piece-abc" / "reports.arrow",
    ]
    for p in junk:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("half written")
    assert run(corpus, out) == 0
    assert not any(p.exists() for p in junk)
    assert not (out / ".cache" / "pieces" / ".piece-abc").exists()


def test_cache_keeps_this_extractor_version_and_the_one_before(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    root = out / ".cache" / "records"
    for i, name in enumerate(["old1", "old2", "old3"]):
        (root / name).mkdir(parents=True)
        os.utime(root / name, (1_000_000 + i, 1_000_000 + i))
    assert run(corpus, out) == 0
    assert {d.name for d in root.iterdir()} == {V.code_version(), "old3"}
    assert len(list((root / V.code_version()).rglob("*" + J.RECORD_SUFFIX))) >= 40


def test_cache_version_follows_the_extractor_source_only(fixed_versions):
    extractor = set(V.closure("analysis.extract"))
    assert {
        "analysis.extract",
        "analysis.document.normalize",
        "analysis.facts.figures",
        "analysis.facts.metadata",
        "analysis.read.load",
        "analysis.tables.read",
        "analysis.tables.three",
        "analysis.issues",
    } <= extractor
    # the stage packages are in it too: importing a module runs its package's __init__
    assert {"analysis", "analysis.read", "analysis.tables"} <= extractor
    assert not {m for m in extractor if m.startswith(("analysis.build", "analysis.reports"))}
    assert not {"analysis.dataset", "analysis.tidy", "analysis.synth"} & extractor
    writer = set(V.closure("analysis.build.run"))
    assert {
        "analysis.tidy",
        "analysis.atomic",
        "analysis.extract",
        "analysis.build.write",
    } <= writer
    # a module under `skip` is left out with what only it imports
    pages = set(V.closure("analysis.reports.run", skip=["analysis.build.run"]))
    assert "analysis.reports.data" in pages and "analysis.extract" not in pages


def test_module_imports_are_read_afresh_when_a_source_changes():
    # parsed once per content: an edited module's new imports are seen in the same process
    src = b"from ..read.load import load_bytes\n"
    assert V._imports_of(src, "analysis.facts.x", False) == ("analysis.read.load",)
    src += b"\ndef f():\n    from .. import tables\n"
    assert V._imports_of(src, "analysis.facts.x", False) == (
        "analysis.read.load",
        "analysis.tables",
    )
    src = (
        b"import analysis.facts.figures\n"
        b"from analysis.facts.metadata import x\n"
        b"from . import tokens\n"
    )
    assert V._imports_of(src, "analysis.tables", True) == (
        "analysis.facts.figures",
        "analysis.facts.metadata",
        "analysis.tables.tokens",
    )


def test_pieces_written_while_extracting_and_patched_for_duplicates_give_the_same_bytes(
    tmp_path: Path, monkeypatch
):
    """The local engine writes a slice's pieces from the fresh records, as if no report were a
    duplicate, and patches the slices that have one; the tables must be exactly those of
    writing every slice from the cached records once the duplicates are known."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    shutil.copy(raw / "002_ee0bfc924291661c.txt", raw / "002_mirror.txt")  # same bytes
    # a duplicate with the longest name: its patched slice's saved hashes must not keep
    # the width of a name that is no longer in them
    shutil.copy(raw / "003_fafa9730c6863b04.txt", raw / "003_fafa9730c6863b04_saved_again.txt")
    (raw / "broken.txt").write_bytes(b"")
    fused, plain = tmp_path / "fused", tmp_path / "plain"
    stats = tmp_path / "stats.json"
    assert run(raw, fused, stats, jobs=2) == 0
    s = json.loads(stats.read_text())
    assert s["slices_extracted"] >= 1 and s["slices_patched"] == 1

    def extract_only(tasks, pool, quiet, summaries, shared, stats):
        todo = [(i, j) for t in tasks for i, j in zip(t[3], [j for j in t[2] if j is not None])]
        J.extract_all(todo, pool, 2, "local", None, quiet, summaries, shared)
        return set()

    monkeypatch.setattr(W, "extract_slices", extract_only)
    assert run(raw, plain, stats, jobs=2) == 0
    assert json.loads(stats.read_text())["slices_patched"] == 0
    a, b = outputs(fused), outputs(plain)
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []
    reports = pq.read_table(fused / "reports.parquet").to_pandas().set_index("report_id")
    dup = reports.loc["002_mirror.txt"]
    assert dup["status"] == "duplicate" and dup["duplicate_of"] == "002_ee0bfc924291661c.txt"
    assert dup["flags"].endswith("kept once, not counted again")
    assert dup["n_warnings"] == reports.loc["002_ee0bfc924291661c.txt", "n_warnings"] + 1
    metrics = pq.read_table(fused / "metrics.parquet").to_pandas()
    assert "002_mirror.txt" not in set(metrics["report_id"])
    assert "002_ee0bfc924291661c.txt" in set(metrics["report_id"])
    # and the sentence hashes the corpus indicators are keyed by are saved alike
    both = [
        d.name
        for d in (fused / ".cache" / "pieces").iterdir()
        if (d / "fingerprints.npz").exists()
        and (plain / ".cache" / "pieces" / d.name / "fingerprints.npz").exists()
    ]
    assert both
    for name in both:
        with (
            np.load(fused / ".cache" / "pieces" / name / "fingerprints.npz") as x,
            np.load(plain / ".cache" / "pieces" / name / "fingerprints.npz") as y,
        ):
            assert x.files == y.files
            for k in x.files:
                assert x[k].dtype == y[k].dtype and np.array_equal(x[k], y[k]), k


def test_the_tables_are_written_by_workers_that_never_loaded_the_extractor(
    corpus: Path, tmp_path: Path, monkeypatch
):
    """The extracting workers hold the extractor (~150 MB each at national scale). The write
    step gets fresh workers, forked from the build's process, which never imports it: what
    the merges and the corpus indicators use is then not added to the extractors' memory.
    (Here the test process has imported the extractor, so the new workers have it too.)"""
    log = tmp_path / "pids.txt"

    def logged(kind: str, f):
        def g(*args):
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{kind} {os.getpid()} {'analysis.extract' in sys.modules}\n")
            return f(*args)

        return g

    # both are called by name inside the tasks the pools run, so the forked workers see these
    monkeypatch.setattr(W, "extract_slice", logged("extract", W.extract_slice))
    monkeypatch.setattr(W, "_merge_years", logged("merge", W._merge_years))
    assert run(corpus, tmp_path / "out", jobs=2) == 0
    rows = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    extracting = {pid for kind, pid, _ in rows if kind == "extract"}
    merging = {pid for kind, pid, _ in rows if kind == "merge"}
    assert extracting and merging and str(os.getpid()) not in extracting | merging
    assert not extracting & merging
    assert {has for kind, _, has in rows if kind == "extract"} == {"True"}


def test_a_piece_made_from_columns_has_the_bytes_of_one_made_from_rows(tmp_path: Path):
    """The row makers give columns (`tidy.*_columns`); a piece made from them must be the
    piece the same rows as dicts give, for every table of a record that has them all."""
    from analysis.extract import extract_path

    generate(tmp_path / "raw", 12, seed=5, seeds_dir=RAW)
    recs = []
    for p in sorted((tmp_path / "raw").glob("0*")):
        rec = extract_path(str(p), {}, with_text=True)
        rec["file"] = p.name
        recs.append(rec)
    assert any((rec.get("tables") or {}).get("cells") and rec.get("checks") for rec in recs)
    for name, columns_of in (
        ("cells", tidy.cell_columns),
        ("checks", tidy.check_columns),
        ("metrics", tidy.metric_columns),
    ):
        a, b = tmp_path / f"{name}-columns", tmp_path / f"{name}-rows"
        a.mkdir()
        b.mkdir()
        by_columns = W._Pieces(a, name, tidy.SCHEMAS[name])
        by_rows = W._Pieces(b, name, tidy.SCHEMAS[name])
        for k, rec in enumerate(recs):
            year = 2019 + k % 2
            by_columns.add(columns_of(rec), year)
            by_rows.add([dict(reversed(r.items())) for r in tidy.rows_of(columns_of(rec))], year)
        assert by_columns.close() == by_rows.close()
        assert (a / f"{name}.arrow").read_bytes() == (b / f"{name}.arrow").read_bytes()
        got = W._read_piece(a, name).drop_columns([W.PIECE_YEAR]).to_pylist()
        assert got == [r for rec in recs for r in tidy.rows_of(columns_of(rec))]
    with pytest.raises(ValueError, match="checks: columns"):
        cols = tidy.check_columns(recs[0])
        W._Pieces(tmp_path, "checks", tidy.SCHEMAS["checks"]).add(
            dict(reversed(cols.items())), 2019
        )


def test_extracting_workers_collect_rarely_and_never_over_the_extractor():
    """A worker's collector is frozen over the extractor's modules and runs a young pass
    only every `WORKER_GC_THRESHOLD` objects (the default's passes cost 5-8 % of a
    report's extraction)."""
    import gc

    workers = R._Workers(2)
    try:
        got = workers.pool.map(_collector, range(2))
    finally:
        workers.stop(wait=False)
    for threshold, frozen in got:
        assert threshold == R.WORKER_GC_THRESHOLD > gc.get_threshold()[0]
        assert frozen > 10_000  # the extractor's modules, OpenCC's and the rules' objects


def _collector(_: int) -> tuple[int, int]:
    import gc

    return gc.get_threshold()[0], gc.get_freeze_count()


def test_a_cold_build_hashes_its_files_in_the_extracting_workers(tmp_path: Path, monkeypatch):
    """Many new files are hashed by the workers, each once, giving the hashes this process
    would have made (the reports table's sha256 is the file's)."""
    import hashlib

    raw = make_corpus(tmp_path / "raw", 12)
    marks = tmp_path / "hashed"
    marks.mkdir()
    monkeypatch.setenv("TEST_HASH_MARKS", str(marks))
    monkeypatch.setattr(R, "_sha256_of", _marking_sha256)
    monkeypatch.setattr(R, "HASH_IN_WORKERS", 1)
    assert R.build(raw, tmp_path / "out", jobs=2, quiet=True) == 0
    by_whom = {m.name.split("-", 1)[1]: int(m.name.split("-", 1)[0]) for m in marks.iterdir()}
    files = sorted(p.name for p in raw.iterdir() if p.name != "manifest.csv")
    assert sorted(by_whom) == files and os.getpid() not in by_whom.values()
    shas = {
        r["file"]: r["sha256"]
        for r in pq.read_table(tmp_path / "out" / "reports.parquet").to_pylist()
    }
    assert shas == {f: hashlib.sha256((raw / f).read_bytes()).hexdigest() for f in files}


_REAL_SHA256 = R._sha256_of


def _marking_sha256(path: str) -> str:  # module-level: the pool pickles it by name
    marks = Path(os.environ["TEST_HASH_MARKS"])
    (marks / f"{os.getpid()}-{os.path.basename(path)}").touch(exist_ok=False)
    return _REAL_SHA256(path)
