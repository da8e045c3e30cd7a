"""One raw file in, one record out: the whole extraction as a pure function of the file.

The spine of the package, visiting each stage once in flow order: read (bytes → text and
grids) → document (normalized text, sentences) → facts (metadata, prose figures) and
tables (cells, table figures, checks) → the record. Keeping it pure (bytes and manifest
row in, plain dict out) is what lets the build cache by content hash, run in worker
processes, or on a dask cluster with identical results.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path
from typing import Any

from .document.normalize import normalize_plain
from .document.sentences import Document, build_document
from .facts.figures import extract_figures
from .facts.metadata import AGENCY_FIELDS, Metadata, describe_agency, level_and_place, read_metadata
from .issues import Issue
from .quality.fingerprints import hashes, names_of, pack
from .quality.parts import find_parts
from .read.load import Loaded, LoadError, load_bytes, read_file
from .tables.read import merge_metrics, read_tables


def _error_record(
    source: str, code: str, message: str, sha256: str = "", size: int = 0
) -> dict[str, Any]:
    return {
        "source": source,
        "file": Path(source).name,
        "sha256": sha256,
        "size": size,
        "agency": None,
        "report_year": None,
        "publish_date": None,
        "script": None,
        "encoding": None,
        "format": None,
        "file_format": None,
        "title": None,
        "level": None,
        "place": None,
        "metrics": {},
        "tables": {},
        "checks": [],
        "overrides": {},
        "header": {},
        "issues": [Issue("error", code, message).as_dict()],
        "ok": False,
    }


def detect_format(doc: Document, tables: dict | None) -> str:
    if tables and tables.get("layout"):
        return str(tables["layout"]).split("-")[0]
    return "prose"


def apply_manifest(
    md: Metadata, row: dict[str, str], name: str
) -> tuple[dict[str, Any], dict[str, Any], list[Issue]]:
    """The metadata after the manifest row's overrides: (fields, overrides, issues).

    Every override is recorded (from_text / manifest) and reported as an info issue, never
    applied silently; the warnings the override answers (no agency, no year) are dropped.
    """
    issues = list(md.issues)
    overrides: dict[str, dict[str, Any]] = {}
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
    for k, v in overrides.items():
        issues.append(
            Issue(
                "info",
                "manifest-override",
                f"{name}: {k} set by data/raw/manifest.csv to {v['manifest']!r} "
                f"(text gives {v['from_text']!r})",
            )
        )
    if overrides:
        # the manifest resolved what the text could not say
        fixed = {
            "agency": {"no-agency", "agency-without-place"},
            "report_year": {"no-year", "year-guessed"},
        }
        drop = set().union(*(fixed.get(k, set()) for k in overrides))
        issues = [i for i in issues if i.code not in drop]
    fields = {
        "agency": agency,
        "report_year": year,
        "publish_date": date,
        "level": level,
        "place": place,
    }
    return fields, overrides, issues


def extract_loaded(
    loaded: Loaded, manifest_row: dict[str, str] | None = None
) -> tuple[dict[str, Any], Document]:
    if manifest_row and manifest_row.get("url"):
        loaded.url = manifest_row["url"]  # where the report was published: may name its place
    doc = build_document(loaded)
    md = read_metadata(doc)
    name = os.path.basename(loaded.source)
    meta, overrides, md_issues = apply_manifest(md, manifest_row or {}, name)
    issues: list[Issue] = list(loaded.issues) + md_issues
    year = meta["report_year"]
    this_year = dt.date.today().year
    if year is not None and (year > this_year or year < 2008):
        when = "in the future" if year > this_year else "before 2008, when disclosure reports began"
        message = f"{name}: report year {year} is {when}"
        issues.append(Issue("warning", "year-out-of-range", message))

    metrics, notes = extract_figures(doc, year)
    issues.extend(notes)
    tables = read_tables(doc)
    metrics = merge_metrics(metrics, tables, name)
    checks = tables.pop("checks")
    issues.extend(tables.pop("issues"))
    record: dict[str, Any] = {
        "source": loaded.source,
        "file": name,
        "sha256": loaded.sha256,
        "size": loaded.size,
        "agency": meta["agency"],
        "agency_source": "manifest" if "agency" in overrides else md.agency_source,
        "report_year": year,
        "year_source": "manifest" if "report_year" in overrides else md.year_source,
        "publish_date": meta["publish_date"],
        "date_source": "manifest" if "publish_date" in overrides else md.date_source,
        "title": md.title,
        "level": meta["level"],
        "place": meta["place"],
        # division code, province, city, agency_key, predecessor, partial_agency
        **(
            describe_agency(meta["agency"])
            if "agency" in overrides
            else {k: getattr(md, k) for k in AGENCY_FIELDS}
        ),
        "script": doc.script,
        "encoding": loaded.encoding,
        "format": detect_format(doc, tables),
        "file_format": loaded.file_format,
        "header": doc.header,
        "metrics": metrics,
        "tables": tables,
        "checks": checks,
        "overrides": overrides,
        "issues": [i.as_dict() for i in issues],
        "ok": True,
    }
    # what the indicators need of the text (analysis/quality): required parts, sentence hashes
    read = {c.get("table") for c in tables.get("cells", ())}
    record["parts"] = find_parts(doc.text, year, read)
    record["fingerprint"] = pack(hashes(doc.text, names_of(meta["agency"], meta["place"])))
    if loaded.pages:
        _add_pages(record, doc)
    return record, doc


def _add_pages(record: dict[str, Any], doc: Document) -> None:
    """The page of each figure and table cell, for readers with pages (PDF, OCR): the
    evidence line, traced back to the reader's text, stands on it."""
    from .read.compose import page_of

    def page(line: Any) -> int | None:
        if not isinstance(line, int) or not 0 <= line < len(doc.lines):
            return None
        start, end, _ = doc.lines[line]
        return page_of(doc.loaded.pages, doc.norm.tracked.to_original(start, end)[0])

    for m in record["metrics"].values():
        if isinstance(m, dict) and "line" in m:
            m["page"] = page(m["line"])
    for c in (record.get("tables") or {}).get("cells") or []:
        if "line" in c:
            c["page"] = page(c["line"])


def extract_bytes(
    source: str, data: bytes, manifest_row: dict[str, str] | None = None, with_text: bool = False
) -> dict[str, Any]:
    """The record for one file's bytes; never raises for bad input."""
    try:
        loaded = load_bytes(source, data)
    except LoadError as e:
        return _error_record(source, e.code, str(e), e.sha256, e.size or len(data))
    try:
        record, doc = extract_loaded(loaded, manifest_row)
    except Exception as e:  # a bug must not stop the batch; it is reported on the file
        rec = _error_record(
            source,
            "internal-error",
            f"{Path(source).name}: extraction failed: {e!r}",
            loaded.sha256,
            loaded.size,
        )
        rec["traceback"] = traceback.format_exc(limit=6)
        return rec
    if with_text:
        record["text"] = doc.text
    return record


def extract_path(
    path: str | Path, manifest_row: dict[str, str] | None = None, with_text: bool = False
) -> dict[str, Any]:
    """The record for one file on disk; never raises for bad input."""
    try:
        data = read_file(path)
    except LoadError as e:
        return _error_record(str(path), e.code, str(e), e.sha256, e.size)
    return extract_bytes(str(path), data, manifest_row, with_text)
