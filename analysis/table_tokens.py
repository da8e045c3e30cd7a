"""Table text split into label text and runs of figures, whatever shape it reached us in.

A standard table arrives as pipe rows (HTML or copied tables), tab- or space-separated
lines, or a PDF's flattened stream where labels break across lines and figures come
in separate lines. All of these reduce to the same two things: the label text, with
line breaks and cell borders squeezed out so a broken label reads whole again, and the
runs of figures, each knowing where it stands in the text. Pipe and tab rows also keep
their empty cells, because an empty cell holds a place that a stream cannot show.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .document import Document

_CELL_NUM = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:件|条|个|项|次|万元|元)?$")
_CELL_NUMS = re.compile(r"^\d+(?:\s+\d+)+$")  # several figures in one cell: "58 7 0"
_CELL_EMPTY = re.compile(r"^(?:|-+|/|\\|无|--|－|—)$")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_CJK_PAREN = re.compile(r"\([^()\n]*[\u4e00-\u9fff][^()\n]*\)")
# what may follow a figure that is prose, not a table cell: 2024年, 5个工作日, 30%, 10000元
_UNIT_AFTER = set("年月日号时件条元个项次人名家所万亿岁天周类余多倍份宗起例篇期场户册台套批%‰")
_LABEL_PIECE = re.compile("[^ \t|\u3000]+")
_NEWLINE = re.compile("\n")


@dataclass
class Value:
    value: int | float | None  # None: an empty cell
    start: int  # span of the cell text in the normalized text (empty cells: where the cell stands)
    end: int


@dataclass
class Run:
    """Figures that stand together: one row of a pipe table, or a line of a stream."""

    values: list[Value]
    start: int
    end: int
    line_start: int  # span of the line(s) the run comes from
    line_end: int
    cells: bool  # from a pipe or tab row, where empty cells keep their place


@dataclass
class Tokens:
    label: str  # label text with whitespace and cell borders squeezed out (set when tokenize ends)
    pos: list[int]  # normalized offset of every label character
    runs: list[Run] = field(default_factory=list)
    end: int = 0  # normalized offset where the scanned text ends
    at_doc_end: bool = False  # the scanned text runs to the end of the document
    _open: tuple[list[Value], int] | None = None  # the stream run being built, and its line start
    _open_line_end: int = 0
    dropped_tail: Value | None = None  # a figure the text ends in, which may be cut short
    _pieces: list[str] = field(default_factory=list)

    def label_index(self, offset: int) -> int:
        """Index in `label` of the first label character at or after a normalized offset."""
        return bisect.bisect_left(self.pos, offset)


def _number(sign: str, digits: str, frac: str | None) -> int | float:
    v = float(digits.replace(",", "") + (frac or ""))
    if sign == "-":
        v = -v
    return int(v) if v == int(v) and not frac else v


def _split_cells(text: str, sep: str) -> list[tuple[int, int]]:
    """(start, end) of each stripped cell, dropping the empty cells outside the outer borders."""
    spans = []
    a = 0
    for cell in text.split(sep):  # (str methods, not a loop over characters: table rows are most of a template report)
        stripped = cell.strip(" \u3000")
        if stripped:
            s = a + len(cell) - len(cell.lstrip(" \u3000"))
            spans.append((s, s + len(stripped)))
        else:
            spans.append((a + len(cell), a + len(cell)))
        a += len(cell) + 1
    if spans and spans[0][0] == spans[0][1] and text.lstrip(" \u3000").startswith(sep):
        spans = spans[1:]
    if spans and spans[-1][0] == spans[-1][1] and text.rstrip(" \u3000").endswith(sep):
        spans = spans[:-1]
    return spans


def _cell_line(tok: Tokens, text: str, base: int, sep: str) -> None:
    spans = _split_cells(text, sep)
    kinds: list[str] = []
    found: list[re.Match[str] | None] = []  # a cell's _CELL_NUM match, kept for reading its value
    for s, e in spans:
        cell = text[s:e]
        m = _CELL_NUM.match(cell)
        found.append(m)
        if m is not None or _CELL_NUMS.match(cell):
            kinds.append("num")
        elif _CELL_EMPTY.match(cell):
            kinds.append("empty")
        else:
            kinds.append("text")
    last_text = max((i for i, k in enumerate(kinds) if k == "text"), default=-1)
    has_num = "num" in kinds[last_text + 1:]
    # a number before the last text cell (an item number in its own cell) is label text
    label_upto = len(spans) if not has_num else last_text + 1
    for s, e in spans[:label_upto]:
        _add_label(tok, text, base, s, e)
    values: list[Value] = []
    for (s, e), kind, m in zip(spans[label_upto:], kinds[label_upto:], found[label_upto:]):
        if kind == "empty":
            values.append(Value(None, base + s, base + e))
        elif m is None:  # several figures in one cell (_CELL_NUMS; the two patterns never both match)
            for n in _NUM.finditer(text, s, e):
                values.append(Value(int(n.group(0)), base + n.start(), base + n.end()))
        else:
            values.append(Value(_number(m.group(1), m.group(2), m.group(3)), base + s, base + e))
    while values and values[-1].value is None:
        values.pop()
    if values:
        tok.runs.append(Run(values, values[0].start, values[-1].end, base, base + len(text), True))


def _plain_line(tok: Tokens, text: str, base: int) -> None:
    masked = [False] * len(text)
    for m in _CJK_PAREN.finditer(text):
        for j in range(m.start(), m.end()):
            masked[j] = True
    i = 0
    for m in _NUM.finditer(text):
        a, b = m.span()
        if masked[a]:
            continue
        prev = text[a - 1] if a else ""
        nxt = text[b] if b < len(text) else ""
        if prev and ((prev.isascii() and (prev.isalnum() or prev in "._:/#%")) or prev == "第"):
            continue
        if nxt and (nxt in _UNIT_AFTER or (nxt.isascii() and nxt.isalpha())):
            continue
        if nxt and nxt in ".、．" and not text[b + 1:b + 2].isdigit():
            continue  # an item marker such as 1.属于国家秘密
        sign = ""
        if prev and prev in "+-":
            before = text[a - 2] if a >= 2 else ""
            if before and before not in " \t|":
                continue  # 0851-8725: a phone number or a date, not a signed figure
            sign, a = prev, a - 1
        _add_label(tok, text, base, i, a)
        digits, _, frac = m.group(0).partition(".")
        if tok._open is None:
            tok._open = ([], base)
        tok._open[0].append(Value(_number(sign, digits, "." + frac if frac else None), base + a, base + b))
        tok._open_line_end = base + len(text)
        i = b
    _add_label(tok, text, base, i, len(text))


def _add_label(tok: Tokens, text: str, base: int, a: int, b: int) -> None:
    for m in _LABEL_PIECE.finditer(text, a, b):
        if tok._open is not None:
            _close(tok)
        tok._pieces.append(m.group(0))
        tok.pos.extend(range(base + m.start(), base + m.end()))


def _close(tok: Tokens) -> None:
    """End the stream run being built: label text or a pipe row follows it."""
    if tok._open is None:
        return
    values, line_start = tok._open
    tok.runs.append(Run(values, values[0].start, values[-1].end, line_start, tok._open_line_end, False))
    tok._open = None


def tokenize(doc: Document, start: int, end: int) -> Tokens:
    """Label text and runs of figures of the body lines between two normalized offsets."""
    tok = Tokens("", [])
    last_end = doc.lines[-1][1] if doc.lines else 0
    for ls, le, text in doc.lines:
        if le <= start:
            continue
        if ls >= end:
            break
        if text.count("|") >= 2:
            _close(tok)
            _cell_line(tok, text, ls, "|")
        elif text.count("\t") >= 2:
            _close(tok)
            _cell_line(tok, text, ls, "\t")
        else:
            _plain_line(tok, text, ls)
        tok.end = le
    _close(tok)
    tok.label = "".join(tok._pieces)
    tok.at_doc_end = tok.end >= last_end
    if tok.at_doc_end and tok.runs and tok.runs[-1].values[-1].end >= len(doc.norm.text.rstrip(" \t")):
        # the text stops right after a figure: "84" may have been "846" before the cut
        run = tok.runs[-1]
        tail = run.values.pop()
        while run.values and run.values[-1].value is None:
            run.values.pop()
        if run.values:
            run.end = run.values[-1].end
            tok.dropped_tail = tail  # worth saying: it stood among other figures
        else:
            tok.runs.pop()
    return tok


@dataclass
class Anchor:
    key: str
    order: int  # place of the row in the template
    start: int  # normalized offset where the label starts
    end: int
    li: int  # index in the label text
    lend: int = 0  # index in the label text where the match ends


_MARK_BEFORE = re.compile(r"(?:\([一二三四五六七八九]\)|[一二三四]、|\d{1,2}[.、．]?)$")


def find_anchors(tok: Tokens, pattern: re.Pattern[str], keys: list[str], lo: int, hi: int,
                 marks: bool = False) -> list[Anchor]:
    """Every label match between label indexes lo and hi; `pattern` has one group per key, in order.

    With `marks`, a match starts at the item marker right before it ((三)不予公开, 1.属于…).
    """
    out = []
    label = tok.label
    for m in pattern.finditer(label, lo, hi):
        gi = m.lastindex
        if gi is None:
            continue
        a = m.start()
        if marks and a > lo:
            mm = _MARK_BEFORE.search(label, max(lo, a - 4), a)
            if mm is not None:
                a = mm.start()
        out.append(Anchor(keys[gi - 1], gi - 1, tok.pos[a], tok.pos[m.end() - 1] + 1, a, m.end()))
    return out


MARKER = re.compile(r"\d{1,2}[.、．]|\([一二三四五六七八九]\)|[一二三四]、")


def extend_to_markers(tok: Tokens, anchors: list[Anchor], lo: int, reach: int = 24) -> None:
    """Start each row label at its item marker when the identifying words come later in it.

    A PDF may wrap "1.申请人无正当理由|逾期不补正…" with the row's figures between the two
    halves; the row then starts at "1.", before its figures, not at 逾期不补正.
    """
    floor = lo
    for a in anchors:
        if MARKER.match(tok.label, a.li):
            floor = max(floor, a.lend)
            continue  # the label already starts at its marker: (四)无法提供, 2.重复申请
        a_floor = max(floor, a.li - reach)
        last = None
        for m in MARKER.finditer(tok.label, a_floor, a.li):
            last = m
        if last is not None and last.start() < a.li:
            a.li = last.start()
            a.start = tok.pos[a.li]
        floor = max(floor, a.lend)


def chain(anchors: list[Anchor]) -> list[Anchor]:
    """The longest run of labels in template order; each row at its last mention before the next row.

    A label can also turn up out of place (the 总计 of a column header, a row named in a
    sentence before the table); the longest in-order sequence leaves those out.
    """
    # a label repeated back to back (rowspan text) counts once in the search
    idx = [i for i, a in enumerate(anchors) if i == 0 or a.key != anchors[i - 1].key]
    n = len(idx)
    if not n:
        return []
    best = [1] * n
    back = [-1] * n
    for i in range(n):
        oi = anchors[idx[i]].order
        for j in range(i):
            if anchors[idx[j]].order < oi and best[j] + 1 > best[i]:
                best[i], back[i] = best[j] + 1, j
    i = max(range(n), key=lambda k: (best[k], -k))
    picked = []
    while i >= 0:
        picked.append(idx[i])
        i = back[i]
    picked.reverse()
    out = []
    for pi, i in enumerate(picked):
        a = anchors[i]
        if pi + 1 == len(picked):
            out.append(a)
            break
        nxt = anchors[picked[pi + 1]].li
        # a repeated label (rowspan text, a sentence before the table): keep its last mention
        for k in range(i + 1, len(anchors)):
            b = anchors[k]
            if b.li >= nxt:
                break
            if b.key == a.key:
                a = b
        out.append(a)
    return out


def alternation(patterns: list[str], first: str) -> re.Pattern[str]:
    """One group per pattern; `first` lists every character a match can start with, so the
    search skips other positions without trying each pattern there."""
    return re.compile(f"(?=[{first}])(?:" + "|".join(f"({p})" for p in patterns) + ")")


class LineIndex:
    """1-based line numbers of normalized offsets."""

    def __init__(self, text: str):
        self._nl = [m.start() for m in _NEWLINE.finditer(text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._nl, offset) + 1


@dataclass
class Owned:
    """The figures a row label owns, and the runs it could not take."""

    runs: list[Run] = field(default_factory=list)
    stray: list[Run] = field(default_factory=list)


GAP_CHARS = 12  # label text longer than this between two stream runs ends a row: prose follows


def assign(tok: Tokens, anchors: list[Anchor], lo: int, hi: int) -> dict[int, Owned]:
    """Give each run of figures between normalized offsets lo and hi to the label before it.

    A pipe row's figures belong to the label on that row, so a second pipe row under one
    label is stray (a row the template does not have). Stream runs under one label add up,
    as a PDF may wrap a row's figures over lines, until prose-length text comes between.
    """
    owned: dict[int, Owned] = {i: Owned() for i in range(len(anchors))}
    starts = [a.start for a in anchors]
    closed: set[int] = set()
    for run in tok.runs:
        if run.start < lo or run.start >= hi:
            continue
        i = bisect.bisect_right(starts, run.start) - 1
        if i < 0:
            continue
        o = owned[i]
        if i in closed:
            o.stray.append(run)
            continue
        if o.runs:
            prev = o.runs[-1]
            gap = tok.label_index(run.start) - tok.label_index(prev.end)
            if run.cells or prev.cells or gap > GAP_CHARS:
                closed.add(i)
                o.stray.append(run)
                continue
        o.runs.append(run)
    return owned
