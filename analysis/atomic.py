"""Write outputs so that a reader never sees half a file and an interrupted run loses nothing.

Everything is written to a temporary file in the target's folder and renamed into place;
a file whose new content equals the old one is left untouched, so re-running on unchanged
input rewrites nothing (and timestamps-based tools see no change).
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path, keep_if_same: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to `target`; on success it replaces `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if keep_if_same and target.exists() and filecmp.cmp(tmp_path, target, shallow=False):
            tmp_path.unlink()
            return
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def replace_bytes(target: str, data: bytes) -> None:
    """Atomically write `data` to `target` (a path string), without comparing it with what
    is there: for many small files written once each (a build's cache of 100,000 records),
    where `atomic_path`'s random name, folder check and chmod cost as much as the write.

    The temporary file is named for this process (one process writes one file at a time),
    hidden like `atomic_path`'s so that a killed run's leftovers are recognised.
    """
    head, leaf = os.path.split(target)
    tmp = os.path.join(head, f".{leaf}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:  # the first file of its folder
        os.makedirs(head, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(target: Path, data: bytes) -> bool:
    """Atomically write `data`; True if the file changed."""
    target = Path(target)
    if target.exists() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return False
    with atomic_path(target, keep_if_same=False) as tmp:
        tmp.write_bytes(data)
    return True


def write_text(target: Path, text: str, encoding: str = "utf-8") -> bool:
    return write_bytes(target, text.encode(encoding))
