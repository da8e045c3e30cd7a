"""Table 四 (行政复议、行政诉讼): fifteen figures in one row.

行政复议, then 未经复议直接起诉 and 复议后起诉, each as 结果维持, 结果纠正, 其他结果, 尚未审结,
总计. A pipe row keeps empty cells in place; a flattened stream has only its figures, so
it is read only when exactly fifteen come and each 总计 is the sum of its four results,
because nothing else says which figure is which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..issues import Issue
from .template import T4_COLS, T4_HEADER, T4_HEADER_ORDER, T4_ROWS, t4_headers
from .tokens import GAP_CHARS, Run, Tokens, Value

T4_FIND = re.compile(r"结果维持|结果纠正|尚未.结")
T4_RESULTS = re.compile(r"结果维持|结果纠正|其他结果|尚未.结")
_CLAUSE_END = re.compile(r"[,;。:!?]")
_HEADER_WORDS = re.compile(
    r"四、|政府信息公开|行政复议|行政诉讼|未经复议|直接起诉|复议后起诉|结果维持|结果纠正|其他结果|尚未审结|"
    r"总计|情况|数量|[,、()。:]"
)
N = len(T4_ROWS) * len(T4_COLS)


@dataclass
class Table4:
    grid: dict[str, list[int | float | None]]
    spans: dict[str, list[tuple[int, int] | None]]
    where: tuple[int, int]  # evidence span: the row of figures
    placement: str
    flags: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def locate_table4(tok: Tokens, lo: int) -> int | None:
    """Label index where table 四 starts: its 行政复议 header just before the result headers.

    The result headers stand together in the table (结果维持 结果纠正 其他结果 尚未审结);
    a sentence saying "5件结果维持,1件结果纠正" names two at most, and is not the table.
    """
    for m in T4_FIND.finditer(tok.label, lo):
        window = _CLAUSE_END.split(tok.label[m.start() : m.start() + 40], 1)[0]
        if len(set(T4_RESULTS.findall(window))) < 3:
            continue
        start = tok.label.rfind("行政复议", max(lo, m.start() - 300), m.start())
        return start if start >= 0 else m.start()
    return None


_BLOCKS = (
    ("litigation_after_reconsideration", re.compile(r"复议后起诉")),
    ("litigation_direct", re.compile(r"直接起诉|未经复议")),
    ("reconsideration", re.compile(r"行政复议")),
)


def _block_of(label: str) -> str | None:
    for key, pattern in _BLOCKS:
        if pattern.search(label):
            return key
    return None


def read_blocks(tok: Tokens, li: int, hi_offset: int) -> Table4 | None:
    """Table 四 as three blocks of five (行政复议, then each 行政诉讼 kind under its own heading
    and its own five column heads), as PDF extraction and markdown often give it.

    Each block's five figures are placed under the heading that stands right above them, and
    only when all three blocks are there, each once, each with its heads in the template's
    order; anything else is left to the one-row reading.
    """
    start = tok.pos[li]
    at = li
    found: dict[str, Run] = {}
    for r in tok.runs:
        if r.start < start or r.start >= hi_offset:
            continue
        ri = tok.label_index(r.start)
        between = tok.label[at:ri]
        at = tok.label_index(r.end)
        if len(r.values) != len(T4_COLS):
            return None
        key = _block_of(between)
        heads = t4_headers(T4_HEADER.findall(between))
        if key is None or key in found or heads[-5:] != T4_HEADER_ORDER:
            return None
        found[key] = r
        if len(found) == len(T4_ROWS):
            break
    if len(found) != len(T4_ROWS):
        return None
    grid: dict[str, list[int | float | None]] = {}
    spans: dict[str, list[tuple[int, int] | None]] = {}
    for k, _ in T4_ROWS:
        r = found[k]
        grid[k] = [v.value for v in r.values]
        spans[k] = [None if v.value is None else (v.start, v.end) for v in r.values]
    first = min(found.values(), key=lambda r: r.start)
    last = max(found.values(), key=lambda r: r.end)
    where = (first.line_start if first.cells else first.start, last.line_end)
    placement = "cells" if all(r.cells for r in found.values()) else "stream"
    return Table4(grid, spans, where, placement)


def read_fifteen(tok: Tokens, lo: int, hi: int) -> Table4 | None:
    """Table 四 whose column heads came out garbled (broken over lines, out of order): the
    first row of fifteen cells after 行政复议, taken only if each block's 总计 is the sum of its
    four results."""
    li = tok.label_index(lo)
    for r in tok.runs:
        if r.start < lo or r.start >= hi or not r.cells or len(r.values) != N:
            continue
        if "行政复议" not in tok.label[li : tok.label_index(r.start)]:
            return None
        vals = [v.value for v in r.values]
        if None in vals or any(sum(vals[i : i + 4]) != vals[i + 4] for i in range(0, N, 5)):
            return None
        grid: dict[str, list[int | float | None]] = {}
        spans: dict[str, list[tuple[int, int] | None]] = {}
        flags = {}
        for b, (k, _) in enumerate(T4_ROWS):
            grid[k] = vals[b * 5 : b * 5 + 5]
            spans[k] = [(v.start, v.end) for v in r.values[b * 5 : b * 5 + 5]]
            flags[k] = (
                "column heads garbled; placed in the template's order because each 总计 "
                "is the sum of its four results"
            )
        return Table4(grid, spans, (r.line_start, r.line_end), "cells", flags)
    return None


def read_table4(tok: Tokens, li: int, hi_offset: int, reaches_end: bool, name: str) -> Table4:
    blocks = read_blocks(tok, li, hi_offset)
    if blocks is not None:
        return blocks
    start = tok.pos[li]
    runs: list[Run] = []
    for r in tok.runs:
        if r.start < start or r.start >= hi_offset:
            continue
        if not runs and len(_HEADER_WORDS.sub("", tok.label[li : tok.label_index(r.start)])) > 20:
            break  # text other than the table's headers first: these figures are not the table's
        if runs:
            gap = tok.label_index(r.start) - tok.label_index(runs[-1].end)
            if (
                gap > GAP_CHARS
                or r.cells != runs[0].cells
                or (r.cells and len(runs[0].values) >= N)
            ):
                break  # prose or another table after it
        runs.append(r)
    empty = {k: [None] * len(T4_COLS) for k, _ in T4_ROWS}
    empty_spans: dict[str, list[tuple[int, int] | None]] = {
        k: [None] * len(T4_COLS) for k, _ in T4_ROWS
    }
    flags: dict[str, str] = {}
    if not runs:
        for k, _ in T4_ROWS:
            flags[k] = "no figures found" if not reaches_end else "the text ends before the figures"
        code = "table-cut-off" if reaches_end else "table-row-missing"
        return Table4(
            empty,
            empty_spans,
            (start, start),
            "none",
            flags,
            [
                Issue(
                    "warning", code, f"{name}: table 四 has its headers but no figures; left empty"
                )
            ],
        )
    headers = t4_headers(T4_HEADER.findall(tok.label, li, tok.label_index(runs[0].start)))
    cells = runs[0].cells
    vals: list[Value] = [v for r in runs for v in r.values]
    shown = " ".join("·" if v.value is None else f"{v.value:g}" for v in vals)
    where = (
        runs[0].line_start if cells else runs[0].start,
        runs[-1].line_end if cells else runs[-1].end,
    )
    if len(headers) >= 5 and headers[:5] != T4_HEADER_ORDER:
        for k, _ in T4_ROWS:
            flags[k] = "columns in an unexpected order; not placed"
        return Table4(
            empty,
            empty_spans,
            where,
            "refused",
            flags,
            [
                Issue(
                    "warning",
                    "table-header-order",
                    f"{name}: table 四 columns come as {'/'.join(headers[:5])}, not the template's "
                    f"order; its figures ({shown}) are left empty",
                )
            ],
        )
    between = "".join(
        tok.label[tok.label_index(a.end) : tok.label_index(b.start)] for a, b in zip(runs, runs[1:])
    )
    if T4_HEADER.search(between):
        # results as rows (结果维持 | 2 | 0 | 1 …): the figures do not run in the template's order
        for k, _ in T4_ROWS:
            flags[k] = "results laid out as rows; not placed"
        return Table4(
            empty,
            empty_spans,
            where,
            "refused",
            flags,
            [
                Issue(
                    "warning",
                    "table-header-order",
                    f"{name}: table 四 has its results as rows rather than columns; its figures "
                    f"({shown}) are left empty rather than guessed",
                )
            ],
        )
    if cells and len(vals) > N:
        lead = 0
        while lead < len(vals) - N and vals[lead].value is None:
            lead += 1
        vals = vals[lead:]
    if cells and len(vals) < N and len(vals) + runs[-1].trailing >= N:
        # the row's last cells are printed empty: they keep their places, empty
        vals = vals + [Value(None, runs[-1].end, runs[-1].end)] * (N - len(vals))
    cut = reaches_end and tok.label_index(runs[-1].end) >= len(tok.label)
    if len(vals) > N or (len(vals) < N and not cut):
        for k, _ in T4_ROWS:
            flags[k] = f"{len(vals)} figures for {N} cells; not placed"
        return Table4(
            empty,
            empty_spans,
            where,
            "refused",
            flags,
            [
                Issue(
                    "warning",
                    "table-row-count",
                    f"{name}: table 四 has {len(vals)} figures ({shown}) for its {N} cells; "
                    f"left empty rather than guessed",
                )
            ],
        )
    grid = {k: [None] * len(T4_COLS) for k, _ in T4_ROWS}
    spans: dict[str, list[tuple[int, int] | None]] = {k: [None] * len(T4_COLS) for k, _ in T4_ROWS}
    for i, v in enumerate(vals):
        k = T4_ROWS[i // len(T4_COLS)][0]
        grid[k][i % len(T4_COLS)] = v.value
        spans[k][i % len(T4_COLS)] = (v.start, v.end)
    issues = []
    if len(vals) < N:
        for k, _ in T4_ROWS:
            if None in grid[k]:
                flags[k] = f"cut off: the text ends after {len(vals)} of {N} figures"
        issues.append(
            Issue(
                "warning",
                "table-cut-off",
                f"{name}: table 四 stops after {len(vals)} of {N} figures (the text "
                f"ends there); the rest are left empty",
            )
        )
    elif not cells:
        bad = [
            label
            for k, label in T4_ROWS
            if None not in grid[k] and abs(sum(grid[k][:4]) - grid[k][4]) > 1e-6
        ]  # type: ignore[arg-type]
        if bad:
            return Table4(
                empty,
                empty_spans,
                where,
                "refused",
                {k: "flattened figures do not add up; not placed" for k, _ in T4_ROWS},
                [
                    Issue(
                        "warning",
                        "table-stream-refused",
                        f"{name}: table 四 is a flattened stream of {N} figures ({shown}), but "
                        f"{'、'.join(bad)} 总计 is not the sum of its four results, "
                        "so which figure "
                        f"is which cannot be trusted; left empty",
                    )
                ],
            )
    return Table4(grid, spans, where, "cells" if cells else "stream", flags, issues)
