"""Table 三 rows whose figures stand apart from their labels, placed by the template's order.

PDF extraction of a ruled table often keeps the figures of a row as a row of cells but
puts its label, broken over lines, somewhere else: `| 0 | 0 | 0 | 0 | 0 | 0 | 0 |` follows
the labelled row `| （一）予以公开 | 9 | … |`, while （二）部分公开 stands as loose text, and
loose labels then come out of order. So here only a label inside a row's own cells names
that row. Rows of figures without one are given, in order, to the template rows between
the two labelled rows around them, and only where their numbers match. The result stands
only if the table's identities then hold: no check fails, and in every column the balance
(一+二 = (七)+四) or the parts sum ((七) = the items) passes.
"""

from __future__ import annotations

from ..issues import Issue
from .checks import FAIL, PASS, table3_checks
from .template import T3_GROUP_ITEMS, T3_ROWS_2021, t3_columns, t3_row_label
from .three import T3_KEYS, T3_PATTERN, Table3
from .tokens import Run, Tokens, Value, own_keys

NCOLS = 7
PLACED = (
    "placed by the template's row order (its label stands apart from its figures); "
    "the table's sums hold"
)


def _own_label(tok: Tokens, run: Run) -> str | None:
    """The data row a row of cells names in its own label cells, if exactly one."""
    keys = own_keys(tok, run, T3_PATTERN, T3_KEYS)
    data = [k for k in keys if k in T3_ROWS_2021]
    return data[-1] if data and len(set(data)) == 1 else None


def _values(run: Run) -> list[Value] | None:
    vals = run.values
    if len(vals) < NCOLS and len(vals) + run.trailing >= NCOLS:
        vals = vals + [Value(None, run.end, run.end)] * (NCOLS - len(vals))
    return vals if len(vals) == NCOLS else None


def read_by_order(tok: Tokens, lo: int, hi: int, name: str) -> Table3 | None:
    """Table 三 from the rows of cells between normalized offsets lo and hi, or None."""
    runs = [r for r in tok.runs if r.cells and lo <= r.start < hi]
    if not any(
        tok.label_index(r.line_start) == tok.label_index(r.start) and _values(r) is not None
        for r in runs
    ):
        return None  # every row of cells has label text of its own: nothing to place by order
    seq: list[tuple[str | None, Run, list[Value]]] = []
    for r in runs:
        if r.start < lo or r.start >= hi or not r.cells:
            continue
        vals = _values(r)
        if vals is not None:
            seq.append((_own_label(tok, r), r, vals))
    labelled = [i for i, (k, _, _) in enumerate(seq) if k]
    if len(labelled) < 4 or len(labelled) == len(seq):
        return None
    keys = [seq[i][0] for i in labelled]
    layout = "2021" if any(k in T3_GROUP_ITEMS["other"] for k in keys) else None
    if layout is None:
        return None  # the 2019 layout's one (六) row is not told apart here
    rows = list(T3_ROWS_2021)
    order = {k: i for i, k in enumerate(rows)}
    if any(order[a] >= order[b] for a, b in zip(keys, keys[1:])):
        return None  # labelled rows out of the template's order
    plan: dict[str, tuple[Run, list[Value], bool]] = {}
    for i in labelled:
        plan[seq[i][0]] = (seq[i][1], seq[i][2], False)
    bounds = [-1, *labelled, len(seq)]
    for a, b in zip(bounds, bounds[1:]):
        group = seq[a + 1 : b]
        if not group:
            continue
        ka = seq[a][0] if a >= 0 else None
        kb = seq[b][0] if b < len(seq) else None
        lo_row = order[ka] + 1 if ka else 0
        hi_row = order[kb] if kb else len(rows)
        missing = rows[lo_row:hi_row]
        if len(missing) != len(group):
            return None
        for k, (_, run, vals) in zip(missing, group):
            plan[k] = (run, vals, True)
    grid = {k: [None] * NCOLS for k in rows}
    for k, (_, vals, _) in plan.items():
        grid[k] = [v.value for v in vals]
    columns = t3_columns(None)
    checks = table3_checks(grid, rows, columns)
    sums = [c for c in checks if c["check"] in ("t3_balance", "t3_total_parts")]
    if any(c["status"] == FAIL for c in checks):
        return None
    confirmed = {c["cells"][0].split(":")[2] for c in sums if c["status"] == PASS}
    if len(confirmed) < NCOLS:
        return None  # a column no sum confirms: the order alone is not enough
    t = Table3("2021", columns, rows, grid, {k: [None] * NCOLS for k in rows}, {}, "cells")
    for k, (run, vals, by_order) in plan.items():
        t.spans[k] = [(v.start, v.end) for v in vals]
        t.where[k] = (run.line_start, run.line_end)
        if by_order:
            t.flags[k] = PLACED
    n = sum(1 for _, _, o in plan.values() if o)
    t.issues.append(
        Issue(
            "info",
            "table-row-by-order",
            f"{name}: table 三 has {n} rows of figures apart from their labels "
            f"({', '.join(t3_row_label(k) for k, v in plan.items() if v[2])}); {PLACED}",
        )
    )
    return t


def drop_mislabelled(t: Table3, tok: Tokens, name: str) -> None:
    """Empty the rows whose figures came from a row of cells that names another row.

    A loose label above a row (a PDF's broken label text) can take the figures that follow
    it, though the row holding them names its own label in its cells; those figures are
    not the loose label's, so they are left empty and reported, never shifted.
    """
    if t.placement != "cells" or not t.issues:
        return  # a table read cleanly has no loose label that took another row's figures
    by_line = {r.line_start: r for r in tok.runs if r.cells}
    for k in t.rows:
        where = t.where.get(k)
        run = by_line.get(where[0]) if where else None
        if run is None or all(v is None for v in t.grid[k]):
            continue
        own = _own_label(tok, run)
        if own is None or own == k:
            continue
        t.grid[k] = [None] * len(t.grid[k])
        t.spans[k] = [None] * len(t.spans[k])
        t.flags[k] = f"its figures stand on the row labelled {t3_row_label(own)}; not placed"
        t.issues.append(
            Issue(
                "warning",
                "table-row-mislabelled",
                f"{name}: table 三 row {t3_row_label(k)} would take the figures of the row "
                f"labelled {t3_row_label(own)}; left empty rather than shifted",
            )
        )
