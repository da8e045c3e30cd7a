"""Standard tables of the 2019/2021 report format (placeholder: filled in by the tables work).

Interface used by analysis.extract:
- read_tables(doc) -> dict with keys "layout" (None, "template2019", "template2021",
  optionally suffixed "-subtotal"), "cells" (list of cell dicts), "metrics" ({name: record}),
  "checks" (list of check dicts) and "issues" (list of issue dicts).
- merge_metrics(prose_metrics, tables) -> metrics, preferring table figures.
"""
from __future__ import annotations

from typing import Any


def read_tables(doc: Any) -> dict[str, Any]:
    return {"layout": None, "cells": [], "metrics": {}, "checks": [], "issues": []}


def merge_metrics(prose: dict[str, dict], tables: dict[str, Any]) -> dict[str, dict]:
    merged = dict(prose)
    merged.update(tables.get("metrics", {}))
    return merged
