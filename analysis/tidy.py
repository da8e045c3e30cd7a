"""Records to tidy rows: the schemas of the processed tables.

One place defines every column of every table, so the build, the notebooks and the
dask engine all produce and read the same thing.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from .metrics import label, unit

YEAR = "report_year"  # the column every table is partitioned by
PARTS_DIR = "parquet"  # data/processed/parquet/<table>/report_year=YYYY/part-0.parquet
REPORTS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("file", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("status", pa.string()),
        ("duplicate_of", pa.string()),
        ("agency", pa.string()),
        ("agency_source", pa.string()),
        ("report_year", pa.int64()),
        ("year_source", pa.string()),
        ("publish_date", pa.string()),
        ("level", pa.string()),
        ("place", pa.string()),
        ("title", pa.string()),
        ("script", pa.string()),
        ("encoding", pa.string()),
        ("format", pa.string()),
        ("file_format", pa.string()),
        ("n_metrics", pa.int64()),
        ("n_warnings", pa.int64()),
        ("n_errors", pa.int64()),
        ("flags", pa.string()),
        ("overrides", pa.string()),
        # the agency as data (analysis.facts.metadata.describe_agency)
        ("division_code", pa.string()),
        ("province", pa.string()),
        ("city", pa.string()),
        ("agency_key", pa.string()),
        ("predecessor", pa.string()),
        ("partial_agency", pa.bool_()),
    ]
)
METRICS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("agency", pa.string()),
        ("report_year", pa.int64()),
        ("metric", pa.string()),
        ("label", pa.string()),
        ("unit", pa.string()),
        ("value", pa.float64()),
        ("approximate", pa.bool_()),
        ("confidence", pa.float64()),
        ("source", pa.string()),
        ("rule", pa.string()),
        ("evidence", pa.string()),
        ("span", pa.string()),
        ("line", pa.int64()),
        ("flags", pa.string()),
        # table figures: where they came from (columns appended; prose figures leave them empty)
        ("cells", pa.string()),
        ("cell_source", pa.string()),
        ("page", pa.int64()),
        ("box", pa.string()),
        ("ocr", pa.bool_()),
        ("checked", pa.bool_()),
        ("derived", pa.bool_()),
    ]
)
ISSUES_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("level", pa.string()),
        ("code", pa.string()),
        ("metric", pa.string()),
        ("message", pa.string()),
    ]
)
TEXTS_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("script", pa.string()), ("text", pa.string())]
)
CELLS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("agency", pa.string()),
        ("report_year", pa.int64()),
        ("table", pa.string()),
        ("layout", pa.string()),
        ("row_key", pa.string()),
        ("col_key", pa.string()),
        ("row_label", pa.string()),
        ("col_label", pa.string()),
        ("value", pa.float64()),
        ("line", pa.int64()),
        ("evidence", pa.string()),
        ("flag", pa.string()),
        # provenance (columns appended): the reader, the reader's grid position, page and box
        ("source", pa.string()),
        ("grid_row", pa.int64()),
        ("grid_col", pa.int64()),
        ("page", pa.int64()),
        ("box", pa.string()),
        ("ocr", pa.bool_()),
        ("checked", pa.bool_()),
        ("derived", pa.bool_()),
    ]
)
CHECKS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("agency", pa.string()),
        ("report_year", pa.int64()),
        ("check", pa.string()),
        ("status", pa.string()),
        ("cells", pa.string()),
        ("values", pa.string()),
        ("message", pa.string()),
    ]
)
# how well each body reports (analysis/build/indicators.py): one row per report and indicator,
# and one per body and year without a report in the corpus (coverage, report_id empty)
INDICATORS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("agency", pa.string()),
        ("report_year", pa.int64()),
        ("indicator", pa.string()),
        ("status", pa.string()),
        ("value", pa.float64()),
        ("detail", pa.string()),
        ("evidence", pa.string()),
    ]
)

SCHEMAS = {
    "reports": REPORTS_SCHEMA,
    "metrics": METRICS_SCHEMA,
    "issues": ISSUES_SCHEMA,
    "texts": TEXTS_SCHEMA,
    "cells": CELLS_SCHEMA,
    "checks": CHECKS_SCHEMA,
    "indicators": INDICATORS_SCHEMA,
}


def _flags(issues: list[dict]) -> str:
    return " | ".join(i["message"] for i in issues if i.get("level") in ("error", "warning"))


def report_row(
    rec: dict[str, Any], status: str = "ok", duplicate_of: str | None = None
) -> dict[str, Any]:
    issues = rec.get("issues", [])
    return {
        "report_id": rec["file"],
        "file": rec["file"],
        "sha256": rec.get("sha256") or "",
        "size": rec.get("size") or 0,
        "status": status if rec.get("ok") else "error",
        "duplicate_of": duplicate_of,
        "agency": rec.get("agency"),
        "agency_source": rec.get("agency_source"),
        "report_year": rec.get("report_year"),
        "year_source": rec.get("year_source"),
        "publish_date": rec.get("publish_date"),
        "level": rec.get("level"),
        "place": rec.get("place"),
        "title": rec.get("title"),
        "script": rec.get("script"),
        "encoding": rec.get("encoding"),
        "format": rec.get("format"),
        "file_format": rec.get("file_format"),
        "n_metrics": sum(1 for m in rec.get("metrics", {}).values() if m.get("value") is not None),
        "n_warnings": sum(1 for i in issues if i.get("level") == "warning"),
        "n_errors": sum(1 for i in issues if i.get("level") == "error"),
        "flags": _flags(issues),
        "overrides": json.dumps(rec.get("overrides") or {}, ensure_ascii=False, sort_keys=True),
        "division_code": rec.get("division_code"),
        "province": rec.get("province"),
        "city": rec.get("city"),
        "agency_key": rec.get("agency_key"),
        "predecessor": rec.get("predecessor"),
        "partial_agency": bool(rec.get("partial_agency")),
    }


def metric_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(rec.get("metrics", {})):
        m = rec["metrics"][name]
        rows.append(
            {
                "report_id": rec["file"],
                "agency": rec.get("agency"),
                "report_year": rec.get("report_year"),
                "metric": name,
                "label": label(name),
                "unit": unit(name),
                "value": None if m.get("value") is None else float(m["value"]),
                "approximate": bool(m.get("approximate")),
                "confidence": m.get("confidence"),
                "source": m.get("source", "prose"),
                "rule": m.get("rule"),
                "evidence": m.get("evidence"),
                "span": m.get("span"),
                "line": m.get("line"),
                "flags": " | ".join(m.get("flags") or []),
                "cells": " ".join(m["cells"]) if m.get("cells") else None,
                "cell_source": m.get("cell_source"),
                "page": m.get("page"),
                "box": m.get("box"),
                "ocr": m.get("ocr"),
                "checked": m.get("checked"),
                "derived": m.get("derived"),
            }
        )
    return rows


def issue_rows(rec: dict[str, Any], extra: list[dict] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "report_id": rec["file"],
            "level": i.get("level"),
            "code": i.get("code"),
            "metric": i.get("metric"),
            "message": i.get("message"),
        }
        for i in list(rec.get("issues", [])) + list(extra or [])
    ]


def cell_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    t = rec.get("tables") or {}
    return [
        {
            "report_id": rec["file"],
            "agency": rec.get("agency"),
            "report_year": rec.get("report_year"),
            "table": c.get("table"),
            "layout": t.get("layout"),
            "row_key": c.get("row_key"),
            "col_key": c.get("col_key"),
            "row_label": c.get("row_label"),
            "col_label": c.get("col_label"),
            "value": None if c.get("value") is None else float(c["value"]),
            "line": c.get("line"),
            "evidence": c.get("evidence"),
            "flag": c.get("flag"),
            "source": c.get("source"),
            "grid_row": c.get("grid_row"),
            "grid_col": c.get("grid_col"),
            "page": c.get("page"),
            "box": c.get("box"),
            "ocr": c.get("ocr"),
            "checked": c.get("checked"),
            "derived": c.get("derived"),
        }
        for c in t.get("cells", [])
    ]


def check_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "report_id": rec["file"],
            "agency": rec.get("agency"),
            "report_year": rec.get("report_year"),
            "check": c.get("check"),
            "status": c.get("status"),
            "cells": json.dumps(c.get("cells"), ensure_ascii=False)
            if not isinstance(c.get("cells"), str)
            else c.get("cells"),
            "values": json.dumps(c.get("values"), ensure_ascii=False)
            if not isinstance(c.get("values"), str)
            else c.get("values"),
            "message": c.get("message"),
        }
        for c in rec.get("checks", [])
    ]
