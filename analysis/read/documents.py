"""The readers of documents that are not text: PDF, Word (.docx, .doc/.wps) and page images.

`read_document` is chosen by content (`sniff`), not by name: a PDF saved as `.txt` is read
as a PDF, and a `.docx` that is not a zip gets a message saying so. Each reader gives text
with one line per block and per table row, `Grid`s whose cells point into it, and, for the
readers with pages, where each page's text stands. Failures become `LoadError`s naming
the file; the batch goes on.

OCR (slow) runs only for image files and PDF pages without a text layer; setting
`ANALYSIS_OCR=0` turns it off (such files are then refused with a message saying so).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from urllib.parse import unquote

from ..issues import Issue
from .html import looks_like_html, read_page
from .loaded import MAX_DOC_BYTES, Loaded, LoadError

MAX_PIXELS = 60_000_000  # a page image past this is a poster or a bomb, not a report page


def image_kind(data: bytes) -> str:
    """The image format's name from its signature, for messages.

    >>> image_kind(b"\\x89PNG\\r\\n\\x1a\\n"), image_kind(b"GIF89a")
    ('PNG', 'GIF')
    """
    for sig, kind in ((b"\x89PNG", "PNG"), (b"\xff\xd8", "JPEG"), (b"GIF8", "GIF"),
                      (b"BM", "BMP"), (b"II*", "TIFF"), (b"MM\x00*", "TIFF")):  # fmt: skip
        if data.startswith(sig):
            return kind
    return "page"


def ocr_enabled() -> bool:
    return os.environ.get("ANALYSIS_OCR", "1") not in ("0", "off", "no", "false")


def _error(code: str, message: str, digest: str, size: int) -> LoadError:
    return LoadError(code, message, digest, size)


def _loaded(source, data, digest, file_format, text, grids, pages, issues, title=""):
    name = os.path.basename(source)
    if not text.strip():
        raise _error("no-text", f"{name}: no text could be read from the {file_format} file",
                     digest, len(data))  # fmt: skip
    return Loaded(
        source, digest, len(data), "binary", file_format, text, title, issues, grids, pages
    )


def read_document(source: str, data: bytes, kind: str, digest: str) -> Loaded | None:
    """The `Loaded` of a PDF, Word file or image; None when the bytes are text after all."""
    name = os.path.basename(source)
    suffix = os.path.splitext(name)[1].lower()
    size = len(data)
    issues: list[Issue] = []
    if kind != "text" and suffix in {".txt", ".html", ".htm", ".md"}:
        issues.append(
            Issue("warning", "renamed", f"{name}: the file is a {kind.upper()} saved as {suffix}")
        )
    if kind == "pdf":
        from .pdf import PdfError, read_pdf

        try:
            ocr = _ocr_pages if ocr_enabled() else None
            text, grids, pages, more = read_pdf(data, name, ocr)
        except PdfError as e:
            raise _error(e.code, str(e), digest, size) from e
        return _loaded(source, data, digest, "pdf", text, grids, pages, issues + more)
    if kind == "docx":
        return _docx(source, data, digest, "docx", issues)
    if kind == "ole2" or (kind == "text" and data.lstrip()[:5] == b"{\\rtf"):
        from .office import OfficeError, to_docx

        try:
            docx = to_docx(data, name, suffix if suffix in (".doc", ".wps", ".rtf") else ".doc")
        except OfficeError as e:
            raise _error(e.code, str(e), digest, size) from e
        return _docx(source, docx, digest, "doc", issues, size)
    if kind == "zip":
        raise _error(
            "not-docx" if suffix == ".docx" else "zip",
            f"{name}: a ZIP archive"
            + (" without word/document.xml, not a Word file" if suffix == ".docx" else "")
            + "; unpack it and read the reports inside",
            digest,
            size,
        )
    if kind == "image":
        return _image(source, data, digest, issues)
    # text after all: a web page or text saved under a document's name is read as such
    if suffix in (".pdf", ".docx", ".doc", ".wps") and not looks_like_html(data[:8192]):
        what = {".pdf": "PDF (no %PDF signature)", ".docx": "Word .docx file (not a zip)"}
        raise _error(
            "not-" + suffix[1:],
            f"{name}: not a {what.get(suffix, 'Word or WPS file')}; the file is damaged or "
            "is something else under that name",
            digest,
            size,
        )
    return None


def _docx(source, data, digest, file_format, issues, size=None) -> Loaded:
    from .docx import DocxError, docx_to_html

    name = os.path.basename(source)
    try:
        html = docx_to_html(data, name)
    except DocxError as e:
        raise _error(e.code, str(e), digest, size or len(data)) from e
    page = read_page(html)
    for g in page.grids:
        g.source = "docx"
    loaded = _loaded(source, data, digest, file_format, page.text, page.grids, [], issues)
    if size is not None:  # converted: the record keeps the original file's size
        loaded.size = size
    return loaded


def _ocr_pages(images: list, name: str) -> list[dict]:
    from .ocr import OcrTimeout, read_images

    try:
        return read_images(images, name)
    except OcrTimeout as e:
        raise LoadError("too-slow", str(e)) from e


def _image(source: str, data: bytes, digest: str, issues: list[Issue]) -> Loaded:
    """A page image (or a multi-page TIFF/GIF) read by OCR."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from .compose import Composer
    from .ocr import write_ocr_page

    name = os.path.basename(source)
    if not ocr_enabled():
        raise _error("needs-ocr", f"{name}: a page image; reading it needs OCR, which is off "
                     "(ANALYSIS_OCR=0)", digest, len(data))  # fmt: skip
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        frames = [f.convert("RGB") for f in ImageSequence.Iterator(img)][:60]
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as e:
        raise _error(
            "corrupt-image",
            f"{name}: the {image_kind(data)} image cannot be decoded ({e})",
            digest,
            len(data),
        ) from e
    results = _ocr_pages(frames, name)
    out = Composer()
    for i, res in enumerate(results):
        write_ocr_page(out, res, i + 1)
    text, grids, pages = out.finish()
    if not text.strip():
        raise _error(
            "no-text",
            f"{name}: OCR found no text in the image (a photo or a blank page?)",
            digest,
            len(data),
        )
    issues = issues + [
        Issue(
            "warning",
            "ocr",
            f"{name}: a page image, read by OCR; its figures are less sure than typed ones",
        )
    ]
    return _loaded(source, data, digest, "image", text, grids, pages, issues)


_IMG = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s>]+))""", re.I)
MAX_PAGE_IMAGES = 20  # pictures OCR'd for one saved page (the rest are named in a warning)
MIN_IMAGE_SIDE = 200  # pixels: icons, logos and buttons are smaller than a table's picture
_MARK = "\u2063IMG\u2063"  # where a picture stood in the page text (invisible separators)


def page_images(source: str, html: str) -> list[Path]:
    """The pictures a saved web page shows from its own folder (or the folders under it),
    in page order; remote, inline and outside ones are not read.

    >>> page_images("/nowhere/page.html", '<img src="http://a/b.png"><img src="data:x">')
    []
    """
    if not Path(source).is_file():  # bytes without their folder: nothing to look in
        return []
    folder = Path(source).resolve().parent
    out: list[Path] = []
    for m in _IMG.finditer(html):
        path = _local_image(folder, m.group(1) or m.group(2) or m.group(3) or "")
        if path is not None and path not in out:
            out.append(path)
    return out


def _local_image(folder: Path, src: str) -> Path | None:
    src = unquote(src.strip())
    if not src or re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", src, re.I):
        return None
    path = (folder / src.split("?", 1)[0].split("#", 1)[0]).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def _picture(path: Path):
    """The picture at `path` if it is one worth reading (not an icon, not too large)."""
    from PIL import Image, UnidentifiedImageError

    from .sniff import sniff

    try:
        if path.stat().st_size > MAX_DOC_BYTES:
            return None
        data = path.read_bytes()
        if sniff(data) != "image":
            return None
        img = Image.open(io.BytesIO(data))
        return img.convert("RGB") if min(img.size) >= MIN_IMAGE_SIDE else None
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, SyntaxError):
        return None


def read_page_with_pictures(source: str, html: str):
    """(Page, pages, issues) of a saved web page whose pictures from its own folder are read
    by OCR where they stand: each becomes the lines and tables OCR finds in it."""
    from .compose import Composer
    from .ocr import write_ocr_page

    name = os.path.basename(source)
    if not ocr_enabled() or not Path(source).is_file():
        return read_page(html), [], []
    folder = Path(source).resolve().parent
    pictures: list = []

    def mark(m: re.Match) -> str:
        path = _local_image(folder, m.group(1) or m.group(2) or m.group(3) or "")
        img = _picture(path) if path is not None and len(pictures) < MAX_PAGE_IMAGES else None
        if img is None:
            return m.group(0)
        pictures.append((path.name, img))
        return f"<p>{_MARK}{len(pictures) - 1}{_MARK}</p>"

    marked = _IMG.sub(mark, html)
    page = read_page(marked)
    if not pictures:
        return page, [], []
    results = _ocr_pages([img for _, img in pictures], name)
    text, pages = page.text, []
    for k, res in enumerate(results):
        token = f"{_MARK}{k}{_MARK}\n"
        at = text.find(token)
        if at < 0:
            continue
        out = Composer()
        write_ocr_page(out, res, k + 1)
        more, grids, ranges = out.finish()
        delta = len(more) - len(token)
        for g in page.grids:  # the page's own tables after the picture move down
            g.lines = [(a + delta, b + delta) if a > at else (a, b) for a, b in g.lines]
        pages = [(a + delta, b + delta, p) if a > at else (a, b, p) for a, b, p in pages]
        for g in grids:
            g.lines = [(a + at, b + at) for a, b in g.lines]
        page.grids.extend(grids)
        pages += [(a + at, b + at, p) for a, b, p in ranges]
        text = text[:at] + more + text[at + len(token) :]
    page.grids.sort(key=lambda g: g.lines[0][0])
    page.text = text
    issue = Issue(
        "warning",
        "ocr",
        f"{name}: {len(pictures)} picture(s) of the page "
        f"({', '.join(n for n, _ in pictures)}) read by OCR; their figures are less sure",
    )
    return page, sorted(pages), [issue]
