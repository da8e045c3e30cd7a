"""Table rows of a document, in normalized offsets, whatever produced them.

Two producers give rows, and the table reader reads both the same way:

- **The readers' grids** (`analysis.read.grid`): each cell already knows where its text
  stands in the reader's text; here that place is carried through normalization
  (`offsets.Tracked.to_normalized`), so a cell is a span of the normalized text even when
  OpenCC or the numeral step changed its length. A `|` inside a cell stays text.
- **Pipe and tab lines of plain text** (`text_row`): `.txt` files and copied tables carry
  their rows as `| a | b |` or `a<TAB>b<TAB>c`; a line with two or more borders is a row.
  This is the one place that reads that convention.

A line holding neither is not a row; a PDF's flattened stream stays text, and the table
reader finds its runs of figures there.

>>> text_row("| 规章 |  | 3 |", 100)
((102, 104, 105), (108, 108, 108), (110, 111, 112), (113, 113, 113))
>>> text_row("主动公开 | 30条", 0) is None
True
"""

from __future__ import annotations

from ..read.grid import Grid
from .offsets import Tracked

_SPACE = " \u3000"


# One cell of a row: (start, end, stop). start/end: normalized offsets of the cell's text;
# stop: where its closing border stands (an empty cell stands there). A plain tuple: a
# template report has some 200 cells, cut for every report read. Where a reader's row came
# from (its grid and row; the column is the cell's place in the row) is kept per row.
RowCell = tuple[int, int, int]
Row = tuple[RowCell, ...]


def has_cell_border(line: str) -> bool:
    """Whether a line holds a cell border at all (prose never does)."""
    return "|" in line or "\t" in line


def is_text_row(line: str) -> bool:
    return line.count("|") >= 2 or line.count("\t") >= 2


def text_row(line: str, base: int) -> Row | None:
    """The cells of a pipe or tab line that starts at normalized offset `base`, or None.

    Cells are the pieces between borders, stripped of spaces; the piece before the first
    border is a cell only if it holds text (a tab row has no leading border).
    """
    if line.count("|") >= 2:
        sep = "|"
    elif line.count("\t") >= 2:
        sep = "\t"
    else:
        return None
    cells = []
    add = cells.append
    a = base
    for piece in line.split(sep):
        n = len(piece)
        stripped = piece.strip(_SPACE)
        if stripped:
            s = a + n - len(piece.lstrip(_SPACE))
            add((s, s + len(stripped), a + n))
        elif a != base:
            add((a + n, a + n, a + n))
        a += n + 1
    return tuple(cells)


def reader_rows(
    grids: list[Grid], original: str, tracked: Tracked
) -> dict[int, tuple[int, Row, Grid, int]]:
    """The readers' grid rows by the normalized offset their line starts at:
    (line end, row, grid, index of the row in the grid).

    A row whose line came through normalization unchanged keeps its cells' places, shifted;
    the others are carried cell by cell. A reader's cell may then begin or end with a
    space that normalization made (the table reader strips it).
    """
    norm = tracked.text
    to = tracked.to_normalized
    out: dict[int, tuple[int, Row, Grid, int]] = {}
    for grid in grids:
        for k, ((ls, le), spans) in enumerate(zip(grid.lines, grid.spans)):
            ns, ne = to(ls, le)
            if norm[ns:ne] == original[ls:le]:
                row = tuple([(a + ns, b + ns, stop + ns) for a, b, stop in spans])
            else:
                row = tuple(
                    [(*to(ls + a, ls + b), to(ls + stop, ls + stop)[0]) for a, b, stop in spans]
                )
            out[ns] = (ne, row, grid, k)
    return out
