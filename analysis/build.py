"""`python -m analysis build`: data/raw → data/processed, fast, safe and repeatable.

- Extraction is a pure function of one file (its bytes and manifest row), so it runs in
  worker processes on every core, or on a dask.distributed cluster (`--engine dask`), and is
  cached by content hash, manifest row and the extractor's own source: an unchanged report
  is never re-read. Cache entries live under one folder per extractor version, and folders
  of old versions are pruned so the cache does not grow without bound.
- Tables are written in two parallel steps with bounded memory: workers turn contiguous
  slices of the corpus into Arrow pieces, then each table is merged from its pieces into
  the flat files (reports.parquet, reports.csv, …) and into Parquet partitioned by report
  year (parquet/<table>/report_year=YYYY/part-0.parquet, hive style, readable by DuckDB,
  Spark and pyarrow.dataset). Row groups are cut at fixed row counts, so the bytes written
  do not depend on how many workers or which engine made them. Memory is kept low at
  national scale: a table's year partitions are written a few years per pass (each open one holds
  up to a row group), Arrow buffers come from malloc and are trimmed after each task, and
  the main process keeps one small tuple per report (the cross-year rows are made by a worker).
- Every file is written to a temporary file and renamed into place only if its content
  changed; an unchanged corpus rewrites nothing at all.
- A bad file becomes an error row with a message naming it; the rest of the batch runs.
- Duplicates (the same bytes, or the same agency and year) are kept once and listed.
"""
from __future__ import annotations

import ast
import contextlib
import csv
import functools
import gc
import hashlib
import json
import operator
import os
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import tidy
from .atomic import atomic_path, write_text
from .extract import extract_bytes, extract_path
from .manifest import read_manifest

SKIP_NAMES = {"manifest.csv", "README.md", "readme.md", ".gitkeep"}
BATCH_ROWS = 5000  # rows per Parquet row group of the flat and partitioned tables
ROW_GROUP_ROWS = {"texts": 500}  # whole report texts: smaller groups keep memory low
WRITE_CHUNK = 2000  # at most this many reports per write task; any split gives the same bytes
MIN_SLICE = 50  # at least this many (the last slice aside)
SLICE_EVERY = 400  # on average a slice ends after MIN_SLICE + this many reports (where a name's CRC says so)
PARTS_DIR = "parquet"
YEARS_PER_PASS = 6  # year partitions open at once while a table is merged (see _year_passes)
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # Hive's, Spark's, pyarrow's and DuckDB's name for a missing year
YEAR = "report_year"
STATS_ENV = "ANALYSIS_BUILD_STATS"  # if set, a JSON file with the phase timings of the build (for scripts/bench.py)



def _closure(start: str) -> list[str]:
    """The package's modules that `start` imports, directly or not (by reading their source).

    Found statically so that the version does not depend on what else happens to be
    imported, and so that an edit to an unrelated module (reports, notebooks helpers)
    does not throw the cache away.
    """
    pkg = Path(__file__).parent
    seen: set[str] = set()
    stack = [start]
    while stack:
        name = stack.pop()
        if name in seen or not (pkg / name).exists():
            continue
        seen.add(name)
        stack.extend(f"{m}.py" for m in _imports_of((pkg / name).read_bytes()))
    return sorted(seen)


@functools.lru_cache(maxsize=None)
def _imports_of(source: bytes) -> tuple[str, ...]:
    """The package modules one source file imports, parsed once per content (a build asks
    for the versions three times, and parsing the package is most of a warm build)."""
    mods: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            mods += [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("analysis"):
            parts = (node.module or "").split(".")
            mods += [parts[1]] if len(parts) > 1 else [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            mods += [a.name.split(".")[1] for a in node.names if a.name.startswith("analysis.")]
    return tuple(mods)


def _hash_sources(names: Iterable[str]) -> str:
    h = hashlib.sha1()
    pkg = Path(__file__).parent
    for name in sorted(names):
        h.update(name.encode())
        h.update((pkg / name).read_bytes())
    return h.hexdigest()[:12]


def code_version() -> str:
    """Hash of the extractor's own source: a code change invalidates the cache by itself."""
    return _hash_sources(_closure("extract.py"))


def writer_version() -> str:
    """Hash of everything that decides the tables (the build, tidy, checks, and the extractor)."""
    return _hash_sources(_closure("build.py"))


def raw_files(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.iterdir()
                  if p.is_file() and p.name not in SKIP_NAMES and not p.name.startswith(".") and not p.is_symlink())


def _file_sha(path: Path, st: os.stat_result, state: dict[str, Any]) -> str:
    prev = state.get(path.name)
    if prev and prev.get("size") == st.st_size and prev.get("mtime_ns") == st.st_mtime_ns:
        return prev["sha256"]
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Job:
    path: str
    manifest_row: dict[str, str]
    cache_file: str

    @property
    def name(self) -> str:
        return Path(self.path).name


def _cache_key(sha: str, name: str, row: dict[str, str], version: str) -> str:
    # the name is part of the key because a record's messages name its file: two copies of
    # the same bytes must not share one entry, or the tables would depend on which was read first
    extra = json.dumps([name, row, version], sort_keys=True, ensure_ascii=False)
    return f"{sha[:32]}-{hashlib.sha1(extra.encode()).hexdigest()[:12]}"


def record_json(source: str, data: bytes, manifest_row: dict[str, str]) -> tuple[str, Summary]:
    """The cached form of one file's record, and its summary: a pure function of its bytes and manifest row.

    Both engines call this (the dask engine on the cluster, with bytes read here), which
    is what makes their tables byte-identical. The summary comes along so that nobody
    has to parse the record again.
    """
    rec = extract_bytes(source, data, manifest_row, with_text=True)
    return _cached_form(rec, Path(source).name)


def _cached_form(rec: dict[str, Any], name: str) -> tuple[str, Summary]:
    rec.pop("source", None)
    rec.pop("file", None)
    return json.dumps(rec, ensure_ascii=False), _summary(rec, name)


def _store(job: Job, text: str) -> None:
    with atomic_path(Path(job.cache_file), keep_if_same=False) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _work(job: Job) -> Summary:
    """Extract one file into the cache (worker side); returns its small summary."""
    cache = Path(job.cache_file)
    if cache.exists():
        try:
            return _summary(json.loads(cache.read_text(encoding="utf-8")), job.name)
        except (OSError, json.JSONDecodeError):
            pass  # a damaged cache entry is simply redone
    data = None
    try:
        if Path(job.path).stat().st_size <= _max_bytes():
            data = Path(job.path).read_bytes()
    except OSError:
        data = None
    if data is None:  # unreadable or too large: extract_path words the error
        text, summary = _cached_form(extract_path(job.path, job.manifest_row, with_text=True), job.name)
    else:
        text, summary = record_json(job.path, data, job.manifest_row)
    _store(job, text)
    return summary


def _max_bytes() -> int:
    from .loading import MAX_BYTES

    return MAX_BYTES


class Summary(NamedTuple):
    """What the build keeps of one report after extraction: enough for duplicates, the
    cross-year checks, the state file and the closing summary.

    A tuple rather than a dict because the main process holds one per report for the
    whole write phase: at 100,000 reports, 12-key dicts cost ~70 MB more than this.
    """

    file: str
    sha256: str | None
    ok: bool | None
    agency: str | None
    place: str | None
    agency_source: str | None
    report_year: int | None
    script: str | None
    n_metrics: int
    carried_over: float | None
    carried_forward: float | None
    errors: tuple[str, ...]

    def state(self) -> dict[str, Any]:
        """The summary as build-state.json stores it (keyed by cache key, so without the file name)."""
        d = self._asdict()
        del d["file"]
        d["errors"] = list(self.errors)
        return d


def _summary(rec: dict[str, Any], name: str) -> Summary:
    m = rec.get("metrics", {})
    return Summary(name, rec.get("sha256"), rec.get("ok"), rec.get("agency"), rec.get("place"), rec.get("agency_source"),
                   rec.get("report_year"), rec.get("script"), sum(1 for v in m.values() if v.get("value") is not None),
                   (m.get("applications_carried_over") or {}).get("value"),
                   (m.get("applications_carried_forward") or {}).get("value"),
                   tuple(i["message"] for i in rec.get("issues", []) if i.get("level") == "error"))


def _from_state(d: dict[str, Any], name: str) -> Summary:
    """A summary read back from build-state.json (older states may lack a field: it is then empty)."""
    return Summary(name, d.get("sha256"), d.get("ok"), d.get("agency"), d.get("place"), d.get("agency_source"),
                   d.get("report_year"), d.get("script"), d.get("n_metrics") or 0, d.get("carried_over"),
                   d.get("carried_forward"), tuple(d.get("errors") or ()))


class _Interner:
    """Shares equal values between summaries: an agency, place or year repeats across
    thousands of reports, and each summary arriving from a worker brings its own copy."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, s: Summary) -> Summary:
        seen = self._seen  # keyed with the type too: a year 2021.0 must not become the int 2021
        return s._replace(**{f: seen.setdefault((type(v), v), v) for f in _SHARED_FIELDS if (v := getattr(s, f)) is not None})


_SHARED_FIELDS = ("agency", "place", "agency_source", "report_year", "script")


def find_duplicates(summaries: list[Summary]) -> dict[str, tuple[str, str]]:
    """file → (kept file, reason) for every file that repeats another report."""
    dups: dict[str, tuple[str, str]] = {}
    by_sha: dict[str, str] = {}
    for s in summaries:
        if not s.ok:
            continue
        if s.sha256 in by_sha:
            dups[s.file] = (by_sha[s.sha256], "the same bytes")
        else:
            by_sha[s.sha256] = s.file
    del by_sha
    # same agency and year: only where the name is specific (a place, or set by the manifest)
    groups: dict[tuple[str, int], list[Summary]] = {}
    for s in summaries:
        if s.ok and s.file not in dups and s.agency and s.report_year and (s.place or s.agency_source == "manifest"):
            groups.setdefault((s.agency, s.report_year), []).append(s)
    for (agency, year), group in groups.items():
        if len(group) < 2:
            continue
        keep = max(group, key=lambda s: (s.n_metrics, s.script == "simplified", [-ord(c) for c in s.file]))
        for s in group:
            if s is not keep:
                dups[s.file] = (keep.file, f"the same agency and year ({agency}, {year})")
    return dups


# ---------------------------------------------------------------------------------------
# extraction over processes (or a dask cluster)
class _Progress:
    def __init__(self, what: str, total: int, quiet: bool):
        self.what, self.total, self.quiet = what, total, quiet
        self.start = self.last = time.monotonic()
        self.done = 0

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if not self.quiet and (now - self.last > 1.0 or self.done == self.total):
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            end = "\n" if self.done == self.total else ""
            print(f"\r  {self.what} {self.done}/{self.total} ({rate:,.0f}/s)", end=end, file=sys.stderr, flush=True)


def _chunksize(total: int, n_jobs: int) -> int:
    return max(1, min(64, total // (n_jobs * 8) or 1))


def _extract_all(todo: list[tuple[int, Job]], pool: Any, n_jobs: int, engine: str, scheduler: str | None, quiet: bool,
                 summaries: list[Summary | None], shared: _Interner) -> None:
    progress = _Progress("extracting", len(todo), quiet)
    if engine == "dask":
        from .dask_engine import run_jobs

        remote: list[tuple[int, Job]] = []
        for i, job in todo:
            try:
                readable = Path(job.path).stat().st_size <= _max_bytes()
            except OSError:
                readable = False
            if Path(job.cache_file).exists() or not readable:
                summaries[i] = shared(_work(job))  # cached, or an error record: nothing for the cluster to do
                progress.step()
            else:
                remote.append((i, job))

        def payloads() -> Iterator[tuple[str, bytes, dict[str, str]]]:
            # read lazily: the engine keeps only a bounded number of files in flight
            for _, job in remote:
                try:
                    data = Path(job.path).read_bytes()
                except OSError:
                    data = b""  # vanished since the scan: the record says it is empty
                yield job.path, data, job.manifest_row

        for k, (text, summary) in run_jobs(payloads(), scheduler, record_json):
            i, job = remote[k]
            _store(job, text)
            summaries[i] = shared(summary._replace(file=job.name))
            progress.step()
        return
    if pool is None:
        for i, job in todo:
            summaries[i] = shared(_work(job))
            progress.step()
        return
    results = pool.imap(_work, [job for _, job in todo], chunksize=_chunksize(len(todo), n_jobs))
    for (i, _), s in zip(todo, results):
        summaries[i] = shared(s)
        progress.step()


# ---------------------------------------------------------------------------------------
# writing: pieces per slice of the corpus, then one merge per table
def _part_schema(schema: pa.Schema) -> pa.Schema:
    """The schema of a year partition's files: the year lives in the folder name (Spark refuses both)."""
    i = schema.get_field_index(YEAR)
    return schema.remove(i) if i >= 0 else schema


def _year_dir(year: int | None) -> str:
    return f"{YEAR}={NULL_PARTITION if year is None else int(year)}"


def _piece_schema(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field(PIECE_YEAR, pa.int64()))


class _Pieces:
    """One table's rows from one slice of the corpus, in corpus order, as a compressed Arrow
    file with one more column: the year of the report each row belongs to (its partition).

    Rows are kept as tuples in schema order (a C-level itemgetter on tidy's dicts) and
    turned into Arrow column by column, which is several times faster than from_pylist.
    """

    def __init__(self, folder: Path, name: str, schema: pa.Schema):
        self.folder, self.name, self.schema = folder, name, schema
        self.names = schema.names
        self._get = operator.itemgetter(*self.names)
        self.rows: list[tuple[Any, ...]] = []
        self.years: list[int | None] = []
        self.year_set: set[int | None] = set()
        self.count = 0
        self._file: Any = None
        self._limit = ROW_GROUP_ROWS.get(name, BATCH_ROWS)

    def _tuple(self, r: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return self._get(r)
        except KeyError:  # a row that leaves out empty columns
            return tuple(r.get(k) for k in self.names)

    def add(self, rows: Iterable[dict[str, Any]], year: int | None) -> None:
        new = [self._tuple(r) for r in rows]
        if not new:
            return
        self.rows.extend(new)
        self.years.extend([year] * len(new))
        self.year_set.add(year)
        self.count += len(new)
        if len(self.rows) >= self._limit:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        cols = list(zip(*self.rows))
        arrays = [pa.array(c, type=f.type) for c, f in zip(cols, self.schema)]
        arrays.append(pa.array(self.years, type=pa.int64()))
        schema = _piece_schema(self.schema)
        if self._file is None:
            self._file = pa.ipc.new_file(str(self.folder / f"{self.name}.arrow"), schema, options=_IPC_OPTIONS)
        self._file.write_table(pa.Table.from_arrays(arrays, schema=schema))
        self.rows, self.years = [], []

    def close(self) -> dict[str, Any]:
        self.flush()
        if self._file is not None:
            self._file.close()
        return {"rows": self.count, "years": sorted(self.year_set, key=_year_order)}


def _year_order(y: int | None) -> tuple[bool, int]:
    return (y is None, y or 0)


@dataclass(slots=True)
class _Item:
    cache_file: str
    file: str
    duplicate_of: str | None = None
    why: str = ""


CrossInput = tuple[str, str, int, Any, Any]  # file, agency, report year, 上年结转, 结转下年度


def _write_slice(args: tuple[str, list[_Item], list[CrossInput] | None]) -> dict[str, Any]:
    """Rows of a contiguous slice of the corpus as pieces in `folder` (a worker's task).

    The pieces are written to a temporary folder renamed into place at the end, so a
    piece folder that exists is complete and can be reused by the next build.
    """
    folder, items, cross = args
    final = Path(folder)
    if (final / "result.json").exists():
        return json.loads((final / "result.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix=".piece-", dir=final.parent))
    gc_was = gc.isenabled()
    gc.disable()  # millions of short-lived rows, no cycles: the collector would only rescan them
    try:
        with _arrow_memory_returned():
            result = _write_rows(tmp, items, cross)
        (tmp / "result.json").write_text(json.dumps(result, sort_keys=True), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:  # made meanwhile by another build: theirs is as good
            shutil.rmtree(tmp, ignore_errors=True)
        return result
    finally:
        if gc_was:
            gc.enable()
        shutil.rmtree(tmp, ignore_errors=True)


def _write_rows(out: Path, items: list[_Item], cross: list[CrossInput] | None) -> dict[str, Any]:
    pieces = {name: _Pieces(out, name, schema) for name, schema in tidy.SCHEMAS.items()}
    for it in items:
        rec = json.loads(Path(it.cache_file).read_text(encoding="utf-8"))
        rec["file"] = it.file
        year = rec.get("report_year")
        status = "ok"
        if it.duplicate_of:
            status = "duplicate"
            rec["issues"] = list(rec.get("issues", [])) + [{
                "level": "warning", "code": "duplicate",
                "message": f"{it.file}: repeats {it.duplicate_of} ({it.why}); kept once, not counted again"}]
        pieces["reports"].add([tidy.report_row(rec, status, it.duplicate_of)], year)
        pieces["issues"].add(tidy.issue_rows(rec), year)
        if status == "duplicate" or not rec.get("ok"):
            continue
        pieces["metrics"].add(tidy.metric_rows(rec), year)
        pieces["texts"].add([{"report_id": it.file, "script": rec.get("script"), "text": rec.get("text", "")}], year)
        pieces["cells"].add(tidy.cell_rows(rec), year)
        pieces["checks"].add(tidy.check_rows(rec), year)
    for row in _cross_year_rows(cross) if cross else ():
        pieces["checks"].add([row], row.get(YEAR))
    return {name: p.close() for name, p in pieces.items()}


class _Rechunker:
    """Feeds a ParquetWriter row groups of exactly `size` rows (the last one shorter), so the
    file's bytes depend on the rows alone, not on how they were split into pieces."""

    def __init__(self, writer: pq.ParquetWriter, size: int):
        self.writer, self.size = writer, size
        self.batches: list[pa.RecordBatch] = []
        self.n = 0

    def add(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:
            return
        self.batches.append(batch)
        self.n += batch.num_rows
        while self.n >= self.size:
            table = pa.Table.from_batches(self.batches)
            self._write(table.slice(0, self.size))
            rest = table.slice(self.size)
            self.batches = rest.combine_chunks().to_batches() if rest.num_rows else []
            self.n = rest.num_rows

    def _write(self, table: pa.Table) -> None:
        # one contiguous chunk per column: the writer cuts pages and falls back from
        # dictionary encoding at chunk boundaries, which must not depend on the pieces
        self.writer.write_table(table.combine_chunks(), row_group_size=self.size)

    def close(self) -> None:
        if self.n:
            self._write(pa.Table.from_batches(self.batches))
        self.batches, self.n = [], 0


def _ipc_batches(path: Path) -> Iterator[pa.RecordBatch]:
    if not path.exists():
        return
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)


class _ParquetOut:
    """One Parquet file (and optionally its CSV twin) being written atomically from batches."""

    def __init__(self, stack: contextlib.ExitStack, target: Path, schema: pa.Schema, rows: int, csv_target: Path | None = None):
        self.schema = schema
        tmp = stack.enter_context(atomic_path(target))
        self.rech = _Rechunker(stack.enter_context(pq.ParquetWriter(tmp, schema, compression="zstd")), rows)
        self.csv = None
        if csv_target is not None:
            csv_tmp = stack.enter_context(atomic_path(csv_target))
            with csv_tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerow(schema.names)
            fh = stack.enter_context(csv_tmp.open("ab"))
            self.csv = stack.enter_context(pacsv.CSVWriter(fh, schema, write_options=_CSV_OPTIONS))

    def add(self, batch: pa.RecordBatch) -> None:
        batch = batch.select(self.schema.names)
        self.rech.add(batch)
        if self.csv is not None:
            self.csv.write_batch(batch)


# Text is quoted, empty cells are missing values, booleans are true/false; UTF-8 with BOM, CRLF for Excel.
_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="needed", eol="\r\n")
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
PIECE_YEAR = "__partition_year"


def _merge_table(args: tuple[str, str, list[str], list[int | None], list[int | None]]) -> str:
    """A table's flat Parquet and CSV files and the partitions of `write_years`, from its pieces.

    Partitions of the other years exist and would come out byte for byte the same (none
    of their pieces changed), so they are not even recomputed. Each open partition holds
    up to a row group of rows, so the years are written a few at a time
    (`_year_passes`), each pass reading the pieces again.
    """
    out_s, name, folders_s, years, write_years = args
    out, folders = Path(out_s), [Path(f) for f in folders_s]
    with _arrow_memory_returned():
        for i, pass_years in enumerate(_year_passes(write_years)):
            _merge_pass(out, name, folders, pass_years, flat=i == 0)
    keep = {_year_dir(y) for y in years}
    part_root = out / PARTS_DIR / name
    if part_root.is_dir():  # years that no longer have rows
        for d in part_root.iterdir():
            if d.is_dir() and d.name.startswith(f"{YEAR}=") and d.name not in keep:
                shutil.rmtree(d)
    return name


def _year_passes(years: list[int | None]) -> list[list[int | None]]:
    """`years` cut into as few passes as hold at most YEARS_PER_PASS each, of even size (at least one pass).

    Memory of a pass grows with its open partitions (a row group each: texts 500 × ~14 KB);
    time grows a little with passes (the pieces are read and filtered once per pass).
    """
    n = max(1, -(-len(years) // YEARS_PER_PASS))
    size = -(-len(years) // n) if years else 0
    return [years[i * size:(i + 1) * size] for i in range(n)]


def _merge_pass(out: Path, name: str, folders: list[Path], years: list[int | None], flat: bool) -> None:
    """One read of a table's pieces: the flat files (if `flat`) and the partitions of `years`."""
    schema = tidy.SCHEMAS[name]
    rows = ROW_GROUP_ROWS.get(name, BATCH_ROWS)
    part_root = out / PARTS_DIR / name
    part_schema = _part_schema(schema)
    if not flat and not years:
        return
    with contextlib.ExitStack() as stack:
        whole = _ParquetOut(stack, out / f"{name}.parquet", schema, rows, out / f"{name}.csv") if flat else None
        parts = {y: _ParquetOut(stack, part_root / _year_dir(y) / "part-0.parquet", part_schema, rows) for y in years}
        for f in folders:
            for batch in _ipc_batches(f / f"{name}.arrow"):
                if whole is not None:
                    whole.add(batch)
                if parts:
                    _add_by_year(batch, parts)
        for w in [whole, *parts.values()]:
            if w is not None:
                w.rech.close()


def _add_by_year(batch: pa.RecordBatch, parts: dict[int | None, _ParquetOut]) -> None:
    """The rows of `batch` to the open partitions of their years (other years' rows are skipped)."""
    col = batch.column(PIECE_YEAR)
    present = pc.unique(col).to_pylist()
    for y in present:
        w = parts.get(y)
        if w is None:
            continue
        w.add(batch if len(present) == 1 else
              batch.filter(pc.is_null(col) if y is None else pc.equal(col, pa.scalar(y, pa.int64()))))


@contextlib.contextmanager
def _arrow_memory_returned() -> Iterator[None]:
    """Arrow buffers from the C allocator while writing, given back to the system afterwards.

    pyarrow's default allocator (mimalloc) keeps the pages of freed row groups for reuse:
    measured at 100,000 reports, that was 60–90 MB more per write worker than glibc's
    malloc, which malloc_trim then returns. The bytes written do not depend on it.
    """
    old = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(old)
        _malloc_trim()


def _malloc_trim() -> None:
    """Give freed heap pages back to the system (glibc only; elsewhere nothing to do)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _slices(items: list[_Item]) -> list[list[_Item]]:
    """Cut the corpus (in file order) where a file's name says so, not every N files.

    Boundaries then depend on the names around them only: adding or changing one report
    changes one slice, and every other slice's pieces are reused from the last build.
    """
    out: list[list[_Item]] = []
    cur: list[_Item] = []
    for it in items:
        if cur and len(cur) >= MIN_SLICE and (zlib.crc32(it.file.encode("utf-8")) % SLICE_EVERY == 0 or len(cur) >= WRITE_CHUNK):
            out.append(cur)
            cur = []
        cur.append(it)
    if cur or not out:
        out.append(cur)
    return out


def _slice_key(version: str, items: list[_Item], extra: list[CrossInput] | None) -> str:
    h = hashlib.sha1(version.encode())
    for it in items:
        h.update(json.dumps([Path(it.cache_file).parent.parent.name, Path(it.cache_file).name, it.file, it.duplicate_of,
                             it.why], ensure_ascii=False).encode())
    if extra:
        h.update(json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str).encode())
    return h.hexdigest()[:24]


def _write_tables(out_dir: Path, items: list[_Item], cross: list[CrossInput], pool: Any, quiet: bool,
                  old_parts: dict[str, str], stats: dict[str, Any]) -> dict[str, str]:
    """Write every table; returns {partition file (relative to parquet/): fingerprint of its pieces}."""
    root = out_dir / ".cache" / "pieces"
    root.mkdir(parents=True, exist_ok=True)
    wv = writer_version()
    tasks: list[tuple[str, list[_Item], list[CrossInput] | None]] = []
    for s in _slices(items):
        tasks.append((str(root / _slice_key(wv, s, None)), s, None))
    if cross:  # the cross-year check rows: a task of their own, made from the summaries' figures
        tasks.append((str(root / _slice_key(wv, [], cross)), [], cross))
    todo = [t for t in tasks if not (Path(t[0]) / "result.json").exists()]
    stats.update(slices=len(tasks), slices_written=len(todo))
    progress = _Progress(f"writing slices ({len(tasks) - len(todo)} unchanged, reused)", len(todo), quiet)
    mapped = pool.imap_unordered(_write_slice, todo) if pool is not None and len(todo) > 1 else map(_write_slice, todo)
    for _ in mapped:
        progress.step()
    results = [_write_slice(t) for t in tasks]  # all made now: this reads each result.json
    folders = [t[0] for t in tasks]
    merges = []
    new_parts: dict[str, str] = {}
    for name in sorted(tidy.SCHEMAS, key=lambda n: -sum(r[n]["rows"] for r in results)):
        by_year: dict[int | None, list[str]] = {}
        for t, r in zip(tasks, results):
            for y in r[name]["years"]:
                by_year.setdefault(y, []).append(Path(t[0]).name)
        years = sorted(by_year, key=_year_order)
        write = []
        for y in years:
            rel = f"{name}/{_year_dir(y)}/part-0.parquet"
            fp = hashlib.sha1(json.dumps([wv, by_year[y]]).encode()).hexdigest()[:16]
            new_parts[rel] = fp
            if old_parts.get(rel) != fp or not (out_dir / PARTS_DIR / rel).exists():
                write.append(y)
        merges.append((str(out_dir), name, folders, years, write))
    if not quiet:
        print(f"  merging {len(merges)} tables into {out_dir}", file=sys.stderr, flush=True)
    for _ in (pool.imap_unordered(_merge_table, merges) if pool is not None else map(_merge_table, merges)):
        pass
    used = {Path(f).name for f in folders}
    for d in root.iterdir():  # pieces no build will ask for again
        if d.name not in used:
            shutil.rmtree(d, ignore_errors=True)
    return new_parts


def _prune_cache(cache_root: Path, version: str) -> None:
    """Keep the cache of this extractor version and of the one before it; older ones can never be used again."""
    if not cache_root.is_dir():
        return
    others = sorted((d for d in cache_root.iterdir() if d.is_dir() and d.name != version),
                    key=lambda d: d.stat().st_mtime, reverse=True)
    for d in others[1:]:
        shutil.rmtree(d, ignore_errors=True)


def _remove_leftovers(out_dir: Path) -> None:
    """Temporary files of a build that was killed (atomic writes, write pieces): never outputs."""
    if not out_dir.is_dir():
        return
    folders = [out_dir] + ([d for d in (out_dir / PARTS_DIR).rglob("*") if d.is_dir()] if (out_dir / PARTS_DIR).is_dir() else [])
    for d in folders:
        for p in d.glob(".*.tmp"):
            p.unlink(missing_ok=True)
    pieces = out_dir / ".cache" / "pieces"
    if pieces.is_dir():
        for d in pieces.glob(".piece-*"):
            shutil.rmtree(d, ignore_errors=True)


def _n_jobs(jobs: int) -> int:
    if jobs and jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def build(raw_dir: Path = Path("data/raw"), out_dir: Path = Path("data/processed"), jobs: int = 0,
          engine: str = "local", scheduler: str | None = None, quiet: bool = False) -> int:
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        print(f"error: {raw_dir} is not a folder of reports", file=sys.stderr)
        return 2
    if engine == "dask":
        from .dask_engine import check_available

        problem = check_available(scheduler)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    t0 = time.monotonic()
    stats: dict[str, Any] = {"engine": engine}
    _remove_leftovers(out_dir)
    files = raw_files(raw_dir)
    manifest = read_manifest(raw_dir / "manifest.csv", {p.name for p in files})
    for problem in manifest.problems:
        print(f"manifest error: {problem}", file=sys.stderr)
    state_file = out_dir / "build-state.json"
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    prev_files: dict[str, dict[str, Any]] = state.get("files") or {}
    known: dict[str, dict[str, Any]] = state.get("summaries") or {}
    old_parts: dict[str, str] = state.get("partitions") if isinstance(state.get("partitions"), dict) else {}
    prev_fingerprint = state.get("fingerprint")
    del state  # a national corpus's state is large: keep only the parts in use
    version = code_version()
    cache_root = out_dir / ".cache" / "records"
    file_state: dict[str, dict[str, Any]] = {}
    jobs_list: list[Job] = []
    keys: list[str] = []
    for p in files:
        st = p.stat()
        sha = _file_sha(p, st, prev_files)
        file_state[p.name] = {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        row = manifest.for_file(p.name)
        key = _cache_key(sha, p.name, row, version)
        keys.append(key)
        jobs_list.append(Job(str(p), row, str(cache_root / version / key[:2] / (key + ".json"))))
    fingerprint = hashlib.sha1(json.dumps([version, writer_version(), {k: v["sha256"] for k, v in file_state.items()},
                                           sorted(manifest.rows.items()), manifest.problems],
                                          sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    outputs = [out_dir / f"{n}.{ext}" for n in tidy.SCHEMAS for ext in ("parquet", "csv")]
    outputs += [out_dir / PARTS_DIR / rel for rel in old_parts]
    stats["scan_s"] = time.monotonic() - t0

    def new_state(summ: dict[str, Any], parts: dict[str, str]) -> str:
        # compact: at national scale this file holds a summary per report
        return json.dumps({"fingerprint": fingerprint, "files": file_state, "summaries": summ, "partitions": parts},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    if prev_fingerprint == fingerprint and all(p.exists() for p in outputs):
        if not quiet:
            print(f"{out_dir} is up to date ({len(files)} reports, nothing changed)", file=sys.stderr)
        if file_state != prev_files:  # touched but not changed: remember the new times, so they are not hashed again
            write_text(state_file, new_state(known, old_parts))
        stats.update(total_s=time.monotonic() - t0, files=len(files), extracted=0, up_to_date=True)
        _write_stats(stats)
        return 0
    if not quiet:
        print(f"building {out_dir} from {len(files)} files in {raw_dir}", file=sys.stderr)
    n_jobs = _n_jobs(jobs)
    summaries: list[Summary | None] = [None] * len(jobs_list)
    shared = _Interner()
    todo: list[tuple[int, Job]] = []
    for i, (job, key) in enumerate(zip(jobs_list, keys)):
        s = known.get(key)
        if s is not None and Path(job.cache_file).exists():
            summaries[i] = shared(_from_state(s, job.name))
        else:
            todo.append((i, job))
    n_files = len(files)
    del known, files, prev_files  # the summaries and jobs hold all that is needed of them, and the pool is forked next
    stats.update(files=n_files, extracted=len(todo), cached=n_files - len(todo), jobs=n_jobs)
    pool = None
    if n_jobs > 1 and (len(todo) >= 8 or n_files >= 2 * MIN_SLICE):
        # the workers need nothing of this process's (large) state: freezing it keeps the
        # collector in the children from touching, and so copying, every page of it
        gc.collect()
        gc.freeze()
        pool = get_context("fork").Pool(n_jobs)
    ok = False
    try:
        t1 = time.monotonic()
        _extract_all(todo, pool, n_jobs, engine, scheduler, quiet, summaries, shared)
        stats["extract_s"] = time.monotonic() - t1
        done: list[Summary] = [s for s in summaries if s is not None]
        assert len(done) == len(jobs_list)
        del summaries, shared, todo
        t2 = time.monotonic()
        dups = find_duplicates(done)
        cross = _cross_year_inputs(done, dups)
        items = [_Item(job.cache_file, s.file, *(dups.get(s.file) or (None, ""))) for job, s in zip(jobs_list, done)]
        (out_dir / ".cache").mkdir(parents=True, exist_ok=True)
        parts = _write_tables(out_dir, items, cross, pool, quiet, old_parts, stats)
        stats["write_s"] = time.monotonic() - t2
        ok = True
    finally:
        if pool is not None:
            if ok:
                pool.close()
            else:
                pool.terminate()
            pool.join()
            gc.unfreeze()
    write_text(state_file, new_state({key: s.state() for key, s in zip(keys, done)}, parts))
    _prune_cache(cache_root, version)
    stats["total_s"] = time.monotonic() - t0
    _write_stats(stats)
    _print_summary(done, dups, manifest.problems, time.monotonic() - t0, quiet)
    return 0


def _write_stats(stats: dict[str, Any]) -> None:
    target = os.environ.get(STATS_ENV)
    if target:
        write_text(Path(target), json.dumps(stats, indent=1, sort_keys=True))


def _cross_year_inputs(summaries: list[Summary], dups: dict[str, tuple[str, str]]) -> list[CrossInput]:
    """What the cross-year checks read of each counted report; empty if no agency has two consecutive years.

    The rows themselves are made by a write worker (`_cross_year_rows`): as dicts in the
    main process they cost ~35 MB at 100,000 reports, held through the whole write phase.
    """
    inputs = [(s.file, s.agency, int(s.report_year), s.carried_over, s.carried_forward) for s in summaries
              if s.ok and s.file not in dups and s.agency and s.report_year is not None]
    seen = {(a, y) for _, a, y, _, _ in inputs}
    return inputs if any((a, y - 1) in seen for a, y in seen) else []


def _cross_year_rows(inputs: list[CrossInput]) -> Iterator[dict[str, Any]]:
    """checks.cross_year_checks over `inputs`, one agency at a time so that only one agency's rows exist at once.

    The checks pair reports of the same agency only and list them by (agency, year), so
    agency by agency in sorted order gives the same rows in the same order.
    """
    try:
        from .checks import cross_year_checks
    except ImportError:
        return
    by_agency: dict[str, list[CrossInput]] = {}
    for t in inputs:
        by_agency.setdefault(t[1], []).append(t)
    for agency in sorted(by_agency):
        yield from cross_year_checks({"file": f, "ok": True, "agency": a, "report_year": y, "carried_over": co,
                                      "carried_forward": cf} for f, a, y, co, cf in by_agency[agency])


def _print_summary(summaries: list[Summary], dups: dict[str, tuple[str, str]], manifest_problems: list[str],
                   seconds: float, quiet: bool) -> None:
    bad = [s for s in summaries if not s.ok]
    good = len(summaries) - len(bad) - len(dups)
    lines = [f"{len(summaries)} files: {good} reports extracted, {len(bad)} could not be read, {len(dups)} duplicates "
             f"({seconds:.1f} s)"]
    for s in bad:
        lines.append(f"  bad file: {s.errors[0] if s.errors else s.file}")
    for name, (kept, why) in sorted(dups.items()):
        lines.append(f"  duplicate: {name} repeats {kept} ({why}); kept once")
    for p in manifest_problems:
        lines.append(f"  manifest: {p}")
    if not quiet or bad or dups or manifest_problems:
        print("\n".join(lines), file=sys.stderr)


