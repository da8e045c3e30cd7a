"""OpenCC conversion, created once per process, and script detection.

The C++ `opencc` package is used (never the pure-Python reimplementation, which is far
slower and installs a module of the same name). Traditional text is converted with
`tw2sp`, which also maps Taiwan vocabulary to mainland terms (入口網站→门户网站,
網際網路→互联网, 程式→程序); that conversion may change the length of a line, so
`align` works out which characters of the original each converted character comes from.
"""
from __future__ import annotations

import difflib
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
    return (re.compile("[" + "".join(trad_only) + "]"), re.compile("[" + "".join(simp_only) + "]"))


def detect_script(text: str) -> str:
    """'traditional', 'simplified', or 'none' when the text has no distinguishing characters."""
    trad_re, simp_re = _script_patterns()
    # the script shows in a page of text; the whole file costs more than it tells. A short
    # opening settles it when one script outnumbers the other tenfold, which is nearly always
    # (a few characters count as simplified-only in traditional text and vice versa); the
    # regexes cost ~0.3 µs per distinguishing character, so the sample grows only as needed.
    for size, enough in ((250, 25), (800, 60), (3000, 0)):
        sample = text[:size]
        n_trad = len(trad_re.findall(sample))
        n_simp = len(simp_re.findall(sample))
        if len(text) <= size or max(n_trad, n_simp) >= enough and min(n_trad, n_simp) * 10 <= max(n_trad, n_simp):
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
        ca, cb = a[i:ma.start()], b[j:mb.start()]
        if ca != cb:
            out.append((i, j, ca, cb))
        i, j = ma.end(), mb.end()
    if a[i:] != b[j:]:
        out.append((i, j, a[i:], b[j:]))
    return out


def align(old: str, new: str) -> StepMap:
    """Edits that turn `old` into the converted `new`, line by line.

    Lines whose length did not change map one to one. For the others the original line
    is first converted character by character (which keeps its length) and then compared
    with the phrase-converted line, so the comparison is between two simplified texts.
    """
    step = StepMap()
    old_lines = old.split("\n")
    new_lines = new.split("\n")
    if len(old_lines) != len(new_lines):
        # conversion never adds or removes line breaks; fall back to one coarse edit
        step.add(0, len(old), 0, len(new))
        return step
    in_pos = out_pos = 0
    for a, b in zip(old_lines, new_lines):
        if len(a) != len(b):
            base = t2s(a)
            if len(base) != len(a):
                base = "".join(t2s(ch) if len(t2s(ch)) == 1 else ch for ch in a)
            # only the stretch between the first and last difference needs comparing
            pre = 0
            while pre < min(len(base), len(b)) and base[pre] == b[pre]:
                pre += 1
            suf = 0
            while suf < min(len(base), len(b)) - pre and base[-1 - suf] == b[-1 - suf]:
                suf += 1
            mid_a, mid_b = base[pre:len(base) - suf], b[pre:len(b) - suf]
            for i0, j0, ca, cb in _chunks(mid_a, mid_b):
                sm = difflib.SequenceMatcher(None, ca, cb, autojunk=False)
                for tag, i1, i2, j1, j2 in sm.get_opcodes():
                    if tag != "equal" and (i2 - i1) != (j2 - j1):
                        step.add(in_pos + pre + i0 + i1, in_pos + pre + i0 + i2, out_pos + pre + j0 + j1, out_pos + pre + j0 + j2)
        in_pos += len(a) + 1
        out_pos += len(b) + 1
    return step
