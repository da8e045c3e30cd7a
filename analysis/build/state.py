"""What the last build saw and made, kept slice by slice (`.cache/slices.marshal`).

A changed file must cost its own slice, not a pass over the whole corpus. At 100,000
reports, making every file's entry again (its hash, cache key, summary, job and item) and
reading and writing a 33 MB JSON state took ~5 s of a one-file change's ~9 s. So the build
keeps, for each slice of the corpus (`write.slice_bounds`):

- the listing it saw: names, sizes, modification times and manifest rows (`listing_key`);
- each file's (name, sha256, size, mtime_ns, cache key) and its summary;
- the slice's piece folders: written as if none of its reports were a duplicate (what
  the extraction writes), and as the last build wrote it, duplicates known;
- a hash of its names and contents, for the build's fingerprint.

A slice whose listing is the same, and one of whose folders is still there, is taken
whole, without work per file. The slices'
results (what their pieces hold) are kept too, so the write does not read hundreds of
result.json files.

marshal, like the record cache: several times faster than JSON both ways, and shared
strings stay shared. It is the build's own cache: a file that cannot be read (another
Python, damaged) is not used, and the build hashes again what it must.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from array import array
from pathlib import Path
from typing import Any, NamedTuple

from ..atomic import replace_bytes

FILE = Path(".cache") / "slices.marshal"
FORMAT = 2  # 1: files as rows of their own
_HEADER = ("gdr-slices", FORMAT, marshal.version, sys.version_info[:2])

FileRow = tuple[str, str, int, int, str]  # name, sha256, size, mtime_ns, cache key


class Slice(NamedTuple):
    """One slice as kept. Few objects per file, since reading them is most of the time a
    one-file change spends on the state: the sizes and times in one array, the cache keys
    in one string, and a summary's sha256 the same string as the file's when it is."""

    listing: str  # `listing_key` of the files the build saw in it
    summaries: list[tuple[Any, ...]]  # the files' summaries (`Summary` fields), in file order
    shas: list[str]  # the files' sha256
    keys: str  # their cache keys, one per line
    stats: bytes  # their sizes and modification times (ns), int64 pairs
    base: str  # its piece folder's name, written as if none of its reports were a duplicate
    folder: str  # the piece folder's name it was written to, duplicates known (or base)
    content: str  # `content_key`: its names and contents, for the build's fingerprint

    def rows(self) -> list[FileRow]:
        """(name, sha256, size, mtime_ns, cache key) of each file."""
        st = array("q")
        st.frombytes(self.stats)
        keys = self.keys.split("\n") if self.keys else []
        return [
            (s[0], sha, st[2 * i], st[2 * i + 1], k)
            for i, (s, sha, k) in enumerate(zip(self.summaries, self.shas, keys))
        ]


def pack(
    listing: str, rows: list[FileRow], summaries: list[Any], base: str, folder: str, content: str
) -> Slice:
    """A slice to keep, from its files' rows and summaries (in file order) and its
    `content_key`."""
    shas = [r[1] for r in rows]
    kept = [
        (s[0], sha if s[1] == sha else s[1], *s[2:]) for s, sha in zip(summaries, shas)
    ]  # the same string: marshal writes it once
    st = array("q", [v for r in rows for v in (r[2], r[3])])
    keys = "\n".join(r[4] for r in rows)
    return Slice(listing, kept, shas, keys, st.tobytes(), base, folder, content)


class Saved(NamedTuple):
    slices: list[Slice]
    results: dict[str, dict[str, Any]]  # piece folder name -> its result (`write._write_rows`)


def listing_lines(listing: list[tuple[str, os.stat_result]]) -> list[str]:
    """Each file's name, size and modification time (what `run._file_sha` trusts), as the
    up-to-date check and `listing_key` hash them: made once per build."""
    return [f"{n}\0{st.st_size}\0{st.st_mtime_ns}" for n, st in listing]


def listing_key(
    versions: str, lines: list[str], names: list[str], rows: dict[str, dict[str, str]]
) -> str:
    """What a slice is taken whole for: the versions that made it, its files' names, sizes
    and modification times (`listing_lines`) and their manifest rows.

    >>> st = os.stat(".")
    >>> lines = listing_lines([("a.txt", st)])
    >>> a = listing_key("v", lines, ["a.txt"], {})
    >>> a == listing_key("v", lines, ["a.txt"], {"b.txt": {"agency": "某局"}})
    True
    >>> a == listing_key("v", lines, ["a.txt"], {"a.txt": {"agency": "某局"}})
    False
    """
    h = hashlib.sha1(versions.encode())
    h.update("\n".join(lines).encode())
    for n in names if rows else ():
        if n in rows:
            h.update(json.dumps([n, rows[n]], ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def content_key(files: list[FileRow]) -> str:
    """A slice's part of the build's fingerprint: its files' names and contents.

    >>> content_key([("a.txt", "ab", 1, 2, "k")]) == content_key([("a.txt", "ab", 3, 4, "k")])
    True
    """
    return hashlib.sha1("\n".join(f"{f[0]}\0{f[1]}" for f in files).encode()).hexdigest()


def load(out_dir: Path) -> Saved:
    """The slices of the last build (none if there was none, or its file cannot be read)."""
    try:
        with open(out_dir / FILE, "rb") as fh:
            data = marshal.loads(fh.read())
        header, slices, results = data
        if tuple(header) != _HEADER or not isinstance(results, dict):
            raise ValueError("another format")
        return Saved([Slice(*s) for s in slices], results)
    except (OSError, ValueError, EOFError, TypeError):
        return Saved([], {})


def save(out_dir: Path, slices: list[Slice], results: dict[str, dict[str, Any]]) -> None:
    data = marshal.dumps((_HEADER, [tuple(s) for s in slices], results))
    replace_bytes(str(out_dir / FILE), data)
