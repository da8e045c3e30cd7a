"""The tidy tables written from the cached records: in slices, then merged per table.

Workers turn contiguous slices of the corpus into Arrow pieces, then each table is merged
from its pieces into the flat files (reports.parquet, reports.csv, …) and into Parquet
partitioned by report year (parquet/<table>/report_year=YYYY/part-0.parquet, hive style,
readable by DuckDB, Spark and pyarrow.dataset). Row groups are cut at fixed row counts, so
the bytes written do not depend on how many workers or which engine made them.

Each slice's piece of a table is kept twice: in corpus order (for the flat files) and
grouped by year (`_by_year`), so that a year partition reads only its own rows and is a
merge task of its own. A slice whose reports did not change keeps its pieces, and a
partition whose slices did not change is not written at all: one changed report costs its
slice, the flat files and its year's partitions. Memory stays low at national scale: one
partition is open at a time per task (holding up to a row group), and Arrow buffers come
from malloc and are trimmed after each task.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import json
import operator
import os
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .. import tidy
from ..atomic import atomic_path
from ..issues import Issue
from ..tidy import PARTS_DIR, YEAR
from .corpus import CrossInput, cross_year_rows
from .indicators import SliceFingerprints, corpus_task, filter_fingerprints, report_rows
from .jobs import Job, read_record, work, work_record
from .layout import CSV_DIR, csv_name, flat_max_rows
from .progress import Progress
from .summary import Summary
from .versions import writer_version

BATCH_ROWS = 5000  # rows per Parquet row group of the flat and partitioned tables
ROW_GROUP_ROWS = {"texts": 500}  # whole report texts: smaller groups keep memory low
WRITE_CHUNK = 2000  # at most this many reports per write task; any split gives the same bytes
MIN_SLICE = 50  # at least this many (the last slice aside)
SLICE_EVERY = (
    400  # on average a slice ends after MIN_SLICE + this many reports (where a name's CRC says so)
)
NULL_PARTITION = (
    "__HIVE_DEFAULT_PARTITION__"  # Hive's, Spark's, pyarrow's and DuckDB's name for a missing year
)


# ---------------------------------------------------------------------------------------
# writing: pieces per slice of the corpus, then one merge per table
def _part_schema(schema: pa.Schema) -> pa.Schema:
    """The schema of a year partition's files: the year lives in the folder name (Spark refuses
    both)."""
    i = schema.get_field_index(YEAR)
    return schema.remove(i) if i >= 0 else schema


def _year_dir(year: int | None) -> str:
    return f"{YEAR}={NULL_PARTITION if year is None else int(year)}"


def _piece_schema(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field(PIECE_YEAR, pa.int64()))


class _Pieces:
    """One table's rows from one slice of the corpus, in corpus order, as a compressed Arrow
    file with one more column: the year of the report each row belongs to (its partition).

    Rows are kept as columns in schema order (from tidy's column makers, or dict rows
    through a C-level itemgetter) and turned into Arrow column by column, which is several
    times faster than from_pylist.
    """

    def __init__(self, folder: Path, name: str, schema: pa.Schema):
        self.folder, self.name, self.schema = folder, name, schema
        self.names = schema.names
        self._get = operator.itemgetter(*self.names)
        self.columns: list[list[Any]] = [[] for _ in self.names]
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

    def add(self, rows: Iterable[dict[str, Any]] | dict[str, list[Any]], year: int | None) -> None:
        """Rows of one report: dicts, or columns (a dict of the schema's names, in its order,
        to lists of one value a row)."""
        if isinstance(rows, dict):
            if list(rows) != self.names:
                raise ValueError(f"{self.name}: columns {list(rows)}, not {self.names}")
            new = list(rows.values())
            n = len(new[0])
        else:
            tuples = [self._tuple(r) for r in rows]
            new, n = list(zip(*tuples)), len(tuples)
        if not n:
            return
        for column, values in zip(self.columns, new):
            column.extend(values)
        self.years.extend([year] * n)
        self.year_set.add(year)
        self.count += n
        if len(self.years) >= self._limit:
            self.flush()

    def add_arrow(self, table: pa.Table) -> None:
        """Rows already in a piece's form (with their year column), after those added so far."""
        if table.num_rows == 0:
            return
        self.flush()
        self._open()
        self.year_set.update(pc.unique(table.column(PIECE_YEAR)).to_pylist())
        self.count += table.num_rows
        for batch in table.combine_chunks().to_batches(max_chunksize=self._limit):
            self._file.write_batch(batch)

    def _open(self) -> None:
        if self._file is None:
            self._file = pa.ipc.new_file(
                str(self.folder / f"{self.name}.arrow"),
                _piece_schema(self.schema),
                options=_IPC_OPTIONS,
            )

    def flush(self) -> None:
        if not self.years:
            return
        arrays = [pa.array(c, type=f.type) for c, f in zip(self.columns, self.schema)]
        arrays.append(pa.array(self.years, type=pa.int64()))
        self._open()
        self._file.write_table(pa.Table.from_arrays(arrays, schema=_piece_schema(self.schema)))
        self.columns, self.years = [[] for _ in self.names], []

    def close(self) -> dict[str, Any]:
        """Finish the piece, and write its rows once more grouped by year (`_by_year`)."""
        self.flush()
        years = sorted(self.year_set, key=year_order)
        spans: list[list[int]] = []
        digest = ""
        if self._file is not None:
            self._file.close()
            path = self.folder / f"{self.name}.arrow"
            spans = _by_year(path, self.name, self.schema, years)
            digest = _file_digest(path)
        return {"rows": self.count, "years": years, "year_batches": spans, "digest": digest}


def _file_digest(path: Path) -> str:
    """A hash of a piece file's bytes: the same rows in the same batches give the same bytes
    (an Arrow file has no time stamp), so a flat file made of pieces whose digests did not
    change would come out the same and is not written again."""
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _by_year(path: Path, name: str, schema: pa.Schema, years: list[int | None]) -> list[list[Any]]:
    """The rows of a piece again, in `<table>.years.arrow`: each year's rows in corpus order,
    the years one after the other; returns [first batch, number of batches, rows, digest] for
    each year.

    A year partition then reads only its own rows from each slice, in one go: no pass over
    every piece of the table filtered by year, and one partition open at a time. The rows
    are put in year order by one stable sort (which keeps corpus order within a year).

    The digest is a hash of the bytes of that year's batches: a year partition whose slices'
    digests for its year are the same would come out the same, so it is not written again
    (a file saved again changes its report row, not its metrics or cells). The first year's
    bytes include the file's header, which is the same for every piece of a table.
    """
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    col = table.column(PIECE_YEAR)
    table = table.drop_columns([PIECE_YEAR])
    if len(years) > 1:
        table = table.take(pc.array_sort_indices(col, null_placement="at_end")).combine_chunks()
        counts = {
            v["values"]: v["counts"] for v in pc.value_counts(col).to_pylist()
        }  # the null year's count under None
    limit = ROW_GROUP_ROWS.get(name, BATCH_ROWS)
    spans = []
    n = start = 0
    target = path.with_suffix(".years.arrow")
    with pa.OSFile(str(target), "wb") as sink:
        with pa.ipc.new_file(sink, schema, options=_IPC_OPTIONS) as w:
            for y in years:
                rows = table if len(years) == 1 else table.slice(start, counts[y])
                start += rows.num_rows
                at = sink.tell()
                batches = rows.combine_chunks().to_batches(max_chunksize=limit)
                for b in batches:
                    w.write_batch(b)
                spans.append([n, len(batches), rows.num_rows, at, sink.tell()])
                n += len(batches)
    with open(target, "rb") as fh:
        data = memoryview(fh.read())
    for span in spans:
        end = span.pop()
        span[3] = hashlib.sha1(data[span[3] : end]).hexdigest()[:16]
    return spans


def year_order(y: int | None) -> tuple[bool, int]:
    return (y is None, y or 0)


@dataclass(slots=True)
class Item:
    cache_file: str
    file: str
    duplicate_of: str | None = None
    why: str = ""


SliceTask = tuple[str, list[Item], list[CrossInput] | None, str | None]


def _write_slice(args: SliceTask) -> dict[str, Any]:
    """Rows of a contiguous slice of the corpus as pieces in `folder` (a worker's task): from
    the cached records, or patched from the pieces of `source` (the same reports written
    before their duplicates were known, `_patch_rows`)."""
    folder, items, cross, source = args
    if source is not None:
        return _make_slice(folder, lambda tmp: _patch_rows(tmp, items, Path(source)))
    return _make_slice(folder, lambda tmp: _write_rows(tmp, items, cross))


def _make_slice(folder: str, fill: Any, collect: bool = False) -> dict[str, Any]:
    """`fill(tmp)` writes a slice's pieces into a temporary folder, renamed to `folder` at the
    end, so a piece folder that exists is complete and can be reused by the next build.

    The cyclic garbage collector is off unless `collect` (the extractor makes cycles, the
    rows do not)."""
    final = Path(folder)
    if (final / "result.json").exists():
        return json.loads((final / "result.json").read_text(encoding="utf-8"))
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".piece-", dir=final.parent))
    gc_was = gc.isenabled()
    if not collect:
        gc.disable()  # millions of short-lived rows, no cycles: the collector would only rescan
    try:
        with _arrow_memory_returned():
            result = fill(tmp)
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


def extract_slice(args: tuple[str, list[Item], list[Job | None]]) -> list[Summary]:
    """Extract the files of a slice that need it and write the slice's pieces from the records
    while they are in memory (a worker's task in a local build); returns the new summaries.

    The pieces are made as if no report were a duplicate (duplicates are known only once
    every report is extracted) into the folder `slice_key` gives for the slice without
    duplicates: a slice with none, most of them, is then ready; the others are patched
    from these pieces (`_patch_rows`) without reading their records again. `jobs[k]` is
    the job that extracts `items[k]`, or None where the record is cached.
    """
    folder, items, jobs = args
    if is_written(folder):  # by an earlier build
        return [work(j) for j in jobs if j is not None]
    summaries: list[Summary] = []

    def records() -> Iterator[dict[str, Any]]:
        for it, job in zip(items, jobs):
            if job is None:
                yield read_record(it.cache_file)
            else:
                rec, summary = work_record(job)
                summaries.append(summary)
                yield rec

    _make_slice(folder, lambda tmp: _write_rows(tmp, items, None, records()), collect=True)
    return summaries


def _dup_message(it: Item) -> str:
    return f"{it.file}: repeats {it.duplicate_of} ({it.why}); kept once, not counted again"


def _text_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"report_id": rec["file"], "script": rec.get("script"), "text": rec.get("text", "")}]


# The tables with rows of counted reports only (not of duplicates or unreadable files), each
# made from one record, in this order. A new table of that kind is its schema in
# tidy.SCHEMAS (with a report_id column, by which a duplicate's rows are left out) and one
# entry here, a function of the record giving its rows (dicts, or columns as tidy's
# `*_columns` do); its flat files and year partitions then follow like the others'.
COUNTED_ROWS: dict[str, Any] = {
    "metrics": tidy.metric_columns,
    "texts": _text_rows,
    "cells": tidy.cell_columns,
    "checks": tidy.check_columns,
    "indicators": report_rows,
}


def _write_rows(
    out: Path,
    items: list[Item],
    cross: list[CrossInput] | None,
    records: Iterable[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The pieces of every table for `items` (or the cross-year rows), and what they hold.

    Each table's rows of each year have a digest (`_by_year`): a year partition is
    rewritten only when one of its slices' digests for its year changed, so a changed
    report rewrites its own year's partitions of the tables its rows changed in, not those
    of every year its slice spans.
    """
    pieces = {name: _Pieces(out, name, schema) for name, schema in tidy.SCHEMAS.items()}
    fps = SliceFingerprints()  # the sentence hashes of the corpus indicators (indicators.py)
    if records is None:
        records = (read_record(it.cache_file) for it in items)
    for it, rec in zip(items, records):
        rec["file"] = it.file
        year = rec.get("report_year")
        status = "ok"
        if it.duplicate_of:
            status = "duplicate"
            rec["issues"] = list(rec.get("issues", [])) + [
                Issue("warning", "duplicate", _dup_message(it)).as_dict()
            ]
        pieces["reports"].add([tidy.report_row(rec, status, it.duplicate_of)], year)
        pieces["issues"].add(tidy.issue_rows(rec), year)
        if status == "duplicate" or not rec.get("ok"):
            continue
        for name, rows_of in COUNTED_ROWS.items():
            pieces[name].add(rows_of(rec), year)
        fps.add(rec)
    fingerprints = fps.save(out)
    if cross:  # rows that pair reports across years
        for row in cross_year_rows(cross):
            pieces["checks"].add([row], row.get(YEAR))
    result: dict[str, Any] = {name: p.close() for name, p in pieces.items()}
    result["fingerprints"] = fingerprints
    return result


def corpus_piece(folder: Path, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Corpus-level rows (the corpus indicators) as a piece like a slice's, for the merge.

    Its rows of each year have a digest, as a slice's do, so a year partition is rewritten
    only when its corpus rows changed."""
    result: dict[str, Any] = {
        name: {"rows": 0, "years": [], "year_batches": []} for name in tidy.SCHEMAS
    }
    if rows:
        piece = _Pieces(folder, "indicators", tidy.INDICATORS_SCHEMA)
        for r in rows:
            piece.add([r], r[YEAR])
        result["indicators"] = piece.close()
    return result


def _read_piece(folder: Path, name: str) -> pa.Table | None:
    path = folder / f"{name}.arrow"
    if not path.exists():
        return None
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def _patch_rows(out: Path, items: list[Item], source: Path) -> dict[str, Any]:
    """The pieces `_write_rows` gives for `items`, from the pieces of the same reports written
    without their duplicates (`extract_slice`): no record is read again.

    What a duplicate changes is exactly what `_write_rows` does for it: its report row says
    duplicate (with the warning counted in its warnings and flags), its issues end with
    that warning, and its rows of the other tables are left out.
    """
    dups = {it.file: it for it in items if it.duplicate_of}
    pieces = {name: _Pieces(out, name, schema) for name, schema in tidy.SCHEMAS.items()}
    reports = _read_piece(source, "reports")
    rows = reports.to_pylist() if reports is not None else []
    issues = _read_piece(source, "issues")
    by_report: dict[str, list[dict[str, Any]]] = {}
    for i in issues.to_pylist() if issues is not None else []:
        by_report.setdefault(i["report_id"], []).append(i)
    year_of: dict[str, Any] = {}
    for r in rows:
        year = year_of[r["report_id"]] = r.pop(PIECE_YEAR)
        it = dups.get(r["report_id"])
        if it is not None:
            own = by_report.setdefault(it.file, [])
            own.append(
                {"report_id": it.file, "level": "warning", "code": "duplicate", "metric": None}
                | {"message": _dup_message(it), PIECE_YEAR: year}
            )
            r["status"] = "duplicate" if r["status"] != "error" else "error"
            r["duplicate_of"] = it.duplicate_of
            r["n_warnings"] = sum(1 for i in own if i.get("level") == "warning")
            r["flags"] = " | ".join(
                i["message"] for i in own if i.get("level") in ("error", "warning")
            )
        pieces["reports"].add([r], year)
    for r in rows:
        for i in by_report.get(r["report_id"], ()):
            pieces["issues"].add([i], i.pop(PIECE_YEAR))
    gone = pa.array(sorted(dups), type=pa.string())
    for name in COUNTED_ROWS:
        table = _read_piece(source, name)
        if table is not None:
            pieces[name].add_arrow(
                table.filter(pc.invert(pc.is_in(table.column("report_id"), value_set=gone)))
            )
    fingerprints = filter_fingerprints(source, out, set(dups))
    result: dict[str, Any] = {name: p.close() for name, p in pieces.items()}
    result["fingerprints"] = fingerprints
    return result


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


def _ipc_batches(path: Path, which: range | None = None) -> Iterator[pa.RecordBatch]:
    """The record batches of an Arrow file (those numbered in `which`, or all of them)."""
    if not path.exists():
        return
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches) if which is None else which:
            yield reader.get_batch(i)


class _ParquetOut:
    """One Parquet file being written atomically from batches, in row groups of `rows`."""

    def __init__(self, stack: contextlib.ExitStack, target: Path, schema: pa.Schema, rows: int):
        self.schema = schema
        tmp = stack.enter_context(atomic_path(target))
        self.rech = _Rechunker(
            stack.enter_context(pq.ParquetWriter(tmp, schema, compression="zstd")), rows
        )

    def add(self, batch: pa.RecordBatch) -> None:
        self.rech.add(batch.select(self.schema.names))


class _CsvOut:
    """One CSV file being written atomically from batches: a header, then the rows."""

    def __init__(self, stack: contextlib.ExitStack, target: Path, schema: pa.Schema):
        self.schema = schema
        tmp = stack.enter_context(atomic_path(target))
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow(schema.names)
        fh = stack.enter_context(tmp.open("ab"))
        self.csv = stack.enter_context(pacsv.CSVWriter(fh, schema, write_options=_CSV_OPTIONS))

    def add(self, batch: pa.RecordBatch) -> None:
        self.csv.write_batch(batch.select(self.schema.names))


# Text is quoted, empty cells are missing values, booleans are true/false; UTF-8 with BOM, CRLF
# for Excel.
_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="needed", eol="\r\n")
# pieces are small (a slice's table, ~5,000 rows a batch): compressing their buffers on
# Arrow's threads only cost each worker thread wake-ups (a few a report) on cores the other
# workers are using; the bytes are the same either way
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4", use_threads=False)
PIECE_YEAR = "__partition_year"


def _merge_flat(args: tuple[str, str, list[str], str]) -> str:
    """A table's flat Parquet or CSV file (`what`), from its pieces in corpus order (a merge
    task). The two are separate tasks so that a large table's pair is written on two cores
    at once: the flat files of the largest table are the longest task of a changed build."""
    out_s, name, folders, what = args
    out = Path(out_s)
    schema = tidy.SCHEMAS[name]
    with _arrow_memory_returned(), contextlib.ExitStack() as stack:
        w: _ParquetOut | _CsvOut = (
            _ParquetOut(
                stack, out / f"{name}.parquet", schema, ROW_GROUP_ROWS.get(name, BATCH_ROWS)
            )
            if what == "parquet"
            else _CsvOut(stack, out / f"{name}.csv", schema)
        )
        for f in folders:
            for batch in _ipc_batches(Path(f) / f"{name}.arrow"):
                w.add(batch)
        if isinstance(w, _ParquetOut):
            w.rech.close()
    return name


YearTask = tuple[str, str, list[tuple[int | None, list[tuple[str, int, int]]]]]


def _merge_years(args: YearTask) -> str:
    """Year partitions of one table (a merge task): for each year, the batches of that year
    from each slice's year-grouped piece, in corpus order; one partition open at a time.

    Partitions of the other years exist and would come out byte for byte the same (none
    of their pieces changed), so they are not in the task at all.
    """
    out_s, name, years = args
    root = Path(out_s) / PARTS_DIR / name
    schema = _part_schema(tidy.SCHEMAS[name])
    rows = ROW_GROUP_ROWS.get(name, BATCH_ROWS)
    with _arrow_memory_returned():
        for y, sources in years:
            with contextlib.ExitStack() as stack:
                w = _ParquetOut(stack, root / _year_dir(y) / "part-0.parquet", schema, rows)
                for folder, first, count in sources:
                    for batch in _ipc_batches(
                        Path(folder) / f"{name}.years.arrow", range(first, first + count)
                    ):
                        w.add(batch)
                w.rech.close()
    return name


def _merge_year_csv(args: tuple[str, str, int | None, list[tuple[str, int, int]]]) -> str:
    """One year's CSV of a table too large for one CSV (a merge task): the columns and form
    of the flat CSV, that year's rows in corpus order (`layout`)."""
    out_s, name, y, sources = args
    schema = tidy.SCHEMAS[name]
    target = Path(out_s) / CSV_DIR / csv_name(name, y)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _arrow_memory_returned(), contextlib.ExitStack() as stack:
        w = _CsvOut(stack, target, schema)
        for folder, first, count in sources:
            for batch in _ipc_batches(
                Path(folder) / f"{name}.years.arrow", range(first, first + count)
            ):
                w.add(batch)
    return name


def _drop_old_years(out: Path, name: str, years: list[int | None], split: bool) -> None:
    """Remove a table's partitions (and per-year CSVs) of years that no longer have rows, and
    the files of the layout it no longer has: its flat files once it is written per year,
    its per-year CSVs once it is flat again."""
    keep = {_year_dir(y) for y in years}
    part_root = out / PARTS_DIR / name
    if part_root.is_dir():
        for d in part_root.iterdir():
            if d.is_dir() and d.name.startswith(f"{YEAR}=") and d.name not in keep:
                shutil.rmtree(d)
    csv_root = out / CSV_DIR / name
    if split:
        for ext in ("parquet", "csv"):
            (out / f"{name}.{ext}").unlink(missing_ok=True)
        keep_csv = {Path(csv_name(name, y)).name for y in years}
        if csv_root.is_dir():
            for f in csv_root.iterdir():
                if f.is_file() and f.suffix == ".csv" and f.name not in keep_csv:
                    f.unlink()
    elif csv_root.is_dir():
        shutil.rmtree(csv_root)
        with contextlib.suppress(OSError):
            (out / CSV_DIR).rmdir()  # only if empty


def _merge(task: tuple[str, Any]) -> str:
    kind, args = task
    if kind == "flat":
        return _merge_flat(args)
    return _merge_year_csv(args) if kind == "year_csv" else _merge_years(args)


@dataclass
class Written:
    """What `write_tables` left: {partition file (relative to parquet/): fingerprint},
    the same for the per-year CSVs (relative to csv/), the tables written per year
    only (with their row counts), and what each piece folder in use holds (for `state`)."""

    partitions: dict[str, str]
    year_csvs: dict[str, str]
    split_rows: dict[str, int]
    flat: dict[str, str]  # flat file name -> fingerprint
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # piece folder -> result

    @property
    def split(self) -> list[str]:
        return sorted(self.split_rows)


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


def slice_bounds(names: list[str]) -> list[tuple[int, int]]:
    """Where the corpus (its file names, in file order) is cut into slices: (start, end) of
    each. Cut where a file's name says so, not every N files.

    Boundaries then depend on the names around them only: adding or changing one report
    changes one slice, and every other slice's pieces are reused from the last build.

    >>> slice_bounds([]), slice_bounds(["a.txt"])
    ([(0, 0)], [(0, 1)])
    """
    out: list[tuple[int, int]] = []
    start = 0
    crc = zlib.crc32
    for i, name in enumerate(names):
        n = i - start
        if n >= MIN_SLICE and (crc(name.encode("utf-8")) % SLICE_EVERY == 0 or n >= WRITE_CHUNK):
            out.append((start, i))
            start = i
    if start < len(names) or not out:
        out.append((start, len(names)))
    return out


def _slices(items: list[Item]) -> list[list[Item]]:
    """The corpus's items cut into slices (`slice_bounds`)."""
    return [items[a:b] for a, b in slice_bounds([it.file for it in items])]


def dup_folder(base: str, dups: list[tuple[str, str | None, str]]) -> str:
    """The piece folder of a slice with duplicates: the folder of its reports written
    without them (`base`, named by `slice_key`) and which of them repeat which, in
    file order ([file, the file it repeats, why]).

    >>> dup_folder("f0", []), dup_folder("f0", [("b.txt", "a.txt", "the same bytes")]) != "f0"
    ('f0', True)
    """
    if not dups:
        return base
    data = json.dumps([base, [list(d) for d in dups]], ensure_ascii=False)
    return hashlib.sha1(data.encode()).hexdigest()[:24]


def cross_folder(version: str, cross: list[CrossInput]) -> str:
    """The piece folder of the cross-year rows: a hash of what they are made from (repr, not
    JSON: a tuple of str, int, float and None has one repr, and 100,000 of them take a
    tenth of the time)."""
    return hashlib.sha1(f"{version}\0cross\0{cross!r}".encode()).hexdigest()[:24]


def slice_key(version: str, items: list[Item]) -> str:
    """A slice's piece folder written as if none of its reports were a duplicate: a hash of
    its reports' cached records (the extractor version's folder and the record's name, from
    the cache path `<version>/<xx>/<key>.rec`) and names, in order; its duplicates make
    another folder of it (`dup_folder`). Kept to one hash update per report."""
    h = hashlib.sha1(version.encode())
    sep = os.sep
    for it in items:
        parts = it.cache_file.rsplit(sep, 3)
        # a name holds no NUL or newline: unambiguous
        h.update(f"{parts[-3] if len(parts) > 2 else ''}\0{parts[-1]}\0{it.file}\n".encode())
    return h.hexdigest()[:24]


def is_written(folder: str | Path) -> bool:
    """A piece folder is complete: its result.json is written last, and the folder renamed
    into place only then (`_make_slice`)."""
    return os.path.exists(os.path.join(folder, "result.json"))


ExtractTask = tuple[str, list[Item], list[Job | None], list[int]]


def extract_slices(
    tasks: list[ExtractTask],
    pool: Any,
    quiet: bool,
    summaries: list[Summary | None],
    shared: Any,
    stats: dict[str, Any],
) -> set[str]:
    """The local engine's extraction: one task per slice that has files to extract, which
    also writes the slice's pieces from the fresh records (`extract_slice`), so that the
    write step has nothing left to do for most slices. A task is (the slice's folder
    without duplicates, its items, the job of each item that needs one, the corpus
    positions of those). Returns the piece folders made."""
    stats["slices_extracted"] = len(tasks)
    progress = Progress("extracting", sum(len(t[3]) for t in tasks), quiet)
    numbered = [(k, t[:3]) for k, t in enumerate(tasks)]
    mapped = (
        pool.imap_unordered(_extract_slice_task, numbered)
        if pool is not None and len(tasks) > 0
        else map(_extract_slice_task, numbered)
    )
    for k, got in mapped:
        for i, summary in zip(tasks[k][3], got):
            summaries[i] = shared(summary)
        progress.step(len(got))
    return {t[0] for t in tasks}


def _extract_slice_task(
    task: tuple[int, tuple[str, list[Item], list[Job | None]]],
) -> tuple[int, list[Summary]]:
    k, args = task
    return k, extract_slice(args)


@dataclass(slots=True)
class SlicePlan:
    """One slice of the corpus for the write: its piece folder, the folder of the same
    reports written without their duplicates (the same if it has none), and its items,
    made only if the slice must be written (at national scale, most are not)."""

    folder: str
    base: str
    items: Callable[[], list[Item]]


def write_tables(
    out_dir: Path,
    plans: list[SlicePlan],
    cross: list[CrossInput],
    workers: Any,
    quiet: bool,
    old_parts: dict[str, str],
    stats: dict[str, Any],
    fresh: set[str] = frozenset(),  # type: ignore[assignment]
    old_csvs: dict[str, str] | None = None,
    max_rows: int | None = None,
    old_flat: dict[str, str] | None = None,
    known: dict[str, dict[str, Any]] | None = None,
) -> Written:
    """Write every table: flat files and year partitions, or, for a table of more than
    `max_rows` rows (`layout.flat_max_rows()`), year partitions and per-year CSVs only.
    A partition or per-year CSV whose fingerprint (in `old_parts`, `old_csvs`) did not
    change is not written again. `known` has the results of piece folders as the last
    build left them (`state`), so that those are not read again."""
    old_csvs = old_csvs or {}
    max_rows = flat_max_rows() if max_rows is None else max_rows
    root = out_dir / ".cache" / "pieces"
    root.mkdir(parents=True, exist_ok=True)
    wv = writer_version()
    known = known or {}
    tasks: list[SliceTask] = []
    results: list[dict[str, Any] | None] = []
    for plan in plans:
        done = is_written(plan.folder)
        if done:
            tasks.append((plan.folder, [], None, None))
        else:  # written from its records, or patched from its pieces without duplicates
            source = plan.base if plan.base != plan.folder else None
            if source and not is_written(source):
                source = None
            tasks.append((plan.folder, plan.items(), None, source))
        results.append(known.get(os.path.basename(plan.folder)) if done else None)
    if cross:  # the cross-year check rows: a task of their own, made from the summaries' figures
        tasks.append((str(root / cross_folder(wv, cross)), [], cross, None))
        results.append(None)
    todo = [t for t, r in zip(tasks, results) if r is None and not is_written(t[0])]
    stats.update(
        slices=len(tasks),
        slices_written=len({t[0] for t in todo} | (fresh & {t[0] for t in tasks})),
        slices_patched=sum(1 for t in todo if t[3] is not None),
    )
    progress = Progress(
        f"writing slices ({len(tasks) - len(todo)} unchanged, reused)", len(todo), quiet
    )
    pool = workers.for_writing(rows=True) if workers is not None and len(todo) > 1 else None
    mapped = (
        pool.imap_unordered(_write_slice, todo) if pool is not None else map(_write_slice, todo)
    )
    for _ in mapped:
        progress.step()
    if pool is not None:
        workers.rest()  # fresh ones for the merges, forked once the indicators are made
    # all made now: what the last build did not know is read from each result.json
    results = [r if r is not None else _write_slice(t) for t, r in zip(tasks, results)]
    # the corpus indicators, from the slices' saved hashes and texts (made here, with no
    # worker alive: what they allocate is given back before the merges' workers are forked)
    with _arrow_memory_returned():
        inputs = _corpus_inputs(tasks, results)
        tasks.append(corpus_task(root, wv, tasks, stats, corpus_piece, inputs))
    results.append(_write_slice(tasks[-1]))
    folders = [t[0] for t in tasks]
    merges: list[tuple[int, tuple[str, Any]]] = []  # (rows, task): the largest are started first
    new_parts: dict[str, str] = {}
    new_csvs: dict[str, str] = {}
    new_flat: dict[str, str] = {}
    old_flat = old_flat or {}
    split_rows: dict[str, int] = {}
    all_years: dict[str, list[int | None]] = {}
    for name in tidy.SCHEMAS:
        rows = sum(r[name]["rows"] for r in results)
        split = rows > max_rows
        if split:
            split_rows[name] = rows
        else:  # written only when a piece's rows changed (or the file is missing)
            fp = _flat_key(wv, name, folders, results)
            for what in ("parquet", "csv"):
                rel = f"{name}.{what}"
                new_flat[rel] = fp
                if old_flat.get(rel) != fp or not (out_dir / rel).exists():
                    merges.append((rows, ("flat", (str(out_dir), name, folders, what))))
        by_year: dict[int | None, list[tuple[str, int, int]]] = {}
        year_rows: dict[int | None, int] = {}
        year_keys: dict[int | None, list[str]] = {}
        for f, r in zip(folders, results):
            for y, span in zip(r[name]["years"], r[name]["year_batches"]):
                first, count, n = span[:3]
                by_year.setdefault(y, []).append((f, first, count))
                year_rows[y] = year_rows.get(y, 0) + n
                # the digest of the piece's rows of that year (`_by_year`); a piece without
                # one counts by its folder, named for all of its inputs
                year_keys.setdefault(y, []).append(span[3] if len(span) > 3 else Path(f).name)
        years = all_years[name] = sorted(by_year, key=year_order)
        for y in years:
            rel = f"{name}/{_year_dir(y)}/part-0.parquet"
            fp = hashlib.sha1(json.dumps([wv, year_keys[y]]).encode()).hexdigest()[:16]
            new_parts[rel] = fp
            if old_parts.get(rel) != fp or not (out_dir / PARTS_DIR / rel).exists():
                merges.append((year_rows[y], ("years", (str(out_dir), name, [(y, by_year[y])]))))
            if split:  # its CSV is per year too, made from the same rows
                crel = csv_name(name, y)
                new_csvs[crel] = fp
                if old_csvs.get(crel) != fp or not (out_dir / CSV_DIR / crel).exists():
                    merges.append((year_rows[y], ("year_csv", (str(out_dir), name, y, by_year[y]))))
    merges.sort(key=lambda m: -m[0])
    stats.update(
        partitions=len(new_parts),
        partitions_written=sum(1 for _, (kind, _) in merges if kind == "years"),
        year_csvs=len(new_csvs),
        year_csvs_written=sum(1 for _, (kind, _) in merges if kind == "year_csv"),
        flat_written=sum(1 for _, (kind, _) in merges if kind == "flat"),
        split_tables=sorted(split_rows),
    )
    if not quiet:
        print(
            f"  merging {len(tidy.SCHEMAS)} tables and {stats['partitions_written']} "
            f"year partitions into {out_dir}",
            file=sys.stderr,
            flush=True,
        )
    todo_merges = [task for _, task in merges]
    pool = workers.for_writing() if workers is not None and len(todo_merges) > 1 else None
    for _ in (
        pool.imap_unordered(_merge, todo_merges) if pool is not None else map(_merge, todo_merges)
    ):
        pass
    for name, years in all_years.items():
        _drop_old_years(out_dir, name, years, name in split_rows)
    used = {Path(f).name for f in folders}  # a slice's pieces before its duplicates go too
    for d in root.iterdir():  # pieces no build will ask for again
        if d.name not in used:
            shutil.rmtree(d, ignore_errors=True)
    return Written(
        new_parts,
        new_csvs,
        split_rows,
        new_flat,
        {os.path.basename(f): r for f, r in zip(folders, results)},
    )


def _corpus_inputs(tasks: list[SliceTask], results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """What the corpus indicators read of each slice: (the digest of its saved hashes, that
    of its texts); a slice written before there were digests counts by its own key."""
    out = []
    for t, r in zip(tasks, results):
        fps, texts = r.get("fingerprints"), r.get("texts", {}).get("digest")
        out.append(
            (fps, texts) if fps is not None and texts is not None else (Path(t[0]).name,) * 2
        )
    return out


def _flat_key(wv: str, name: str, folders: list[str], results: list[dict[str, Any]]) -> str:
    """A flat file's fingerprint: the digests of its pieces in corpus order (a piece without
    a digest counts by its folder, i.e. as changed whenever its slice is)."""
    parts = [r.get(name, {}).get("digest") or Path(f).name for f, r in zip(folders, results)]
    return hashlib.sha1(json.dumps([wv, name, parts]).encode()).hexdigest()[:16]
