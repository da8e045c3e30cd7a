"""Extraction of the corpus: one job per raw file, cached by content, over processes or dask.

A job's record is a pure function of the file's bytes, its name and its manifest row, so
it is cached under a key made of those and the extractor's version, and may run in a
worker process or on a dask.distributed cluster with identical results. What the build
keeps of each record in memory is a small `Summary`.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import replace_bytes
from .progress import Progress
from .summary import Interner, Summary, summary_of


@dataclass(frozen=True)
class Job:
    path: str
    manifest_row: dict[str, str]
    cache_file: str
    name: str = ""  # the file's name (its path's last part, if not given)

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", os.path.basename(self.path))


def cache_key(sha: str, name: str, row: dict[str, str], version: str) -> str:
    """The key of a file's cached record.

    >>> k = cache_key("ab" * 32, "a.txt", {}, "v1")
    >>> k == cache_key("ab" * 32, "a.txt", {}, "v1") != cache_key("ab" * 32, "a.txt", {}, "v2")
    True
    >>> k[:33], len(k)
    ('abababababababababababababababab-', 45)
    """
    # the name is part of the key because a record's messages name its file: two copies of
    # the same bytes must not share one entry, or the tables would depend on which was read first
    version = f"{version}-{RECORD_FORMAT}"
    if not row and _PLAIN.fullmatch(name) and _PLAIN.fullmatch(version):
        # what json.dumps gives for these, written out: a national corpus has 100,000 keys
        extra = f'["{name}", {{}}, "{version}"]'
    else:
        extra = json.dumps([name, row, version], sort_keys=True, ensure_ascii=False)
    return f"{sha[:32]}-{hashlib.sha1(extra.encode()).hexdigest()[:12]}"


# a string json.dumps(..., ensure_ascii=False) writes as it is, between quotes
_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')


def cached_names(cache_dir: str) -> set[str] | None:
    """The names of the records in a cache folder ('xx/key.rec'), listed once: a check of
    each of 100,000 records one by one costs half a second. None if it cannot be listed."""
    out: set[str] = set()
    try:
        with os.scandir(cache_dir) as it:
            subs = [e.name for e in it if e.is_dir(follow_symlinks=False)]
        for sub in subs:
            out.update(f"{sub}/{n}" for n in os.listdir(os.path.join(cache_dir, sub)))
    except FileNotFoundError:
        return set()
    except OSError:
        return None
    return out


def cached_record(source: str, data: bytes, manifest_row: dict[str, str]) -> tuple[bytes, Summary]:
    """The cached form of one file's record (`RECORD_FORMAT`), and its summary: a pure
    function of its bytes and manifest row.

    Both engines call this (the dask engine on the cluster, with bytes read here), which
    is what makes their tables byte-identical. The summary comes along so that nobody
    has to parse the record again.
    """
    from ..extract import extract_bytes  # (see load_extractor)

    rec = extract_bytes(source, data, manifest_row, with_text=True)
    return cached_form(rec, Path(source).name)


# A record is cached in marshal's format, not JSON: written 3x and read 2x faster (at
# 100,000 reports, records of ~70 KB of JSON each, that is ~50 s of a cold build's CPU), half
# the size, and read back as exactly the objects the extractor made (JSON turns tuples into
# lists). Its version is in every cache key. marshal reads only what it wrote: the cache is
# the build's own, in its output folder, and a damaged entry is extracted again.
RECORD_FORMAT = f"marshal{marshal.version}"
RECORD_SUFFIX = ".rec"


def cached_form(rec: dict[str, Any], name: str) -> tuple[bytes, Summary]:
    rec.pop("source", None)
    rec.pop("file", None)
    return marshal.dumps(rec), summary_of(rec, name)


def read_record(path: str) -> dict[str, Any]:
    """A cached record (ValueError, EOFError or TypeError if the entry is damaged)."""
    with open(path, "rb") as fh:
        rec = marshal.loads(fh.read())
    if not isinstance(rec, dict):
        raise TypeError(f"{path}: not a record")
    return rec


def load_extractor() -> None:
    """Import the extractor (~1 s, several under load): done by the processes that extract,
    when they start, not by a build's main process, which only plans, merges and writes."""
    from .. import extract  # noqa: F401


def store(job: Job, data: bytes) -> None:
    replace_bytes(job.cache_file, data)


def work(job: Job) -> Summary:
    """Extract one file into the cache (worker side); returns its small summary."""
    if os.path.exists(job.cache_file):
        try:
            return summary_of(read_record(job.cache_file), job.name)
        except (OSError, ValueError, EOFError, TypeError):
            pass  # a damaged cache entry is simply redone
    return work_record(job)[1]


def work_record(job: Job) -> tuple[dict[str, Any], Summary]:
    """Extract one file into the cache; returns its record as the cache holds it, and its
    summary (the write step turns the record into rows while it is still in memory)."""
    from ..extract import extract_bytes, extract_path  # (see load_extractor)
    from ..read.load import MAX_BYTES

    data = None
    try:
        if Path(job.path).stat().st_size <= MAX_BYTES:
            data = Path(job.path).read_bytes()
    except OSError:
        data = None
    if data is None:  # unreadable or too large: extract_path words the error
        rec = extract_path(job.path, job.manifest_row, with_text=True)
    else:
        rec = extract_bytes(job.path, data, job.manifest_row, with_text=True)
    data, summary = cached_form(rec, job.name)
    store(job, data)
    return rec, summary


def _chunksize(total: int, n_jobs: int) -> int:
    return max(1, min(64, total // (n_jobs * 8) or 1))


def extract_all(
    todo: list[tuple[int, Job]],
    pool: Any,
    n_jobs: int,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    summaries: list[Summary | None],
    shared: Interner,
) -> None:
    progress = Progress("extracting", len(todo), quiet)
    if engine == "dask":
        from ..read.load import MAX_BYTES
        from .dask_engine import run_jobs  # optional: only with --engine dask

        remote: list[tuple[int, Job]] = []
        for i, job in todo:
            try:
                readable = Path(job.path).stat().st_size <= MAX_BYTES
            except OSError:
                readable = False
            if Path(job.cache_file).exists() or not readable:
                summaries[i] = shared(
                    work(job)
                )  # cached, or an error record: nothing for the cluster to do
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

        for k, (data, summary) in run_jobs(payloads(), scheduler, cached_record):
            i, job = remote[k]
            store(job, data)
            summaries[i] = shared(summary._replace(file=job.name))
            progress.step()
        return
    if pool is None:
        for i, job in todo:
            summaries[i] = shared(work(job))
            progress.step()
        return
    results = pool.imap(work, [job for _, job in todo], chunksize=_chunksize(len(todo), n_jobs))
    for (i, _), s in zip(todo, results):
        summaries[i] = shared(s)
        progress.step()
