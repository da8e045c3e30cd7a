"""Table 三 (收到和处理政府信息公开申请情况): every row and column, or an honest gap.

Rows are found by their labels in template order, so a label broken over lines, a
rowspan label repeated on every row, or a group label written only once all read the
same. Each row's figures are the ones that follow its label. Figures are never moved to
make a row fit: a row with too few or too many figures is left empty and reported,
except where the text simply stops (a table cut off), where the figures present keep
their places and the rest stay empty. When a PDF has put all labels first and all
figures after them, the figures are placed by the template's row order only if the
table's own identities then hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..issues import Issue
from .template import (
    SUBTOTAL_PATTERN,
    T3_BY_KEY,
    T3_GROUP_ITEMS,
    T3_GROUPS,
    T3_INDEX,
    T3_OTHER_2019,
    T3_ROWS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    t3_columns,
    t3_row_label,
)
from .tokens import (
    MARKER,
    Anchor,
    Owned,
    Run,
    Tokens,
    Value,
    alternation,
    assign,
    chain,
    extend_to_markers,
    find_anchors,
)

T3_PATTERN = alternation([r.pattern for r in T3_ROWS])
T3_KEYS = [r.key for r in T3_ROWS]


@dataclass
class RowFigures:
    key: str
    values: list[Value]
    runs: list[Run]
    anchor: Anchor | None
    cells: bool  # read from a pipe/tab row
    from_group: bool = False  # figures standing under a group label such as (三)不予公开


@dataclass
class Table3:
    layout: str | None  # "2019", "2021" or None when the table stops before (六)
    columns: list[tuple[str, str]]
    rows: list[str]  # row keys in template order, subtotal rows included
    grid: dict[str, list[int | float | None]]  # row key -> one value per column
    spans: dict[str, list[tuple[int, int] | None]]  # row key -> where each figure stands
    where: dict[str, tuple[int, int]]  # row key -> evidence span (the row as the text has it)
    placement: str  # "cells", "stream" or "block"
    subtotal_rows: bool = False
    subtotal_column: bool = False
    issues: list[Issue] = field(default_factory=list)
    flags: dict[str, str] = field(
        default_factory=dict
    )  # row key -> why its figures are missing or doubtful
    first_li: int = 0  # label index of its first row label


def _subtotal_anchors(tok: Tokens, chained: list[Anchor], lo: int, hi: int) -> list[Anchor]:
    """小计 rows, each given to the group whose label or items come just before it."""
    out = []
    for m in SUBTOTAL_PATTERN.finditer(tok.label, lo, hi):
        before = [a for a in chained if a.li <= m.start()]
        if not before:
            continue
        last = before[-1]
        group = last.key if last.key in T3_GROUPS else T3_BY_KEY[last.key].group
        # a 小计 row stands right under its group's label or after its last item, not between items
        if group and not (last.key == group or last.key == T3_GROUP_ITEMS[group][-1]):
            group = None
        key = f"{group}_subtotal" if group else "unknown_subtotal"
        out.append(Anchor(key, -1, tok.pos[m.start()], tok.pos[m.end() - 1] + 1, m.start()))
    return out


def _header_subtotal(header: str) -> int | None:
    """Where the 法人或其他组织 小计 column stands, from the header text (None: no such column)."""
    i = header.find("小计")
    if i < 0:
        return None
    j = header.find("商业企业")
    return 1 if 0 <= i < j else 6


def read_table3(
    tok: Tokens,
    lo: int,
    hi: int,
    hi_offset: int,
    reaches_end: bool,
    layout_hint: str | None,
    name: str,
) -> Table3 | None:
    """Table 三 from the label text between indexes lo and hi (hi_offset: the same end as a
    text offset).

    None when there is no table there (a few row names in a sentence are not one).
    """
    chained = chain(find_anchors(tok, T3_PATTERN, T3_KEYS, lo, hi, marks=True))
    extend_to_markers(tok, chained, lo)
    data_found = [a for a in chained if T3_BY_KEY[a.key].data]
    if len(chained) < 2 or (not any(a.key == "new" for a in chained) and len(data_found) < 4):
        return None
    first = chained[0]
    all_anchors = sorted(
        chained + _subtotal_anchors(tok, chained, first.li, hi), key=lambda a: a.li
    )
    figs, stray = _row_figures(tok, all_anchors, assign(tok, all_anchors, first.start, hi_offset))
    if len(data_found) < 10 and not any(len(f.values) >= 5 for f in figs.values()):
        return None
    keys_found = {a.key for a in chained}
    layout = _layout(figs, keys_found, layout_hint)
    if layout == "2019" and "other" in keys_found and T3_OTHER_2019 not in figs:
        other = next(a for a in chained if a.key == "other")
        figs[T3_OTHER_2019] = RowFigures(T3_OTHER_2019, [], [], other, False)
    rows = _rows(layout, figs)

    header = tok.label[max(lo, first.li - 400) : first.li]
    sub_at = _header_subtotal(header)
    counts = [len(f.values) for f in figs.values() if f.values]
    sub_unknown = sub_at is None and sum(c == 8 for c in counts) > sum(c == 7 for c in counts)
    ncols = 8 if (sub_at is not None or sub_unknown) else 7
    t = Table3(
        layout,
        [],
        rows,
        {k: [None] * ncols for k in rows},
        {k: [None] * ncols for k in rows},
        {},
        "stream",
        first_li=first.li,
    )

    with_values = [k for k in rows if k in figs and figs[k].values]
    empty_found = [k for k in rows if k in figs and not figs[k].values]
    if with_values and all(figs[k].cells for k in with_values):
        t.placement = "cells"
    last_run = max((r for f in figs.values() for r in f.runs), key=lambda r: r.end, default=None)
    cut_at_end = (
        reaches_end and last_run is not None and tok.label_index(last_run.end) >= len(tok.label)
    )
    block = t.placement == "stream" and len(empty_found) >= 3
    if block:
        t.placement = "block"
        placed = _place_block(figs, t, ncols, sub_at, sub_unknown, name)
        if placed is not None and placed != ncols:
            ncols, sub_at = placed, (6 if placed == 8 else None)
    else:
        _place_rows(figs, t, ncols, last_run if cut_at_end else None, name)
        _drop_unsure_subtotals(figs, t, ncols, name)
        if sub_unknown:
            sub_at = _resolve_subtotal_column(t, name)
    t.columns = t3_columns((6 if sub_at is None else sub_at) if ncols == 8 else None)
    t.subtotal_rows = any(k.endswith("_subtotal") for k in t.rows)
    t.subtotal_column = ncols == 8
    _report_gaps(t, figs, stray, empty_found if not block else [], cut_at_end or reaches_end, name)
    return t


def _row_figures(
    tok: Tokens, anchors: list[Anchor], owned: dict[int, Owned]
) -> tuple[dict[str, RowFigures], list[Run]]:
    """The figures of each row, by the label they follow; figures no row can own are stray."""
    figs: dict[str, RowFigures] = {}
    stray: list[Run] = []
    has_other_items = any(a.key in T3_GROUP_ITEMS["other"] for a in anchors)
    for i, a in enumerate(anchors):
        o = owned[i]
        stray.extend(o.stray)
        if not o.runs:
            if a.key in T3_BY_KEY and T3_BY_KEY[a.key].data:
                figs.setdefault(a.key, RowFigures(a.key, [], [], a, False))
            continue
        key = a.key
        if key in T3_GROUPS:
            if MARKER.search(tok.label, a.lend, max(a.lend, tok.label_index(o.runs[0].start))):
                # "(六)其他处理 1.申请人无正当理由 …figures": an item whose words were not
                # recognised
                stray.extend(o.runs)
                continue
            # figures on a group's own line: its subtotal, or in 2019 the one (六)其他处理 row
            key = T3_OTHER_2019 if key == "other" and not has_other_items else f"{key}_subtotal"
        elif key in ("results", "unknown_subtotal") or (key in figs and figs[key].values):
            stray.extend(o.runs)
            continue
        vals = [v for r in o.runs for v in r.values]
        figs[key] = RowFigures(
            key, vals, o.runs, a, all(r.cells for r in o.runs), a.key in T3_GROUPS
        )
    return figs, stray


def _layout(figs: dict[str, RowFigures], keys_found: set[str], hint: str | None) -> str | None:
    """2021 splits (六)其他处理 into three rows; 2019 has it as one. None: the table stops
    before it."""
    if any(k in keys_found for k in T3_GROUP_ITEMS["other"]):
        return "2021"
    if T3_OTHER_2019 in figs or "other" in keys_found:
        return "2019"
    return hint if hint in ("2019", "2021") else None


def _rows(layout: str | None, figs: dict[str, RowFigures]) -> list[str]:
    """The layout's rows in template order, with the 小计 rows the report has after their items."""
    base = (
        T3_ROWS_2021
        if layout == "2021"
        else T3_ROWS_2019
        if layout == "2019"
        else [k for k in T3_ROWS_2021 if not k.startswith("other")]
    )
    rows: list[str] = []
    for k in base:
        rows.append(k)
        g = T3_BY_KEY[k].group if k in T3_BY_KEY else "other" if k == T3_OTHER_2019 else None
        items = T3_GROUP_ITEMS[g] if g and k != T3_OTHER_2019 else [T3_OTHER_2019] if g else []
        if g and items[-1] == k and f"{g}_subtotal" in figs:
            rows.append(f"{g}_subtotal")
    return rows


def _place_rows(
    figs: dict[str, RowFigures], t: Table3, ncols: int, cut_run: Run | None, name: str
) -> None:
    """Each row's figures into its cells, when their number fits; a cut-off last row keeps
    what it has."""
    for k in t.rows:
        f = figs.get(k)
        if f is None or not f.values:
            continue
        vals = f.values
        last = f.runs[-1]
        ev = (
            (f.runs[0].line_start, last.line_end)
            if f.cells
            else (f.anchor.start if f.anchor else f.runs[0].start, last.end)
        )
        t.where[k] = ev
        if f.cells and len(vals) > ncols:
            # empty cells in front of the figures (a label column left blank) hold no place
            lead = 0
            while lead < len(vals) - ncols and vals[lead].value is None:
                lead += 1
            vals = vals[lead:]
        n = len(vals)
        if f.cells and n < ncols and len(f.runs) == 1 and n + last.trailing >= ncols:
            # the row's last cells are printed empty: they keep their places, empty
            vals = vals + [Value(None, last.end, last.end)] * (ncols - n)
            n = ncols
        if n == ncols or (n < ncols and last is cut_run):
            t.grid[k][:n] = [v.value for v in vals]
            t.spans[k][:n] = [(v.start, v.end) for v in vals]
            if n < ncols:
                t.flags[k] = f"row cut off after {n} of {ncols} figures"
                t.issues.append(
                    Issue(
                        "warning",
                        "table-cut-off",
                        f"{name}: table 三 row {t3_row_label(k)} stops after {n} of "
                        f"{ncols} figures (the text ends there); the rest are left empty",
                    )
                )
        else:
            t.flags[k] = f"{n} figures for {ncols} columns; not placed"
            t.issues.append(
                Issue(
                    "warning",
                    "table-row-count",
                    f"{name}: table 三 row {t3_row_label(k)} has {n} figures "
                    f"({_show(vals)}) for {ncols} columns; left empty rather than guessed",
                )
            )


def _report_gaps(
    t: Table3,
    figs: dict[str, RowFigures],
    stray: list[Run],
    empty_found: list[str],
    may_be_cut: bool,
    name: str,
) -> None:
    """Say what was not placed: stray figures, rows with no figures, rows the text never reaches."""
    for r in stray:
        t.issues.append(
            Issue(
                "warning",
                "table-stray-row",
                f"{name}: table 三 has figures ({_show(r.values)}) under a label the "
                f"template does not have; not placed",
            )
        )
    for k in empty_found:
        if k not in t.flags:
            t.flags[k] = "row label found but no figures after it"
            t.issues.append(
                Issue(
                    "warning",
                    "table-row-empty",
                    f"{name}: table 三 row {t3_row_label(k)} has no figures; left empty",
                )
            )
    last_found = max((T3_INDEX.get(k, -1) for k in figs if figs[k].values), default=-1)
    missing = [k for k in t.rows if k not in figs and not k.endswith("_subtotal")]
    after_cut = [k for k in missing if T3_INDEX.get(k, -1) > last_found] if may_be_cut else []
    skipped = [k for k in missing if k not in after_cut]
    for k in after_cut:
        t.flags[k] = "the text ends before this row"
    for k in skipped:
        t.flags.setdefault(k, "row label not found")
    if after_cut:
        t.issues.append(
            Issue(
                "warning",
                "table-cut-off",
                f"{name}: table 三 is cut off: the text ends before {len(after_cut)} "
                f"of its rows ({t3_row_label(after_cut[0])} onwards); their figures are "
                f"left empty",
            )
        )
    if skipped:
        t.issues.append(
            Issue(
                "warning",
                "table-row-missing",
                f"{name}: table 三 rows not found: "
                f"{', '.join(t3_row_label(k) for k in skipped)}; left empty",
            )
        )
    if t.layout is None:
        t.issues.append(
            Issue(
                "info",
                "table-layout-unknown",
                f"{name}: table 三 stops before (六)其他处理, so its layout "
                f"(2019 or 2021) cannot be told from it",
            )
        )


def _show(values: list[Value]) -> str:
    return " ".join("·" if v.value is None else _fmt(v.value) for v in values)


def _drop_unsure_subtotals(figs: dict[str, RowFigures], t: Table3, ncols: int, name: str) -> None:
    """Figures after a group label in a stream are its subtotal only if they are the sum of its
    items.

    In a stream, figures that follow (四)无法提供 may just as well be the previous row's,
    when that row's label was not recognised; a subtotal that does not add up is dropped.
    """
    grid = t.grid
    for k in [r for r in t.rows if r.endswith("_subtotal")]:
        f = figs.get(k)
        if f is None or f.cells or not f.from_group:
            continue
        items = T3_GROUP_ITEMS[k[: -len("_subtotal")]]
        sums_ok = (
            all(grid.get(i) is not None and None not in grid[i] for i in items)
            and None not in grid[k]
            and all(abs(sum(grid[i][c] for i in items) - grid[k][c]) < 1e-6 for c in range(ncols))
        )
        if sums_ok:
            continue
        t.issues.append(
            Issue(
                "warning",
                "table-stray-row",
                f"{name}: table 三 has figures ({_show(f.values)}) right after the "
                f"label {t3_row_label(k[: -len('_subtotal')])} that are not the sum "
                f"of its items, so whose they are is unclear; not placed",
            )
        )
        t.rows.remove(k)
        for d in (t.grid, t.spans, t.where, t.flags):
            d.pop(k, None)


def _fmt(v: int | float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def _resolve_subtotal_column(t: Table3, name: str) -> int | None:
    """With 8 figures a row and no header, the 法人或其他组织 小计 column is wherever it adds up."""
    grid, rows = t.grid, t.rows
    fits = []
    for at in (6, 1):
        ok = True
        for k in rows:
            v = grid[k]
            if any(x is None for x in v):
                continue
            others = [v[i] for i in range(1, 7) if i != at]
            if abs(sum(others) - v[at]) > 1e-6:
                ok = False
                break
        fits.append(ok)
    if fits[1] and not fits[0]:
        for k in rows:  # move the subtotal from the second place to the seventh
            for d in (t.grid, t.spans):
                v = d[k]
                d[k] = [v[0], *v[2:7], v[1], v[7]]
        return 6
    if fits[0] and (not fits[1] or all(None in grid[k] or grid[k][1] == grid[k][6] for k in rows)):
        return 6  # either it adds up only there, or both places hold the same figures
    t.issues.append(
        Issue(
            "warning",
            "table-subtotal-column",
            f"{name}: table 三 has 8 figures a row but no header saying where "
            f"the 法人或其他组织 小计 column stands, and the sums do not tell; "
            f"left empty",
        )
    )
    for k in rows:
        t.grid[k], t.spans[k] = [None] * 8, [None] * 8
        t.flags.setdefault(k, "the 法人或其他组织 小计 column cannot be told apart; not placed")
    return None


def _place_block(
    figs: dict[str, RowFigures],
    t: Table3,
    ncols: int,
    sub_at: int | None,
    sub_unknown: bool,
    name: str,
) -> int | None:
    """All labels first, all figures after: place by row order only if the identities then hold.

    Returns the number of columns placed, or None when the figures were refused.
    """
    from .checks import table3_checks

    rows = t.rows
    vals = [
        v
        for f in sorted(figs.values(), key=lambda f: f.runs[0].start if f.runs else 0)
        for r in f.runs
        for v in r.values
    ]
    present = [k for k in rows if k in figs]
    n_rows = len(present)
    widths = [8] if (sub_at is not None or sub_unknown) else [7, 8]
    fits: list[tuple[int, dict[str, list], dict[str, list]]] = []
    for nc in widths:
        if len(vals) != n_rows * nc:
            continue
        for at in ([sub_at] if sub_at is not None else [6, 1]) if nc == 8 else [None]:
            for order in ("rows", "columns"):
                g: dict[str, list] = {}
                sp: dict[str, list] = {}
                for ri, k in enumerate(present):
                    idx = [ri * nc + c if order == "rows" else c * n_rows + ri for c in range(nc)]
                    if at == 1:
                        idx = [idx[0], *idx[2:7], idx[1], idx[7]]
                    g[k] = [vals[i].value for i in idx]
                    sp[k] = [(vals[i].start, vals[i].end) for i in idx]
                checks = table3_checks(g, present, t3_columns(6 if nc == 8 else None))
                if checks and all(c["status"] == "pass" for c in checks):
                    fits.append((nc, g, sp))
    distinct = {repr(sorted(g.items())) for _, g, _ in fits}
    if len(distinct) == 1:
        nc, g, sp = fits[0]
        for k in rows:
            t.grid[k], t.spans[k] = g.get(k, [None] * nc), sp.get(k, [None] * nc)
        for k in present:
            t.where[k] = (min(a for a, _ in sp[k]), max(b for _, b in sp[k]))
            t.flags[k] = (
                "placed by the template's row order (labels and figures stand apart); "
                "the table's sums hold"
            )
        return nc
    if len(distinct) > 1:
        why = "the sums hold for more than one placement"
    elif all(len(vals) != n_rows * nc for nc in widths):
        why = f"{len(vals)} figures do not make {n_rows} rows of {' or '.join(map(str, widths))}"
    else:
        why = "the table's sums do not hold when they are placed by row order"
    for k in rows:
        t.flags[k] = "flattened figures not placed: " + why
    t.issues.append(
        Issue(
            "warning",
            "table-stream-refused",
            f"{name}: table 三 is flattened (labels and figures apart) and "
            f"{why}; its {len(vals)} figures are left unplaced rather than guessed",
        )
    )
    return None
