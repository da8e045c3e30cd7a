"""What a reader gives (`Loaded`) and how it refuses a file (`LoadError`), for every reader.

Kept apart from `load` (which chooses the reader) so that the readers of documents can
make both without importing the module that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..issues import Issue
from .grid import Grid

MAX_BYTES = 20 * 1024 * 1024  # a real report is well under 2 MB; larger files are something else
# a PDF, Word file or page image of one report: scans and embedded pictures make them larger
MAX_DOC_BYTES = 100 * 1024 * 1024


@dataclass
class Loaded:
    source: str
    sha256: str
    size: int
    encoding: str
    file_format: str  # "txt", "html", "pdf", "docx", "doc" or "image"
    text: str  # the report as text; for HTML, the rendered page text
    page_title: str = ""
    issues: list[Issue] = field(default_factory=list)
    grids: list[Grid] = field(
        default_factory=list
    )  # the tables the reader found, cells pointing into `text`
    # (start, end, page number) of each page's text, for the readers with pages (PDF, OCR)
    pages: list[tuple[int, int, int]] = field(default_factory=list)
    # the report's web address: a saved page's canonical link, or the manifest's url column
    url: str = ""


class LoadError(Exception):
    def __init__(self, code: str, message: str, sha256: str = "", size: int = 0):
        super().__init__(message)
        self.code = code
        self.sha256 = sha256
        self.size = size


def too_large(name: str, size: int, sha256: str, limit: int = MAX_BYTES) -> LoadError:
    """The refusal of a file over its limit (said the same way wherever it is noticed)."""
    return LoadError(
        "too-large",
        f"{name}: the file is {size / 2**20:.1f} MB, over the "
        f"{limit // 2**20} MB limit for one report; it is probably not a single report",
        sha256,
        size,
    )
