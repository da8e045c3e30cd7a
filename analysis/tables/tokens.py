"""Table rows and text split into label text and runs of figures, whatever shape they came in.

A standard table arrives as rows of cells (a reader's grid, or a pipe or tab line of
text: `analysis.document.rows`), as space-separated lines, or as a PDF's flattened stream
where labels break across lines and figures come in separate lines. All of these reduce
to the same two things: the label text, with line breaks and cell borders squeezed out so
a broken label reads whole again, and the runs of figures, each knowing where it stands
in the text. Rows also keep their empty cells, because an empty cell holds a place that a
stream cannot show.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..document.rows import Row
from ..document.sentences import Document

_CELL_NUM = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:件|条|个|项|次|万元|元)?$")
_CELL_NUMS = re.compile(r"^\d+(?:\s+\d+)+$")  # several figures in one cell: "58 7 0"
_CELL_EMPTY = re.compile(r"^(?:|-+|/|\\|无|--|－|—)$")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_CJK_PAREN = re.compile(r"\([^()\n]*[\u4e00-\u9fff][^()\n]*\)")
# what may follow a figure that is prose, not a table cell: 2024年, 5个工作日, 30%, 10000元
_UNIT_AFTER = set("年月日号时件条元个项次人名家所万亿岁天周类余多倍份宗起例篇期场户册台套批%‰")
_LABEL_PIECE = re.compile("[^ \t|\u3000]+")
_LABEL_GAP = re.compile("[ \t|\u3000]")  # what _LABEL_PIECE leaves out
_NEWLINE = re.compile("\n")


@dataclass(slots=True)
class Value:
    value: int | float | None  # None: an empty cell
    start: int  # span of the cell text in the normalized text (empty cells: where the cell stands)
    end: int


@dataclass(slots=True)
class Run:
    """Figures that stand together: one row of a pipe table, or a line of a stream."""

    values: list[Value]
    start: int
    end: int
    line_start: int  # span of the line(s) the run comes from
    line_end: int
    cells: bool  # from a row of cells, where empty cells keep their place
    # empty cells of the row after its last figure (not kept in values); not part of what
    # a run is, so runs compare without it
    trailing: int = field(default=0, compare=False)


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


# the first characters a figure or an empty mark can start with besides a digit (_CELL_NUM,
# _CELL_NUMS, _CELL_EMPTY); a cell starting with any other character is text
_NOT_TEXT_START = frozenset("+-/\\无－—")


def _cell_value(values: list[Value], text: str, base: int, s: int, e: int) -> bool | None:
    """Append the figure(s) or empty place of the stripped cell text[s:e] to values.

    True: a figure; False: an empty mark (-, /, 无); None: label text (nothing appended).
    """
    cell = text[s:e]
    m = _CELL_NUM.match(cell)
    if m is not None:
        values.append(Value(_number(m.group(1), m.group(2), m.group(3)), base + s, base + e))
        return True
    if _CELL_NUMS.match(cell):  # several figures in one cell
        for n in _NUM.finditer(text, s, e):
            values.append(Value(int(n.group(0)), base + n.start(), base + n.end()))
        return True
    if _CELL_EMPTY.match(cell):
        values.append(Value(None, base + s, base + e))
        return False
    return None


def _grid_row(
    tok: Tokens, text: str, row: Row, line_start: int, line_end: int, stripped_cells: bool = True
) -> None:
    """A row of cells: label cells, then the figures and empty cells after the last label cell.

    A number before the last text cell (an item number in its own cell) is label text, and
    so is a row with no figure after its last text cell. Cells are read in one pass: the
    figures gathered since the last text cell are dropped when another text cell comes.
    The two common cells, digits only and plain text, are told apart without the patterns.
    `text` is the normalized text; the cells' offsets point into it. A text row's cells come
    stripped of spaces; a reader's may begin or end with one that normalization made.
    """
    filled: list[tuple[int, int]] = []  # start and end of each non-empty cell, stripped
    n_label = 0  # how many of them up to the last text cell
    values: list[Value] = []  # figures and empty places after the last text cell so far
    has_num = False
    for start, end, stop in row:
        stripped = text[start:end]
        s, e = start, end
        if not stripped_cells:
            raw = stripped
            stripped = raw.strip(" \u3000")
            s = start + len(raw) - len(raw.lstrip(" \u3000"))
            e = s + len(stripped)
        if stripped:
            filled.append((s, e))
            if stripped.isdecimal():
                # "0", "12": _CELL_NUM matches it whole as its digits (re's \d is exactly
                # str.isdecimal), with no sign, fraction or unit; up to 15 digits a float
                # holds the integer exactly, so int() gives what _number gives
                value = int(stripped) if len(stripped) <= 15 else _number("", stripped, None)
                values.append(Value(value, s, e))
                has_num = True
            elif not stripped[0].isdecimal() and stripped[0] not in _NOT_TEXT_START:
                # text: each of the three patterns needs a digit or one of those characters first
                values, has_num, n_label = [], False, len(filled)
            else:
                kind = _cell_value(values, text, 0, s, e)
                if kind is None:
                    values, has_num, n_label = [], False, len(filled)
                elif kind:
                    has_num = True
        else:  # an empty cell holds its place
            values.append(Value(None, stop, stop))
    # the label: every cell up to the last text cell, or all of them when no figure follows
    for s, e in filled[:n_label] if has_num else filled:
        _add_label(tok, text, 0, s, e)
    if not has_num:
        return
    popped = 0
    while values and values[-1].value is None:  # (this also drops the place after the last border)
        values.pop()
        popped += 1
    trailing = popped - 1 if stripped_cells and popped else popped  # a text row's last border
    run = Run(values, values[0].start, values[-1].end, line_start, line_end, True, trailing)
    tok.runs.append(run)


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
        if nxt and nxt in ".、．" and not text[b + 1 : b + 2].isdigit():
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
        tok._open[0].append(
            Value(_number(sign, digits, "." + frac if frac else None), base + a, base + b)
        )
        tok._open_line_end = base + len(text)
        i = b
    _add_label(tok, text, base, i, len(text))


def _add_label(tok: Tokens, text: str, base: int, a: int, b: int) -> None:
    """Add text[a:b] to the label, less spaces, tabs and cell borders, each character with its
    offset."""
    if a >= b:
        return
    if _LABEL_GAP.search(text, a, b) is None:
        # nothing to leave out (a cell's text, mostly): one piece, as _LABEL_PIECE would find
        if tok._open is not None:
            _close(tok)
        tok._pieces.append(text[a:b])
        tok.pos.extend(range(base + a, base + b))
        return
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
    tok.runs.append(
        Run(values, values[0].start, values[-1].end, line_start, tok._open_line_end, False)
    )
    tok._open = None


def tokenize(doc: Document, start: int, end: int) -> Tokens:
    """Label text and runs of figures of the body lines between two normalized offsets."""
    tok = Tokens("", [])
    last_end = doc.lines[-1][1] if doc.lines else 0
    norm, rows = doc.norm.text, doc.rows
    for i, (ls, le, text) in enumerate(doc.lines):
        if le <= start:
            continue
        if ls >= end:
            break
        if i in rows:
            row = doc.row(i)
            _close(tok)
            _grid_row(tok, norm, row, ls, le, i not in doc.row_sources)
        else:
            _plain_line(tok, text, ls)
        tok.end = le
    _close(tok)
    tok.label = "".join(tok._pieces)
    tok.at_doc_end = tok.end >= last_end
    if (
        tok.at_doc_end
        and tok.runs
        and tok.runs[-1].values[-1].end >= len(doc.norm.text.rstrip(" \t"))
    ):
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


@dataclass(slots=True)
class Anchor:
    key: str
    order: int  # place of the row in the template
    start: int  # normalized offset where the label starts
    end: int
    li: int  # index in the label text
    lend: int = 0  # index in the label text where the match ends


_MARK_BEFORE = re.compile(r"(?:\([一二三四五六七八九]\)|[一二三四]、|\d{1,2}[.、．]?)$")


def find_anchors(
    tok: Tokens, pattern: RowPattern, keys: list[str], lo: int, hi: int, marks: bool = False
) -> list[Anchor]:
    """Every label match between label indexes lo and hi; `pattern` has one row per key, in order.

    With `marks`, a match starts at the item marker right before it ((三)不予公开, 1.属于…).
    """
    out = []
    label = tok.label
    rows = pattern.rows
    for m in pattern.regex.finditer(label, lo, hi):
        gi = m.lastindex
        if gi is None:
            continue
        row = rows[gi - 1]
        a = m.start()
        if marks and a > lo:
            mm = _MARK_BEFORE.search(label, max(lo, a - 4), a)
            if mm is not None:
                a = mm.start()
        out.append(Anchor(keys[row], row, tok.pos[a], tok.pos[m.end() - 1] + 1, a, m.end()))
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


def _longest_in_order(orders: list[int]) -> list[int]:
    """Indexes of the longest strictly increasing run of orders (not necessarily adjacent).

    Ties go to the earliest: the run ends at the first index where a longest run can end,
    and each step goes back to the first earlier index that ends a run one shorter below
    it. This is the pairwise search (for each index, the best of every earlier one) done
    with bisection: the length of the best run ending at i is one more than the number of
    lengths whose lowest end so far is below orders[i]; and among the indexes where runs of
    one length end, orders never rise (a later, higher one would make a longer run), so
    those below orders[i] come last in that list and the first of them is found by bisection.
    """
    tails: list[int] = []  # tails[n]: the lowest order a run of length n + 1 ends in so far
    ends: list[list[int]] = []  # ends[n]: the indexes where the best run has length n + 1, in order
    neg_orders: list[list[int]] = []  # their orders, negated, so that they rise for bisect
    back: list[int] = []
    for i, o in enumerate(orders):
        n = bisect.bisect_left(tails, o)
        if n == len(tails):
            tails.append(o)
            ends.append([])
            neg_orders.append([])
        else:
            tails[n] = o
        back.append(ends[n - 1][bisect.bisect_right(neg_orders[n - 1], -o)] if n else -1)
        ends[n].append(i)
        neg_orders[n].append(-o)
    path = []
    i = ends[-1][0] if ends else -1
    while i >= 0:
        path.append(i)
        i = back[i]
    path.reverse()
    return path


def chain(anchors: list[Anchor]) -> list[Anchor]:
    """The longest run of labels in template order; each row at its last mention before the
    next row.

    A label can also turn up out of place (the 总计 of a column header, a row named in a
    sentence before the table); the longest in-order sequence leaves those out.
    """
    # a label repeated back to back (rowspan text) counts once in the search
    idx = [i for i, a in enumerate(anchors) if i == 0 or a.key != anchors[i - 1].key]
    if not idx:
        return []
    picked = [idx[k] for k in _longest_in_order([anchors[i].order for i in idx])]
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


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern: split at each | outside groups and classes."""
    out, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1  # an escaped character is never a bracket or a bar
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


@dataclass(frozen=True)
class RowPattern:
    """The label patterns of a table's rows as one regex; the group a match ends in says its row."""

    regex: re.Pattern[str]
    rows: tuple[int, ...]  # the row of each group, by group number - 1


def alternation(patterns: list[str]) -> RowPattern:
    """One regex trying the patterns in order, each of its alternatives ending in an empty group.

    The search skips at C speed to the characters a match can start with, and passes over a
    branch whose first character differs from the text's without entering it, but only when
    every branch opens with a literal character: not a group mark, a lookaround or a repeat.
    So each alternative of each pattern is a branch of its own, opening with its literal,
    and marks its row with an empty group at its end (the patterns hold no groups of their
    own, so that group is the match's lastindex). The alternatives keep their order, so a
    match is the one the patterns tried in order, each as a whole, would give.
    """
    assert all(re.compile(p).groups == 0 for p in patterns), "lastindex would not tell the row"
    branches: list[str] = []
    rows: list[int] = []
    for row, p in enumerate(patterns):
        for b in _branches(p):
            branches.append(f"{b}()")
            rows.append(row)
    return RowPattern(re.compile("|".join(branches)), tuple(rows))


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


def own_keys(tok: Tokens, run: Run, pattern: RowPattern, keys: list[str]) -> list[str]:
    """The row keys a row of cells names in its own label cells (the line's text before its
    figures), in order: a row's own label, which a loose label elsewhere cannot displace."""
    a, b = tok.label_index(run.line_start), tok.label_index(run.start)
    rows = pattern.rows
    return [
        keys[rows[m.lastindex - 1]] for m in pattern.regex.finditer(tok.label, a, b) if m.lastindex
    ]
