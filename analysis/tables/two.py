"""Table 二 (主动公开政府信息情况): rules issued, decisions taken, fees collected.

The 2019 and 2021 layouts share row labels but not columns (本年新制作数量 is not
本年制发件数), so the layout is read from the column headers, or failing those from how
many figures the 行政许可 rows carry, and each layout keeps its own column keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..issues import Issue
from .template import T2_BLOCK, T2_BY_KEY, T2_COLS, T2_HEADER_2019, T2_HEADER_2021, T2_ROWS
from .tokens import Run, Tokens, Value, alternation, assign, chain, find_anchors, own_keys

T2_PATTERN = alternation([r.pattern for r in T2_ROWS])
T2_KEYS = [r.key for r in T2_ROWS]
ROWS_BY_LAYOUT = {
    "2021": [
        "regulations",
        "normative_documents",
        "licensing",
        "penalty",
        "coercion",
        "admin_fees",
    ],
    "2019": [
        "regulations",
        "normative_documents",
        "licensing",
        "other_services",
        "penalty",
        "coercion",
        "admin_fees",
        "procurement",
    ],
}


@dataclass
class Table2:
    layout: str | None
    rows: list[str]
    columns: dict[str, list[tuple[str, str]]]  # row key -> its columns
    grid: dict[str, list[int | float | None]]
    spans: dict[str, list[tuple[int, int] | None]]
    where: dict[str, tuple[int, int]]  # row key -> evidence span
    flags: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def read_table2(
    tok: Tokens, lo: int, hi: int, hi_offset: int, reaches_end: bool, name: str
) -> Table2 | None:
    anchors = chain(find_anchors(tok, T2_PATTERN, T2_KEYS, lo, hi))
    if not anchors:
        return None
    region = tok.label[lo:hi]
    n21 = len(T2_HEADER_2021.findall(region))
    n19 = len(T2_HEADER_2019.findall(region))
    if n21 == 0 and n19 == 0 and not T2_BLOCK.search(region):
        return None  # 行政许可 or 第二十条 named in prose, no table
    owned = assign(tok, anchors, anchors[0].start, hi_offset)
    found: dict[str, list[Run]] = {}
    stray: list[Run] = []
    for i, a in enumerate(anchors):
        if owned[i].runs and a.key not in found:
            found[a.key] = owned[i].runs
        stray.extend(owned[i].stray)
    _own_rows(tok, found, anchors[0].start, hi_offset)
    layout = "2021" if n21 > n19 else "2019" if n19 > n21 else None
    if layout is None:  # no header: the 行政许可/处罚/强制 rows have 1 figure in 2021, 3 in 2019
        counts = {
            len([v for r in found[k] for v in r.values])
            for k in ("licensing", "penalty", "coercion")
            if k in found
        }
        layout = "2021" if counts == {1} else "2019" if counts == {3} else None
    if layout is None:
        return Table2(
            None,
            [],
            {},
            {},
            {},
            {},
            issues=[
                Issue(
                    "warning",
                    "table-layout-unknown",
                    f"{name}: table 二 is present but neither its headers nor its figures tell the "
                    f"2019 from the 2021 layout; its figures are not read",
                )
            ],
        )
    rows = ROWS_BY_LAYOUT[layout]
    cols = {k: T2_COLS[layout][T2_BY_KEY[k].block] for k in rows}
    grid = {k: [None] * len(cols[k]) for k in rows}
    spans: dict[str, list[tuple[int, int] | None]] = {k: [None] * len(cols[k]) for k in rows}
    where: dict[str, tuple[int, int]] = {}
    flags: dict[str, str] = {}
    issues: list[dict[str, Any]] = []
    all_runs = [r for rs in found.values() for r in rs]
    last_run = max(all_runs, key=lambda r: r.end, default=None)
    for k in rows:
        runs = found.get(k)
        if not runs:
            continue
        vals: list[Value] = [v for r in runs for v in r.values]
        cells = all(r.cells for r in runs)
        need = len(cols[k])
        where[k] = (
            (runs[0].line_start, runs[-1].line_end)
            if cells
            else (_label_start(anchors, k), runs[-1].end)
        )
        cut = (
            reaches_end and runs[-1] is last_run and tok.label_index(last_run.end) >= len(tok.label)
        )
        if cells and len(vals) > need:
            lead = 0
            while lead < len(vals) - need and vals[lead].value is None:
                lead += 1
            vals = vals[lead:]
        if len(vals) > need and need == 1 and cells and len({v.value for v in vals}) == 1:
            vals = vals[:1]  # one figure repeated over a merged (colspan) cell
            flags[k] = "one figure repeated across merged cells; read once"
        glued = _glued_digits(vals, need) if not cells else None
        if glued is not None:
            vals = glued
            flags[k] = (
                "split from glued digits: as many digits as columns, so one digit a column "
                "is the only reading"
            )
        if len(vals) == need or (len(vals) < need and cut):
            grid[k][: len(vals)] = [v.value for v in vals]
            spans[k][: len(vals)] = [(v.start, v.end) for v in vals]
            if len(vals) < need:
                flags[k] = f"row cut off after {len(vals)} of {need} figures"
                issues.append(
                    Issue(
                        "warning",
                        "table-cut-off",
                        f"{name}: table 二 row {T2_BY_KEY[k].label} stops after "
                        f"{len(vals)} of {need} figures; the rest are left empty",
                    )
                )
        else:
            flags[k] = f"{len(vals)} figures for {need} columns; not placed"
            issues.append(
                Issue(
                    "warning",
                    "table-row-count",
                    f"{name}: table 二 row {T2_BY_KEY[k].label} has {len(vals)} "
                    f"figures for {need} columns ({layout} layout); left empty",
                )
            )
    missing = [k for k in rows if k not in found]
    if missing:
        last_idx = max((rows.index(k) for k in found if k in rows), default=-1)
        cut_rows = [k for k in missing if rows.index(k) > last_idx and reaches_end]
        for k in missing:
            flags[k] = "the text ends before this row" if k in cut_rows else "row not found"
        if cut_rows:
            issues.append(
                Issue(
                    "warning",
                    "table-cut-off",
                    f"{name}: table 二 is cut off before "
                    f"{', '.join(T2_BY_KEY[k].label for k in cut_rows)}; left empty",
                )
            )
        other = [k for k in missing if k not in cut_rows]
        if other:
            issues.append(
                Issue(
                    "info",
                    "table-row-missing",
                    f"{name}: table 二 rows not found: "
                    f"{', '.join(T2_BY_KEY[k].label for k in other)}",
                )
            )
    return Table2(layout, rows, cols, grid, spans, where, flags, issues)


def _own_rows(tok: Tokens, found: dict[str, list[Run]], lo: int, hi: int) -> None:
    """Rows the label chain left out, found as rows of cells that name them in their own
    cells (a markdown table after loose text that named later rows first)."""
    if all(k in found for k in ROWS_BY_LAYOUT["2021"]):
        return  # every row of either layout's first six is there
    for r in tok.runs:
        if r.start < lo or r.start >= hi or not r.cells:
            continue
        keys = set(own_keys(tok, r, T2_PATTERN, T2_KEYS))
        if len(keys) == 1:
            (k,) = keys
            if k not in found:
                found[k] = [r]


def _glued_digits(vals: list[Value], need: int) -> list[Value] | None:
    """One run of digits with as many digits as the row has columns (`000` for three
    columns, as glued text gives it): one digit a column, the only split there is.

    A figure's text is its digits with any leading zeros, so it is rebuilt from its value
    and its length. Anything else (fewer or more digits, a sign, a fraction) is not split.

    >>> [v.value for v in _glued_digits([Value(0, 10, 13)], 3)]
    [0, 0, 0]
    >>> _glued_digits([Value(12, 10, 12)], 3) is None
    True
    """
    if need < 2 or len(vals) != 1:
        return None
    v = vals[0]
    if type(v.value) is not int or v.value < 0 or v.end - v.start != need:
        return None
    digits = str(v.value).zfill(need)
    if len(digits) != need:
        return None
    return [Value(int(d), v.start + i, v.start + i + 1) for i, d in enumerate(digits)]


def _label_start(anchors: list, key: str) -> int:
    for a in anchors:
        if a.key == key:
            return a.start
    return 0
