"""`python -m analysis build`: data/raw → data/processed, fast, safe and repeatable.

The build's steps, each in its own module:
1. scan data/raw and the manifest, and key every file by its content (here);
2. extract what is not cached, on every core or on a dask cluster (`jobs`);
3. find duplicates and the cross-year pairs (`corpus`);
4. write the tidy tables in slices and merge them, per year too (`write`);
5. remember what was built (build-state.json, and what it knew of each slice: `state`), so
   that an unchanged corpus rewrites nothing at all and a changed file costs its own
   extraction and its slice, with no pass over every other file.

Every file is written to a temporary file and renamed into place only if its content
changed. A bad file becomes an error row with a message naming it; the rest of the batch
runs. Duplicates (the same bytes, or the same agency and year) are kept once and listed.
"""

from __future__ import annotations

import bisect
import functools
import gc
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_text
from . import versions
from .layout import CSV_DIR, EXCEL_ROWS, FLAT_ROWS_ENV, flat_max_rows
from .state import listing_lines
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


def _file_sha(path: Path | str, st: os.stat_result, prev: Any) -> str:
    """A file's sha256: the last build's (`prev`, a row [name, sha256, size, mtime_ns, ...])
    if its size and modification time are the same, or read again."""
    return prev[1] if _unchanged(prev, st) else _sha256_of(path)


def _unchanged(prev: Any, st: os.stat_result) -> bool:
    """Whether a file has the size and modification time of its row of the last build."""
    return bool(prev) and prev[2] == st.st_size and prev[3] == st.st_mtime_ns


def _sha256_of(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# this many files or more to read and hash are hashed by the extracting workers, on every
# core, instead of by this process while they wait (a cold build of 100,000 files: 6 s with
# the files in the page cache, 17 s without)
HASH_IN_WORKERS = 2000


def _new_shas(
    pool: Any, raw_s: str, files: list[tuple[str, os.stat_result]], prev_files: dict[str, Any]
) -> dict[str, str]:
    """The sha256 of the files whose size or time changed since the last build (name →
    hash), made by the pool's workers if there are many; {} leaves them to `_file_sha`."""
    fresh = [name for name, st in files if not _unchanged(prev_files.get(name), st)]
    if pool is None or len(fresh) < HASH_IN_WORKERS:
        return {}
    paths = [os.path.join(raw_s, name) for name in fresh]
    return dict(zip(fresh, pool.map(_sha256_of, paths, chunksize=256)))


# build-state.json: what the outputs are (fingerprint, partitions, layout) and where the raw
# files were; what the build knows of each file is kept by slice (`state`). Formats 1 and
# 2 also held every file and summary (as objects, then as rows): they are still read.
STATE_FORMAT = 3


def _old_state_rows(state: dict[str, Any]) -> tuple[dict[str, list[Any]], dict[str, Summary]]:
    """(file name -> [name, sha256, size, mtime_ns], cache key -> summary) of a state of
    format 1 or 2, written before the slices were kept (`state`)."""
    from .summary import summary_from_row, summary_from_state

    files, summaries = state.get("files"), state.get("summaries")
    if state.get("format") == 2 and isinstance(files, list):
        rows = {r[0]: summary_from_row(r, "") for r in summaries or [] if isinstance(r, list) and r}
        return (
            {f[0]: f for f in files if isinstance(f, list) and len(f) == 4},
            {k: v for k, v in rows.items() if v is not None},
        )
    if not isinstance(files, dict) or not isinstance(summaries, dict):
        return {}, {}
    return (  # format 1: objects
        {
            k: [k, v.get("sha256"), v.get("size"), v.get("mtime_ns")]
            for k, v in files.items()
            if isinstance(v, dict)
        },
        {k: summary_from_state(v, "") for k, v in summaries.items() if isinstance(v, dict)},
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


def _quick_key(raw_dir: Path, lines: list[str]) -> str:
    """What the up-to-date check compares (`QUICK_FILE`): the package's files, the raw
    folder's listing with sizes and modification times (`state.listing_lines`: what
    `_file_sha` trusts too), the manifest's bytes and the table layout's setting."""
    h = hashlib.sha1()
    h.update(versions.package_digest().encode())
    h.update(str(raw_dir.resolve()).encode() + b"\0")
    h.update(os.environ.get(FLAT_ROWS_ENV, "").encode() + b"\0")
    try:
        h.update(hashlib.sha1((raw_dir / "manifest.csv").read_bytes()).digest())
    except OSError:
        h.update(b"(no manifest)")
    h.update("\n".join(lines).encode())
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
    lines = listing_lines(files)
    quick_key = _quick_key(raw_dir, lines)
    if _quick_up_to_date(out_dir, quick_key):
        if not quiet:
            print(
                f"{out_dir} is up to date ({len(files)} reports, nothing changed)", file=sys.stderr
            )
        stats.update(total_s=time.monotonic() - t0, files=len(files), extracted=0, up_to_date=True)
        stats["quick"] = True
        _write_stats(stats)
        return 0
    return _build(
        raw_dir, out_dir, jobs, engine, scheduler, quiet, files, lines, quick_key, t0, stats
    )


def _build(
    raw_dir: Path,
    out_dir: Path,
    jobs: int,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    files: list[tuple[str, os.stat_result]],
    lines: list[str],
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
    gc_was = gc.isenabled()
    # the plan is ~1.5 million objects at 100,000 reports (the kept slices), none in a cycle:
    # the collector would only rescan them while they are made, then on every full pass;
    # `_build_with` freezes them and turns it on again
    gc.disable()
    try:
        code = _build_with(
            workers,
            n_jobs,
            raw_dir,
            out_dir,
            engine,
            scheduler,
            quiet,
            files,
            lines,
            quick_key,
            t0,
            stats,
        )
        ok = True
        return code
    finally:
        workers.stop(wait=ok and bool(stats.get("extracted")))
        gc.unfreeze()
        if gc_was:
            gc.enable()


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
        gc.freeze()  # the collector in the children then never touches (copies) these pages
        return get_context("fork").Pool(self.n, initializer=initializer)

    def for_extracting(self) -> Any:
        return self.pool if self.extracting else None

    def for_writing(self, rows: bool = False) -> Any:
        """The pool for the write step (None: write in this process), forked now if there is
        none: after the extraction, or after `rest`. For tasks that make rows (`rows`), pandas
        is imported here first, so that the workers share its pages instead of a copy each;
        the merges do not need it (and a one-file change does not wait for it)."""
        if self.extracting:
            self._end()
        if rows and self.pool is None:
            _start_writer()
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


# An extracting worker's collector runs a young pass once this many more container objects
# are alive than at the last one (Python's default: 700). Extraction makes and frees a great
# many small objects a report and, once the extractor's caches are warm, no
# cycles: at the default the collector ran ~270 times a slice of 450 reports, and its passes
# rescanned the extractor's modules and the slice's rows: 0.2-0.4 ms a report (5-10 %).
WORKER_GC_THRESHOLD = 20_000


def _start_worker() -> None:
    from . import write  # noqa: F401  (pyarrow, the row makers)
    from .jobs import load_extractor

    load_extractor()
    _start_writer()
    # the modules just imported are never garbage: kept out of every pass from now on
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


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
    lines: list[str],
    quick_key: str,
    t0: float,
    stats: dict[str, Any],
) -> int:
    from .. import tidy
    from ..read.manifest import read_manifest
    from ..tidy import PARTS_DIR
    from . import state as kept
    from .corpus import cross_year_inputs, find_duplicates
    from .jobs import RECORD_SUFFIX, Job, cache_key, cached_names, extract_all, work
    from .summary import Interner, Summary
    from .write import Item, extract_slices, is_written, slice_bounds, slice_key, write_tables

    versions.use_cache(out_dir / ".cache" / "imports.json")
    names = [name for name, _ in files]
    manifest = read_manifest(raw_dir / "manifest.csv", set(names))
    for problem in manifest.problems:
        print(f"manifest error: {problem}", file=sys.stderr)
    state_file = out_dir / "build-state.json"
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    old_parts: dict[str, str] = (
        state.get("partitions") if isinstance(state.get("partitions"), dict) else {}
    )
    old_csvs: dict[str, str] = (
        state.get("year_csvs") if isinstance(state.get("year_csvs"), dict) else {}
    )
    old_split = set(state.get("split_tables") or [])
    old_flat: dict[str, str] = state.get("flat") if isinstance(state.get("flat"), dict) else {}
    prev_fingerprint = state.get("fingerprint")
    version = code_version()
    wv = writer_version()
    versions.save_cache()
    max_rows = flat_max_rows()
    cache_root = out_dir / ".cache" / "records"
    root = out_dir / ".cache" / "pieces"
    raw_s, cache_s, root_s, sep = str(raw_dir), str(cache_root / version), str(root), os.sep

    def cache_file(key: str) -> str:
        return f"{cache_s}{sep}{key[:2]}{sep}{key}{RECORD_SUFFIX}"

    # the slices of the last build whose files, versions and manifest rows are the same are
    # taken whole, if their pieces are there; only the others are looked at file by file
    saved = kept.load(out_dir) if state.get("format") == STATE_FORMAT else kept.Saved([], {})
    bounds = slice_bounds(names)
    vkey = f"{version}\0{wv}"
    listings = [kept.listing_key(vkey, lines[a:b], names[a:b], manifest.rows) for a, b in bounds]
    del lines
    by_listing = {sl.listing: sl for sl in saved.slices}
    taken: list[kept.Slice | None] = []
    for lk in listings:
        old = by_listing.get(lk)
        ok = old is not None and any(
            is_written(os.path.join(root_s, f)) for f in (old.folder, old.base)
        )
        taken.append(old if ok else None)
    prev_files: dict[str, Any] = {}  # name -> its row of the last build
    known: dict[str, Summary] = {}  # cache key -> summary
    if any(t is None for t in taken):
        used = {id(t) for t in taken if t is not None}
        for sl in saved.slices:
            if id(sl) not in used:
                rows = sl.rows()
                prev_files.update((f[0], f) for f in rows)
                known.update((f[4], Summary._make(x)) for f, x in zip(rows, sl.summaries))
        if not saved.slices:  # a state of before the slices were kept
            prev_files, known = _old_state_rows(state)
    del state, by_listing, saved.slices[:]  # what is not taken is in prev_files and known
    n_changed = sum(b - a for (a, b), t in zip(bounds, taken) if t is None)
    listed = cached_names(cache_s) if n_changed > 1000 else None
    shared = Interner()
    summaries: list[Summary | None] = []
    todo: list[tuple[int, Job]] = []
    extract_tasks: list[Any] = []
    new_rows: list[list[kept.FileRow] | None] = []  # of the slices not taken whole
    bases: list[str] = []
    contents: list[str] = []
    pool = workers.for_extracting()
    looked_at = [f for (a, b), t in zip(bounds, taken) if t is None for f in files[a:b]]
    shas = _new_shas(pool, raw_s, looked_at, prev_files)
    del looked_at
    for (a, b), lk, old in zip(bounds, listings, taken):
        if old is not None:
            summaries.extend(map(Summary._make, old.summaries))
            new_rows.append(None)
            bases.append(old.base)
            contents.append(old.content)
            continue
        rows: list[kept.FileRow] = []
        jobs: list[Job | None] = []
        for name, st in files[a:b]:
            path = os.path.join(raw_s, name)
            sha = shas.get(name) or _file_sha(path, st, prev_files.get(name))
            row = manifest.for_file(name)
            key = cache_key(sha, name, row, version)
            rows.append((name, sha, st.st_size, st.st_mtime_ns, key))
            cached = known.get(key)
            if cached is not None and (
                f"{key[:2]}/{key}{RECORD_SUFFIX}" in listed
                if listed is not None
                else os.path.exists(cache_file(key))
            ):
                summaries.append(shared(cached._replace(file=name)))
                jobs.append(None)
            else:
                summaries.append(None)
                jobs.append(Job(path, row, cache_file(key), name))
                todo.append((len(summaries) - 1, jobs[-1]))
        items = [Item(cache_file(r[4]), r[0]) for r in rows]
        base = slice_key(wv, items)
        if any(j is not None for j in jobs):
            at = [a + k for k, j in enumerate(jobs) if j is not None]
            extract_tasks.append((os.path.join(root_s, base), items, jobs, at))
        new_rows.append(rows)
        bases.append(base)
        contents.append(kept.content_key(rows))
    del prev_files, known
    gc.freeze()  # the plan, made with the collector off (`_build`)
    gc.enable()

    def rows_of(k: int) -> list[kept.FileRow]:
        got = new_rows[k]
        return got if got is not None else taken[k].rows()  # type: ignore[union-attr]

    fingerprint = hashlib.sha1(
        json.dumps(
            [
                version,
                wv,
                contents,
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

    def save_slices(results: dict[str, dict[str, Any]], folders: list[str] | None) -> None:
        """The slices as this build leaves them (`state`), with the piece folders it wrote
        them to. A slice it looked at file by file whose summaries it could not all make (an
        up-to-date build whose cache lost a record) is left out: it is looked at again next
        time."""
        out: list[kept.Slice] = []
        for k, ((a, b), old) in enumerate(zip(bounds, taken)):
            folder = os.path.basename(folders[k]) if folders else None
            if old is not None:
                out.append(old._replace(folder=folder) if folder else old)
                continue
            done = summaries[a:b]
            if all(x is not None for x in done):
                rows = new_rows[k]
                assert rows is not None
                out.append(
                    kept.pack(listings[k], rows, done, bases[k], folder or bases[k], contents[k])
                )
        kept.save(out_dir, out, results)

    def new_state(parts: dict[str, str], layout: dict[str, Any]) -> str:
        return json.dumps(
            {
                "format": STATE_FORMAT,
                "fingerprint": fingerprint,
                "raw_dir": str(raw_dir.resolve()),  # where pages find a figure's page again
                "reports": len(names),
                "partitions": parts,
            }
            | layout,
            ensure_ascii=False,
            sort_keys=True,
            indent=0,
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
        if (
            n_changed
        ):  # touched but not changed: remember the new times, so they are not hashed again
            save_slices(saved.results, None)
            write_text(state_file, new_state(old_parts, old_layout()))
        _write_quick(out_dir, quick_key, outputs)
        stats.update(total_s=time.monotonic() - t0, files=len(files), extracted=0, up_to_date=True)
        _write_stats(stats)
        return 0
    if not quiet:
        print(f"building {out_dir} from {len(files)} files in {raw_dir}", file=sys.stderr)
    n_files = len(files)
    del files  # the slices hold all that is needed of the listing
    stats.update(files=n_files, extracted=len(todo), cached=n_files - len(todo), jobs=n_jobs)
    t1 = time.monotonic()
    fresh: set[str] = set()
    root.mkdir(parents=True, exist_ok=True)
    if engine == "local":  # extraction writes the slices' pieces too
        fresh = extract_slices(
            extract_tasks, workers.for_extracting(), quiet, summaries, shared, stats
        )
    else:
        extract_all(
            todo, workers.for_extracting(), n_jobs, engine, scheduler, quiet, summaries, shared
        )
    stats["extract_s"] = time.monotonic() - t1
    done: list[Summary] = [s for s in summaries if s is not None]
    assert len(done) == n_files
    del shared, todo, extract_tasks
    t2 = time.monotonic()
    dups = find_duplicates(done)
    cross = cross_year_inputs(done, dups)
    plans = _slice_plans(bounds, names, bases, rows_of, dups, root_s, cache_file)
    lost = [
        Job(os.path.join(raw_s, r[0]), manifest.for_file(r[0]), cache_file(r[4]), r[0])
        for r in _records_to_read(plans, rows_of)
        if not os.path.exists(cache_file(r[4]))
    ]
    if lost:  # a slice taken whole must be written from records that are gone: made again
        pool = workers.for_extracting()
        for _ in pool.imap_unordered(work, lost) if pool is not None else map(work, lost):
            pass
        stats["records_made_again"] = len(lost)
    (out_dir / ".cache").mkdir(parents=True, exist_ok=True)
    written = write_tables(
        out_dir,
        plans,
        cross,
        workers,
        quiet,
        old_parts,
        stats,
        fresh,
        old_csvs,
        max_rows,
        old_flat,
        saved.results,
    )
    workers.stop(wait=True)
    stats["write_s"] = time.monotonic() - t2
    layout: dict[str, Any] = {"flat": written.flat}
    if written.split:
        layout.update(split_tables=written.split, year_csvs=written.year_csvs)
    save_slices(
        written.results, [p.folder for p in plans]
    )  # first: it says what is in the pieces, whatever the state says
    write_text(state_file, new_state(written.partitions, layout))
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


def _records_to_read(plans: list[Any], rows_of: Any) -> Iterator[Any]:
    """The files of the slices to be written from their cached records: neither their
    piece folder nor the one without duplicates is there."""
    from .write import is_written

    for k, plan in enumerate(plans):
        if not (is_written(plan.folder) or is_written(plan.base)):
            yield from rows_of(k)


def _slice_plans(
    bounds: list[tuple[int, int]],
    names: list[str],
    bases: list[str],
    rows_of: Any,
    dups: dict[str, tuple[str, str]],
    root: str,
    cache_file: Any,
) -> list[Any]:
    """Each slice's piece folder (its folder without duplicates, and which of its reports
    repeat which) and how to make its items if it must be written: found by each duplicate's
    position, not by a look at every file."""
    from .write import Item, SlicePlan, dup_folder

    starts = [names[a] for a, _ in bounds]
    in_slice: dict[int, list[tuple[str, str, str]]] = {}
    for name, (kept_file, why) in dups.items():
        in_slice.setdefault(bisect.bisect_right(starts, name) - 1, []).append(
            (name, kept_file, why)
        )

    def items(k: int) -> list[Item]:
        return [Item(cache_file(r[4]), r[0], *(dups.get(r[0]) or (None, ""))) for r in rows_of(k)]

    return [
        SlicePlan(
            os.path.join(root, dup_folder(base, sorted(in_slice.get(k, [])))),
            os.path.join(root, base),
            functools.partial(items, k),
        )
        for k, base in enumerate(bases)
    ]


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
