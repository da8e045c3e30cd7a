"""Sentence fingerprints that survive a change of year, figures and the body's own name.

A report copied from the year before usually differs from it in its years and figures; a
template filled in by several bodies differs in the body's name. So each prose sentence is
normalized before it is hashed: digits, punctuation and spaces are deleted and the body's
name is taken out. What is left is hashed to a 64-bit int (blake2b), and a report keeps the
set of its hashes (its sentence shingles), packed as little-endian int64 bytes in base64 so
that a record stays small. Table rows (pipe or tab lines) are left out: their labels are the
format's, the same in every report.

The work is done on the joined text at once (one regex deletion, one `findall`), so that
a report costs a few Python operations per sentence.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from collections.abc import Iterable

MIN_CHARS = 8  # a normalized sentence shorter than this (a heading, 其他) is not a shingle
# a sentence ends with a stop: a heading or a title (no stop) is the format's, not the body's.
# The second branch takes a run without a stop whole (found as ""), so that the scan stays
# linear on long lines without one.
_SENTENCE = re.compile(r"([^。!?;！？；\n]*[。!?;！？；])|[^。!?;！？；\n]+")
# deleted before hashing: figures, spaces and the punctuation around them (a regex scan;
# str.translate would look every character up in a dict)
_DELETE = re.compile(r"[0-9.,%:·\-—–_()（）《》“”\"'、\[\]【】〔〕 \u3000]+")


def names_of(agency: str | None, place: str | None) -> list[str]:
    """The forms of the body's own name to take out: the full name, and the name without
    its place (市商务局 for 福州市商务局), longest first.

    >>> names_of("福州市商务局", "福州市")
    ['福州市商务局', '商务局']
    >>> names_of(None, None)
    []
    """
    if not agency:
        return []
    out = [agency]
    if place and agency.startswith(place) and len(agency) - len(place) >= 2:
        out.append(agency[len(place) :])
    return out


def _prose(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if "|" not in line and "\t" not in line)


def _mask(prose: str, names: Iterable[str]) -> str:
    for n in names:
        prose = prose.replace(n, "")
    return _DELETE.sub("", prose)


def keys(text: str, names: Iterable[str] = ()) -> list[str]:
    """The normalized keys of the prose sentences of `text` ("" for a run without a stop).

    >>> keys("一、概述\\n2021年共受理申请12件。某局表示感谢！\\n| 表 | 1 |", ["某局"])
    ['', '年共受理申请件。', '表示感谢！']
    """
    return _SENTENCE.findall(_mask(_prose(text), names))


def sentences(text: str, names: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The prose sentences of `text`, each with its key (masked one by one: for display).

    >>> sentences("一、概述\\n2021年共受理申请12件。", [])
    [('2021年共受理申请12件。', '年共受理申请件。')]
    """
    names = list(names)
    return [(s, _mask(s, names)) for s in _SENTENCE.findall(_prose(text)) if s]


def _hash(key: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True
    )


def hashes(text: str, names: Iterable[str] = ()) -> list[int]:
    """The sorted set of the 64-bit hashes of the report's sentence keys.

    A copy with the year and the figures changed has the same hashes:
    >>> a = hashes("2020年受理申请12件,均已办结。本年度未收取任何费用。")
    >>> a == hashes("2021年受理申请30件,均已办结。本年度未收取任何费用。")
    True
    >>> len(a)
    2
    """
    return sorted({_hash(k) for k in keys(text, names) if len(k) >= MIN_CHARS})


def pack(values: list[int]) -> str:
    """Hashes as base64 of little-endian int64 (about 11 characters each in JSON).

    >>> unpack(pack([-1, 5]))
    [-1, 5]
    """
    return base64.b64encode(struct.pack(f"<{len(values)}q", *values)).decode("ascii")


def unpack(packed: str) -> list[int]:
    raw = base64.b64decode(packed)
    return list(struct.unpack(f"<{len(raw) // 8}q", raw))


def passages(text: str, names: Iterable[str], wanted: set[int], limit: int = 3) -> list[str]:
    """The first `limit` sentences of `text` whose hash is in `wanted` (as written, trimmed):
    the repeated passages shown to users.

    >>> passages("甲。本年度未收取任何费用。乙", [], set(hashes("本年度未收取任何费用。")))
    ['本年度未收取任何费用。']
    """
    out: list[str] = []
    seen: set[int] = set()
    for sent, key in sentences(text, names):
        if len(key) < MIN_CHARS:
            continue
        h = _hash(key)
        if h in wanted and h not in seen:
            seen.add(h)
            out.append(sent.strip())
            if len(out) >= limit:
                break
    return out
