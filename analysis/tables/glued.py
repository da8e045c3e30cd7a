"""Tables 三 and 四 from text where the cells were glued together.

A web page saved as plain text, or a crawl that dropped the table markup, leaves a row
as one run of label words and digits: `…申请数量15130000154二、上年结转…`. The cell
boundaries are lost, so `15130000154` could be 151|3|0|0|0|0|154 or many other splits.
The template still says a lot: which row comes next (its label words and item marker),
how many figures a row holds, and the sums the table must keep (总计 is the sum of the
applicant columns; 一+二 = 三(七)+四 and (七) = the sum of the items, per column; each
表四 总计 is the sum of its four results). A split is a *reading*; a cell gets a value
only where every reading those sums allow gives it the same figure. Where readings
differ, the cell stays empty and says so: never pick one.

A space inside a run is a cell boundary the text kept (`230 000023`), and a figure never
starts with 0 unless it is 0.

>>> [tuple(v for v, _, _ in r) for r in readings("303", 3, 3)]
[(3, 0, 3)]
>>> sorted(tuple(v for v, _, _ in r) for r in readings("11011", 3, 3))
[(1, 10, 11), (11, 0, 11)]
>>> readings("15", 3, 3)
[]
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..issues import Issue
from .template import T3_BY_KEY, T3_GROUP_ITEMS, T3_OTHER_2019, T3_ROWS_2019, T3_ROWS_2021
from .three import T3_KEYS, T3_PATTERN, Table3
from .tokens import Tokens, chain, find_anchors

MAX_DIGITS = 7  # no cell of these tables runs to eight digits
MAX_STEPS = 200_000  # readings tried per run before giving up (a run far too long to tell)
MAX_JOINT = 100_000  # combinations of ambiguous rows checked against the column sums
_RUN = re.compile(r"\d[\d \u3000]*")
_SPACE = " \u3000\n\t"
_MARKER = re.compile(r"^(?:\d{1,2}[.、．]|\([一二三四五六七八九]\)|[一二三四]、)")
_T4_HEAD = re.compile(r"尚\s*未\s*审\s*结\s*总\s*计")
_T4_START = re.compile(r"行政复议")

Reading = tuple[tuple[int, int, int], ...]  # each figure: (value, start, end) in the run


def readings(run: str, n: int, group: int, limit: int = MAX_STEPS) -> list[Reading]:
    """Every split of a digit run into n figures where each group of `group` figures ends
    in the sum of the others in it; spaces in the run are boundaries.

    Returns [] when there is none, and also when more than `limit` splits were tried (the
    run is too long to tell; callers treat that as no reading).
    """
    L = len(run)
    digits_after = [0] * (L + 1)
    for i in range(L - 1, -1, -1):
        digits_after[i] = digits_after[i + 1] + (run[i] not in _SPACE)
    out: list[Reading] = []
    acc: list[tuple[int, int, int]] = []
    steps = 0

    def rec(i: int) -> bool:
        nonlocal steps
        while i < L and run[i] in _SPACE:
            i += 1
        k = len(acc)
        if k and k % group == 0:
            block = acc[k - group :]
            if sum(v for v, _, _ in block[:-1]) != block[-1][0]:
                return True
        if k == n:
            if i == L:
                out.append(tuple(acc))
            return True
        left = digits_after[i]
        if left < n - k or left > (n - k) * MAX_DIGITS:
            return True
        steps += 1
        if steps > limit:
            return False
        last = i + 1 if run[i] == "0" else min(L, i + MAX_DIGITS)
        e = i + 1
        while e <= last and run[e - 1] not in _SPACE:
            acc.append((int(run[i:e]), i, e))
            ok = rec(e)
            acc.pop()
            if not ok:
                return False
            e += 1
        return True

    if not rec(0):
        return []
    return out


def _marker(label: str) -> str | None:
    m = _MARKER.match(label)
    return m.group(0) if m else None


@dataclass
class GluedRow:
    key: str
    run: str  # the digit run as the text has it
    start: int  # normalized offset of the run
    label_start: int  # normalized offset where the row's label words start
    found: list[Reading] = field(default_factory=list)


def _squeeze(text: str, lo: int, hi: int) -> Tokens:
    pos = [i for i in range(lo, hi) if text[i] not in _SPACE]
    return Tokens("".join(text[i] for i in pos), pos)


def _run_after(text: str, a: int, b: int, next_marker: str | None) -> tuple[str, int] | None:
    """The figures of a row whose label ends at offset a and whose next row starts at b:
    the first run of digits there, less the next row's item number glued to its end."""
    m = _RUN.search(text, a, b)
    if m is None:
        return None
    run = m.group(0).rstrip(_SPACE)
    end = m.start() + len(run)
    after = text[end : end + 1]
    if after and after in ".、．":  # the next item's marker: "…0000002.其他法律…"
        num = (next_marker or "").rstrip(".、．")
        if not num.isdigit() or not run.endswith(num):
            return None
        run = run[: -len(num)].rstrip(_SPACE)
    if not run:
        return None
    return run, m.start()


def glued_table3(text: str, lo: int, hi: int, name: str) -> Table3 | None:
    """Table 三 read from glued text between normalized offsets lo and hi, or None."""
    tok = _squeeze(text, lo, hi)
    anchors = chain(find_anchors(tok, T3_PATTERN, T3_KEYS, 0, len(tok.label)))
    keys = {a.key for a in anchors}
    if "new" not in keys or len(anchors) < 8:
        return None
    layout = "2021" if any(k in keys for k in T3_GROUP_ITEMS["other"]) else "2019"
    layout_rows = T3_ROWS_2021 if layout == "2021" else T3_ROWS_2019
    rows: dict[str, GluedRow] = {}
    for i, a in enumerate(anchors):
        key = a.key
        if layout == "2019" and key == "other":
            key = T3_OTHER_2019
        if key not in layout_rows or key in rows:
            continue
        end = tok.pos[a.lend - 1] + 1
        nxt = anchors[i + 1] if i + 1 < len(anchors) else None
        b = tok.pos[nxt.li] if nxt else hi
        marker = _marker(T3_BY_KEY[nxt.key].label) if nxt else None
        got = _run_after(text, end, b, marker)
        if got is None:
            continue
        run, at = got
        row = GluedRow(key, run, at, a.start)
        row.found = readings(run, 7, 7)
        rows[key] = row
    if sum(1 for r in rows.values() if r.found) < 4:
        return None
    return _solve3(rows, layout, layout_rows, name)


def _parts_rows(layout: str) -> list[str]:
    other = [T3_OTHER_2019] if layout == "2019" else T3_GROUP_ITEMS["other"]
    return (
        ["granted", "partial"]
        + T3_GROUP_ITEMS["denied"]
        + T3_GROUP_ITEMS["unable"]
        + T3_GROUP_ITEMS["not_processed"]
        + other
    )


def _joint(rows: dict[str, GluedRow], layout: str) -> dict[str, list[Reading]] | None:
    """The readings of each row that some choice for the other rows fits, by the column sums.

    None when the combinations are too many to check or none fits (the row sums alone
    then decide).
    """
    keys = [k for k, r in rows.items() if r.found]
    combos = 1
    for k in keys:
        combos *= len(rows[k].found)
    if combos > MAX_JOINT:
        return None
    parts = _parts_rows(layout)
    balance = all(
        k in rows and rows[k].found for k in ("new", "carried_over", "total", "carried_forward")
    )
    with_parts = "total" in keys and all(k in keys for k in parts)
    if not balance and not with_parts:
        return None
    keep: dict[str, set[int]] = {k: set() for k in keys}
    choices = [range(len(rows[k].found)) for k in keys]
    index = {k: i for i, k in enumerate(keys)}
    for pick in itertools.product(*choices):

        def col(k: str, c: int) -> int:
            return rows[k].found[pick[index[k]]][c][0]

        ok = True
        for c in range(7):
            if balance and col("new", c) + col("carried_over", c) != col("total", c) + col(
                "carried_forward", c
            ):
                ok = False
                break
            if with_parts and col("total", c) != sum(col(p, c) for p in parts):
                ok = False
                break
        if ok:
            for k in keys:
                keep[k].add(pick[index[k]])
    if not any(keep.values()):
        return None
    return {k: [rows[k].found[i] for i in sorted(keep[k])] for k in keys}


def _cells(found: list[Reading], n: int) -> list[tuple[int, int, int] | None]:
    """Each cell's (value, start, end) where every reading agrees on its value, else None."""
    out: list[tuple[int, int, int] | None] = []
    for c in range(n):
        vals = {r[c][0] for r in found}
        spans = {r[c][1:] for r in found}
        if len(vals) != 1:
            out.append(None)
        elif len(spans) == 1:
            out.append(found[0][c])
        else:
            out.append((found[0][c][0], -1, -1))
    return out


def _solve3(rows: dict[str, GluedRow], layout: str, layout_rows: list[str], name: str) -> Table3:
    from .template import t3_columns, t3_row_label

    joint = _joint(rows, layout)
    t = Table3(
        layout,
        t3_columns(None),
        list(layout_rows),
        {k: [None] * 7 for k in layout_rows},
        {k: [None] * 7 for k in layout_rows},
        {},
        "glued",
    )
    for k in layout_rows:
        r = rows.get(k)
        if r is None:
            t.flags[k] = "row label or its figures not found in the glued text"
            continue
        t.where[k] = (r.label_start, r.start + len(r.run))
        found = joint.get(k, r.found) if joint else r.found
        if not found:
            t.flags[k] = f"glued digits {r.run!r}: no split into 7 figures adds up; left empty"
            t.issues.append(
                Issue(
                    "warning",
                    "table-glued-unread",
                    f"{name}: table 三 row {t3_row_label(k)}: the glued digits {r.run!r} "
                    f"have no split into 7 figures whose 总计 is their sum; left empty",
                )
            )
            continue
        cells = _cells(found, 7)
        for c, cell in enumerate(cells):
            if cell is None:
                continue
            t.grid[k][c] = cell[0]
            span = (r.start + cell[1], r.start + cell[2]) if cell[1] >= 0 else None
            t.spans[k][c] = span or (r.start, r.start + len(r.run))
        unsure = [c for c, cell in enumerate(cells) if cell is None]
        how = "the table's sums" if joint else "the row's sum"
        if unsure:
            shown = " / ".join("|".join(str(v) for v, _, _ in f) for f in found[:3])
            t.flags[k] = (
                f"glued digits {r.run!r}: {len(found)} readings fit {how} ({shown}); "
                f"cells that differ between them are left empty"
            )
            t.issues.append(
                Issue(
                    "warning",
                    "table-glued-ambiguous",
                    f"{name}: table 三 row {t3_row_label(k)}: the glued digits {r.run!r} "
                    f"can be read {len(found)} ways that fit {how} ({shown}); "
                    f"{len(unsure)} cell(s) left empty rather than picked",
                )
            )
        else:
            t.flags[k] = f"split from glued digits {r.run!r}: the only reading that fits {how}"
    return t


@dataclass
class Glued4:
    grid: dict[str, list[int | float | None]]
    spans: dict[str, list[tuple[int, int] | None]]
    where: tuple[int, int]
    flags: dict[str, str]
    issues: list[Issue]


def glued_table4(text: str, lo: int, hi: int, name: str) -> Glued4 | None:
    """Table 四 from glued text: the fifteen figures right after the last 尚未审结总计 header."""
    from .template import T4_ROWS

    start = _T4_START.search(text, lo, hi)
    if start is None:
        return None
    heads = list(_T4_HEAD.finditer(text, start.start(), hi))
    if len(heads) < 2:
        return None
    m = _RUN.match(text, heads[-1].end())
    if m is None:
        rest = text[heads[-1].end() : heads[-1].end() + 2]
        m = _RUN.match(text, heads[-1].end() + len(rest) - len(rest.lstrip(_SPACE)))
    if m is None:
        return None
    run = m.group(0).rstrip(_SPACE)
    found = readings(run, 15, 5)
    grid: dict[str, list[int | float | None]] = {k: [None] * 5 for k, _ in T4_ROWS}
    spans: dict[str, list[tuple[int, int] | None]] = {k: [None] * 5 for k, _ in T4_ROWS}
    where = (start.start(), m.start() + len(run))
    if not found:
        msg = f"glued digits {run!r}: no split into 15 figures adds up; left empty"
        flags = {k: msg for k, _ in T4_ROWS}
        return Glued4(
            grid,
            spans,
            where,
            flags,
            [Issue("warning", "table-glued-unread", f"{name}: table 四: {msg}")],
        )
    cells = _cells(found, 15)
    flags: dict[str, str] = {}
    issues: list[Issue] = []
    for i, (k, label) in enumerate(T4_ROWS):
        part = cells[i * 5 : i * 5 + 5]
        for c, cell in enumerate(part):
            if cell is not None:
                grid[k][c] = cell[0]
                spans[k][c] = (m.start() + cell[1], m.start() + cell[2]) if cell[1] >= 0 else where
        if None in grid[k]:
            flags[k] = (
                f"glued digits {run!r}: {len(found)} readings fit the sums; "
                "cells that differ are left empty"
            )
        else:
            flags[k] = f"split from glued digits {run!r}: the only reading whose 总计 are the sums"
    if len(found) > 1 and any(None in g for g in grid.values()):
        issues.append(
            Issue(
                "warning",
                "table-glued-ambiguous",
                f"{name}: table 四: the glued digits {run!r} can be read {len(found)} ways "
                f"that fit its sums; the cells that differ are left empty rather than picked",
            )
        )
    return Glued4(grid, spans, where, flags, issues)
