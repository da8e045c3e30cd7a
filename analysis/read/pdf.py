"""PDF reports: page text in reading order, ruled tables as grids, scanned pages by OCR.

Most reports are PDFs printed from Word or WPS. pypdfium2 (PDFium) gives each page's
characters with their boxes, and its path objects give the ruling lines, from which
`rules` rebuilds the cells, merged ones included. (pdfplumber does the same on pdfminer.six,
but takes about a second a page on the embedded CJK fonts these reports carry, and maps some
of their characters to the Kangxi radicals, ⼆ for 二; PDFium reads ~85 pages a CPU-second.)

What is not report text is dropped: a line in the top or bottom margin that is a page
number, or that repeats (digits aside) on most pages, is a running header or footer. A
paragraph wrapped at the right margin is joined back into one line, so a sentence and
its figure are not cut apart. A table whose first row starts a page, continuing the
columns of the table that ended the page before, is the same table: the two are joined,
and a row label cut by the page break is carried onto the rows below it.
A page with no text layer is rendered and read by OCR (`ocr`), when OCR is allowed.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from ..issues import Issue
from .compose import Box, Composer, join_text, place
from .grid import is_figure
from .rules import tables_from_rules

MAX_PAGES = 500  # a report runs to tens of pages; thousands are a bound volume or a scan dump
MAX_OCR_PAGES = 60  # OCR takes seconds a page: past this the file is refused, not crawled
MAX_SECONDS = 300.0  # reading one document's text layer (OCR has its own budget, `ocr`)
MARGIN = 0.07  # the top and bottom share of a page where running heads and folios stand
_PAGE_NO = re.compile(
    r"^[-—–－·\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4})?(\s*[,，]?\s*共\s*\d+\s*页)?[-—–－·\s]*$"
)
_DIGITS = re.compile(r"\d+")


class PdfError(Exception):
    """A PDF that cannot be read; `code` is the error record's code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class _Line:
    text: str
    box: Box  # x0, top, x1, bottom in points from the page's top left
    chars: list[tuple[str, Box]] = field(default_factory=list)


@dataclass
class _Table:
    cells: list[tuple[float, float, float, float, str]]  # x0, top, x1, bottom (points), text
    bbox: Box
    page: int
    at: int  # the index of the page's first line inside it (where it stands in the text)


def is_page_number(text: str) -> bool:
    """A folio as printed in a margin: `3`, `- 3 -`, `第3页`, `3/12`, `第 3 页，共 12 页`.

    >>> [is_page_number(t) for t in ["3", "- 12 -", "第3页 共9页", "3/12", "2021年"]]
    [True, True, True, True, False]
    """
    return _PAGE_NO.match(text) is not None


def _page_lines(textpage, height: float) -> list[_Line]:
    """The page's lines in PDFium's order, each with its characters' boxes."""
    text = textpage.get_text_range()
    n = textpage.count_chars()
    if len(text) != n:  # characters outside the BMP: fall back to PDFium's lines alone
        return [_Line(t.strip(), (0.0, 0.0, 0.0, 0.0)) for t in text.splitlines() if t.strip()]
    lines: list[_Line] = []
    cur: list[tuple[str, Box]] = []

    def close() -> None:
        boxes = [b for ch, b in cur if not ch.isspace() and b[2] > b[0]]
        s = "".join(ch for ch, _ in cur).strip()
        if s and boxes:
            x0 = min(b[0] for b in boxes)
            x1 = max(b[2] for b in boxes)
            top = min(b[1] for b in boxes)
            bottom = max(b[3] for b in boxes)
            lines.append(_Line(s, (x0, top, x1, bottom), list(cur)))
        cur.clear()

    for i, ch in enumerate(text):
        if ch in "\r\n":
            close()
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        cur.append((ch, (left, height - top, right, height - bottom)))
    close()
    return lines


def _inside(box: Box, area: Box, pad: float = 1.0) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] - pad <= cx <= area[2] + pad and area[1] - pad <= cy <= area[3] + pad


def _cell_texts(chars: list[tuple[str, Box]], boxes: list[Box]) -> list[str]:
    """The text of the characters standing in each cell (a vertical head reads top to
    bottom). Characters are looked up by their centre's height, so a page of many cells
    costs a sort and a search per cell, not a pass over every character for each."""
    from bisect import bisect_left, bisect_right

    placed = sorted(
        ((b[1] + b[3]) / 2, (b[0] + b[2]) / 2, k, ch)
        for k, (ch, b) in enumerate(chars)
        if b[2] > b[0]
    )
    ys = [p[0] for p in placed]
    out = []
    for x0, top, x1, bottom in boxes:
        hits = placed[bisect_left(ys, top - 0.5) : bisect_right(ys, bottom + 0.5)]
        inside = [(k, ch) for _, cx, k, ch in hits if x0 - 0.5 <= cx <= x1 + 0.5]
        text = "".join(ch for _, ch in sorted(inside))  # in PDFium's (reading) order
        out.append(re.sub(r"\s+", " ", join_text(text.split())).strip())
    return out


def _tables(lines: list[_Line], rules: tuple[list, list], page_no: int) -> list[_Table]:
    """The ruled tables of one page, their cells' text from PDFium's characters."""
    chars = [c for ln in lines for c in ln.chars]
    found = []
    for bbox, boxes in tables_from_rules(rules[0], rules[1], tol=1.5):
        cells = [(*box, text) for box, text in zip(boxes, _cell_texts(chars, boxes))]
        if len(cells) < 2 or sum(1 for c in cells if c[4]) < 2:
            continue  # a box drawn around a paragraph, not a table
        at = next((i for i, ln in enumerate(lines) if _inside(ln.box, bbox)), len(lines))
        found.append(_Table(cells, bbox, page_no, at))
    return found


def _margin_key(line: _Line, height: float) -> str | None:
    """The digit-blind text of a line standing in the top or bottom margin, else None."""
    top, bottom = line.box[1], line.box[3]
    if bottom < height * MARGIN or top > height * (1 - MARGIN):
        return _DIGITS.sub("#", re.sub(r"\s+", "", line.text))
    return None


def _continues(prev: _Table, table: _Table, tol: float = 3.0) -> bool:
    """`table` opens its page and has the outer edges of `prev`, which closed the page before."""
    return (
        table.page == prev.page + 1
        and abs(prev.bbox[0] - table.bbox[0]) <= tol
        and abs(prev.bbox[2] - table.bbox[2]) <= tol
    ) or (
        table.page == prev.page + 1
        and prev.bbox[0] - tol <= table.bbox[0]
        and table.bbox[2] <= prev.bbox[2] + tol
        and abs(prev.bbox[2] - table.bbox[2]) <= tol  # a cut rowspan column on the left
    )


def _write_table(out: Composer, parts: list[_Table], heights: list[float]) -> None:
    """One table (maybe continued over pages) into the composer, row labels carried over.

    The parts are laid one below the other (each page shifted down by the pages before),
    so `place` sees one table; each box is put back on its own page afterwards.
    """
    offsets = [0.0]  # each part's shift: its top goes where the part before it ends
    for k in range(1, len(parts)):
        offsets.append(offsets[-1] + parts[k - 1].bbox[3] - parts[k].bbox[1])
    cells = [
        (x0, top + off, x1, bottom + off, text)
        for t, off in zip(parts, offsets)
        for x0, top, x1, bottom, text in t.cells
    ]
    texts, copies, shifted = place(cells)

    def part_of(y: float) -> int:
        return max([0] + [k for k, t in enumerate(parts) if y >= t.bbox[1] + offsets[k] - 1.0])

    pages, boxes = [], {}
    for r in range(len(texts)):
        tops = [b[1] for (rr, _), b in shifted.items() if rr == r]
        pages.append(parts[part_of(min(tops))].page if tops else parts[0].page)
    for (r, c), b in shifted.items():
        off = offsets[part_of(b[1])]
        boxes[(r, c)] = (b[0], b[1] - off, b[2], b[3] - off)
    # a label cut by the page break: the rows below it on the next page carry it, down to
    # the first cell of their own in that column
    for r in range(1, len(texts)):
        if pages[r] == pages[r - 1]:
            continue
        for c in range(len(texts[r])):
            above = texts[r - 1][c]
            if not above or is_figure(above):
                continue
            first = shifted.get((r, c))
            rr = r
            while rr < len(texts) and pages[rr] == pages[r] and not texts[rr][c]:
                if rr > r and shifted.get((rr, c)) not in (None, first):
                    break
                texts[rr][c] = above
                copies.add((rr, c))
                rr += 1
    # the strip of a row cut by the page break holds no text of its own: not a row
    keep = [r for r, row in enumerate(texts) if any(t and (r, c) not in copies
                                                    for c, t in enumerate(row))]  # fmt: skip
    index = {r: k for k, r in enumerate(keep)}
    out.table(
        [texts[r] for r in keep],
        {(index[r], c) for r, c in copies if r in index},
        [pages[r] for r in keep],
        {(index[r], c): b for (r, c), b in boxes.items() if r in index},
        "pdf",
    )


def read_pdf(data: bytes, name: str, ocr_pages=None) -> tuple[str, list, list, list[Issue]]:
    """(text, grids, pages, issues) of a PDF. `ocr_pages(images, name)` reads scanned pages;
    None means a PDF without a text layer is refused with a message saying so."""
    import pypdfium2 as pdfium

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    started = time.perf_counter()
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise PdfError(
                "encrypted-pdf",
                f"{name}: the PDF is encrypted (it asks for a password); "
                "save an unprotected copy to read it",
            ) from e
        raise PdfError(
            "corrupt-pdf",
            f"{name}: not a readable PDF ({msg}); the file is damaged or cut short",
        ) from e
    try:
        n_pages = len(doc)
        if n_pages == 0:
            raise PdfError("corrupt-pdf", f"{name}: the PDF has no pages (damaged or cut short)")
        if n_pages > MAX_PAGES:
            raise PdfError(
                "too-many-pages",
                f"{name}: the PDF has {n_pages} pages, over the {MAX_PAGES}-page limit for "
                "one report; it is probably a collection, not a single report",
            )
        issues: list[Issue] = []
        heights: list[float] = []
        page_lines: list[list[_Line]] = []
        scanned: list[int] = []
        tables: dict[int, list[_Table]] = {}
        for i in range(n_pages):
            if time.perf_counter() - started > MAX_SECONDS:
                raise PdfError(
                    "too-slow",
                    f"{name}: reading stopped after {MAX_SECONDS:.0f} s at page {i + 1} of "
                    f"{n_pages}; the file is too large or too complex to read as one report",
                )
            try:
                page = doc[i]
                w, h = page.get_size()
                tp = page.get_textpage()
                lines = _page_lines(tp, h)
                rules = _rules(page, h, pdfium.raw.FPDF_PAGEOBJ_PATH)
            except pdfium.PdfiumError as e:
                issues.append(Issue("warning", "pdf-page", f"{name}: page {i + 1} unreadable: {e}"))
                lines, h, rules = [], 842.0, ([], [])
            heights.append(h)
            page_lines.append(lines)
            if sum(len(ln.text) for ln in lines) < 10:
                scanned.append(i)
            elif rules[0] and len(rules[1]) >= 2:
                tables[i] = _tables(lines, rules, i + 1)
        ocr_done: dict[int, tuple[list, list]] = {}
        if scanned and ocr_pages is not None:
            if len(scanned) > MAX_OCR_PAGES:
                raise PdfError(
                    "too-many-pages",
                    f"{name}: {len(scanned)} pages have no text layer, over the "
                    f"{MAX_OCR_PAGES}-page limit for OCR in one report",
                )
            images = [_render(doc[i]) for i in scanned]
            for i, result in zip(scanned, ocr_pages(images, name)):
                ocr_done[i] = result
        elif scanned and len(scanned) == n_pages:
            raise PdfError(
                "no-text-layer",
                f"{name}: the PDF has no text layer (a scan); it needs OCR, which is off",
            )
        if scanned and ocr_done:
            issues.append(
                Issue(
                    "warning",
                    "ocr",
                    f"{name}: pages {', '.join(str(i + 1) for i in scanned)} have no text "
                    "layer and were read by OCR; their figures are less sure",
                )
            )
    finally:
        doc.close()
    out = Composer()
    _compose(out, page_lines, tables, heights, ocr_done)
    text, grids, pages = out.finish()
    return text, grids, pages, issues


def _rules(page, height: float, path_type: int) -> tuple[list, list]:
    """The page's ruling lines as (y, x0, x1) and (x, y0, y1), from its thin path objects.

    Word, WPS and browsers draw a table's borders as thin filled rectangles or stroked
    lines; a path box that is neither thin way (a cell outline) gives its four sides.
    """
    hs, vs = [], []
    for obj in page.get_objects(filter=[path_type], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        x0, y0, x1, y1 = left, height - top, right, height - bottom
        w, h = x1 - x0, y1 - y0
        if h <= 2.5 and w > 3:
            hs.append(((y0 + y1) / 2, x0, x1))
        elif w <= 2.5 and h > 3:
            vs.append(((x0 + x1) / 2, y0, y1))
        elif w > 3 and h > 3 and _stroked(obj):  # a cell's outline (a filled box is shading)
            hs += [(y0, x0, x1), (y1, x0, x1)]
            vs += [(x0, y0, y1), (x1, y0, y1)]
    return hs, vs


def _stroked(obj) -> bool:
    import ctypes

    import pypdfium2.raw as raw

    fill, stroke = ctypes.c_int(0), ctypes.c_int(0)
    ok = raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    return bool(ok and stroke.value)


def _render(page):
    """A scanned page as a PIL image: the scan itself when the page is one picture (no
    resampling), else the page rendered at 200 dpi (enough for OCR of body text)."""
    import pypdfium2 as pdfium

    w, h = page.get_size()
    images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    if len(images) == 1:
        left, bottom, right, top = images[0].get_bounds()
        if (right - left) * (top - bottom) >= 0.8 * w * h:
            try:
                img = images[0].get_bitmap(render=False).to_pil()
                if img.width >= 1.2 * w:  # at least ~90 dpi: good enough to read as it is
                    return img.convert("RGB")
            except (pdfium.PdfiumError, ValueError, OSError):
                pass
    return page.render(scale=200 / 72).to_pil()


def _compose(
    out: Composer,
    page_lines: list[list[_Line]],
    tables: dict[int, list[_Table]],
    heights: list[float],
    ocr_done: dict,
) -> None:
    n = len(page_lines)
    counts: dict[str, int] = {}
    for i, lines in enumerate(page_lines):
        for key in {k for ln in lines if (k := _margin_key(ln, heights[i]))}:
            counts[key] = counts.get(key, 0) + 1
    repeated = {k for k, c in counts.items() if n >= 2 and c >= max(2, n // 2)}
    # right edge of body text: a line ending near it was wrapped and goes on below
    # (the 90th percentile: a URL or a wide line sticking out does not move the margin)
    rights = sorted(ln.box[2] for lines in page_lines for ln in lines if len(ln.text) > 15)
    right = rights[int(0.9 * (len(rights) - 1))] if rights else 0.0
    lefts = sorted(ln.box[0] for lines in page_lines for ln in lines if len(ln.text) > 15)
    left = lefts[len(lefts) // 10] if lefts else 0.0
    prev: list = [None, False, -1]  # the last line written, whether it was wrapped, its page

    def centred(ln: _Line) -> bool:
        return bool(right) and ln.box[0] > left + 30 and abs(sum(ln.box[::2]) - left - right) < 16

    def goes_on(ln: _Line, page: int) -> bool:
        """The line continues the one before: that one was wrapped, or both are centred
        lines of one heading (a title printed over two lines)."""
        last, wrapped, last_page = prev
        if last is None:
            return False
        if wrapped:
            return True
        height = last.box[3] - last.box[1]
        return (
            page == last_page
            and centred(last)
            and centred(ln)
            and 0 <= ln.box[1] - last.box[3] < 1.2 * height
        )

    open_table: list[_Table] = []
    pending = ""  # a wrapped paragraph not yet written
    pending_page = 1

    def flush() -> None:
        nonlocal pending
        if pending:
            out.line(pending, pending_page)
            pending = ""

    def close_table() -> None:
        if open_table:
            _write_table(out, list(open_table), heights)
            open_table.clear()

    for i, lines in enumerate(page_lines):
        if i in ocr_done:
            flush()
            close_table()
            from .ocr import write_ocr_page

            write_ocr_page(out, ocr_done[i], i + 1)
            continue
        page_tables = tables.get(i, [])
        blocks: list[tuple[str, object]] = []
        shown: set[int] = set()
        for ln in lines:
            key = _margin_key(ln, heights[i])
            if key is not None and (key in repeated or is_page_number(ln.text)):
                continue  # a running head, footer or folio
            k = next((k for k, t in enumerate(page_tables) if _inside(ln.box, t.bbox)), None)
            if k is None:
                blocks.append(("line", ln))
            elif k not in shown:  # the table stands where its first cell's text stood
                shown.add(k)
                blocks.append(("table", page_tables[k]))
        blocks += [("table", t) for k, t in enumerate(page_tables) if k not in shown]
        for j, (kind, item) in enumerate(blocks):
            if kind == "table":
                flush()
                prev[:] = [None, False, -1]
                if open_table and not (j == 0 and _continues(open_table[-1], item)):
                    close_table()
                open_table.append(item)
                continue
            close_table()
            ln = item
            if pending and goes_on(ln, i):
                pending = join_text([pending, ln.text])
            else:
                flush()
                pending, pending_page = ln.text, i + 1
            # a line reaching the right margin was wrapped: the paragraph goes on below
            prev[:] = [ln, bool(right) and ln.box[2] >= right - 14, i]
    flush()
    close_table()
