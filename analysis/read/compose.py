"""Readers with pages (PDF, Word, OCR) write their text and grids through one `Composer`.

A paged reader finds, page by page, lines of text and tables of positioned cells. The
composer writes them into one text the way the HTML reader does (one line per block, each
table row as `| a | b |`), and remembers where each page's text stands (`pages`) and where
each row and cell stands (the `Grid`s), so evidence can name the page and box of a figure.

`place` turns cells with boxes (a ruled PDF table, cells rebuilt from an image) into the
rectangle of texts the span rule gives, whatever the order the cells were found in.

>>> cells = [(0, 0, 20, 10, "申请人"), (0, 10, 10, 20, "甲"), (10, 10, 20, 20, "2")]
>>> texts, copies, at = place(cells)
>>> texts, sorted(copies)
([['申请人', '申请人'], ['甲', '2']], [(0, 1)])
>>> c = Composer()
>>> c.line("一、总体情况", 1); c.table(texts, copies, [1, 2], {}, "pdf"); c.line("完", 2)
>>> text, grids, pages = c.finish()
>>> print(text, end="")
一、总体情况
| 申请人 | 申请人 |
| 甲 | 2 |
完
>>> pages, grids[0].pages, grids[0].cell(1, 1).text
([(0, 21, 1), (21, 33, 2)], [1, 2], '2')
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .grid import Grid, is_figure, row_line

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (points, or pixels of an image)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def join_text(parts: list[str]) -> str:
    """The text of a cell or wrapped line from its pieces: CJK pieces join without a space.

    >>> join_text(["申请人", "情况"]), join_text(["total", "cases"]), join_text(["结果", "维持"])
    ('申请人情况', 'total cases', '结果维持')
    """
    out = ""
    for p in (p.strip() for p in parts):
        if not p:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(p[0])):
            out += " "
        out += p
    return out


def _edges(values: list[float], tol: float) -> list[float]:
    """The distinct positions among `values`, those within `tol` of each other taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float, tol: float) -> int:
    i = bisect_left(edges, v - tol)
    return min(i, len(edges) - 1)


def place(
    cells: list[tuple[float, float, float, float, str]], tol: float = 2.0
) -> tuple[list[list[str]], set[tuple[int, int]], dict[tuple[int, int], Box]]:
    """Positioned cells (x0, top, x1, bottom, text) to (texts, copies, box of each position).

    The columns and rows are the distinct cell edges; a cell covering several of them spans
    them. The span rule of `grid`: a spanning label is repeated into what it covers (those
    positions are copies), a spanning figure stands once.
    """
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells], tol)
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells], tol)
    n_rows, n_cols = max(len(ys) - 1, 1), max(len(xs) - 1, 1)
    texts = [[""] * n_cols for _ in range(n_rows)]
    copies: set[tuple[int, int]] = set()
    boxes: dict[tuple[int, int], Box] = {}
    for x0, top, x1, bottom, text in sorted(cells, key=lambda c: (c[1], c[0])):
        c0, c1 = _index(xs, x0, tol), max(_index(xs, x1, tol), _index(xs, x0, tol) + 1)
        r0, r1 = _index(ys, top, tol), max(_index(ys, bottom, tol), _index(ys, top, tol) + 1)
        copy = "" if is_figure(text) else text
        for r in range(r0, min(r1, n_rows)):
            for c in range(c0, min(c1, n_cols)):
                if (r, c) in boxes:
                    continue  # overlapping boxes: the first cell found keeps the place
                boxes[(r, c)] = (x0, top, x1, bottom)
                first = r == r0 and c == c0
                texts[r][c] = text if first else copy
                if not first:
                    copies.add((r, c))
    return texts, copies, boxes


class Composer:
    """Collects a paged document's lines and tables into text, grids and page ranges."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self._page_starts: list[tuple[int, int]] = []  # (offset, page) where a page begins
        self.grids: list[Grid] = []

    def _at_page(self, page: int) -> None:
        if not self._page_starts or self._page_starts[-1][1] != page:
            self._page_starts.append((self._pos, page))

    def _write(self, line: str) -> int:
        start = self._pos
        self._parts.append(line + "\n")
        self._pos += len(line) + 1
        return start

    def line(self, text: str, page: int) -> None:
        """One line of text on `page` (empty lines are dropped)."""
        text = text.strip()
        if text:
            self._at_page(page)
            self._write(text)

    def table(
        self,
        texts: list[list[str]],
        copies: set[tuple[int, int]],
        row_pages: list[int],
        boxes: dict[tuple[int, int], Box],
        source: str,
        ocr: bool = False,
    ) -> None:
        """A table: each non-empty row is written as one line; the grid locates its cells."""
        kept_texts, lines, spans, pages = [], [], [], []
        new_copies: set[tuple[int, int]] = set()
        new_boxes: dict[tuple[int, int], Box] = {}
        for r, row in enumerate(texts):
            if not any(row):
                continue
            k = len(kept_texts)
            self._at_page(row_pages[r])
            line, sp = row_line(row)
            start = self._write(line)
            kept_texts.append(row)
            lines.append((start, start + len(line)))
            spans.append(sp)
            pages.append(row_pages[r])
            for c in range(len(row)):
                if (r, c) in copies:
                    new_copies.add((k, c))
                if (r, c) in boxes:
                    new_boxes[(k, c)] = boxes[(r, c)]
        if kept_texts:
            self.grids.append(
                Grid(kept_texts, lines, spans, source, new_copies, pages, new_boxes, ocr)
            )

    def finish(self) -> tuple[str, list[Grid], list[tuple[int, int, int]]]:
        """(text, grids, pages): `pages` holds (start, end, page number) of each page's text."""
        text = "".join(self._parts)
        ranges = []
        for i, (start, page) in enumerate(self._page_starts):
            end = self._page_starts[i + 1][0] if i + 1 < len(self._page_starts) else len(text)
            ranges.append((start, end, page))
        return text, self.grids, ranges


def page_of(pages: list[tuple[int, int, int]], offset: int) -> int | None:
    """The page number the text at `offset` comes from (None for a reader without pages).

    >>> page_of([(0, 10, 1), (10, 25, 2)], 12), page_of([], 3)
    (2, None)
    """
    i = bisect_left([p[1] for p in pages], offset + 1)
    return pages[i][2] if i < len(pages) and pages[i][0] <= offset else None
