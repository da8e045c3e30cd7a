"""One raw file in, one record out: the whole extraction as a pure function of the file.

Keeping it pure (bytes and manifest row in, plain dict out) is what lets the build cache
by content hash, run in worker processes, or on a dask cluster with identical results.
"""
from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path
from typing import Any

from .document import Document, build_document
from .figures import extract_figures
from .loading import LoadError, Loaded, load_bytes
from .metadata import level_and_place, read_metadata
from .normalize import normalize_plain


try:  # the table reader is optional for prose-only use
    from . import tables as _tables
except ImportError:  # pragma: no cover
    _tables = None  # type: ignore[assignment]


def _error_record(source: str, code: str, message: str, sha256: str = "", size: int = 0) -> dict[str, Any]:
    return {
        "source": source, "file": Path(source).name, "sha256": sha256, "size": size,
        "agency": None, "report_year": None, "publish_date": None, "script": None, "encoding": None,
        "format": None, "file_format": None, "title": None, "level": None, "place": None,
        "metrics": {}, "tables": {}, "checks": [], "overrides": {}, "header": {},
        "issues": [{"level": "error", "code": code, "message": message}], "ok": False,
    }


def detect_format(doc: Document, tables: dict | None) -> str:
    if tables and tables.get("layout"):
        return str(tables["layout"]).split("-")[0]
    return "prose"


def extract_loaded(loaded: Loaded, manifest_row: dict[str, str] | None = None) -> tuple[dict[str, Any], Document]:
    doc = build_document(loaded)
    md = read_metadata(doc)
    issues: list[dict] = [i.as_dict() for i in loaded.issues] + md.issues
    overrides: dict[str, dict[str, Any]] = {}
    row = manifest_row or {}
    agency, year, date = md.agency, md.report_year, md.publish_date
    level, place = md.level, md.place
    if row.get("agency"):
        new = normalize_plain(row["agency"])
        if new != agency:
            overrides["agency"] = {"from_text": agency, "manifest": new}
        agency = new
        level, place = level_and_place(agency)
    if row.get("report_year"):
        new_y = int(row["report_year"])
        if new_y != year:
            overrides["report_year"] = {"from_text": year, "manifest": new_y}
        year = new_y
    if row.get("publish_date"):
        if row["publish_date"] != date:
            overrides["publish_date"] = {"from_text": date, "manifest": row["publish_date"]}
        date = row["publish_date"]
    for key in ("place", "level"):
        if row.get(key):
            cur = place if key == "place" else level
            if row[key] != cur:
                overrides[key] = {"from_text": cur, "manifest": row[key]}
            if key == "place":
                place = row[key]
            else:
                level = row[key]
    name = os.path.basename(loaded.source)
    for k, v in overrides.items():
        issues.append({"level": "info", "code": "manifest-override",
                       "message": f"{name}: {k} set by data/raw/manifest.csv to {v['manifest']!r} (text gives {v['from_text']!r})"})
    if overrides:
        # the manifest resolved what the text could not say
        fixed = {"agency": {"no-agency", "agency-without-place"}, "report_year": {"no-year", "year-guessed"}}
        drop = set().union(*(fixed.get(k, set()) for k in overrides))
        issues = [i for i in issues if i.get("code") not in drop]
    this_year = dt.date.today().year
    if year is not None and (year > this_year or year < 2008):
        issues.append({"level": "warning", "code": "year-out-of-range",
                       "message": f"{name}: report year {year} is {'in the future' if year > this_year else 'before 2008, when disclosure reports began'}"})

    metrics, notes = extract_figures(doc, year)
    issues.extend(notes)
    tables: dict[str, Any] = {}
    checks: list[dict] = []
    if _tables is not None:
        tables = _tables.read_tables(doc)
        metrics = _tables.merge_metrics(metrics, tables)
        checks = tables.pop("checks", []) if isinstance(tables, dict) else []
        issues.extend(tables.pop("issues", []) if isinstance(tables, dict) else [])
    record: dict[str, Any] = {
        "source": loaded.source,
        "file": name,
        "sha256": loaded.sha256,
        "size": loaded.size,
        "agency": agency,
        "agency_source": "manifest" if "agency" in overrides else md.agency_source,
        "report_year": year,
        "year_source": "manifest" if "report_year" in overrides else md.year_source,
        "publish_date": date,
        "date_source": "manifest" if "publish_date" in overrides else md.date_source,
        "title": md.title,
        "level": level,
        "place": place,
        "script": doc.script,
        "encoding": loaded.encoding,
        "format": detect_format(doc, tables),
        "file_format": loaded.file_format,
        "header": doc.header,
        "metrics": metrics,
        "tables": tables,
        "checks": checks,
        "overrides": overrides,
        "issues": issues,
        "ok": True,
    }
    return record, doc


def extract_bytes(source: str, data: bytes, manifest_row: dict[str, str] | None = None,
                  with_text: bool = False) -> dict[str, Any]:
    """The record for one file's bytes; never raises for bad input."""
    try:
        loaded = load_bytes(source, data)
    except LoadError as e:
        return _error_record(source, e.code, str(e), e.sha256, e.size or len(data))
    try:
        record, doc = extract_loaded(loaded, manifest_row)
    except Exception as e:  # a bug must not stop the batch; it is reported on the file
        rec = _error_record(source, "internal-error", f"{Path(source).name}: extraction failed: {e!r}", loaded.sha256, loaded.size)
        rec["traceback"] = traceback.format_exc(limit=6)
        return rec
    if with_text:
        record["text"] = doc.text
    return record


def extract_path(path: str | Path, manifest_row: dict[str, str] | None = None, with_text: bool = False) -> dict[str, Any]:
    from .loading import MAX_BYTES

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            from .loading import load_file

            load_file(p)  # raises the size error without reading the whole file
        data = p.read_bytes()
    except LoadError as e:
        return _error_record(str(path), e.code, str(e), e.sha256, e.size)
    except IsADirectoryError:
        return _error_record(str(path), "unreadable", f"{p.name}: is a directory, not a file")
    except OSError as e:
        return _error_record(str(path), "unreadable", f"{p.name}: cannot be read ({e.strerror or e})")
    return extract_bytes(str(path), data, manifest_row, with_text)
