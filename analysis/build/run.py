"""`python -m analysis build`: data/raw → data/processed, fast, safe and repeatable.

The build's steps, each in its own module:
1. scan data/raw and the manifest, and key every file by its content (here);
2. extract what is not cached, on every core or on a dask cluster (`jobs`);
3. find duplicates and the cross-year pairs (`corpus`);
4. write the tidy tables in slices and merge them, per year too (`write`);
5. remember what was built (build-state.json), so that an unchanged corpus rewrites
   nothing at all and a changed file costs its own extraction and its slice.

Every file is written to a temporary file and renamed into place only if its content
changed. A bad file becomes an error row with a message naming it; the rest of the batch
runs. Duplicates (the same bytes, or the same agency and year) are kept once and listed.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_text
from . import versions
from .layout import CSV_DIR, EXCEL_ROWS, FLAT_ROWS_ENV, flat_max_rows
from .versions import code_version, writer_version

if TYPE_CHECKING:  # the rest is imported when there is work to do (`_build`)
    from .summary import Summary

SKIP_NAMES = {"manifest.csv", "README.md", "readme.md", ".gitkeep"}
# if set, a JSON file with the phase timings of the build (for scripts/bench.py)
STATS_ENV = "ANALYSIS_BUILD_STATS"
# What the last complete build saw: a hash of the raw folder's listing (names, sizes,
# modification times), the manifest's bytes and the package's files, and the outputs it
# left. When nothing of that changed, the build is up to date without reading
# build-state.json (~100 MB at 100,000 reports), importing the extractor or parsing the
# package for its versions: a warm build of a national corpus is its directory scan.
QUICK_FILE = Path(".cache") / "up-to-date.json"


def raw_files(raw_dir: Path) -> list[Path]:
    return [Path(raw_dir) / name for name, _ in scan_raw(raw_dir)]


def scan_raw(raw_dir: Path) -> list[tuple[str, os.stat_result]]:
    """(name, stat) of every report file in `raw_dir`, sorted by name: regular files only (no
    symlinks, no hidden files, not the manifest).

    One directory read and one stat per file: a national corpus has 100,000 of them, and
    pathlib's is_file, is_symlink and stat cost three more system calls and ~10 µs of
    Python each.
    """
    out = []
    with os.scandir(raw_dir) as it:
        for e in it:
            if e.name in SKIP_NAMES or e.name.startswith("."):
                continue
            if e.is_file(follow_symlinks=False):
                out.append((e.name, e.stat(follow_symlinks=False)))
    out.sort(key=lambda t: t[0])
    return out


def _file_sha(path: Path | str, st: os.stat_result, state: dict[str, list[Any]]) -> str:
    prev = state.get(os.path.basename(path))  # [name, sha256, size, mtime_ns]
    if prev and prev[2] == st.st_size and prev[3] == st.st_mtime_ns:
        return prev[1]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


STATE_FORMAT = 2  # files and summaries as rows (format 1, objects, is still read)


def _state_rows(state: dict[str, Any]) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """(file name -> [name, sha256, size, mtime_ns], cache key -> summary row) of a state."""
    from .summary import summary_from_state, summary_row

    files, summaries = state.get("files"), state.get("summaries")
    if state.get("format") == STATE_FORMAT and isinstance(files, list):
        return (
            {f[0]: f for f in files if isinstance(f, list) and len(f) == 4},
            {r[0]: r for r in summaries or [] if isinstance(r, list) and r},
        )
    if not isinstance(files, dict) or not isinstance(summaries, dict):
        return {}, {}
    return (  # a state of before the rows
        {
            k: [k, v.get("sha256"), v.get("size"), v.get("mtime_ns")]
            for k, v in files.items()
            if isinstance(v, dict)
        },
        {
            k: summary_row(summary_from_state(v, ""), k)
            for k, v in summaries.items()
            if isinstance(v, dict)
        },
    )


def _prune_cache(cache_root: Path, version: str) -> None:
    """Keep the cache of this extractor version and of the one before it; older ones can never
    be used again."""
    if not cache_root.is_dir():
        return
    others = sorted(
        (d for d in cache_root.iterdir() if d.is_dir() and d.name != version),
        key=lambda d: d.stat().st_mtime,
        reverse=True,
    )
    for d in others[1:]:
        shutil.rmtree(d, ignore_errors=True)


def _remove_leftovers(out_dir: Path) -> None:
    """Temporary files of a build that was killed (atomic writes, write pieces): never outputs."""
    if not out_dir.is_dir():
        return
    folders = [out_dir, out_dir / ".cache"]
    for sub in ("parquet", CSV_DIR):  # tidy.PARTS_DIR and the per-year CSVs
        if (out_dir / sub).is_dir():
            folders += [d for d in (out_dir / sub).rglob("*") if d.is_dir()]
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


def _quick_key(raw_dir: Path, files: list[tuple[str, os.stat_result]]) -> str:
    """What the up-to-date check compares (`QUICK_FILE`): the package's files, the raw
    folder's listing with sizes and modification times (what `_file_sha` trusts too), the
    manifest's bytes and the table layout's setting."""
    h = hashlib.sha1()
    h.update(versions.package_digest().encode())
    h.update(str(raw_dir.resolve()).encode() + b"\0")
    h.update(os.environ.get(FLAT_ROWS_ENV, "").encode() + b"\0")
    try:
        h.update(hashlib.sha1((raw_dir / "manifest.csv").read_bytes()).digest())
    except OSError:
        h.update(b"(no manifest)")
    h.update("\n".join(f"{n}\0{st.st_size}\0{st.st_mtime_ns}" for n, st in files).encode())
    return h.hexdigest()


def _quick_up_to_date(out_dir: Path, key: str) -> bool:
    """The last complete build saw exactly this (`_quick_key`), and its outputs are there."""
    try:
        quick = json.loads((out_dir / QUICK_FILE).read_text(encoding="utf-8"))
        if quick.get("key") != key or not (out_dir / "build-state.json").is_file():
            return False
        return all(os.path.isfile(os.path.join(out_dir, rel)) for rel in quick["outputs"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return False


def _write_quick(out_dir: Path, key: str, outputs: list[Path]) -> None:
    rels = sorted(os.path.relpath(p, out_dir) for p in outputs)
    write_text(out_dir / QUICK_FILE, json.dumps({"key": key, "outputs": rels}, indent=0))


def build(
    raw_dir: Path = Path("data/raw"),
    out_dir: Path = Path("data/processed"),
    jobs: int = 0,
    engine: str = "local",
    scheduler: str | None = None,
    quiet: bool = False,
) -> int:
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
    files = scan_raw(raw_dir)
    quick_key = _quick_key(raw_dir, files)
    if _quick_up_to_date(out_dir, quick_key):
        if not quiet:
            print(
                f"{out_dir} is up to date ({len(files)} reports, nothing changed)", file=sys.stderr
            )
        stats.update(total_s=time.monotonic() - t0, files=len(files), extracted=0, up_to_date=True)
        stats["quick"] = True
        _write_stats(stats)
        return 0
    return _build(raw_dir, out_dir, jobs, engine, scheduler, quiet, files, quick_key, t0, stats)


def _build(
    raw_dir: Path,
    out_dir: Path,
    jobs: int,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    files: list[tuple[str, os.stat_result]],
    quick_key: str,
    t0: float,
    stats: dict[str, Any],
) -> int:
    """The build when the quick check did not find it up to date. The workers are forked
    first, before this process imports pyarrow or reads the state, so that they import
    the extractor and pyarrow (`_start_worker`) while it does: on two cores that overlaps
    a second of a one-file change's start-up. They inherit nothing large either."""
    # from here on the outputs may change: the up-to-date record goes first
    (out_dir / QUICK_FILE).unlink(missing_ok=True)
    # OCR results (seconds a page) are kept by image hash across extractor versions, and
    # each page read is said on stderr (the workers inherit both settings)
    os.environ["ANALYSIS_OCR_CACHE"] = str(out_dir / ".cache" / "ocr")
    if not quiet:
        os.environ.setdefault("ANALYSIS_OCR_PROGRESS", "1")
    n_jobs = _n_jobs(jobs)
    workers = _Workers(n_jobs if n_jobs > 1 and len(files) >= 8 else 0)
    ok = False
    try:
        code = _build_with(
            workers, n_jobs, raw_dir, out_dir, engine, scheduler, quiet, files, quick_key, t0, stats
        )
        ok = True
        return code
    finally:
        workers.stop(wait=ok and bool(stats.get("extracted")))


class _Workers:
    """The build's worker processes: first those that extract, then fresh ones for the write.

    An extracting worker holds the extractor (its modules, OpenCC's dictionaries, the
    caches of its rules: ~250 MB PSS each at national scale), which writing the tables
    never uses. Forked again from this process once the extraction is over, the write's
    workers share this process's pages and hold only what their tasks make; they are
    ended again while this process makes the corpus indicators (`rest`), and fresh ones
    do the merges. At 100,000 reports that took the build's peak from 1.2 GB to ~0.8 GB.
    A fork costs milliseconds. The extracting workers are started first of all, before
    this process imports pyarrow or reads the state, so that they import the extractor
    meanwhile (`_start_worker`), and inherit nothing large either.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.pool: Any = self._fork(_start_worker) if n else None
        self.extracting = self.pool is not None

    def _fork(self, initializer: Any) -> Any:
        gc.collect()
        gc.freeze()  # the collector in the children then never touches (copies) these pages
        return get_context("fork").Pool(self.n, initializer=initializer)

    def for_extracting(self) -> Any:
        return self.pool if self.extracting else None

    def for_writing(self) -> Any:
        """The pool for the write step (None: write in this process), forked now if there is
        none: after the extraction, or after `rest`."""
        if self.extracting:
            self._end()
            _start_writer()  # here, so that the workers share its pages instead of a copy each
        if self.pool is None and self.n:
            self.pool = self._fork(None)
        return self.pool

    def rest(self) -> None:
        """End the write's workers (the next `for_writing` forks new ones): what their tasks
        left in them is then not held while this process makes the corpus indicators."""
        if self.pool is not None and not self.extracting:
            self._end()

    def _end(self) -> None:
        # every task's result is in: nothing is lost by not waiting for them to exit
        self.stop(wait=False)

    def stop(self, wait: bool) -> None:
        if self.pool is None:
            return
        if wait:
            self.pool.close()
        else:  # failed, or up to date after all: nothing to wait for
            self.pool.terminate()
        self.pool.join()
        self.pool, self.extracting = None, False
        gc.unfreeze()


def _start_worker() -> None:
    from . import write  # noqa: F401  (pyarrow, the row makers)
    from .jobs import load_extractor

    load_extractor()
    _start_writer()


def _start_writer() -> None:
    import pandas  # noqa: F401  (pyarrow imports it on its first pa.array of a list)


def _build_with(
    workers: _Workers,
    n_jobs: int,
    raw_dir: Path,
    out_dir: Path,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    files: list[tuple[str, os.stat_result]],
    quick_key: str,
    t0: float,
    stats: dict[str, Any],
) -> int:
    from .. import tidy
    from ..read.manifest import read_manifest
    from ..tidy import PARTS_DIR
    from . import write
    from .corpus import cross_year_inputs, find_duplicates
    from .jobs import RECORD_SUFFIX, Job, cache_key, cached_names, extract_all
    from .summary import Interner, summary_from_row, summary_row
    from .write import Item, write_tables

    versions.use_cache(out_dir / ".cache" / "imports.json")
    manifest = read_manifest(raw_dir / "manifest.csv", {name for name, _ in files})
    for problem in manifest.problems:
        print(f"manifest error: {problem}", file=sys.stderr)
    state_file = out_dir / "build-state.json"
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    prev_files, known = _state_rows(state)
    old_parts: dict[str, str] = (
        state.get("partitions") if isinstance(state.get("partitions"), dict) else {}
    )
    old_csvs: dict[str, str] = (
        state.get("year_csvs") if isinstance(state.get("year_csvs"), dict) else {}
    )
    old_split = set(state.get("split_tables") or [])
    old_flat: dict[str, str] = state.get("flat") if isinstance(state.get("flat"), dict) else {}
    prev_fingerprint = state.get("fingerprint")
    del state  # a national corpus's state is large: keep only the parts in use
    version = code_version()
    wv = writer_version()
    versions.save_cache()
    max_rows = flat_max_rows()
    cache_root = out_dir / ".cache" / "records"
    file_state: list[list[Any]] = []
    jobs_list: list[Job] = []
    keys: list[str] = []
    raw_s, cache_s = str(raw_dir), str(cache_root / version)
    for name, st in files:
        path = os.path.join(raw_s, name)
        sha = _file_sha(path, st, prev_files)
        file_state.append([name, sha, st.st_size, st.st_mtime_ns])
        row = manifest.for_file(name)
        key = cache_key(sha, name, row, version)
        keys.append(key)
        jobs_list.append(Job(path, row, os.path.join(cache_s, key[:2], key + RECORD_SUFFIX), name))
    fingerprint = hashlib.sha1(
        json.dumps(
            [
                version,
                wv,
                {f[0]: f[1] for f in file_state},
                sorted(manifest.rows.items()),
                manifest.problems,
            ]
            # the layout is part of what was built only when it is not the default
            + ([max_rows] if max_rows != EXCEL_ROWS - 1 else []),
            sort_keys=True,
            ensure_ascii=False,
        ).encode()
    ).hexdigest()

    def output_files(
        parts: dict[str, str], csvs: dict[str, str], split: Iterable[str]
    ) -> list[Path]:
        out = [
            out_dir / f"{n}.{ext}"
            for n in tidy.SCHEMAS
            if n not in split
            for ext in ("parquet", "csv")
        ]
        out += [out_dir / PARTS_DIR / rel for rel in parts]
        return out + [out_dir / CSV_DIR / rel for rel in csvs]

    outputs = output_files(old_parts, old_csvs, old_split)
    stats["scan_s"] = time.monotonic() - t0

    def new_state(summ: list[list[Any]], parts: dict[str, str], layout: dict[str, Any]) -> str:
        # compact: at national scale this file holds a summary per report
        return json.dumps(
            {
                "format": STATE_FORMAT,
                "fingerprint": fingerprint,
                "raw_dir": str(raw_dir.resolve()),  # where pages find a figure's page again
                "files": file_state,  # [name, sha256, size, mtime_ns], in file order
                "summaries": summ,  # summary rows (summary.summary_row), in file order
                "partitions": parts,
            }
            | layout,
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )

    def old_layout() -> dict[str, Any]:
        out: dict[str, Any] = {"flat": old_flat}
        if old_split or old_csvs:
            out.update(split_tables=sorted(old_split), year_csvs=old_csvs)
        return out

    if prev_fingerprint == fingerprint and all(p.exists() for p in outputs):
        if not quiet:
            print(
                f"{out_dir} is up to date ({len(files)} reports, nothing changed)", file=sys.stderr
            )
        if file_state != list(
            prev_files.values()
        ):  # touched but not changed: remember the new times, so they are not hashed again
            write_text(state_file, new_state(list(known.values()), old_parts, old_layout()))
        _write_quick(out_dir, quick_key, outputs)
        stats.update(total_s=time.monotonic() - t0, files=len(files), extracted=0, up_to_date=True)
        _write_stats(stats)
        return 0
    if not quiet:
        print(f"building {out_dir} from {len(files)} files in {raw_dir}", file=sys.stderr)
    summaries: list[Summary | None] = [None] * len(jobs_list)
    shared = Interner()
    todo: list[tuple[int, Job]] = []
    listed = cached_names(cache_s) if len(known) > 1000 else None
    for i, (job, key) in enumerate(zip(jobs_list, keys)):
        s = summary_from_row(known.get(key), job.name)  # type: ignore[arg-type]
        if s is not None and (
            f"{key[:2]}/{key}{RECORD_SUFFIX}" in listed
            if listed is not None
            else os.path.exists(job.cache_file)
        ):
            summaries[i] = shared(s)
        else:
            todo.append((i, job))
    n_files = len(files)
    del (
        known,
        files,
        prev_files,
    )  # the summaries and jobs hold all that is needed of them
    stats.update(files=n_files, extracted=len(todo), cached=n_files - len(todo), jobs=n_jobs)
    t1 = time.monotonic()
    fresh: set[str] = set()
    if engine == "local":  # extraction writes the slices' pieces too
        fresh = write.extract_slices(
            out_dir, jobs_list, todo, workers.for_extracting(), quiet, summaries, shared, stats
        )
    else:
        extract_all(
            todo, workers.for_extracting(), n_jobs, engine, scheduler, quiet, summaries, shared
        )
    stats["extract_s"] = time.monotonic() - t1
    done: list[Summary] = [s for s in summaries if s is not None]
    assert len(done) == len(jobs_list)
    del summaries, shared, todo
    t2 = time.monotonic()
    dups = find_duplicates(done)
    cross = cross_year_inputs(done, dups)
    items = [
        Item(job.cache_file, s.file, *(dups.get(s.file) or (None, "")))
        for job, s in zip(jobs_list, done)
    ]
    (out_dir / ".cache").mkdir(parents=True, exist_ok=True)
    written = write_tables(
        out_dir,
        items,
        cross,
        workers,
        quiet,
        old_parts,
        stats,
        fresh,
        old_csvs,
        max_rows,
        old_flat,
    )
    workers.stop(wait=True)  # before the state is made: its rows are the build's last peak
    stats["write_s"] = time.monotonic() - t2
    layout: dict[str, Any] = {"flat": written.flat}
    if written.split:
        layout.update(split_tables=written.split, year_csvs=written.year_csvs)
    write_text(
        state_file,
        new_state([summary_row(s, key) for key, s in zip(keys, done)], written.partitions, layout),
    )
    _write_quick(
        out_dir, quick_key, output_files(written.partitions, written.year_csvs, written.split)
    )
    _prune_cache(cache_root, version)
    stats["total_s"] = time.monotonic() - t0
    _write_stats(stats)
    _print_summary(
        done, dups, manifest.problems, time.monotonic() - t0, quiet, written.split_rows, max_rows
    )
    return 0


def _write_stats(stats: dict[str, Any]) -> None:
    target = os.environ.get(STATS_ENV)
    if target:
        write_text(Path(target), json.dumps(stats, indent=1, sort_keys=True))


def _print_summary(
    summaries: list[Summary],
    dups: dict[str, tuple[str, str]],
    manifest_problems: list[str],
    seconds: float,
    quiet: bool,
    split_rows: dict[str, int] | None = None,
    limit: int = EXCEL_ROWS - 1,
) -> None:
    bad = [s for s in summaries if not s.ok]
    good = len(summaries) - len(bad) - len(dups)
    lines = [
        f"{len(summaries)} files: {good} reports extracted, {len(bad)} could not be read, "
        f"{len(dups)} duplicates ({seconds:.1f} s)"
    ]
    for s in bad:
        lines.append(f"  bad file: {s.errors[0] if s.errors else s.file}")
    for name, (kept, why) in sorted(dups.items()):
        lines.append(f"  duplicate: {name} repeats {kept} ({why}); kept once")
    for p in manifest_problems:
        lines.append(f"  manifest: {p}")
    for name, n in sorted((split_rows or {}).items()):
        lines.append(
            f"  {name}: {n:,} rows, more than one CSV may hold ({limit:,}; an Excel sheet "
            f"has {EXCEL_ROWS:,} rows): its CSV is per year, csv/{name}/{name}_YYYY.csv, its "
            f"Parquet the year partitions, parquet/{name}/ (no {name}.csv or {name}.parquet)"
        )
    if not quiet or bad or dups or manifest_problems:
        print("\n".join(lines), file=sys.stderr)
