"""Where each table cell came from, whether the table's sums confirm it, and derived totals.

Every cell record says which reader produced it (`source`: html, docx, pdf, ocr, or text
for pipe/tab/markdown rows, flattened PDF text and glued runs), its place in the reader's
grid (`grid_row`, `grid_col`), the PDF or image `page` and `box` where the reader knows
them, and its `ocr` flag. `checked` says the table's own identities confirm the figure:
at least one check naming the cell passes and none fails. An OCR'd figure counts as
read right only when it is checked; where a check fails its cells are flagged, never
"corrected". A 总计 the report leaves empty while printing all its parts is filled as their
sum, marked `derived` (and never `checked`: the sum it would be checked by made it).

>>> box_text((10.0, 20.5, 30.0, 41.25))
'10,20.5,30,41.25'
>>> box_text(None) is None
True
"""

from __future__ import annotations

import bisect
from typing import Any

from ..document.sentences import Document
from .checks import FAIL, PASS, cell_id, fmt
from .template import T3_APPLICANTS, T4_ROWS

OCR_PENALTY = 0.2  # confidence an OCR'd figure loses until the table's sums confirm it


def box_text(box: tuple[float, float, float, float] | None) -> str | None:
    """A box as `x0,top,x1,bottom` in points (a plain string for the CSV and Parquet)."""
    if box is None:
        return None
    return ",".join(fmt(float(v)) for v in box)


_FROM_TEXT: dict[str, Any] = {
    "source": "text",
    "grid_row": None,
    "grid_col": None,
    "page": None,
    "box": None,
    "ocr": False,
    "checked": False,
    "derived": False,
}


class Sources:
    """Looks up the reader's grid cell behind a normalized offset of the document."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.starts = [s for s, _, _ in doc.lines] if doc.row_sources else []

    def at(self, offset: int | None) -> dict[str, Any]:
        out = dict(_FROM_TEXT)
        if offset is None or not self.starts:
            return out
        li = bisect.bisect_right(self.starts, offset) - 1
        hit = self.doc.row_sources.get(li) if li >= 0 else None
        if hit is None:
            return out
        grid, k = hit
        row = self.doc.row(li) or ()
        col = next(
            (c for c, (a, _, stop) in enumerate(row) if a <= offset < max(stop, a + 1)), None
        )
        out["source"] = grid.source
        out["ocr"] = grid.source == "ocr" or bool(getattr(grid, "ocr", False))
        out["grid_row"] = k
        if grid.pages:
            out["page"] = grid.pages[k]
        if col is not None:
            out["grid_col"] = col
            out["box"] = box_text(grid.boxes.get((k, col)))
        return out

    def mark(
        self,
        cells: list[dict[str, Any]],
        spans: list[tuple[int, int] | None],
        where: tuple[int, int] | None,
    ) -> list[dict[str, Any]]:
        """Add the provenance keys to one row's cell records (and `checked`/`derived`, set
        later); a cell without a span of its own is placed by its row."""
        if not self.starts:  # no reader grids: every cell came from text
            for c in cells:
                c.update(_FROM_TEXT)
            return cells
        for c, span in zip(cells, spans):
            c.update(self.at(span[0] if span else where[0] if where else None))
        return cells


def mark_checked(cells: list[dict[str, Any]], checks: list[dict[str, Any]]) -> None:
    """Set each cell's `checked`, and flag the OCR'd cells the sums do not confirm."""
    passed: set[str] = set()
    failed: dict[str, str] = {}
    for chk in checks:
        if chk["status"] == PASS:
            passed.update(chk["cells"])
        elif chk["status"] == FAIL:
            for c in chk["cells"]:
                failed.setdefault(c, chk["message"])
    for c in cells:
        cid = cell_id(c["table"], c["row_key"], c["col_key"])
        ok = c["value"] is not None and cid in passed and cid not in failed and not c["derived"]
        c["checked"] = ok
        if c["ocr"] and c["value"] is not None and not ok and not c["derived"]:
            why = (
                f"a table check fails: {failed[cid]}"
                if cid in failed
                else "no table check confirms it"
            )
            note = f"OCR reading, not confirmed ({why}); left as read, not corrected"
            c["flag"] = f"{c['flag']}; {note}" if c.get("flag") else note


def _derive(values: list[Any], parts: list[int], at: int) -> bool:
    if values[at] is not None or any(values[i] is None for i in parts):
        return False
    values[at] = sum(values[i] for i in parts)
    return True


def derive_totals(t3: Any, t4: Any) -> set[str]:
    """Fill the 总计 cells the report leaves empty where it prints every part; their ids.

    Table 三: a row's 总计 from its six applicant columns. Table 四: a block's 总计 from its
    four results. Only rows read whole (no flag): a row cut off by the end of the text, or
    left unread, has no printed empty cell to fill. Run after the checks, so the checks see
    the table as printed.
    """
    done: set[str] = set()
    if t3 is not None:
        keys = [c for c, _ in t3.columns]
        at = keys.index("total")
        parts = [keys.index(c) for c in T3_APPLICANTS]
        for r in t3.rows:
            if r not in t3.flags and _derive(t3.grid[r], parts, at):
                done.add(cell_id("三", r, "total"))
    if t4 is not None:
        for r, _ in T4_ROWS:
            if r not in t4.flags and _derive(t4.grid[r], [0, 1, 2, 3], 4):
                done.add(cell_id("四", r, "total"))
    return done


def apply_derived(cells: list[dict[str, Any]], t3: Any, t4: Any, ids: set[str]) -> None:
    """Write the derived totals into their cell records, flagged."""
    for c in cells:
        cid = cell_id(c["table"], c["row_key"], c["col_key"])
        if cid not in ids:
            continue
        t = t3 if c["table"] == "三" else t4
        keys = [k for k, _ in t.columns] if c["table"] == "三" else None
        row = t.grid[c["row_key"]]
        c["value"] = row[keys.index("total")] if keys else row[4]
        c["derived"] = True
        c["flag"] = "derived: the report leaves this 总计 empty; the sum of its row's parts"
