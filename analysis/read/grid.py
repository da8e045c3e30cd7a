"""One table type for every reader: a `Grid` of `Cell`s that know where they came from.

Web pages (rowspan/colspan), Word files, ruled PDF tables and OCR'd page images all give
tables as cells in rows. Whatever produced them, a reader turns them into one `Grid`, so
the table reader has one thing to read (pdfplumber and camelot do the same for their
strategies). Two rules are applied here once, for every reader:

- **The span rule.** A label that spans rows or columns (a merged 行政复议 header over
  five columns, 法人或其他组织 over its five kinds) is repeated into every position it
  covers, so each row reads its whole label path; a figure that spans positions stands
  once, and the other positions are empty (table 二 of 2021 spans one figure over three
  columns, and repeating it would count it three times).
- **The text of a row.** Every row is also written into the reader's text as one line,
  `| a | b |`, so prose rules, the `texts` table and evidence see the table as before.
  `row_line` writes it and says where each cell's text stands in that line; the cells
  keep those offsets (in the reader's text), and a `|` inside a cell is just text.

>>> texts, copies = expand([[("行政复议", 1, 2), ("总计", 1, 1)], [("5", 1, 2), ("5", 1, 1)]])
>>> texts, sorted(copies)
([['行政复议', '行政复议', '总计'], ['5', '', '5']], [(0, 1), (1, 1)])
>>> row_line(["a|b", "", "3"])
('| a|b | | 3 |', [(2, 5, 6), (8, 8, 8), (10, 11, 12)])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

_FIGURE = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")


def is_figure(text: str) -> bool:
    """A cell that holds one number (a figure, never repeated over a span).

    >>> is_figure("1,204"), is_figure("-3.5"), is_figure("总计"), is_figure("3件")
    (True, True, False, False)
    """
    return _FIGURE.match(text) is not None


class Cell(NamedTuple):
    """One position of a grid: its text and where that text stands.

    `start`/`end` are offsets in the reader's text (`Loaded.text`) of the cell's text on
    its row line; `stop` is where the cell's closing border stands (an empty cell is
    placed there). `row`/`col` are its position in the grid (the rows written, empty
    rows left out); `page` and `box` (x0, top, x1, bottom in points) say where it stands
    on a PDF page or image, for the readers that have pages.
    """

    text: str
    start: int
    end: int
    stop: int
    row: int
    col: int
    spanned: bool = (
        False  # a copy of a spanning cell's label, or an empty place under a spanning figure
    )
    page: int | None = None
    box: tuple[float, float, float, float] | None = None


@dataclass
class Grid:
    """A table as rows of cell texts, each row written into the reader's text as one line.

    Kept compact (texts, and where each row's line and cells stand), because every table
    of every report read is one; `rows` and `cell` give the `Cell`s.
    """

    texts: list[list[str]]  # each row's cell texts, the span rule applied
    lines: list[tuple[int, int]]  # where each row's line stands in the reader's text
    spans: list[list[tuple[int, int, int]]]  # each cell's (start, end, stop) in its row's line
    source: str  # the reader that made it: "html", "docx", "pdf", "ocr"
    copies: set[tuple[int, int]] = field(
        default_factory=set
    )  # (row, col) of cells that copy a spanning one
    pages: list[int] | None = None  # the page of each row, for readers with pages
    boxes: dict[tuple[int, int], tuple[float, float, float, float]] = field(default_factory=dict)
    # read by OCR from a page image: its figures are less sure, and count as checked only
    # where the table's identities hold
    ocr: bool = False

    def cell(self, r: int, c: int) -> Cell:
        a, b, stop = self.spans[r][c]
        base = self.lines[r][0]
        return Cell(
            self.texts[r][c],
            base + a,
            base + b,
            base + stop,
            r,
            c,
            (r, c) in self.copies,
            self.pages[r] if self.pages else None,
            self.boxes.get((r, c)),
        )

    @property
    def rows(self) -> list[list[Cell]]:
        return [[self.cell(r, c) for c in range(len(row))] for r, row in enumerate(self.texts)]


Spec = tuple[str, int, int]  # a cell as a reader finds it: text, rowspan, colspan


def expand(rows: list[list[Spec]]) -> tuple[list[list[str]], set[tuple[int, int]]]:
    """Cells with spans to a full rectangle of texts, and the positions that are copies.

    Each cell takes the first free column of its row (positions under an earlier
    rowspan are taken); the span rule above fills what it covers.
    """
    grid: dict[tuple[int, int], str] = {}
    copies: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            if rowspan == 1 and colspan == 1:
                grid[(r, c)] = text
                c += 1
                continue
            copy = "" if is_figure(text) else text
            for dr in range(rowspan):
                for dc in range(colspan):
                    at = (r + dr, c + dc)
                    if at not in grid:
                        grid[at] = copy if dr or dc else text
                        if dr or dc:
                            copies.add(at)
            c += colspan
    n_cols = max((c for (_, c) in grid), default=-1) + 1
    get = grid.get
    return [[get((r, c), "") for c in range(n_cols)] for r in range(len(rows))], copies


def row_line(texts: list[str]) -> tuple[str, list[tuple[int, int, int]]]:
    """The line a row is written as, and (start, end, stop) of each cell in it.

    Cell texts are single-spaced lines already; an empty cell is written `| |`.
    """
    line = "|" + "".join([f" {t} |" if t else " |" for t in texts])
    spans = []
    pos = 2  # where the next cell's text would start
    for t in texts:
        if t:
            e = pos + len(t)
            spans.append((pos, e, e + 1))
            pos = e + 3
        else:  # `| |`: the border stands where the text would
            spans.append((pos, pos, pos))
            pos += 2
    return line, spans
