"""`python -m analysis build --engine dask --scheduler ADDRESS`: extraction on a dask cluster.

Beyond one machine the per-file extraction is the only part worth spreading out: it is
a pure function of a file's bytes and manifest row. This module ships the bytes (read
here, so workers need no access to data/raw, only the `analysis` package installed) to an
existing dask.distributed cluster in small batches, keeps a bounded number of batches in
flight so memory stays flat on any corpus size, and hands each record back to the build,
which caches and writes it exactly as the local engine does. dask is an optional extra
(`pip install -r requirements-dask.txt`); nothing here schedules work by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

R = TypeVar("R")

BATCH_FILES = 16  # files per task: amortizes the scheduler's per-task cost (~1 ms)
BATCH_BYTES = 2 << 20
IN_FLIGHT_PER_THREAD = 4  # batches queued per worker thread


def check_available(scheduler: str | None) -> str | None:
    """Why the dask engine cannot run, or None if it can."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return (
            "--engine dask needs the optional dask extra: "
            ".venv/bin/pip install --no-deps -r requirements-dask.txt "
            "(or pip install 'gov-disclosure-reports[dask]')"
        )
    if not scheduler:
        return (
            "--engine dask needs --scheduler ADDRESS of a running dask.distributed scheduler "
            "(e.g. tcp://10.0.0.5:8786)"
        )
    return None


def _run_batch(
    fn: Callable[[str, bytes, dict[str, str]], R], batch: list[tuple[str, bytes, dict[str, str]]]
) -> list[R]:
    """Worker side: the records of one batch of files, in order."""
    return [fn(source, data, row) for source, data, row in batch]


def _batches(
    items: Iterable[tuple[str, bytes, dict[str, str]]],
) -> Iterator[tuple[int, list[tuple[str, bytes, dict[str, str]]]]]:
    """(index of the first item, items) in groups of at most BATCH_FILES files or BATCH_BYTES
    bytes."""
    batch: list[tuple[str, bytes, dict[str, str]]] = []
    start = size = 0
    n = 0
    for item in items:
        batch.append(item)
        size += len(item[1])
        n += 1
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield start, batch
            batch, start, size = [], n, 0
    if batch:
        yield start, batch


def run_jobs(
    items: Iterable[tuple[str, bytes, dict[str, str]]],
    scheduler: str | None,
    fn: Callable[[str, bytes, dict[str, str]], R],
) -> Iterator[tuple[int, R]]:
    """Yield (position in `items`, fn(source, data, manifest_row)) for every item, run on the
    cluster.

    Results come in completion order; `items` is consumed lazily, so at most a few
    batches per worker thread are held in memory at once.
    """
    from distributed import Client, as_completed

    problem = check_available(scheduler)
    if problem:
        raise RuntimeError(problem)
    client = Client(scheduler, set_as_default=False)
    try:
        threads = max(1, sum(client.nthreads().values()))
        window = threads * IN_FLIGHT_PER_THREAD
        pending = _batches(items)
        starts: dict[str, int] = {}
        ac = as_completed(loop=client.loop)

        def submit_next() -> bool:
            nxt = next(pending, None)
            if nxt is None:
                return False
            start, batch = nxt
            fut = client.submit(_run_batch, fn, batch, pure=False)
            starts[fut.key] = start
            ac.add(fut)
            return True

        for _ in range(window):
            if not submit_next():
                break
        for fut in ac:
            start = starts.pop(fut.key)
            results: list[Any] = fut.result()
            fut.release()
            for k, result in enumerate(results):
                yield start + k, result
            submit_next()
    finally:
        client.close()
