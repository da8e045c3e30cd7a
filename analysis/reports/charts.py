"""Charts for the report notebooks: one look, Chinese text, missing shown as missing.

Every notebook draws through these helpers so the reports share fonts, colours, titles
and source notes. The CJK font comes from the `noto-cjk-sans-otc` wheel (OFL), so a fresh
machine renders Chinese without any system font. A value a report does not give is drawn
as a hatched grey "缺失" box or a gap, never as a zero bar; an approximate value (约, 余,
多) carries "≈" and a lighter, hatched fill.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ..labels import LEVEL_LABELS
from ..metrics import label, unit
from . import bars_svg
from . import data as rd

FONT_FAMILY = "Noto Sans CJK SC"
WIDTH = 9.0  # inches; at 100 dpi a chart is 900 px, the width of a report page
DPI = 100
MISSING_COLOR = "#d9d9d9"
SOURCE_NOTE = (
    "来源：各机关政府信息公开工作年度报告，经 analysis 抽取；“缺失”指报告中未找到该数字，"
    "不等于 0；≈ 为约数。"
)
CORPUS_NOTE = "来源：语料中的政府信息公开工作年度报告，经 analysis 读取；重复文件只计一次。"

OUTCOMES = [
    "applications_granted",
    "applications_partially_granted",
    "applications_denied",
    "applications_unable_to_provide",
    "applications_not_processed",
    "applications_other_handling",
]
OUTCOME_COLORS = {
    "applications_granted": "#2a9d8f",
    "applications_partially_granted": "#8ab17d",
    "applications_denied": "#e76f51",
    "applications_unable_to_provide": "#f4a261",
    "applications_not_processed": "#9c6644",
    "applications_other_handling": "#8d99ae",
}
METRIC_COLORS = {
    "reconsideration_cases": "#457b9d",
    "litigation_cases": "#e63946",
    "proactive_total": "#1d3557",
    "applications_received": "#264653",
    "policy_interpretations": "#6a4c93",
}
_PALETTE = [matplotlib.colors.to_hex(c) for c in plt.get_cmap("tab10").colors] + [
    matplotlib.colors.to_hex(c) for c in plt.get_cmap("tab20").colors[1::2]
]

_ready = False


def font_path() -> Path:
    import noto_cjk_sans_otc

    return Path(str(noto_cjk_sans_otc.FONT_PATH))


def setup() -> str:
    """Register the pip-installed CJK font and the house style; returns the font family.

    Safe to call more than once. Matplotlib's own font list never sees the wheel, so the
    file is added to the font manager explicitly (all faces of the collection register).
    """
    global _ready
    if not _ready:
        font_manager.fontManager.addfont(str(font_path()))
        _ready = True
    plt.rcParams.update(
        {
            "font.family": [FONT_FAMILY, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.figsize": (WIDTH, 4.2),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 13,
            "axes.titleweight": "normal",
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.fontsize": 9.5,
            "figure.max_open_warning": 0,
            "svg.hashsalt": "charts",
            "path.simplify": True,
        }
    )
    try:  # inline PNGs in notebooks at the same size as saved ones
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # noqa: BLE001 - outside IPython there is nothing to configure
        pass
    return FONT_FAMILY


def text(s: object, limit: int | None = None) -> str:
    """Text that matplotlib prints literally: `$` would start mathtext, so it is escaped."""
    t = "" if s is None or (isinstance(s, float) and math.isnan(s)) else str(s)
    t = " ".join(t.split())  # newlines and tabs from odd names: one line
    if limit and len(t) > limit:
        t = t[: limit - 1] + "…"
    return t.replace("\\", "\\\\").replace("$", r"\$")


def metric_title(metric: str) -> str:
    """The metric's Chinese label with its unit, as every chart title and axis shows it."""
    u = unit(metric)
    return f"{label(metric)}（{u}）" if u else label(metric)


def agency_colors(agencies: Iterable[str]) -> dict[str, str]:
    """The same colour for an agency in every chart of a run: assigned in sorted order."""
    out: dict[str, str] = {}
    for i, a in enumerate(sorted({str(a) for a in agencies})):
        if i < len(_PALETTE):
            out[a] = _PALETTE[i]
        else:  # beyond 20 agencies: a stable colour from the name
            h = int(hashlib.sha1(a.encode("utf-8", "surrogatepass")).hexdigest()[:8], 16)
            r, g, b = colorsys.hls_to_rgb((h % 360) / 360, 0.45 + (h >> 9) % 20 / 100, 0.55)
            out[a] = matplotlib.colors.to_hex((r, g, b))
    return out


def source_note(fig: plt.Figure, extra: str = "", base: str = SOURCE_NOTE) -> float:
    """The source line under a chart (plus any note); returns the height it takes, in inches."""
    raw = " ".join((base + (f" {extra}" if extra else "")).split())
    lines = [text(line) for line in bars_svg.wrap(raw)][:8]
    fig.text(
        0.01,
        0.01,
        "\n".join(lines),
        fontsize=8,
        color="#555555",
        ha="left",
        va="bottom",
        linespacing=1.4,
    )
    return 0.08 + 0.16 * len(lines)


def _finish(fig: plt.Figure, note: str = "", base: str = SOURCE_NOTE) -> plt.Figure:
    reserved = source_note(fig, note, base) + 0.05
    fig.tight_layout(rect=(0, min(0.5, reserved / fig.get_figheight()), 1, 1))
    return fig


def _text_inches(s: object, size: float) -> float:
    """About how wide a one-line text is, in inches, at `size` points (a CJK character is one
    em, anything else ~0.62 em): enough to size a margin without drawing it."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.62 for ch in str(s)) * size / 72


def _fixed(
    fig: plt.Figure,
    note: str = "",
    base: str = SOURCE_NOTE,
    *,
    left: float,
    bottom: float,
    top: float = 0.45,
    right: float = 0.15,
    wspace: float | None = None,
) -> plt.Figure:
    """Like `_finish`, with margins (inches) the caller sizes from what it drew, instead of a
    tight_layout pass that lays out every text once more before the figure is drawn: the
    charts of a corpus page, drawn a dozen times a page at any corpus size."""
    w, h = fig.get_figwidth(), fig.get_figheight()
    reserved = source_note(fig, note, base) + 0.05
    low = min(0.6 * h, reserved + bottom)
    fig.subplots_adjust(
        left=min(0.45, left / w),
        right=1 - right / w,
        bottom=low / h,
        top=max(low / h + 0.1, 1 - top / h),
        **({"wspace": wspace} if wspace is not None else {}),
    )
    return fig


def _tick_inches(ax: plt.Axes, size: float = 10) -> float:
    """The widest y tick label of an axis with a fixed locator and limits, in inches."""
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.yaxis.get_major_locator().tick_values(lo, hi) if lo <= t <= hi]
    fmt = ax.yaxis.get_major_formatter()
    fmt.set_locs(ticks)
    return max([_text_inches(fmt(t), size) for t in ticks] or [0.0])


def _int_axis(ax: plt.Axes, top: float) -> None:
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.set_ylim(0, max(1.0, top) * 1.18)  # never a flat, empty axis when all values are 0


def _legend_below(ax: plt.Axes, handles: Sequence, labels: Sequence[str], ncol: int) -> None:
    ax.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=ncol, frameon=False
    )


def metric_across_agencies(
    long: pd.DataFrame, metric: str, colors: dict[str, str], note: str = ""
) -> plt.Figure:
    """One metric over years: a line per agency (left) and the per-year spread (right).

    `long` has one row per (report, agency, year) in scope with `value` NaN where the report
    lacks the figure: those reports appear as × marks on the top edge, never as points at 0.
    """
    setup()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(WIDTH, 4.3), gridspec_kw={"width_ratios": [3, 2]})
    have = long.dropna(subset=["value"])
    years = sorted(long["report_year"].dropna().astype(int).unique())
    any_missing = False
    for agency, g in long.sort_values("report_year").groupby("agency", sort=True):
        c = colors.get(agency, "#333333")
        g = g.groupby("report_year", as_index=False).agg(
            value=("value", "max"), approximate=("approximate", "max")
        )
        ax.plot(g["report_year"], g["value"], color=c, linewidth=1.6, marker=None)
        exact = g[g["value"].notna() & ~g["approximate"].astype(bool)]
        appr = g[g["value"].notna() & g["approximate"].astype(bool)]
        ax.scatter(exact["report_year"], exact["value"], color=c, s=36, zorder=3, clip_on=False)
        ax.scatter(
            appr["report_year"],
            appr["value"],
            facecolor="white",
            edgecolor=c,
            s=36,
            zorder=3,
            linewidth=1.5,
            clip_on=False,
        )
        miss = g[g["value"].isna()]
        if len(miss):  # outside the plot, in a band of its own: no one reads it as a value
            ax.scatter(
                miss["report_year"],
                [1.04] * len(miss),
                marker="x",
                color=c,
                s=30,
                transform=ax.get_xaxis_transform(),
                zorder=3,
                clip_on=False,
            )
            any_missing = True
    top = float(have["value"].max()) if len(have) else 0.0
    ticks = list(range(years[0], years[-1] + 1)) if years else []
    for a in (ax, ax2):
        if ticks:
            a.set_xticks(ticks if len(ticks) <= 12 else ticks[:: math.ceil(len(ticks) / 12)])
            a.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:.0f}"))
            a.set_xlim(years[0] - 0.6, years[-1] + 0.6)
        _int_axis(a, top)
    ax.set_ylabel(unit(metric), rotation=0, labelpad=12)
    if any_missing:
        ax.text(
            -0.01,
            1.04,
            "未找到",
            transform=ax.transAxes,
            ha="right",
            va="center",
            fontsize=8,
            color="#555555",
        )
    ax.set_title(text(f"{metric_title(metric)}：各机关逐年"), loc="left", fontsize=12, pad=16)
    # per-year distribution: every value as a dot (spread deterministically), median as a bar
    for y in years:
        vals = have[have["report_year"] == y].sort_values(["value", "agency"])
        k = len(vals)
        offs = np.linspace(-0.25, 0.25, k) if k > 1 else np.zeros(k)
        ax2.scatter(
            y + offs,
            vals["value"],
            c=[colors.get(a, "#333333") for a in vals["agency"]],
            s=22,
            zorder=3,
            alpha=0.9,
        )
        if k:
            med = float(vals["value"].median())
            ax2.plot([y - 0.32, y + 0.32], [med, med], color="black", linewidth=1.5, zorder=4)
        n_all = int((long["report_year"] == y).sum())
        ax2.text(
            y,
            1.0,
            f"{k}/{n_all}",
            transform=ax2.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=8,
            color="#555555",
        )
    ax2.set_title("逐年分布（黑线=中位数，上方=有数/报告数）", loc="left", fontsize=10, pad=14)
    n_missing = int(long["value"].isna().sum())
    extra = f"顶部 × = 有报告但未找到该数字（{n_missing} 份）。" if n_missing else ""
    agencies = sorted(long["agency"].dropna().unique())
    if 0 < len(agencies) <= 12:
        handles = [plt.Line2D([], [], color=colors.get(a, "#333333"), marker="o") for a in agencies]
        _legend_below(ax, handles, [text(a, 18) for a in agencies], ncol=min(3, len(agencies)))
    elif agencies:
        extra += f"共 {len(agencies)} 个机关，颜色按机关固定。"
    if not len(have):
        ax.text(
            0.5,
            0.5,
            "所选范围内没有报告给出此数字",
            transform=ax.transAxes,
            ha="center",
            color="#777777",
        )
    return _finish(fig, (extra + " " + note).strip())


LEVEL_COLORS = {
    "national": "#6a4c93",
    "provincial": "#1d3557",
    "prefecture": "#2a9d8f",
    "county": "#e76f51",
}
HIGHLIGHT_COLOR = "#d62828"


def metric_distribution(
    long: pd.DataFrame, metric: str, highlight: str = "", note: str = ""
) -> plt.Figure:
    """One metric over years for any number of agencies: its spread, not a line each.

    Left: the median (line), the middle half of the reports (dark band, 25–75 %) and 80 %
    of them (light band, 10–90 %), with how many reports give the figure of how many above
    each year; the `highlight` agency drawn over it (hollow = approximate, × on the top edge
    = its report lacks the figure). Right: the median by administrative level.
    """
    setup()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(WIDTH, 4.3), gridspec_kw={"width_ratios": [3, 2]})
    d = rd.year_distribution(long)
    have = long.dropna(subset=["value"])
    years = list(d["report_year"])
    ok = d[d["given"] > 0]
    if len(ok):
        ax.fill_between(
            ok["report_year"],
            ok["p10"],
            ok["p90"],
            color="#a8dadc",
            alpha=0.45,
            linewidth=0,
            label="10–90%",
        )
        ax.fill_between(
            ok["report_year"],
            ok["q1"],
            ok["q3"],
            color="#457b9d",
            alpha=0.45,
            linewidth=0,
            label="25–75%",
        )
        ax.plot(
            ok["report_year"],
            ok["median"],
            color="#1d3557",
            linewidth=2,
            marker="o",
            markersize=4,
            label="中位数",
        )
    for _, r in d.iterrows():
        ax.text(
            r["report_year"],
            1.0 if len(d) <= 8 or int(r["report_year"]) % 2 == 0 else 1.045,
            f"{int(r['given'])}/{int(r['reports'])}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7.5,
            color="#555555",
        )
    top = float(ok["p90"].max()) if len(ok) else 0.0
    handles, labels_ = ax.get_legend_handles_labels()
    if highlight:
        g = (
            long[long["agency"] == highlight]
            .groupby("report_year", as_index=False)
            .agg(value=("value", "max"), approximate=("approximate", "max"))
        )
        if len(g):
            ax.plot(g["report_year"], g["value"], color=HIGHLIGHT_COLOR, linewidth=1.8)
            ex = g[g["value"].notna() & ~g["approximate"].astype(bool)]
            ap = g[g["value"].notna() & g["approximate"].astype(bool)]
            ax.scatter(ex["report_year"], ex["value"], color=HIGHLIGHT_COLOR, s=30, zorder=4)
            ax.scatter(
                ap["report_year"],
                ap["value"],
                facecolor="white",
                edgecolor=HIGHLIGHT_COLOR,
                s=30,
                zorder=4,
                linewidth=1.5,
            )
            miss = g[g["value"].isna()]
            ax.scatter(
                miss["report_year"],
                [0.97] * len(miss),
                marker="x",
                color=HIGHLIGHT_COLOR,
                s=30,
                transform=ax.get_xaxis_transform(),
                zorder=4,
                clip_on=False,
            )
            top = max(top, float(g["value"].max()) if g["value"].notna().any() else 0.0)
            handles.append(plt.Line2D([], [], color=HIGHLIGHT_COLOR, marker="o"))
            labels_.append(text(highlight, 20))
    ticks = list(range(years[0], years[-1] + 1)) if years else []
    for a, most in ((ax, 12), (ax2, 6)):
        if ticks:
            a.set_xticks(ticks if len(ticks) <= most else ticks[:: math.ceil(len(ticks) / most)])
            a.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:.0f}"))
            a.set_xlim(years[0] - 0.6, years[-1] + 0.6)
        _int_axis(a, top)
    ax.set_ylabel(unit(metric), rotation=0, labelpad=12)
    n_ag = long["agency"].nunique()
    ax.set_title(
        text(f"{metric_title(metric)}：{n_ag} 个机关的逐年分布"), loc="left", fontsize=12, pad=16
    )
    if handles:
        _legend_below(ax, handles, labels_, ncol=min(4, len(handles)))
    med = rd.group_medians(long, "level")
    lh, ll = [], []
    for lv in [x for x in LEVEL_COLORS if x in set(med.get("level", []))] + sorted(
        set(med.get("level", [])) - set(LEVEL_COLORS)
    ):
        g = med[med["level"] == lv]
        c = LEVEL_COLORS.get(lv, "#777777")
        ax2.plot(g["report_year"], g["median"], color=c, marker="o", markersize=3.5, linewidth=1.5)
        lh.append(plt.Line2D([], [], color=c, marker="o"))
        ll.append(f"{LEVEL_LABELS.get(lv, lv)}（{int(g['given'].sum())} 份）")
    ax2.set_title("按行政层级的中位数", loc="left", fontsize=10, pad=14)
    if lh:
        _legend_below(ax2, lh, ll, ncol=2)
    if not len(have):
        ax.text(
            0.5,
            0.5,
            "所选范围内没有报告给出此数字",
            transform=ax.transAxes,
            ha="center",
            color="#777777",
        )
    extra = "上方数字 = 给出该数字的报告数/报告数；纵轴截至 90% 分位以内的范围。"
    # margins from what was drawn: the y labels (unit + ticks), the legends below each axes
    rows = max(math.ceil(len(handles) / 4) if handles else 0, math.ceil(len(lh) / 2))
    ticks = max(_tick_inches(ax), _tick_inches(ax2))
    left = _text_inches(unit(metric), 11) + ticks + 0.45
    return _fixed(
        fig,
        (extra + " " + note).strip(),
        left=left,
        bottom=0.66 + 0.24 * rows,
        top=0.62,
        right=0.4,
        wspace=(ticks + 0.35) / (WIDTH / 2.2),
    )


def _share_mesh(table: pd.DataFrame, row_h: float, line: float) -> tuple[Any, Any, Any]:
    """Rows × columns of shares (0–1) as a 0–100 % colour grid, blank where there is none:
    (figure, axes, mesh) for the caller's cell labels and colour bar."""
    setup()
    rows, cols = list(table.index), list(table.columns)
    fig, ax = plt.subplots(figsize=(WIDTH, min(30.0, 1.8 + row_h * max(1, len(rows)))))
    mesh = ax.pcolormesh(
        np.arange(len(cols) + 1),
        np.arange(len(rows) + 1),
        np.ma.masked_invalid(table.to_numpy(dtype=float) * 100),
        cmap=plt.get_cmap("YlGnBu").with_extremes(bad="white"),
        vmin=0,
        vmax=100,
        edgecolors="white",
        linewidth=line,
    )
    return fig, ax, mesh


def _grid_margins(rows: list, cols: list, label_width: int) -> dict[str, float]:
    """Margins (inches) of a colour grid with its colour bar: row labels on the left, the
    bar's ticks and label on the right, year ticks (turned past 10 years) below."""
    widest = max([_text_inches(text(r, label_width), 10) for r in rows] or [0.0])
    return {"left": widest + 0.25, "right": 0.85, "bottom": 0.55 if len(cols) > 10 else 0.35}


def _grid_axes(ax: Any, rows: list, cols: list, label_width: int, title: str) -> None:
    """The axes of a colour grid: a tick per cell, rows top down, no frame, the title."""
    ax.set_xticks(np.arange(len(cols)) + 0.5, [str(c) for c in cols])
    ax.set_yticks(np.arange(len(rows)) + 0.5, [text(r, label_width) for r in rows])
    ax.set_xlim(0, max(1, len(cols)))
    ax.set_ylim(max(1, len(rows)), 0)
    for sp in ax.spines.values():
        sp.set_visible(False)
    ax.tick_params(length=0)
    if len(cols) > 10:
        ax.tick_params(axis="x", rotation=45)
    ax.set_title(text(title), loc="left")


def coverage_summary_grid(
    share: pd.DataFrame, count: pd.DataFrame, title: str, note: str = ""
) -> plt.Figure:
    """Groups (provinces or levels) × years: the share of the chosen figures their reports
    give, with the number of reports; blank and hatched where a group has no report."""
    rows, cols = list(share.index), list(share.columns)
    fig, ax, mesh = _share_mesh(share, 0.36, 1.2)
    small = len(cols) > 12
    for i in range(len(rows)):
        for j in range(len(cols)):
            v, n = share.iloc[i, j], count.iloc[i, j]
            if pd.isna(v):
                ax.add_patch(
                    Rectangle(
                        (j, i),
                        1,
                        1,
                        facecolor="white",
                        edgecolor=MISSING_COLOR,
                        hatch="///",
                        linewidth=0.5,
                    )
                )
                continue
            label_ = f"{v:.0%}" if small else f"{v:.0%}\n{int(n)}份"
            ax.text(
                j + 0.5,
                i + 0.5,
                label_,
                ha="center",
                va="center",
                fontsize=6.5 if small else 7.5,
                color="white" if v > 0.6 else "black",
            )
    _grid_axes(ax, rows, cols, 16, title)
    fig.colorbar(mesh, ax=ax, fraction=0.03, pad=0.02, label="找到的数字占所选指标（%）")
    extra = (
        "每格：该组该年报告平均给出所选指标的比例"
        + ("" if small else "与报告数")
        + "；斜线格＝无报告。"
    )
    return _fixed(fig, (extra + " " + note).strip(), **_grid_margins(rows, cols, 16))


def metric_year_heatmap(table: pd.DataFrame, title: str, note: str = "") -> plt.Figure:
    """Metrics (rows) × years: the share of that year's reports giving each metric."""
    rows, cols = list(table.index), list(table.columns)
    fig, ax, mesh = _share_mesh(table, 0.3, 1.0)
    if len(cols) <= 16:
        for i in range(len(rows)):
            for j in range(len(cols)):
                v = table.iloc[i, j]
                if pd.notna(v):
                    ax.text(
                        j + 0.5,
                        i + 0.5,
                        f"{v:.0%}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if v > 0.6 else "black",
                    )
    _grid_axes(ax, rows, cols, 22, title)
    fig.colorbar(mesh, ax=ax, fraction=0.03, pad=0.02, label="给出该数字的报告占比（%）")
    return _fixed(fig, note, CORPUS_NOTE, **_grid_margins(rows, cols, 22))


def coverage_chart(corpus: rd.Corpus, reps: pd.DataFrame, metrics: list[str]) -> plt.Figure | None:
    """The cross-year page's coverage chart: agencies × years while they can be read, else
    provinces (or levels, when places are too many to list) × years."""
    n = reps["agency"].nunique()
    if not n:
        return None
    if n <= rd.GRID_AGENCIES:
        grid = rd.coverage_by_agency_year(corpus, reps, metrics)
        return coverage_grid(grid, len(metrics), "覆盖情况：年份 × 机关（找到的数字个数）")
    by = rd.region_column(reps)
    if reps[by].nunique() > rd.GRID_AGENCIES:
        by = "level"
    share, count = rd.coverage_summary(corpus, reps, metrics, by)
    what = {"province": "省份", "place": "地区", "level": "行政层级"}[by]
    return coverage_summary_grid(share, count, f"覆盖情况：年份 × {what}（{n} 个机关）")


def metric_chart(
    long: pd.DataFrame, metric: str, highlight: str = "", colors: dict[str, str] | None = None
) -> plt.Figure:
    """A line per agency while there are few of them, their distribution beyond that."""
    if long["agency"].nunique() <= rd.FEW_AGENCIES and not highlight:
        return metric_across_agencies(long, metric, colors or agency_colors(long["agency"]))
    return metric_distribution(long, metric, highlight)


def coverage_grid(found: pd.DataFrame, expected: int, title: str, note: str = "") -> plt.Figure:
    """Agencies × years: which reports exist (coloured) and how many figures each gave.

    `found` is agencies (rows) × years (columns) with the number of figures found, NaN where
    no report exists; such cells are hatched grey and say 无报告 instead of showing 0.
    """
    setup()
    rows, cols = list(found.index), list(found.columns)
    h = min(40.0, 1.6 + 0.42 * max(1, len(rows)))
    fig, ax = plt.subplots(figsize=(WIDTH, h))
    data = np.ma.masked_invalid(found.to_numpy(dtype=float))
    cmap = plt.get_cmap("YlGnBu").with_extremes(bad="white")
    mesh = ax.pcolormesh(
        np.arange(len(cols) + 1),
        np.arange(len(rows) + 1),
        data,
        cmap=cmap,
        vmin=0,
        vmax=max(1, expected),
        edgecolors="white",
        linewidth=1.5,
    )
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            v = found.iloc[i, j]
            if pd.isna(v):
                ax.add_patch(
                    Rectangle(
                        (j, i),
                        1,
                        1,
                        facecolor="white",
                        edgecolor=MISSING_COLOR,
                        hatch="///",
                        linewidth=0.5,
                    )
                )
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    "无报告",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="#999999",
                )
            else:
                dark = v > 0.6 * max(1, expected)
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    f"{int(v)}/{expected}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if dark else "black",
                )
    ax.set_xticks(np.arange(len(cols)) + 0.5, [str(c) for c in cols])
    ax.set_yticks(np.arange(len(rows)) + 0.5, [text(r, 22) for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, max(1, len(cols)))
    ax.set_ylim(max(1, len(rows)), 0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.tick_params(length=0)
    if len(cols) > 10:
        ax.tick_params(axis="x", rotation=45)
    ax.set_title(text(title), loc="left")
    fig.colorbar(mesh, ax=ax, fraction=0.03, pad=0.02, label="找到的数字个数")
    return _finish(fig, note)


def count_bars(
    counts: pd.Series, title: str, xlabel: str = "报告数（份）", note: str = ""
) -> plt.Figure:
    """Horizontal bars of report counts per category, largest first, count printed on each."""
    setup()
    counts = counts.sort_values(ascending=True)
    h = min(30.0, 1.4 + 0.32 * max(1, len(counts)))
    fig, ax = plt.subplots(figsize=(WIDTH, h))
    ys = np.arange(len(counts))
    ax.barh(ys, counts.to_numpy(dtype=float), color="#457b9d", height=0.6)
    for y, v in zip(ys, counts):
        ax.annotate(
            f"{int(v)}", (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9
        )
    names = [text(i, 24) for i in counts.index]
    ax.set_yticks(ys, names)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(1.0, float(counts.max()) if len(counts) else 1.0) * 1.15)
    ax.set_xlabel(xlabel)
    ax.set_title(text(title), loc="left")
    if not len(counts):
        ax.text(0.5, 0.5, "无", transform=ax.transAxes, ha="center", color="#777777")
    widest = max([_text_inches(n, 10) for n in names] or [0.0])
    return _fixed(fig, note, CORPUS_NOTE, left=widest + 0.2, bottom=0.6, right=0.35)


def coverage_bars(coverage: pd.DataFrame, title: str, note: str = "") -> plt.Figure:
    """Share of reports giving each metric (horizontal bars, 0–100 %, found/total printed)."""
    setup()
    cov = coverage.iloc[::-1]
    h = min(30.0, 1.4 + 0.3 * max(1, len(cov)))
    fig, ax = plt.subplots(figsize=(WIDTH, h))
    ys = np.arange(len(cov))
    share = cov["share"].to_numpy(dtype=float) * 100
    ax.barh(ys, share, color="#2a9d8f", height=0.6)
    for y, s, f, t in zip(ys, share, cov["found"], cov["reports"]):
        ax.annotate(
            f"{int(f)}/{int(t)}",
            (s, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    names = [text(x, 26) for x in cov["title"]]
    ax.set_yticks(ys, names)
    ax.set_xlim(0, 112)
    ax.set_xlabel("给出该数字的报告占比（%）")
    ax.set_title(text(title), loc="left")
    widest = max([_text_inches(n, 10) for n in names] or [0.0])
    return _fixed(fig, note, CORPUS_NOTE, left=widest + 0.2, bottom=0.6, right=0.45)


def png(fig: plt.Figure) -> bytes:
    """The figure as PNG at the page's size, drawn once.

    The layout is already fixed by `_finish` (tight_layout), so no second `bbox_inches="tight"`
    pass is needed, which is what IPython's own figure display would do: one draw per chart
    instead of two, the bulk of an agency page's time.
    """
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def show(fig: plt.Figure | str) -> None:
    """Display a chart in the notebook once: a matplotlib figure as PNG, and free it (no
    duplicate inline image); an SVG chart (`bars_svg`) as it is."""
    from IPython.display import Image, display

    if isinstance(fig, str):
        bars_svg.show(fig)
        return
    display(Image(data=png(fig), format="png"))
    plt.close(fig)


def save(fig: plt.Figure, path: str | Path) -> Path:
    """Save a chart as PNG atomically (used for the README image)."""
    from ..atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def _year_colors(metrics: Sequence[str]) -> list[str]:
    return [
        OUTCOME_COLORS.get(m) or METRIC_COLORS.get(m) or _PALETTE[i % len(_PALETTE)]
        for i, m in enumerate(metrics)
    ]


def year_bars(
    values: pd.DataFrame,
    approx: pd.DataFrame,
    metrics: Sequence[str],
    title: str,
    stacked: bool = False,
    total: str | None = None,
    note: str = "",
) -> str:
    """Bars by report year for one agency, as SVG (`bars_svg.year_bars`) in the house colours.

    `values` has one row per report (index: the x label, e.g. "2018") and one column per
    metric, NaN where the report does not give the figure; `title` is plain text.
    """
    return bars_svg.year_bars(
        values,
        approx,
        metrics,
        title,
        _year_colors(metrics),
        stacked=stacked,
        total=total,
        note=note,
        source=SOURCE_NOTE,
    )


def agency_charts(view: rd.AgencyView) -> list[str]:
    """The agency summary's three charts (SVG): proactive disclosure, applications, reviews."""
    name = view.agency if len(str(view.agency)) <= 28 else str(view.agency)[:27] + "…"
    figs = []
    values, approx = rd.year_frame(view, ["proactive_total"])
    figs.append(
        year_bars(
            values, approx, ["proactive_total"], f"{name} · {metric_title('proactive_total')}"
        )
    )
    cols = rd.APPLICATION_OUTCOMES + ["applications_received"]
    values, approx = rd.year_frame(view, cols)
    figs.append(
        year_bars(
            values,
            approx,
            rd.APPLICATION_OUTCOMES,
            f"{name} · 依申请公开：收到申请与办理结果（件）",
            stacked=True,
            total="applications_received",
        )
    )
    values, approx = rd.year_frame(view, rd.REVIEW)
    figs.append(year_bars(values, approx, rd.REVIEW, f"{name} · 行政复议与行政诉讼（件）"))
    return figs
