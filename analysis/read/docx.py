"""Word reports (.docx): mammoth turns the document into HTML, the HTML reader does the rest.

mammoth (BSD) writes a Word table's merged cells as rowspan/colspan, which the HTML reader
already turns into grids with the span rule; python-docx would repeat a merged cell's text
over its span, counting a spanning figure several times. Images inside the document are
left out (their OCR is for `ocr`, on image files and scanned pages).
"""

from __future__ import annotations

import io
import zipfile


class DocxError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def docx_to_html(data: bytes, name: str) -> str:
    """The document body as HTML, or DocxError naming the file."""
    import mammoth

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise DocxError(
                    "not-docx", f"{name}: a zip archive without word/document.xml, not a Word file"
                )
            if z.getinfo("word/document.xml").file_size > 200 * 2**20:
                raise DocxError("too-large", f"{name}: its document part is over 200 MB unpacked")
    except zipfile.BadZipFile as e:
        raise DocxError(
            "not-docx",
            f"{name}: not a Word .docx file (a .docx is a zip archive; this one is not, or "
            f"it is damaged: {e})",
        ) from e
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), convert_image=mammoth.images.img_element(lambda image: {"src": ""})
        )
    except Exception as e:  # mammoth on a damaged part: one clear message for the file
        raise DocxError("corrupt-docx", f"{name}: the Word file cannot be read ({e!r})") from e
    return "<html><body>" + result.value + "</body></html>"
