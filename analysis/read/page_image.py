"""The picture of one page of a document, as the OCR saw it: for showing a figure's source.

An OCR'd figure's box is in the pixels of the image the OCR read: the image file itself (a
frame of it, for a multi-page TIFF or GIF), or a scanned PDF page as `pdf._render` gives it
(the scan itself, or the page at 200 dpi). Rendering the page the same way again gives the
same pixels, so the box points at the figure on it, and a crop of it lets an analyst check
the figure by eye.
"""

from __future__ import annotations

import io
from typing import Any

from .sniff import sniff


def page_image(data: bytes, page: int) -> Any | None:
    """Page `page` (1-based) of a PDF or image file as a PIL image, or None if it has none."""
    kind = sniff(data)
    if kind == "pdf":
        import pypdfium2 as pdfium

        from .pdf import _render

        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        try:
            if not 1 <= page <= len(doc):
                return None
            return _render(doc[page - 1]).convert("RGB")
        finally:
            doc.close()
    if kind == "image":
        from PIL import Image, UnidentifiedImageError

        try:
            img = Image.open(io.BytesIO(data))
            img.seek(page - 1)
            return img.convert("RGB")
        except (EOFError, OSError, UnidentifiedImageError, ValueError):
            return None
    return None
