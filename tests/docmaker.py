"""Build the reader tests' documents from an HTML report: PDF, DOCX, page image, scanned PDF.

No binary fixture is committed: the same 2021-format report (tests/fixtures/tables) is
printed to PDF by headless Chromium (ruled tables, table 三 breaking across pages, the
column heads of table 四 printed vertically), written as a Word file with merged cells by
python-docx, photographed as a page image by a Chromium screenshot, and turned into a
scanned PDF (image pages, no text layer) by Pillow. Chromium draws CJK text with the font
of the noto-cjk-sans-otc wheel, through a fontconfig file made for the run.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "tests" / "fixtures" / "tables" / "report_2021.html"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
PRINT_CSS = """<style>
body { font-family: "Noto Sans CJK SC"; font-size: 12pt; }
table { border-collapse: collapse; }
td { border: 1px solid #000; padding: 2px 4px; }
table:nth-of-type(3) tr:nth-child(2) td { writing-mode: vertical-rl; }
</style>"""


def report_html(trad: bool = False) -> str:
    """The 2021 report as a printable page (traditional script when `trad`)."""
    html = REPORT.read_text(encoding="utf-8")
    html = html.replace("<style>td { border: 1px solid #000; }</style>", PRINT_CSS)
    if trad:
        import opencc

        html = opencc.OpenCC("s2t").convert(html).replace("Noto Sans CJK SC", "Noto Sans CJK TC")
    return html


def chromium() -> str:
    exe = shutil.which("chromium")
    if not exe:
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure_chromium.sh")], check=False)
        exe = shutil.which("chromium")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing and scripts/ensure_chromium.sh could not install it")
        pytest.skip("chromium not installed (run scripts/ensure_chromium.sh)")
    return exe


def fontconfig_env(work: Path) -> dict[str, str]:
    """An environment in which Chromium also sees the CJK font of the noto-cjk-sans-otc wheel."""
    from analysis.reports import charts

    conf = work / "fonts.conf"
    conf.write_text(
        f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{charts.font_path().parent}</dir>
<cachedir>{work / "fc-cache"}</cachedir></fontconfig>""",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _run(work: Path, html: str, *args: str) -> None:
    page = work / "page.html"
    page.write_text(html, encoding="utf-8")
    proc = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={work / 'profile'}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        env=fontconfig_env(work),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def print_pdf(html: str, work: Path) -> bytes:
    """The page printed to PDF (Letter, Chromium's running head and footer included)."""
    out = work / "printed.pdf"
    _run(work, html, f"--print-to-pdf={out}")
    return out.read_bytes()


def screenshot(html: str, work: Path, width: int = 900, height: int = 3000) -> bytes:
    """The page as a PNG, `width` x `height` pixels."""
    out = work / "shot.png"
    _run(work, html, f"--window-size={width},{height}", f"--screenshot={out}")
    return out.read_bytes()


def scanned_pdf(png: bytes, page_height: int = 1500) -> bytes:
    """A PDF of image pages only (no text layer), the image cut into pages as a scanner would."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    pages = [
        img.crop((0, top, img.width, min(top + page_height, img.height)))
        for top in range(0, img.height, page_height)
    ]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=110)
    return buf.getvalue()


class _Doc(HTMLParser):
    """The blocks of a simple report page: paragraphs, and tables of (text, rowspan, colspan)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list = []
        self._text: list[str] | None = None
        self._table: list | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("style", "title") or a.get("class") in ("nav", "footer"):
            self._skip += 1
        elif tag == "table":
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag == "td" and self._table is not None:
            self._table[-1].append(["", int(a.get("rowspan", 1)), int(a.get("colspan", 1))])
        elif tag in ("p", "h1") and self._table is None:
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("style", "title", "div") and self._skip:
            self._skip -= 1
        elif tag == "table" and self._table is not None:
            self.blocks.append(("table", self._table))
            self._table = None
        elif tag in ("p", "h1") and self._text is not None:
            self.blocks.append(("p", "".join(self._text).strip()))
            self._text = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._table is not None and self._table and self._table[-1]:
            self._table[-1][-1][0] += data.strip()
        elif self._text is not None:
            self._text.append(data)


def make_docx(html: str) -> bytes:
    """The report as a Word file: its paragraphs, and its tables with merged cells."""
    import docx

    parser = _Doc()
    parser.feed(html)
    doc = docx.Document()
    for kind, item in parser.blocks:
        if kind == "p":
            doc.add_paragraph(item)
            continue
        taken: set[tuple[int, int]] = set()
        placed = []
        for r, row in enumerate(item):
            c = 0
            for text, rs, cs in row:
                while (r, c) in taken:
                    c += 1
                placed.append((r, c, rs, cs, text.replace("\xa0", " ").strip()))
                taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
                c += cs
        n_cols = max(c for _, c in taken) + 1
        table = doc.add_table(rows=len(item), cols=n_cols)
        table.style = "Table Grid"
        for r, c, rs, cs, text in placed:
            cell = table.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
            cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
