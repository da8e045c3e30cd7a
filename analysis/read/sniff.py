"""What a file is, from its first bytes: the reader is chosen by content, not by its name.

Reports are saved under whatever name the crawler or the analyst gave them: a PDF attachment
saved as `.txt`, a Word file with no extension, a page image named `.html`. The signatures
below are the formats' own magic numbers; a zip is a Word file only when it holds
`word/document.xml`, and an OLE2 compound file is an old Word (.doc) or WPS file.

>>> sniff(b"%PDF-1.7 ...")
'pdf'
>>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff(b"\\xff\\xd8\\xff\\xe0"), sniff(b"GIF89a")
('image', 'image', 'image')
>>> sniff(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1 ..."), sniff("年度报告".encode())
('ole2', 'text')
"""

from __future__ import annotations

import io
import zipfile

_IMAGES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP (checked with its header size below)
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}


def _is_image(head: bytes) -> bool:
    for sig in _IMAGES:
        if head.startswith(sig):
            # "BM" also starts plain text ("BMW ..."): a BMP's header says its DIB size
            return sig != b"BM" or (len(head) > 18 and head[14] in (12, 40, 52, 56, 108, 124))
    return False


def sniff(data: bytes) -> str:
    """One of "pdf", "docx", "zip" (another zip), "ole2" (.doc/.wps), "image" or "text".

    "text" covers web pages too; `html.looks_like_html` tells those apart. A PDF may have
    a few bytes of junk before `%PDF` (readers accept up to 1 KB of
    it, when it is not text: a page that quotes "%PDF-" is still a page).
    """
    head = data[:1024]
    at = head.find(b"%PDF-")
    if at >= 0:
        junk = head[:at].strip(b" \t\r\n\x00\xef\xbb\xbf")
        if not junk or not junk.isascii():
            return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return "zip"  # damaged: the Word reader says so, naming the file
        return "docx" if "word/document.xml" in names else "zip"
    if head.startswith(OLE2):
        return "ole2"
    if _is_image(head):
        return "image"
    return "text"
