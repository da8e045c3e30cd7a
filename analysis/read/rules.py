"""Tables from ruling lines: where the rules of a page cross, the cells they enclose.

Used for PDF pages (the rules are the page's thin path objects) and for page images (rules
found by morphology). Rows and columns are the distinct rule positions; two neighbouring
positions with no rule between them are one merged cell. A table cut by a page break has
no rule along the cut: where the vertical rules run on past the last horizontal one, the
end of the vertical rules closes the table, so the row standing there is not lost.

>>> hs = [(0, 0, 80), (40, 0, 80), (80, 0, 80)]  # three rules across: two rows
>>> vs = [(0, 0, 80), (40, 40, 80), (80, 0, 80)]  # the middle one only in the lower row
>>> [(bbox, cells)] = tables_from_rules(hs, vs)
>>> bbox, [tuple(int(v) for v in c) for c in sorted(cells)]
((0.0, 0.0, 80.0, 80.0), [(0, 0, 80, 40), (0, 40, 40, 80), (40, 40, 80, 80)])
"""

from __future__ import annotations

Box = tuple[float, float, float, float]


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _find(parent: list[int], a: int) -> int:
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


def tables_from_rules(hs: list, vs: list, tol: float = 2.0) -> list[tuple[Box, list[Box]]]:
    """(bbox, cells) of each ruled table, top to bottom; cells as (x0, top, x1, bottom).

    `hs` are horizontal rules (y, x0, x1), `vs` vertical ones (x, y0, y1). A table is a
    set of rules that cross each other; `tol` is how far apart two rule ends may be and
    still meet (a border's width).
    """
    hs = [tuple(h) for h in hs]
    vs = [tuple(v) for v in vs]
    parent = list(range(len(hs) + len(vs)))
    slack = 3 * tol
    n_h = len(hs)
    for i, (y, x0, x1) in enumerate(hs):
        for j, (x, y0, y1) in enumerate(vs):
            if x0 - slack <= x <= x1 + slack and y0 - slack <= y <= y1 + slack:
                parent[_find(parent, i)] = _find(parent, n_h + j)
    # a rule drawn in pieces (one per cell) is one rule: pieces that meet end to end
    for segs, base in ((hs, 0), (vs, n_h)):
        order = sorted(range(len(segs)), key=lambda k: (round(segs[k][0] / slack), segs[k][1]))
        for a, b in zip(order, order[1:]):
            sa, sb = segs[a], segs[b]
            if abs(sa[0] - sb[0]) <= tol and sa[1] - slack <= sb[1] <= sa[2] + slack:
                parent[_find(parent, base + a)] = _find(parent, base + b)
    groups: dict[int, list[int]] = {}
    for i in range(len(parent)):
        groups.setdefault(_find(parent, i), []).append(i)
    # a column cut by a page break may be a lone vertical rule beside the table, as tall
    # as it: it is the table's edge
    tall = {g: (min(vs[i - n_h][1] for i in m), max(vs[i - n_h][2] for i in m))
            for g, m in groups.items() if all(i >= n_h for i in m)}  # fmt: skip
    for g, m in list(groups.items()):
        if g in tall or not any(i >= n_h for i in m):
            continue
        top = min(vs[i - n_h][1] for i in m if i >= n_h)
        bottom = max(vs[i - n_h][2] for i in m if i >= n_h)
        for lone, (a, b) in list(tall.items()):
            if abs(a - top) <= slack and abs(b - bottom) <= slack and lone in groups:
                m += groups.pop(lone)
                del tall[lone]
    found = []
    for members in groups.values():
        h_in = [hs[i] for i in members if i < len(hs)]
        v_in = [vs[i - len(hs)] for i in members if i >= len(hs)]
        if len(h_in) < 1 or len(v_in) < 2:
            continue
        # a rule between two merged cells touches no vertical one: it belongs to the table
        # whose area it stands in
        x0, x1 = min(v[0] for v in v_in) - slack, max(v[0] for v in v_in) + slack
        y0, y1 = min(v[1] for v in v_in) - slack, max(v[2] for v in v_in) + slack
        h_in = [h for h in hs if y0 <= h[0] <= y1 and x0 <= (h[1] + h[2]) / 2 <= x1]
        v_in = [v for v in vs if x0 <= v[0] <= x1 and y0 <= (v[1] + v[2]) / 2 <= y1]
        if not h_in or len(v_in) < 2:
            continue
        ys = _cluster([h[0] for h in h_in], 2 * tol)
        xs = _cluster([v[0] for v in v_in], 2 * tol)
        # a table cut by a page break: the vertical rules run on past the last rule across
        top, bottom = min(v[1] for v in v_in), max(v[2] for v in v_in)
        if ys[0] - top > 4 * tol:
            ys.insert(0, top)
        if bottom - ys[-1] > 4 * tol:
            ys.append(bottom)
        if len(xs) < 2 or len(ys) < 2:
            continue
        cells = _merged_cells(xs, ys, v_in, h_in, slack, tol)
        found.append(((xs[0], ys[0], xs[-1], ys[-1]), cells))
    return sorted(found, key=lambda t: t[0][1])


def _merged_cells(xs, ys, vsegs, hsegs, slack: float, tol: float) -> list[Box]:
    """The cells of a ruled grid: neighbours with no rule between them are one cell."""
    n_r, n_c = len(ys) - 1, len(xs) - 1
    parent = list(range(n_r * n_c))

    def v_rule(x: float, y: float) -> bool:
        return any(abs(vx - x) <= slack and y0 - tol <= y <= y1 + tol for vx, y0, y1 in vsegs)

    def h_rule(y: float, x: float) -> bool:
        return any(abs(hy - y) <= slack and x0 - tol <= x <= x1 + tol for hy, x0, x1 in hsegs)

    for r in range(n_r):
        ym = (ys[r] + ys[r + 1]) / 2
        for c in range(n_c):
            xm = (xs[c] + xs[c + 1]) / 2
            if c + 1 < n_c and not v_rule(xs[c + 1], ym):
                parent[_find(parent, r * n_c + c)] = _find(parent, r * n_c + c + 1)
            if r + 1 < n_r and not h_rule(ys[r + 1], xm):
                parent[_find(parent, r * n_c + c)] = _find(parent, (r + 1) * n_c + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_r):
        for c in range(n_c):
            groups.setdefault(_find(parent, r * n_c + c), []).append((r, c))
    cells = []
    for members in groups.values():
        rs = [m[0] for m in members]
        cs = [m[1] for m in members]
        cells.append((xs[min(cs)], ys[min(rs)], xs[max(cs) + 1], ys[max(rs) + 1]))
    return cells
