"""File names for reports made from agency names: safe, distinct and still readable.

Agency names come from report text and the manifest, so they may hold anything: `../x`,
`a/b`, `<script>`, quotes, backslashes, newlines, emoji or 300 characters. A report's
file name must stay inside reports/, never collide with another agency's, survive
case-insensitive and Windows file systems, and still read as the agency to a person
browsing the folder. So: keep letters and digits (Chinese included), turn everything else
into `_`, cap the length, and add a short hash of the exact original whenever the name
had to be changed, so two names that clean to the same text still get different files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

MAX_CHARS = 60  # readable in a file browser; CJK takes 3 bytes each, well under 255
HASH_CHARS = 8
_KEEP_PUNCT = "-_."
_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def short_hash(text: str, n: int = HASH_CHARS) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def _clean(name: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", name):
        cat = unicodedata.category(ch)
        out.append(ch if cat[0] in "LN" or (cat[0] == "M" and out) or ch in _KEEP_PUNCT else "_")
    text = re.sub(r"_+", "_", "".join(out))
    text = re.sub(r"\.{2,}", ".", text)  # no '..' anywhere, so never a parent-folder step
    return text.strip("._-")


def slug(name: str, fallback: str = "unnamed") -> str:
    """One readable, safe file stem for `name` (no extension).

    The result uses only letters, digits, `-`, `_` and `.`, never starts with `.` or `-`,
    and is at most MAX_CHARS + HASH_CHARS + 1 characters. An unchanged name is returned
    as it is; a changed one carries `-<hash of the original>`.
    """
    name = "" if name is None else str(name)
    clean = _clean(name)
    changed = clean != name
    if not clean:
        clean, changed = fallback, True
    if len(clean) > MAX_CHARS:
        clean, changed = clean[:MAX_CHARS].rstrip("._-"), True
    if clean.split(".")[0].lower() in _WINDOWS_RESERVED:
        changed = True
    return f"{clean}-{short_hash(name)}" if changed else clean


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """name → stem, distinct even on case-insensitive file systems.

    Only in the rare case where two different names still meet (an unchanged name that
    happens to equal another's cleaned form plus hash, or names differing only in case)
    do both get the hash, so a name's file stays the same when unrelated names come and go.
    """
    names = sorted(set(names))
    stems = {n: slug(n) for n in names}
    groups: dict[str, list[str]] = {}
    for n, s in stems.items():
        groups.setdefault(s.casefold(), []).append(n)
    for group in groups.values():
        if len(group) > 1:
            for n in group:
                if not stems[n].endswith("-" + short_hash(n)):
                    stems[n] = f"{stems[n]}-{short_hash(n)}"
    seen: set[str] = set()
    for n in names:  # last resort, practically unreachable: the full hash
        if stems[n].casefold() in seen:
            stems[n] = f"{(_clean(n) or 'unnamed')[:MAX_CHARS]}-{short_hash(n, 64)}"
        seen.add(stems[n].casefold())
    return stems
