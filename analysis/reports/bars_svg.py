"""An agency's figures by report year as bar charts written directly as SVG.

An agency page has three small bar charts. Drawn by matplotlib they cost 0.6–0.7 s a page
(text layout with the CJK font, a tight-layout pass, rasterizing), most of a page's time, so
a national corpus of 10,000 agencies spent hours on them. These charts have a fixed shape
(years along x, one to six metrics), so their layout is computed here once and written as
SVG text in about a millisecond. The text stays text: the page's CSS gives it the project's
CJK font (`html.font_face_css`), a reader can select and search the figures, and the chart
is sharp at any zoom. JupyterLab shows the same SVG as an image with the system's fonts.

The conventions are those of the other charts (`charts.py`): a figure the report does not
give is a hatched grey "缺失" box, never a zero bar; a stated zero is a coloured line on the
axis; an approximate figure (约, 余, 多) carries "≈" and a lighter, dotted fill; a title with
the unit and the source line under every chart.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Sequence

import pandas as pd

from ..metrics import label, unit
from .data import MISSING_TEXT, fmt_value

WIDTH = 900  # px, the width of a report page
PLOT_TOP = 58
PLOT_HEIGHT = 250
LEFT, RIGHT = 76, 24
MISSING_COLOR = "#d9d9d9"
NOTE_COLOR = "#555555"
FONT = (
    'font-family="Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"'
)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(s: object, limit: int | None = None) -> str:
    """Text for an SVG text node: one line, no characters XML refuses, escaped.

    >>> clean("甲局<b>\\n乙 & 丙")
    '甲局&lt;b&gt; 乙 &amp; 丙'
    >>> clean("很长的机关名称", 4)
    '很长的…'
    """
    t = "" if s is None or (isinstance(s, float) and math.isnan(s)) else str(s)
    t = " ".join(_BAD_XML.sub(" ", t).split())
    if limit and len(t) > limit:
        t = t[: limit - 1] + "…"
    return html.escape(t, quote=True)


def text_width(s: str, size: float) -> float:
    """Estimated width in px of unescaped text at `size` px: a CJK character is one em.

    >>> text_width("缺失", 12), text_width("2019", 10)
    (24.0, 24.0)
    """
    return float(sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in s))


def nice_ticks(top: float, most: int = 6) -> list[float]:
    """Integer ticks from 0 covering `top` with at most `most` steps of 1, 2 or 5 × 10^k.

    >>> nice_ticks(0.0), nice_ticks(7), nice_ticks(1234)
    ([0, 1], [0, 2, 4, 6, 8], [0, 500, 1000, 1500])
    """
    top = max(1.0, float(top))
    mag = 10 ** max(0, math.floor(math.log10(top / most)))
    for m in (1, 2, 5, 10, 20, 50):
        step = m * mag
        if top / step <= most:
            break
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def wrap(s: str, width: int = 150) -> list[str]:
    """Lines of about `width` half-width columns (a CJK character is two).

    >>> wrap("来源" * 3, 5)
    ['来源', '来源', '来源']
    """
    lines, cur, n = [], "", 0
    for ch in s:
        w = 2 if ord(ch) > 0x2E80 else 1
        if n + w > width:
            lines.append(cur)
            cur, n = "", 0
        cur += ch
        n += w
    return lines + ([cur] if cur else [])


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{v}"' for k, v in attrs.items())


def _text(x: float, y: float, s: str, size: float, **attrs: str) -> str:
    extra = _attrs(attrs)
    return f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}"{extra}>{s}</text>'


def _rect(x: float, y: float, w: float, h: float, **attrs: str) -> str:
    extra = _attrs(attrs)
    return f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"{extra}/>'


class _Canvas:
    """Coordinates of one chart: years along x as matplotlib places them, values up y."""

    def __init__(self, n_years: int, ymax: float):
        self.n, self.ymax = n_years, ymax
        self.x0, self.x1 = LEFT, WIDTH - RIGHT
        self.y0, self.y1 = PLOT_TOP, PLOT_TOP + PLOT_HEIGHT

    def x(self, data_x: float) -> float:  # xlim (-0.8, n - 0.2), as the matplotlib charts
        return self.x0 + (data_x + 0.8) / self.n * (self.x1 - self.x0)

    def w(self, data_w: float) -> float:
        return data_w / self.n * (self.x1 - self.x0)

    def y(self, v: float) -> float:
        return self.y1 - v / self.ymax * (self.y1 - self.y0)


def year_bars(
    values: pd.DataFrame,
    approx: pd.DataFrame,
    metrics: Sequence[str],
    title: str,
    colors: Sequence[str],
    stacked: bool = False,
    total: str | None = None,
    note: str = "",
    source: str = "",
) -> str:
    """One agency's metrics by report year as an SVG document (a string).

    `values` has one row per report (index: the x label, e.g. "2018") and one column per
    metric, NaN where the report does not give the figure; `approx` the same shape, True
    for an approximate figure. Grouped bars, or stacked ones (application outcomes) with
    `total` drawn as a black diamond over each stack. `title` and `note` are plain text.
    """
    metrics = list(metrics)
    years = [str(i) for i in values.index]
    n, k = len(years), len(metrics)
    width = min(0.7, 0.25 * max(1, n)) if stacked else min(0.8 / k, 0.3)
    uid = hashlib.sha1(f"{title}|{values.to_json()}|{stacked}".encode()).hexdigest()[:8]
    hatch, dots = f"m{uid}", f"a{uid}"
    nan = float("nan")
    rows = [dict(zip(metrics, r)) for r in values[metrics].to_numpy(dtype=float)]
    aprx = (
        [dict(zip(metrics, map(bool, r))) for r in approx[metrics].to_numpy()]
        if len(approx)
        else [dict.fromkeys(metrics, False) for _ in rows]
    )
    totals = list(values[total].to_numpy(dtype=float)) if total else [nan] * len(rows)
    top, partial = 0.0, []
    for year, row, tot in zip(years, rows, totals):
        given = [v for v in row.values() if not math.isnan(v)]
        if given:
            top = max(top, sum(given) if stacked else max(given))
        top = max(top, 0.0 if math.isnan(tot) else tot)
        missing = [label(m) for m in metrics if math.isnan(row[m])]
        if stacked and missing and given:
            partial.append(f"{year} 未找到" + "、".join(missing))
    # value labels over grouped bars: level while they fit between neighbouring bars, else
    # upright (a long figure over each of 17 years' bars would run into the next one)
    labels = [
        fmt_value(v, ar[m]) for row, ar in zip(rows, aprx) for m, v in row.items() if v == v
    ]  # (v == v: not NaN)
    slot = (WIDTH - LEFT - RIGHT) / max(1, n) * (width if k > 1 else 1.0)
    upright = not stacked and any(text_width(t, 12) > slot - 2 for t in labels)
    head_room = 1.18 if not upright else 1.18 + max(text_width(t, 11) for t in labels) / 250
    ticks = nice_ticks(top * head_room)
    c = _Canvas(n, max(ticks[-1], max(1.0, top) * head_room))
    body: list[str] = []
    for t in ticks:  # light grid lines and the y tick labels
        y = c.y(t)
        body.append(f'<line x1="{c.x0}" x2="{c.x1}" y1="{_num(y)}" y2="{_num(y)}" stroke="#eee"/>')
        body.append(_text(c.x0 - 6, y + 4, fmt_value(t), 13, text_anchor="end", fill="#333333"))
    u = clean(unit(metrics[0]) or "")
    body.append(_text(c.x0 - 6, c.y0 - 16, u, 13, text_anchor="end", fill="#333333"))

    def missing_box(x: float, w: float) -> None:
        px, pw = c.x(x) - c.w(w) / 2, c.w(w)
        body.append(
            _rect(px, c.y0, pw, c.y1 - c.y0, fill=f"url(#{hatch})", stroke=MISSING_COLOR).replace(
                "/>", ' class="missing"/>'
            )
        )
        cx, cy = c.x(x), (c.y0 + c.y1) / 2
        say(cx, cy, MISSING_TEXT, pw)

    def say(cx: float, cy: float, s: str, room: float) -> None:
        """Grey words centred at (cx, cy): in a line if they fit `room` px, else upright."""
        if room >= text_width(s, 12) + 2:
            body.append(_text(cx, cy + 4, s, 12, text_anchor="middle", fill="#777777"))
            return
        for i, ch in enumerate(s):  # one character above the other
            y = cy + 4 + 14 * (i - (len(s) - 1) / 2)
            body.append(_text(cx, y, ch, 12, text_anchor="middle", fill="#777777"))

    def bar(x: float, w: float, lo: float, hi: float, color: str, is_approx: bool) -> None:
        px, py, ph = c.x(x) - c.w(w) / 2, c.y(hi), c.y(lo) - c.y(hi)
        op = ' fill-opacity="0.55"' if is_approx else ""
        edge = "#ffffff" if stacked else color
        body.append(
            _rect(px, py, c.w(w), ph, fill=color, stroke=edge, stroke_width="0.6").replace(
                "/>", f'{op} class="bar"/>'
            )
        )
        if is_approx:
            body.append(_rect(px, py, c.w(w), ph, fill=f"url(#{dots})"))

    for xi, (row, arow, tot) in enumerate(zip(rows, aprx, totals)):
        if stacked:
            if all(math.isnan(v) for v in row.values()):
                if math.isnan(tot):
                    missing_box(xi, width)
                else:
                    note_, room = "无办理结果分项", c.w(1) - 4
                    tall = 14 * len(note_) + 8 if room < text_width(note_, 12) + 2 else 20
                    below, above = c.y(float(tot)) + 10, c.y(float(tot)) - 10  # the diamond
                    if c.y1 - below >= tall:
                        say(c.x(xi), (below + c.y1) / 2, note_, room)
                    elif above - c.y0 >= tall:
                        say(c.x(xi), (c.y0 + above) / 2, note_, room)
                    else:
                        say(c.x(xi), (c.y0 + c.y1) / 2, note_, room)
            bottom = 0.0
            for m, color in zip(metrics, colors):
                v = row[m]
                if math.isnan(v):
                    continue
                bar(xi, width, bottom, bottom + v, color, arow[m])
                if v > 0 and c.y(bottom) - c.y(bottom + v) >= 12:
                    mid = c.y(bottom + v / 2) + 4
                    s = fmt_value(v, arow[m])
                    body.append(_text(c.x(xi), mid, s, 11, text_anchor="middle", fill="#ffffff"))
                bottom += v
            if not math.isnan(tot):
                x, y = c.x(xi), c.y(float(tot))
                body.append(
                    f'<path d="M{_num(x)} {_num(y - 6)}l6 6-6 6-6-6z" fill="#000000" '
                    'class="total"/>'
                )
                body.append(_text(x + 11, y + 4, fmt_value(tot), 12, fill="#000000"))
        else:
            for j, (m, color) in enumerate(zip(metrics, colors)):
                x = xi + (j - (k - 1) / 2) * width
                v = row[m]
                if math.isnan(v):
                    missing_box(x, width * 0.9)
                    continue
                bar(x, width * 0.9, 0.0, v, color, arow[m])
                if v == 0:  # a stated zero: a coloured line on the axis, not an absence
                    half = c.w(width * 0.45)
                    body.append(
                        f'<line x1="{_num(c.x(x) - half)}" x2="{_num(c.x(x) + half)}" '
                        f'y1="{c.y1}" y2="{c.y1}" stroke="{color}" stroke-width="3" class="zero"/>'
                    )
                s = fmt_value(v, arow[m])
                if upright:
                    px, py = _num(c.x(x) + 4), _num(c.y(v) - 4)
                    body.append(
                        f'<text x="{px}" y="{py}" font-size="11" '
                        f'transform="rotate(-90 {px} {py})">{s}</text>'
                    )
                else:
                    body.append(_text(c.x(x), c.y(v) - 4, s, 12, text_anchor="middle"))
    # axes: left and bottom lines, the year labels
    body.append(f'<line x1="{c.x0}" x2="{c.x0}" y1="{c.y0}" y2="{c.y1}" stroke="#333333"/>')
    body.append(f'<line x1="{c.x0}" x2="{c.x1}" y1="{c.y1}" y2="{c.y1}" stroke="#333333"/>')
    for xi, year in enumerate(years):
        body.append(_text(c.x(xi), c.y1 + 18, clean(year), 13, text_anchor="middle"))
    # the legend, centred under the axis in up to four columns
    entries = [(label(m), f'fill="{col}"') for m, col in zip(metrics, colors)]
    if total:
        entries.append((label(total), "diamond"))
    entries.append((MISSING_TEXT, f'fill="url(#{hatch})" stroke="{MISSING_COLOR}"'))
    ncol = min(len(entries), 4)
    col_w = max(text_width(t, 12.5) for t, _ in entries) + 40
    left = (WIDTH - ncol * col_w) / 2
    y = c.y1 + 44
    for i, (name, how) in enumerate(entries):
        x, ly = left + (i % ncol) * col_w, y + 22 * (i // ncol)
        if how == "diamond":
            body.append(f'<path d="M{_num(x + 9)} {_num(ly - 11)}l6 6-6 6-6-6z" fill="#000000"/>')
        else:
            body.append(f'<rect x="{_num(x)}" y="{_num(ly - 10)}" width="18" height="11" {how}/>')
        body.append(_text(x + 24, ly, clean(name), 12.5))
    y = y + 22 * ((len(entries) - 1) // ncol) + 30
    # the source line (and what is missing from a stack) under the chart
    extra = ("；".join(partial) + "。 " + note).strip() if partial else note
    raw = " ".join((source + (f" {extra}" if extra else "")).split())
    lines = wrap(raw)[:8]
    for i, line in enumerate(lines):
        body.append(_text(10, y + 15 * i, clean(line), 11, fill=NOTE_COLOR))
    height = round(y + 15 * max(0, len(lines) - 1) + 12)
    single = "（仅有一年的报告）" if n == 1 else ""
    head = clean(title + single)
    defs = (
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MISSING_COLOR}" stroke-width="2"/>'
        f'</pattern><pattern id="{dots}" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<circle cx="2.5" cy="2.5" r="0.9" fill="#ffffff"/></pattern></defs>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{head}" {FONT} '
        'style="max-width: 100%; height: auto">'
        f"<title>{head}</title>{defs}"
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
        + _text(10, 24, head, 17, class_="title")
        + "".join(body)
        + "</svg>"
    )


def show(svg: str) -> None:
    """Display an SVG chart in the notebook as it is (no parsing, no second copy)."""
    from IPython.display import display

    head = re.search(r"<title>(.*?)</title>", svg)
    plain = html.unescape(head.group(1)) if head else "chart"
    display({"image/svg+xml": svg, "text/plain": plain}, raw=True)
