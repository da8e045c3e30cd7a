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


def rows_of(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Rows from a table's columns (each a list, one value a row).

    >>> rows_of({"a": [1, 2], "b": ["x", None]})
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': None}]
    """
    keys = list(columns)
    return [dict(zip(keys, values)) for values in zip(*columns.values())]


def _report_columns(rec: dict[str, Any], n: int) -> dict[str, list[Any]]:
    """The columns every per-report table starts with, for its `n` rows."""
    return {
        "report_id": [rec["file"]] * n,
        "agency": [rec.get("agency")] * n,
        "report_year": [rec.get("report_year")] * n,
    }


def _field(items: list[dict[str, Any]], key: str) -> list[Any]:
    """One field of every item, as a column.

    >>> _field([{"a": 1}, {}], "a")
    [1, None]
    """
    return [i.get(key) for i in items]


def metric_columns(rec: dict[str, Any]) -> dict[str, list[Any]]:
    """A report's metrics rows as columns, in METRICS_SCHEMA's order (`cell_columns` says
    why columns)."""
    figures = rec.get("metrics", {})
    names = sorted(figures)
    ms = [figures[k] for k in names]
    n = len(ms)
    return {
        **_report_columns(rec, n),
        "metric": names,
        "label": [label(k) for k in names],
        "unit": [unit(k) for k in names],
        "value": [None if (v := m.get("value")) is None else float(v) for m in ms],
        "approximate": [bool(m.get("approximate")) for m in ms],
        "confidence": _field(ms, "confidence"),
        "source": [m.get("source", "prose") for m in ms],
        "rule": _field(ms, "rule"),
        "evidence": _field(ms, "evidence"),
        "span": _field(ms, "span"),
        "line": _field(ms, "line"),
        "flags": [" | ".join(m.get("flags") or []) for m in ms],
        "cells": [" ".join(c) if (c := m.get("cells")) else None for m in ms],
        "cell_source": _field(ms, "cell_source"),
        "page": _field(ms, "page"),
        "box": _field(ms, "box"),
        "ocr": _field(ms, "ocr"),
        "checked": _field(ms, "checked"),
        "derived": _field(ms, "derived"),
    }


def metric_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    return rows_of(metric_columns(rec))


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


def cell_columns(rec: dict[str, Any]) -> dict[str, list[Any]]:
    """A report's table cells as columns, in CELLS_SCHEMA's order.

    Columns, not rows: the build turns them into Arrow column by column, and a report has
    ~100 cells of 21 fields. One list per field costs a fifth of a dict per cell (at
    100,000 reports, ~0.3 ms a report of the cold build's CPU)."""
    t = rec.get("tables") or {}
    cells = t.get("cells", [])
    n = len(cells)
    return {
        **_report_columns(rec, n),
        "table": _field(cells, "table"),
        "layout": [t.get("layout")] * n,
        "row_key": _field(cells, "row_key"),
        "col_key": _field(cells, "col_key"),
        "row_label": _field(cells, "row_label"),
        "col_label": _field(cells, "col_label"),
        "value": [None if (v := c.get("value")) is None else float(v) for c in cells],
        "line": _field(cells, "line"),
        "evidence": _field(cells, "evidence"),
        "flag": _field(cells, "flag"),
        "source": _field(cells, "source"),
        "grid_row": _field(cells, "grid_row"),
        "grid_col": _field(cells, "grid_col"),
        "page": _field(cells, "page"),
        "box": _field(cells, "box"),
        "ocr": _field(cells, "ocr"),
        "checked": _field(cells, "checked"),
        "derived": _field(cells, "derived"),
    }


def cell_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    return rows_of(cell_columns(rec))


# json.dumps(x, ensure_ascii=False) makes a new encoder at every call: one kept is the same
# text a third faster (a report has ~35 checks of two JSON fields each)
_JSON = json.JSONEncoder(ensure_ascii=False).encode


def _as_json(v: Any) -> str:
    return v if isinstance(v, str) else _JSON(v)


def check_columns(rec: dict[str, Any]) -> dict[str, list[Any]]:
    """A report's checks as columns, in CHECKS_SCHEMA's order (`cell_columns` says why)."""
    checks = rec.get("checks", [])
    n = len(checks)
    return {
        **_report_columns(rec, n),
        "check": _field(checks, "check"),
        "status": _field(checks, "status"),
        "cells": [_as_json(c.get("cells")) for c in checks],
        "values": [_as_json(c.get("values")) for c in checks],
        "message": _field(checks, "message"),
    }


def check_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    return rows_of(check_columns(rec))
