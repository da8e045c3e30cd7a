"""OpenCC conversion, created once per process, and script detection.

The C++ `opencc` package is used (never the pure-Python reimplementation, which is far
slower and installs a module of the same name). Traditional text is converted with
`tw2sp`, which also maps Taiwan vocabulary to mainland terms (入口網站→门户网站,
網際網路→互联网, 程式→程序); that conversion may change the length of a line, so
`align` works out which characters of the original each converted character comes from.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from functools import lru_cache

import opencc

from .offsets import StepMap


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def t2s(text: str) -> str:
    return _converter("t2s").convert(text)


def tw2sp(text: str) -> str:
    return _converter("tw2sp").convert(text)


def s2t_chars(text: str) -> str:
    return _converter("s2t").convert(text)


@lru_cache(maxsize=1)
def _script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes matching characters only traditional (or only simplified) text uses."""
    block = [chr(c) for c in range(0x4E00, 0x9FA6)]
    joined = "\n".join(block)
    simp = t2s(joined).split("\n")
    trad = _converter("s2t").convert(joined).split("\n")
    trad_only = [c for c, s in zip(block, simp) if s != c and len(s) == 1]
    simp_only = [c for c, t in zip(block, trad) if t != c and len(t) == 1]
    # runs, not characters: one match costs the engine ~0.2 µs, so runs are counted by length
    return (
        re.compile("[" + "".join(trad_only) + "]+"),
        re.compile("[" + "".join(simp_only) + "]+"),
    )


def _script_sample(text: str, size: int) -> str:
    """`size` characters from the opening and as many from the middle (all of a short text).

    The opening alone can mislead: a page saved with its portal's menus in one script and
    the report in the other would be judged by the menus.
    """
    if len(text) <= 2 * size:
        return text
    mid = len(text) // 2
    return text[:size] + "\n" + text[mid : mid + size]


def detect_script(text: str) -> str:
    """'traditional', 'simplified', or 'none' when the text has no distinguishing characters."""
    trad_re, simp_re = _script_patterns()
    # the script shows in a page of text; the whole file costs more than it tells. Short
    # samples settle it when one script outnumbers the other tenfold, which is nearly always
    # (a few characters count as simplified-only in traditional text and vice versa); the
    # regexes cost ~0.3 µs per distinguishing character, so the samples grow only as needed.
    for size, enough in ((250, 25), (800, 60), (3000, 0)):
        sample = _script_sample(text, size)
        n_trad = sum(map(len, trad_re.findall(sample)))
        n_simp = sum(map(len, simp_re.findall(sample)))
        if (
            len(sample) == len(text)
            or max(n_trad, n_simp) >= enough
            and min(n_trad, n_simp) * 10 <= max(n_trad, n_simp)
        ):
            break
    if n_trad == 0 and n_simp == 0:
        return "none"
    return "traditional" if n_trad > n_simp * 1.5 and n_trad >= 3 else "simplified"


_PUNCT = re.compile(r"[,。;:、!?()|]")


def _chunks(a: str, b: str) -> list[tuple[int, int, str, str]]:
    """Pieces of `a` and `b` to compare, split at the punctuation both share.

    Conversion never adds, drops or moves punctuation, so when both sides have the same
    punctuation in the same order each clause can be compared on its own; difflib on a
    long paragraph costs quadratic time, on a clause almost nothing. Otherwise: one piece.
    """
    pa, pb = _PUNCT.findall(a), _PUNCT.findall(b)
    if not pa or pa != pb:
        return [(0, 0, a, b)]
    out: list[tuple[int, int, str, str]] = []
    i = j = 0
    for ma, mb in zip(_PUNCT.finditer(a), _PUNCT.finditer(b)):
        ca, cb = a[i : ma.start()], b[j : mb.start()]
        if ca != cb:
            out.append((i, j, ca, cb))
        i, j = ma.end(), mb.end()
    if a[i:] != b[j:]:
        out.append((i, j, a[i:], b[j:]))
    return out


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by halving (slice comparisons run in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _align_line(a: str, b: str) -> StepMap:
    """Edits, in positions within the line, that turn line `a` into its conversion `b`."""
    step = StepMap()
    base = t2s(a)
    if len(base) != len(a):
        base = "".join(t2s(ch) if len(t2s(ch)) == 1 else ch for ch in a)
    # only the stretch between the first and last difference needs comparing
    pre = _common_prefix(base, b)
    suf = _common_prefix(base[pre:][::-1], b[pre:][::-1])
    mid_a, mid_b = base[pre : len(base) - suf], b[pre : len(b) - suf]
    for i0, j0, ca, cb in _chunks(mid_a, mid_b):
        sm = difflib.SequenceMatcher(None, ca, cb, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "equal" and (i2 - i1) != (j2 - j1):
                step.add(pre + i0 + i1, pre + i0 + i2, pre + j0 + j1, pre + j0 + j2)
    return step


class LineAligned:
    """Where each character of a phrase-converted text came from, worked out per line on demand.

    Conversion keeps line breaks, and most lines keep their length, so the only lines that
    need comparing are those that changed length and hold a figure's evidence: a report
    asks for a handful of spans, and aligning every changed line up front (a conversion and
    a diff each) cost more than the rest of the extraction.
    """

    def __init__(self, old_lines: list[str], new_lines: list[str]):
        self.old_lines, self.new_lines = old_lines, new_lines
        self.old_starts = list(
            itertools.accumulate((len(x) + 1 for x in old_lines[:-1]), initial=0)
        )
        self.new_starts = list(
            itertools.accumulate((len(x) + 1 for x in new_lines[:-1]), initial=0)
        )
        self._lines: dict[int, StepMap] = {}

    def _step(self, k: int) -> StepMap | None:
        """The edits of line k, aligned on first use; None if its length did not change."""
        a, b = self.old_lines[k], self.new_lines[k]
        if len(a) == len(b):
            return None
        step = self._lines.get(k)
        if step is None:
            step = self._lines[k] = _align_line(a, b)
        return step

    def back(self, pos: int, is_end: bool) -> int:
        k = bisect.bisect_right(self.new_starts, pos) - 1
        if k < 0:
            return pos
        rel = pos - self.new_starts[k]
        step = self._step(k)
        return self.old_starts[k] + (rel if step is None else step.back(rel, is_end))

    def forward(self, pos: int, is_end: bool) -> int:
        """Where a position of the original text stands in the converted one (line by line)."""
        k = bisect.bisect_right(self.old_starts, pos) - 1
        if k < 0:
            return pos
        rel = pos - self.old_starts[k]
        step = self._step(k)
        return self.new_starts[k] + (rel if step is None else step.forward(rel, is_end))


def align(old: str, new: str) -> StepMap | LineAligned:
    """How positions in the converted `new` map back to `old`, line by line.

    Lines whose length did not change map one to one. For the others the original line
    is first converted character by character (which keeps its length) and then compared
    with the phrase-converted line, so the comparison is between two simplified texts.
    """
    old_lines = old.split("\n")
    new_lines = new.split("\n")
    if len(old_lines) != len(new_lines):
        # conversion never adds or removes line breaks; fall back to one coarse edit
        step = StepMap()
        step.add(0, len(old), 0, len(new))
        return step
    return LineAligned(old_lines, new_lines)
