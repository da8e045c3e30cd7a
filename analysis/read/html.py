"""HTML pages to plain text lines, with data tables as grids (and as `| a | b |` lines).

Reports published as web pages carry scripts, styles, menus and share buttons around the
text, and their standard tables use rowspan/colspan. The text keeps one line per block.
Every data table becomes a `grid.Grid` (the span rule lives there: a spanned label is
repeated into every row and column it covers, a spanned figure stands once), and each of
its rows is written into the text as one line, whose cells the grid locates. Tables used
only for page layout are unwrapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .grid import Grid, expand, row_line

_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "select",
    "option",
    "button",
    "svg",
    "canvas",
    "nav",
    "footer",
    "object",
    "embed",
    "textarea",
    "map",
}
_VOID = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "param",
    "source",
    "track",
    "wbr",
}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "dd",
    "dt",
    "dl",
    "blockquote",
    "pre",
    "hr",
    "header",
    "main",
    "aside",
    "center",
    "form",
    "fieldset",
    "address",
    "caption",
    "figure",
    "figcaption",
}
_CHROME_ATTR = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|breadcrumbs?|crumbs?|share|sidebar|toolbar|topbar|"
    r"position|location|copyright|fenxiang|dyfx)([\s_-]|$)",
    re.I,
)
# lower-case names of tags that take no special parsing (not script or style, whose
# content is raw text)
_BARE_TAGS = frozenset(
    "p td tr th div span li br table tbody thead tfoot ul ol dl dt dd b i u em strong font a "
    "h1 h2 h3 h4 h5 h6 center section article header main aside nav footer title head body "
    "html".split()
)
_CHROME_TAGS = {
    "div",
    "ul",
    "ol",
    "span",
    "p",
    "section",
    "table",
    "dl",
}  # tags a chrome class or id removes
_WS = re.compile(r"[ \t\r\f\v\u3000\u00a0]+")


@dataclass
class _Cell:
    parts: list[str] = field(default_factory=list)
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)
    nested: bool = False


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc: list[str] = []
        self.title = ""
        self._in_title = False
        self._skip_depth = 0
        self._skip_stack: list[str] = []
        self._tables: list[_Table] = []
        self._cells: list[_Cell | None] = []
        self.charset: str | None = None
        self.url = ""  # the page's own address (<link rel="canonical">, og:url), if it says
        # the data tables, in the order their rows stand in the text: each row's line,
        # and for each cell its text, spanned flag, grid position and place in the line
        self.tables: list[
            list[tuple[str, list[tuple[str, bool, int, int, tuple[int, int, int]]]]]
        ] = []

    # Bare tags (<p>, <td>, </tr>) are most of a page. For them the parser's general
    # path (the tag-end, name and attribute regexes) gives the name and no attributes; these
    # fast paths give the same for exactly those tags and leave every other tag to it.
    def parse_starttag(self, i: int) -> int:
        j = self.rawdata.find(">", i + 2, i + 12)
        if j > 0:
            tag = self.rawdata[i + 1 : j]
            if tag in _BARE_TAGS:
                self.lasttag = tag
                self.handle_starttag(tag, [])
                return j + 1
        return super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:
        if self.cdata_elem is None:  # inside <script> or <style> an end tag may be text
            j = self.rawdata.find(">", i + 3, i + 13)
            if j > 0:
                tag = self.rawdata[i + 2 : j]
                if tag in _BARE_TAGS:
                    self.handle_endtag(tag)
                    return j + 1
        return super().parse_endtag(i)

    def updatepos(self, i: int, j: int) -> int:
        # the parser counts the lines of every token for getpos(), which is never asked
        # for here; skipping the count saves a tenth of the parsing
        return j

    # where text goes now: the open cell of the innermost table, else the document
    def _sink(self) -> list[str]:
        if self._cells and self._cells[-1] is not None:
            return self._cells[-1].parts
        return self.doc

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # most tags of a page are bare <p>, <td> and <tr>: the attributes are read only for
        # the few tags that use them
        a = {k: (v or "") for k, v in attrs} if attrs else {}
        if tag == "meta":
            cs = a.get("charset") or re.search(r"charset=([\w-]+)", a.get("content", "") or "")
            if cs and not self.charset:
                self.charset = cs if isinstance(cs, str) else cs.group(1)
            if a.get("property") == "og:url" and not self.url:
                self.url = a.get("content", "").strip()
            return
        if tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.url = a.get("href", "").strip() or self.url
            return
        if self._skip_depth:
            if tag not in _VOID:
                self._skip_depth += 1
            return
        if tag in _SKIP or (
            a
            and tag in _CHROME_TAGS
            and _CHROME_ATTR.search(a.get("class", "") + " " + a.get("id", ""))
        ):
            if tag not in _VOID:
                self._skip_depth = 1
            return
        if tag == "title":
            self._in_title = True
        elif tag == "table":
            if self._tables:
                self._tables[-1].nested = True
            self._tables.append(_Table())
            self._cells.append(None)
        elif tag == "tr" and self._tables:
            self._tables[-1].rows.append([])
            self._cells[-1] = None
        elif tag in ("td", "th") and self._tables:
            t = self._tables[-1]
            if not t.rows:
                t.rows.append([])
            cell = _Cell(rowspan=_int(a.get("rowspan")), colspan=_int(a.get("colspan")))
            t.rows[-1].append(cell)
            self._cells[-1] = cell
        elif tag in _BLOCK:
            self._sink().append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            self._skip_depth -= 1
            return
        if tag == "title":
            self._in_title = False
        elif tag == "table" and self._tables:
            table = self._tables.pop()
            self._cells.pop()
            self._sink().append("\n" + "\n".join(_render(table, self.tables)) + "\n")
        elif tag in ("td", "th") and self._cells:
            self._cells[-1] = None
        elif tag in _BLOCK:
            self._sink().append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._in_title:
            self.title += data
            return
        if self._tables and self._cells[-1] is None:
            return  # text between cells is formatting noise
        self._sink().append(data)


def _int(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 100))
    except ValueError:
        return 1


def _cell_text(cell: _Cell) -> str:
    lines = [_WS.sub(" ", ln).strip() for ln in "".join(cell.parts).split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _render(table: _Table, data_tables: list) -> list[str]:
    """The lines a table is written as; a data table's rows are also added to `data_tables`."""
    texts = [[_cell_text(c) for c in row] for row in table.rows]
    flat = [t for row in texts for t in row]
    layout = (
        table.nested
        or not flat
        or max(len(row) for row in table.rows) < 2
        or any(len(t) > 300 or t.count("\n") > 3 for t in flat)
    )
    if layout:
        return [t for t in flat if t]
    spec = [
        [(text.replace("\n", ""), cell.rowspan, cell.colspan) for cell, text in zip(row, texts[r])]
        for r, row in enumerate(table.rows)
    ]
    grid, copies = expand(spec)
    lines = []
    rows = []
    for r, row in enumerate(grid):
        if any(row):
            line, spans = row_line(row)
            lines.append(line)
            rows.append((line, r, row, spans))
    if rows:
        data_tables.append((rows, copies))
    return lines


def _locate(text: str, tables: list) -> list[Grid]:
    """The data tables as grids whose cells point into the page text (rows in text order)."""
    padded = "\n" + text
    cursor = 0
    grids = []
    for rows, copies in tables:
        texts, lines, spans, kept = [], [], [], {}
        for line, r, row, sp in rows:
            j = padded.find("\n" + line + "\n", cursor)
            if j < 0:  # (a row line always stands whole in the text; never guess where)
                continue
            cursor = j + len(line) + 1
            kept[r] = len(texts)
            texts.append(row)
            lines.append((j, j + len(line)))
            spans.append(sp)
        if texts:
            grids.append(
                Grid(texts, lines, spans, "html", {(kept[r], c) for r, c in copies if r in kept})
            )
    return grids


@dataclass
class Page:
    text: str  # one line per block and per table row
    title: str
    charset: str | None  # what the page declares
    grids: list[Grid]
    url: str = ""  # the address the page gives itself


def read_page(html: str) -> Page:
    """The text, title, declared charset and data tables of an HTML page."""
    conv = _Converter()
    conv.feed(html)
    conv.close()
    raw = "".join(conv.doc)
    lines = [_WS.sub(" ", ln).strip() for ln in raw.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    text = "\n".join(out).strip() + "\n"
    title = _WS.sub(" ", conv.title).strip()
    return Page(text, title, conv.charset, _locate(text, conv.tables), conv.url)


def html_to_text(html: str) -> tuple[str, str, str | None]:
    """(text, page title, declared charset) of an HTML page."""
    page = read_page(html)
    return page.text, page.title, page.charset


_HTML_SNIFF = re.compile(
    rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<meta|<body)", re.I | re.S
)


def looks_like_html(head: bytes) -> bool:
    if _HTML_SNIFF.match(head[:2048]):
        return True
    if b"<" not in head[:8192]:
        return False
    sample = head[:8192].lower()
    return (
        sum(sample.count(t) for t in (b"<div", b"<p>", b"<p ", b"<td", b"<br", b"<span", b"</a>"))
        >= 8
    )


def sniff_charset(head: bytes) -> str | None:
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", head[:4096], re.I)
    return m.group(1).decode("ascii", "ignore") if m else None
