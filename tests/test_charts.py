"""Charts: Chinese glyphs from the pip font, missing drawn as missing, names printed literally."""

from __future__ import annotations

import io
import warnings
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from PIL import Image  # noqa: E402

from analysis.metrics import label, unit  # noqa: E402
from analysis.reports import charts  # noqa: E402
from analysis.reports import data as rd  # noqa: E402


def _render(fig) -> Image.Image:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise here
        fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("L")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_the_cjk_font_comes_from_the_wheel_and_is_registered():
    assert charts.font_path().is_file()
    assert charts.setup() == "Noto Sans CJK SC"
    from matplotlib import font_manager

    found = font_manager.findfont(
        font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False
    )
    assert found.endswith(".ttc")


def test_chinese_text_draws_real_glyphs_not_tofu_boxes():
    charts.setup()
    ink = []
    for s in ["政府信息公开", "口口口口口口"]:  # 口 is a box-like glyph: compare against real text
        fig = plt.figure(figsize=(3, 1))
        fig.text(0.05, 0.3, s, fontsize=20)
        img = np.asarray(_render(fig))
        ink.append(img < 128)
    # different characters give different pixel shapes; tofu would render them identically
    assert ink[0].sum() > 100 and (ink[0] != ink[1]).sum() > 100


SVG = "{http://www.w3.org/2000/svg}"


def _svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or JupyterLab could not show it as an image


def _svg_texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _of_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == cls]


def test_year_bars_draw_a_missing_figure_as_a_hatched_box_not_a_zero_bar():
    values = pd.DataFrame({"proactive_total": [30.0, np.nan, 0.0]}, index=["2017", "2018", "2019"])
    approx = pd.DataFrame({"proactive_total": [True, False, False]}, index=values.index)
    root = _svg(
        charts.year_bars(
            values, approx, ["proactive_total"], charts.metric_title("proactive_total")
        )
    )
    bars = _of_class(root, "rect", "bar")
    assert len(bars) == 2  # 2017 and 2019 only; 2018 gets no bar at all
    missing = _of_class(root, "rect", "missing")
    assert len(missing) == 1 and missing[0].get("fill", "").startswith("url(#")
    # the missing box stands where 2018 is, between the two bars
    xs = sorted(float(r.get("x")) for r in bars)
    assert xs[0] < float(missing[0].get("x")) < xs[1]
    assert float(bars[0].get("height")) > 0 and float(bars[1].get("height")) == 0
    assert bars[0].get("fill-opacity") == "0.55" and bars[1].get("fill-opacity") is None
    assert len(_of_class(root, "line", "zero")) == 1  # the stated zero: a line on the axis
    texts = _svg_texts(root)
    assert rd.MISSING_TEXT in "".join(texts)
    assert "≈30" in texts and "0" in texts  # approximate marked; a real zero labelled as 0
    title = _of_class(root, "text", "title")[0].text
    assert f"{label('proactive_total')}（{unit('proactive_total')}）" in title
    assert any(t.startswith("来源") for t in texts)


def test_one_year_says_so_and_keeps_a_usable_axis():
    values = pd.DataFrame(
        {"reconsideration_cases": [0.0], "litigation_cases": [0.0]}, index=["2016"]
    )
    approx = pd.DataFrame(False, index=values.index, columns=values.columns)
    root = _svg(
        charts.year_bars(values, approx, ["reconsideration_cases", "litigation_cases"], "复议")
    )
    assert "仅有一年" in _of_class(root, "text", "title")[0].text
    texts = _svg_texts(root)
    # all-zero data still gets an axis from 0 to 1, not a degenerate one
    assert "1" in texts and texts.count("0") >= 3  # tick 0 and the two zero labels
    assert "2016" in texts and len(_of_class(root, "line", "zero")) == 2


def test_stacked_outcomes_skip_missing_parts_and_say_which_are_missing():
    idx = ["2019", "2020"]
    cols = charts.OUTCOMES + ["applications_received"]
    values = pd.DataFrame(np.nan, index=idx, columns=cols)
    values.loc["2019", ["applications_granted", "applications_denied", "applications_received"]] = [
        3,
        1,
        4,
    ]
    approx = pd.DataFrame(False, index=idx, columns=cols)
    root = _svg(
        charts.year_bars(
            values, approx, charts.OUTCOMES, "申请", stacked=True, total="applications_received"
        )
    )
    bars = _of_class(root, "rect", "bar")
    heights = sorted(round(float(r.get("height")), 1) for r in bars)
    assert len(bars) == 2 and heights[1] == round(3 * heights[0], 1)  # 3 and 1, no zero bars
    note = " ".join(_svg_texts(root))
    assert "2019 未找到" in note and label("applications_unable_to_provide") in note
    assert len(_of_class(root, "rect", "missing")) == 1  # 2020 has nothing: a missing box
    assert len(_of_class(root, "path", "total")) == 1 and "4" in _svg_texts(root)


def test_chart_text_from_a_hostile_name_stays_text():
    values = pd.DataFrame({"proactive_total": [5.0]}, index=["2020"])
    approx = pd.DataFrame(False, index=values.index, columns=values.columns)
    evil = '<img src=x onerror="alert(1)">局\x07'
    root = _svg(charts.year_bars(values, approx, ["proactive_total"], evil))
    assert not list(root.iter(f"{SVG}img")) and not list(root.iter("img"))
    assert '<img src=x onerror="alert(1)">局' in _of_class(root, "text", "title")[0].text


def test_cross_agency_lines_never_put_a_missing_value_at_zero():
    long = pd.DataFrame(
        {
            "report_id": ["a", "b", "c"],
            "agency": ["甲局", "甲局", "乙局"],
            "report_year": [2018, 2019, 2019],
            "value": [5.0, np.nan, 7.0],
            "approximate": [False, False, True],
        }
    )
    colors = charts.agency_colors(["甲局", "乙局"])
    fig = charts.metric_across_agencies(long, "proactive_total", colors)
    ax = fig.axes[0]
    data_points = []
    for coll in ax.collections:
        if coll.get_offset_transform() is ax.transData:
            data_points += [tuple(p) for p in coll.get_offsets()]
    assert (
        (2019.0, 0.0) not in data_points
        and (2018.0, 5.0) in data_points
        and (2019.0, 7.0) in data_points
    )
    assert any("未找到" in t for t in _texts(fig))
    _render(fig)


def test_agency_colours_are_stable_and_distinct():
    names = [f"机关{i}" for i in range(25)]
    a = charts.agency_colors(names)
    b = charts.agency_colors(list(reversed(names)))
    assert a == b
    assert len(set(list(a.values())[:20])) == 20


@pytest.mark.parametrize("name", ["$x$ 局", "a\\b", "多行\n名称", "<b>局</b>"])
def test_odd_names_print_literally_in_titles(name):
    charts.setup()  # the CJK font, whichever test ran before in this process
    fig = plt.figure()
    fig.suptitle(charts.text(name))
    _render(fig)  # mathtext would fail on an unbalanced $ or print x in italics
    assert charts.text("$1") == r"\$1" and "\n" not in charts.text("a\nb")


def test_value_formatting_marks_approximate_and_missing():
    assert rd.fmt_value(2437.0) == "2,437"
    assert rd.fmt_value(12.5, True) == "≈12.5"
    assert rd.fmt_value(float("nan")) == rd.MISSING_TEXT


def _many(n_agencies: int = 30, years=(2020, 2021, 2022)) -> pd.DataFrame:
    """n agencies × years of one figure; the agency 丙局 lacks it in 2021."""
    rows = []
    for i in range(n_agencies):
        name = "丙局" if i == 0 else f"机关{i:02d}"
        for y in years:
            v = np.nan if (name == "丙局" and y == 2021) else float(10 * (i + 1) + y - 2020)
            level = "county" if i % 2 else "prefecture"
            rows.append((f"{i}-{y}", name, y, v, False, level, "福建省" if i < 10 else "江西省"))
    return pd.DataFrame(
        rows,
        columns=["report_id", "agency", "report_year", "value", "approximate", "level", "province"],
    )


def test_many_agencies_draw_a_distribution_with_counts_not_a_line_each():
    long = _many()
    fig = charts.metric_chart(long, "proactive_total")
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 1  # the median, not 30 lines
    median = ax.get_lines()[0].get_ydata()
    assert list(median) == [155.0, 161.0, 157.0]  # 2021: 丙局 lacks it, 29 values
    texts = _texts(fig)
    assert "30/30" in texts and "29/30" in texts  # reports giving it / reports
    assert any("30 个机关" in t for t in texts) and any("来源" in t for t in texts)
    assert any("地市级" in t for t in texts) and any("县级" in t for t in texts)
    _render(fig)


def test_a_highlighted_agency_is_drawn_over_the_distribution_with_its_gap_marked():
    long = _many()
    fig = charts.metric_chart(long, "proactive_total", highlight="丙局")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 2 and list(lines[1].get_ydata()[[0, 2]]) == [10.0, 12.0]
    gap = [
        tuple(p)
        for c in ax.collections
        if c.get_offset_transform() is not ax.transData
        for p in c.get_offsets()
    ]
    assert (2021.0, 0.97) in gap  # its missing year is a mark on the top edge, not a 0
    assert any("丙局" in t for t in _texts(fig))
    _render(fig)


def test_the_coverage_summary_has_one_row_per_group_and_hatches_a_missing_year():
    share = pd.DataFrame({2020: [0.5, np.nan], 2021: [1.0, 0.25]}, index=["江西省", "福建省"])
    count = pd.DataFrame({2020: [4, np.nan], 2021: [2, 8]}, index=["江西省", "福建省"])
    fig = charts.coverage_summary_grid(share, count, "覆盖")
    texts = _texts(fig)
    assert "50%\n4份" in texts and "25%\n8份" in texts and "100%\n2份" in texts
    hatched = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 1
    _render(fig)


def _outside(fig) -> list[str]:
    """What a fixed layout pushed off the figure (it would be cut off): each axes with what
    it draws (tick labels, title, legend, texts), and the figure's own texts."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    parts = [(ax.get_title(loc="left") or "axes", ax.get_tightbbox(r)) for ax in fig.axes]
    parts += [(t.get_text(), t.get_window_extent(r)) for t in fig.texts]
    return [
        name
        for name, b in parts
        if b is not None and (b.x0 < -1 or b.y0 < -1 or b.x1 > w + 1 or b.y1 > h + 1)
    ]


@pytest.mark.parametrize("highlight", ["", "丙局"])
def test_the_distribution_draws_as_much_for_3000_agencies_as_for_30_and_fits(highlight):
    def artists(n: int) -> int:
        fig = charts.metric_chart(_many(n), "fees_collected_yuan", highlight)
        assert _outside(fig) == []
        k = len(fig.findobj())
        plt.close(fig)
        return k

    assert artists(3000) == artists(30)  # no artist per agency


def test_corpus_bar_and_grid_charts_fit_their_labels():
    long_names = pd.Series(
        {"内蒙古自治区呼和浩特市人力资源和社会保障局": 12, "福建省": 3000, "未知": 1}
    )
    share = pd.DataFrame(
        np.linspace(0, 1, 31 * 12).reshape(31, 12),
        index=[f"新疆维吾尔自治区{i}" for i in range(31)],
        columns=list(range(2012, 2024)),
    )
    cov = pd.DataFrame(
        {
            "title": ["本年新收政府信息公开申请数（件）", "政策解读（条）"],
            "found": [91971, 5],
            "reports": [91971, 91971],
            "share": [1.0, 5 / 91971],
        }
    )
    for fig in (
        charts.count_bars(long_names, "按地区"),
        charts.coverage_bars(cov, "各指标的抽取覆盖率"),
        charts.coverage_summary_grid(share, share * 100, "覆盖情况：年份 × 省份"),
        charts.metric_year_heatmap(share, "主要指标逐年的覆盖率"),
    ):
        assert _outside(fig) == []
        plt.close(fig)
