"""Consistency checks on the standard tables, and on prose against tables.

The tables state their own arithmetic (一+二 = 三（七）+四, （七） is the sum of its
parts, 总计 is the sum of the applicants, each 表四 总计 is the sum of its four results,
and across years this year's 上年结转 is last year's 结转下年度, checked by
analysis.build.corpus with the same helpers). A report that breaks them has a typo or
was read wrongly; either way an analyst must see which cells disagree, so every check
names its cells and their values, and says "cannot assess" rather than pass or fail
when a cell is missing.
"""

from __future__ import annotations

from typing import Any

from .template import (
    T3_APPLICANTS,
    T3_GROUP_ITEMS,
    T3_ORGS,
    T3_OTHER_2019,
    T4_COLS,
    T4_ROWS,
    t3_row_label,
)

PASS, FAIL, CANNOT = "pass", "fail", "cannot assess"
Number = int | float | None


def cell_id(table: str, row: str, col: str) -> str:
    return f"{table}:{row}:{col}"


def fmt(v: Number) -> str:
    if v is None:
        return "空"
    if type(v) is int:
        return str(v)
    return str(int(v)) if v == int(v) else f"{v:g}"


def eq(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def identity(
    check: str, left: list[tuple[str, Number]], right: list[tuple[str, Number]], what: str
) -> dict[str, Any]:
    """sum(left) == sum(right), with every cell and value named."""
    both = left + right
    cells = [c for c, _ in both]
    values = dict(both)
    if None in values.values():
        missing = [c for c, v in left + right if v is None]
        return {
            "check": check,
            "status": CANNOT,
            "cells": cells,
            "values": values,
            "message": f"{what}: cannot assess, empty cell(s) {', '.join(missing)}",
        }
    a = sum(v for _, v in left)  # type: ignore[misc]
    b = sum(v for _, v in right)  # type: ignore[misc]
    if eq(a, b):
        return {
            "check": check,
            "status": PASS,
            "cells": cells,
            "values": values,
            "message": f"{what}: {fmt(a)} = {fmt(b)}",
        }
    lhs = " + ".join(f"{c}={fmt(v)}" for c, v in left)
    rhs = " + ".join(f"{c}={fmt(v)}" for c, v in right)
    return {
        "check": check,
        "status": FAIL,
        "cells": cells,
        "values": values,
        "message": f"{what}: {lhs} = {fmt(a)}, but {rhs} = {fmt(b)} (不相等, off by {fmt(a - b)})",
    }


Cell = tuple[str, Number]


def _row_cells(
    grid: dict[str, list[Number]], row: str, cols: list[tuple[str, str]]
) -> dict[str, Cell]:
    """Every cell of one row of table 三 as (cell id, value), keyed by column; a missing row is
    all empty."""
    v = grid.get(row)
    return {
        c: (cell_id("三", row, c), None if v is None else v[i]) for i, (c, _) in enumerate(cols)
    }


def table3_checks(
    grid: dict[str, list[Number]], rows: list[str], cols: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The identities of table 三, per row and per column.

    The checks name some 350 cells; each row's cells are built once (a dict per row)
    rather than one call per mention, as this runs on every template report.
    """
    clabel = dict(cols)
    by_row: dict[str, dict[str, Cell]] = {}
    out: list[dict[str, Any]] = []

    def row_cells(row: str) -> dict[str, Cell]:
        rc = by_row.get(row)
        if rc is None:
            rc = by_row[row] = _row_cells(grid, row, cols)
        return rc

    # 总计 column = the six applicant columns (and the 法人或其他组织 小计 = its five)
    has_legal_subtotal = "legal_person_subtotal" in clabel
    for r in rows:
        rc, label = row_cells(r), t3_row_label(r)
        out.append(
            identity(
                "t3_row_total",
                [rc["total"]],
                [rc[c] for c in T3_APPLICANTS],
                f"表三 {label}: 总计 = 自然人 + 法人或其他组织五列",
            )
        )
        if has_legal_subtotal:
            out.append(
                identity(
                    "t3_legal_subtotal",
                    [rc["legal_person_subtotal"]],
                    [rc[c] for c in T3_ORGS],
                    f"表三 {label}: 法人或其他组织 小计 = 五列之和",
                )
            )
    other_rows = [T3_OTHER_2019] if T3_OTHER_2019 in rows else T3_GROUP_ITEMS["other"]
    parts = (
        ["granted", "partial"]
        + T3_GROUP_ITEMS["denied"]
        + T3_GROUP_ITEMS["unable"]
        + T3_GROUP_ITEMS["not_processed"]
        + other_rows
    )
    has_other = T3_OTHER_2019 in rows or any(k in rows for k in T3_GROUP_ITEMS["other"])
    new, carried_over, total, carried_forward = (
        row_cells(k) for k in ("new", "carried_over", "total", "carried_forward")
    )
    part_cells = [row_cells(p) for p in parts]
    groups = [
        (
            g,
            row_cells(f"{g}_subtotal"),
            [row_cells(i) for i in items],
            t3_row_label(g + "_subtotal"),
        )
        for g, items in T3_GROUP_ITEMS.items()
        if f"{g}_subtotal" in rows
    ]
    for c, _ in cols:
        lab = clabel[c]
        out.append(
            identity(
                "t3_balance",
                [new[c], carried_over[c]],
                [total[c], carried_forward[c]],
                f"表三 {lab}列: 一(本年新收) + 二(上年结转) = 三(七)总计 + 四(结转下年度)",
            )
        )
        if has_other:
            out.append(
                identity(
                    "t3_total_parts",
                    [total[c]],
                    [p[c] for p in part_cells],
                    f"表三 {lab}列: (七)总计 = (一)+(二)+(三)…(六)各项之和",
                )
            )
        for g, sub, items, glabel in groups:
            out.append(
                identity(
                    "t3_group_subtotal",
                    [sub[c]],
                    [i[c] for i in items],
                    f"表三 {lab}列: {glabel} = 各项之和",
                )
            )
    return out


def table4_checks(grid: dict[str, list[Number]]) -> list[dict[str, Any]]:
    out = []
    for r, rlabel in T4_ROWS:
        v = grid.get(r) or [None] * 5
        cells = [(cell_id("四", r, c), v[i]) for i, (c, _) in enumerate(T4_COLS)]
        out.append(
            identity(
                "t4_total",
                [cells[4]],
                cells[:4],
                f"表四 {rlabel}: 总计 = 维持+纠正+其他结果+尚未审结",
            )
        )
    return out


def prose_vs_table(metric: str, prose: dict[str, Any], table: dict[str, Any]) -> dict[str, Any]:
    """A figure stated in the prose against the same figure in the table."""
    pv, tv = prose.get("value"), table.get("value")
    cells = list(table.get("cells") or [])
    values = {"prose": pv, "table": tv, "prose_evidence": prose.get("evidence")}
    if prose.get("approximate"):
        status, note = CANNOT, "the prose figure is approximate"
    elif eq(float(pv), float(tv)):
        status, note = PASS, "the same"
    else:
        status, note = FAIL, "文字与表格不一致 (prose and table disagree)"
    return {
        "check": "prose_vs_table",
        "status": status,
        "cells": [f"prose:{metric}"] + cells,
        "values": values,
        "message": f"{metric}: 正文 {fmt(pv)} vs 表格 {fmt(tv)}: {note}",
    }
