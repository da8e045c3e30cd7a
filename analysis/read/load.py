"""Read one raw report file into text, saying how it was read and what was wrong with it.

Never writes anything. Problems that make a file unusable raise `LoadError` with a message
that names the file; the caller turns it into an error record and goes on with the batch.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..issues import Issue
from .encoding import UndecodableError, decode
from .grid import Grid
from .html import looks_like_html, read_page, sniff_charset
from .loaded import MAX_BYTES, MAX_DOC_BYTES, Loaded, LoadError, too_large
from .sniff import sniff

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}


def limit_for(head: bytes) -> int:
    """The size limit of a file, from its first bytes: documents and images may be larger."""
    return MAX_DOC_BYTES if sniff(head) in ("pdf", "docx", "ole2", "image", "zip") else MAX_BYTES


def _binary(source: str, data: bytes, kind: str, digest: str) -> Loaded | None:
    """A PDF, Word file or image read by its reader; None for text and web pages."""
    from .documents import read_document

    try:
        return read_document(source, data, kind, digest)
    except LoadError:
        raise
    except Exception as e:  # a reader's failure on a strange file must not stop the batch
        name = os.path.basename(source)
        raise LoadError(
            "unreadable-document",
            f"{name}: the {kind} reader failed on this file ({type(e).__name__}: {e})",
            digest,
            len(data),
        ) from e


def load_bytes(source: str, data: bytes) -> Loaded:
    """Decode and, for web pages, render `data`; `source` names the file in messages."""
    digest = hashlib.sha256(data).hexdigest()
    name = os.path.basename(source)
    limit = limit_for(data[:1024])
    if len(data) > limit:
        raise too_large(name, len(data), digest, limit)
    suffix = os.path.splitext(name)[1].lower()
    kind = sniff(data)
    if kind != "text" or suffix in (".pdf", ".docx", ".doc", ".wps"):
        loaded = _binary(source, data, kind, digest)
        if loaded is not None:
            return loaded
    is_html = suffix in HTML_SUFFIXES or looks_like_html(data)
    declared = sniff_charset(data) if is_html else None
    try:
        dec = decode(data, declared)
    except UndecodableError as e:
        raise LoadError(e.code, f"{name}: {e}", digest, len(data)) from e
    issues: list[Issue] = []
    pages: list[tuple[int, int, int]] = []
    if dec.note:
        issues.append(Issue("warning", "mojibake", f"{name}: {dec.note}"))
    text, title, url = dec.text, "", ""
    grids: list[Grid] = []
    file_format = "txt"
    if is_html:
        if "<img" in dec.text or "<IMG" in dec.text:  # tables put in as pictures: OCR
            from .documents import read_page_with_pictures

            try:
                page, pages, more_issues = read_page_with_pictures(source, dec.text)
            except Exception as e:  # (OCR too slow, a strange picture): the page text stands
                page, pages = read_page(dec.text), []
                more_issues = [Issue("warning", "page-image", f"{name}: pictures not read: {e}")]
            issues += more_issues
        else:
            page = read_page(dec.text)
        text, title, grids, url = page.text, page.title, page.grids, page.url
        file_format = "html"
        if suffix not in HTML_SUFFIXES:
            issues.append(
                Issue(
                    "warning",
                    "html-page",
                    f"{name}: the file is an HTML page saved as {suffix or 'no extension'}; "
                    "its scripts, styles and menus were dropped and the page text kept",
                )
            )
    if not text.strip():
        raise LoadError(
            "no-text",
            f"{name}: no text is left after reading it as {dec.encoding}"
            + (" and removing the page markup" if is_html else ""),
            digest,
            len(data),
        )
    if text.find("\ufffd", 0, 50000) >= 0:
        issues.append(
            Issue(
                "warning",
                "replacement-chars",
                f"{name}: {text.count(chr(0xFFFD))} characters could not be decoded and show as �",
            )
        )
    return Loaded(
        source, digest, len(data), dec.encoding, file_format, text, title, issues, grids, pages, url
    )


def read_file(path: str | Path) -> bytes:
    """The bytes of one file, or LoadError naming it (too large, a folder, unreadable).

    A file over MAX_BYTES is refused without being read whole into memory.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            with p.open("rb") as fh:
                head = fh.read(1 << 16)
            limit = limit_for(head[:1024])
            if size > limit:
                raise too_large(p.name, size, hashlib.sha256(head).hexdigest() + "-partial", limit)
        return p.read_bytes()
    except LoadError:
        raise
    except IsADirectoryError as e:
        raise LoadError("unreadable", f"{p.name}: is a directory, not a file") from e
    except OSError as e:
        raise LoadError("unreadable", f"{p.name}: cannot be read ({e.strerror or e})") from e


def load_file(path: str | Path) -> Loaded:
    return load_bytes(str(path), read_file(path))
