"""What the notebooks show, computed on a corpus built from the seed reports.

The corpus: the five seeds, four of them assigned by the manifest to one agency (so it has
four years, one of which lacks the proactive-disclosure figure), plus a byte-identical
copy of a seed that must count once.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import RAW

from analysis.build.run import build
from analysis.metrics import label
from analysis.reports import data as rd
from analysis.reports import html as rh

MULTI = "测试市商务局"
SEEDS = {
    "000_5c8a14d5fa55ccf4.txt": 2018,
    "001_fc4f34c734b4c5a9.txt": 2017,
    "002_ee0bfc924291661c.txt": 2014,
    "004_61bfce714908b168.txt": 2019,
}
OTHER = "003_fafa9730c6863b04.txt"


@pytest.fixture(scope="module")
def corpus_dirs(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("corpus")
    raw, processed = base / "raw", base / "processed"
    raw.mkdir()
    for name in list(SEEDS) + [OTHER]:
        shutil.copy(RAW / name, raw / name)
    shutil.copy(RAW / OTHER, raw / "005_copy.txt")
    with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "agency"])
        for name in SEEDS:
            w.writerow([name, MULTI])
    assert build(raw, processed, jobs=1, quiet=True) == 0
    return raw, processed


@pytest.fixture(scope="module")
def corpus(corpus_dirs) -> rd.Corpus:
    return rd.load(corpus_dirs[1])


def test_duplicates_are_listed_but_never_counted(corpus):
    assert len(corpus.all_reports) == 6 and len(corpus.reports) == 5
    assert rd.counts(corpus, "report_year").to_dict() == {
        "2014": 1,
        "2016": 1,
        "2017": 1,
        "2018": 1,
        "2019": 1,
    }
    assert rd.agencies(corpus) == sorted([MULTI, "贵州省工商局"])
    probs = rd.problem_reports(corpus)
    assert "005_copy.txt" in set(probs["报告"]) and (probs["代码"] == "duplicate").any()
    view = rd.agency_view(corpus, "贵州省工商局")
    assert list(view.reports["report_id"]) == [OTHER] and list(view.duplicates["report_id"]) == [
        "005_copy.txt"
    ]


def test_year_frame_keeps_a_missing_figure_missing(corpus):
    view = rd.agency_view(corpus, MULTI)
    values, approx = rd.year_frame(view, ["proactive_total", "applications_received"])
    assert list(values.index) == ["2014", "2017", "2018", "2019"]
    assert np.isnan(values.loc["2014", "proactive_total"])  # 002 never states it: NaN, not 0
    assert (
        values.loc["2017", "proactive_total"] == 78 and values.loc["2019", "proactive_total"] == 998
    )
    assert values.loc["2014", "applications_received"] == 0  # a stated zero stays a zero
    assert not approx.any().any()


def test_figures_table_gives_every_figure_with_its_original_sentence(corpus, corpus_dirs):
    view = rd.agency_view(corpus, MULTI)
    table = rd.figures_table(view)
    assert len(table) == int(view.metrics["value"].notna().sum()) > 10
    assert list(table["年份"]) == sorted(table["年份"])  # by year
    for _, row in table.iterrows():
        text = (corpus_dirs[0] / row["报告"]).read_text(encoding="utf-8")
        assert (
            row["原文依据"] and row["原文依据"] in text
        )  # the exact source sentence, original script
    assert set(table["指标"]) >= {label("proactive_total"), label("applications_received")}


def test_missing_and_flagged_names_what_each_report_lacks(corpus):
    view = rd.agency_view(corpus, MULTI)
    mf = rd.missing_and_flagged(view)
    row2014 = mf[(mf["年份"] == "2014") & (mf["类别"] == "未找到的主要数字")]
    assert len(row2014) == 1 and label("proactive_total") in row2014.iloc[0]["说明"]
    assert (mf["类别"].str.contains("manifest")).any()  # the manifest changed 002's agency: shown


def test_header_says_when_there_is_only_one_year(corpus):
    one = rh.agency_header(rd.agency_view(corpus, "贵州省工商局"))
    many = rh.agency_header(rd.agency_view(corpus, MULTI))
    assert "只有一年" in one and "只有一年" not in many
    assert "2014–2019" in many and "共 4 份报告" in many


def test_coverage_grid_marks_years_without_reports_as_missing(corpus):
    reps = rd.scope(corpus, [])
    grid = rd.coverage_by_agency_year(corpus, reps, rd.DEFAULT_CROSS_YEAR)
    assert list(grid.columns) == list(range(2014, 2020))
    assert np.isnan(grid.loc[MULTI, 2015]) and np.isnan(grid.loc["贵州省工商局", 2014])
    assert grid.loc[MULTI, 2014] == 2 and grid.loc["贵州省工商局", 2016] == 5
    detail = rd.coverage_detail(corpus, reps, ["proactive_total"])
    assert detail.set_index("报告").loc["002_ee0bfc924291661c.txt", label("proactive_total")] == "—"


def test_scope_and_parameters_reject_unknown_names(corpus):
    assert set(rd.scope(corpus, "贵州省工商局")["agency"]) == {"贵州省工商局"}
    with pytest.raises(ValueError):
        rd.scope(corpus, ["没有这个机关"])
    with pytest.raises(ValueError):
        rd.check_metrics(["not_a_metric"])
    assert rd.check_metrics([]) == rd.DEFAULT_CROSS_YEAR
    assert rd.pick_agency(corpus, "") == rd.agencies(corpus)[0]
    with pytest.raises(ValueError):
        rd.pick_agency(corpus, "../../etc/x")


def test_metric_long_has_one_row_per_report_in_scope(corpus):
    reps = rd.scope(corpus, [])
    long = rd.metric_long(corpus, reps, "proactive_total")
    assert len(long) == 5 and long["value"].isna().sum() == 1


def test_figures_text_is_sorted_and_exact(corpus, corpus_dirs):
    text = rd.figures_text(corpus)
    lines = text.splitlines()
    assert lines[0] == f"{len(corpus.metrics)} figures in 5 reports"
    keys = [(ln.split()[0], ln.split()[2]) for ln in lines[1:]]
    assert keys == sorted(keys)
    assert any(
        ln.startswith(OTHER) and "proactive_total" in ln and "2,437 条" in ln for ln in lines
    )
    assert rd.figures_text(rd.load(corpus_dirs[1])) == text  # same data, same text


def test_agency_fingerprint_changes_only_with_that_agencys_data(corpus):
    a = rd.view_fingerprint(rd.agency_view(corpus, MULTI))
    b = rd.view_fingerprint(rd.agency_view(corpus, "贵州省工商局"))
    changed = rd.Corpus(**{**corpus.__dict__})
    m = corpus.metrics.copy()
    m.loc[m["report_id"] == OTHER, "value"] = m.loc[m["report_id"] == OTHER, "value"] + 1
    changed.metrics = m
    assert rd.view_fingerprint(rd.agency_view(changed, MULTI)) == a
    assert rd.view_fingerprint(rd.agency_view(changed, "贵州省工商局")) != b


def test_table_cells_pivot_rows_and_columns_and_leave_gaps_blank(corpus):
    view = rd.agency_view(corpus, "贵州省工商局")
    assert rd.table_cells(view) == {}  # prose report: no standard table, said as none
    cells = pd.DataFrame(
        {
            "report_id": [OTHER] * 3,
            "agency": ["贵州省工商局"] * 3,
            "report_year": [2016] * 3,
            "table": ["三"] * 3,
            "layout": ["template2019"] * 3,
            "row_key": ["granted", "granted", "partial"],
            "col_key": ["natural", "total", "total"],
            "row_label": ["（一）予以公开", "（一）予以公开", "（二）部分公开"],
            "col_label": ["自然人", "总计", "总计"],
            "value": [3.0, 5.0, 1.0],
            "line": [10, 10, 11],
            "evidence": ["", "", ""],
        }
    )
    view.cells = cells
    tables = rd.table_cells(view)
    ((name, t),) = tables.items()
    assert "表三" in name
    assert t.loc["（一）予以公开", "总计"] == "5" and t.loc["（二）部分公开", "自然人"] == ""


def test_agency_fingerprints_follow_exactly_the_rows_of_each_agency(corpus):
    before = rd.agency_fingerprints(corpus)
    assert set(before) == set(rd.agencies(corpus)) and len(set(before.values())) == len(before)
    assert rd.agency_fingerprints(rd.Corpus(**{**corpus.__dict__})) == before  # same data
    m = corpus.metrics.copy()
    m.loc[m["report_id"] == OTHER, "value"] = m.loc[m["report_id"] == OTHER, "value"] + 1
    after = rd.agency_fingerprints(rd.Corpus(**{**corpus.__dict__, "metrics": m}))
    assert after[MULTI] == before[MULTI] and after["贵州省工商局"] != before["贵州省工商局"]
    issues = pd.concat(  # a note on the duplicate file belongs to the agency of its original
        [
            corpus.issues,
            pd.DataFrame(
                [
                    {
                        "report_id": "005_copy.txt",
                        "level": "info",
                        "code": "x",
                        "metric": None,
                        "message": "m",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    third = rd.agency_fingerprints(rd.Corpus(**{**corpus.__dict__, "issues": issues}))
    assert third[MULTI] == before[MULTI] and third["贵州省工商局"] != before["贵州省工商局"]
    assert rd.corpus_digest(corpus) != rd.corpus_digest(
        rd.Corpus(**{**corpus.__dict__, "metrics": m})
    )


def test_the_view_holds_what_a_plain_filter_of_each_table_gives(corpus):
    view = rd.agency_view(corpus, MULTI)
    ids = set(corpus.reports.loc[corpus.reports["agency"] == MULTI, "report_id"])
    assert set(view.reports["report_id"]) == ids and len(view.reports) == 4
    assert view.metrics.equals(
        corpus.metrics[corpus.metrics["report_id"].isin(ids)]
        .sort_values(["report_year", "report_id", "metric"])
        .reset_index(drop=True)
    )
    other = rd.agency_view(corpus, "贵州省工商局")
    assert list(other.duplicates["report_id"]) == ["005_copy.txt"]


def test_load_reads_the_tables_once_and_a_page_cannot_change_the_next_ones(corpus_dirs):
    first = rd.load(corpus_dirs[1])
    n = int(first.metrics["value"].notna().sum())
    first.metrics.loc[:, "value"] = float("nan")  # a notebook that scribbles on its data
    again = rd.load(corpus_dirs[1])
    assert int(again.metrics["value"].notna().sum()) == n
    assert rd.agency_view(again, MULTI).metrics["value"].notna().any()


def test_the_agency_charts_are_three_svg_charts_of_its_years(corpus):
    import xml.etree.ElementTree as ET

    from analysis.reports import charts

    svgs = charts.agency_charts(rd.agency_view(corpus, MULTI))
    ns = "{http://www.w3.org/2000/svg}"
    roots = [ET.fromstring(s) for s in svgs]
    assert len(roots) == 3
    for root in roots:
        title = next(t for t in root.iter(f"{ns}text") if t.get("class") == "title").text
        assert title.startswith(MULTI + " · ")
        years = {t.text for t in root.iter(f"{ns}text")} & {str(y) for y in SEEDS.values()}
        assert years == {str(y) for y in SEEDS.values()}  # one group of bars per report year
    ids = [p.get("id") for root in roots for p in root.iter(f"{ns}pattern")]
    assert len(ids) == len(set(ids)) == 6  # three charts inline in one page: no id shared
    # the year without the proactive figure is a missing box, not a bar
    assert sum(r.get("class") == "missing" for r in roots[0].iter(f"{ns}rect")) == 1


def test_many_pages_in_one_kernel_reuse_the_loaded_corpus_index(corpus_dirs, monkeypatch):
    """A warm kernel loads the corpus once and makes hundreds of pages: each page's copy of
    the corpus gets the loaded corpus's row index, never a rebuilt one."""
    processed = corpus_dirs[1]
    rd.forget()
    rd.agency_view(rd.load(processed), MULTI)  # the first page builds the index
    built = []
    real = rd._positions
    monkeypatch.setattr(rd, "_positions", lambda *a: built.append(a[1]) or real(*a))
    for _ in range(30):
        assert len(rd.agency_view(rd.load(processed), MULTI).reports) == 4
    assert built == []


def test_load_figures_reads_what_the_corpus_pages_show_and_nothing_else(corpus_dirs):
    rd.forget()  # read from the files, not from a corpus `load` already holds
    fig = rd.load_figures(corpus_dirs[1])
    full = rd.load(corpus_dirs[1])
    assert fig.cells.empty and fig.checks.empty and not full.checks.empty
    assert list(fig.metrics.columns) == rd.FIGURE_COLUMNS
    pd.testing.assert_frame_equal(fig.metrics, full.metrics[rd.FIGURE_COLUMNS])
    pd.testing.assert_frame_equal(fig.all_reports, full.all_reports)
    assert "005_copy.txt" not in set(fig.metrics["report_id"])  # a duplicate never counts
    assert rd.corpus_digest(fig) == rd.corpus_digest(full)  # the planner hashes what it reads
    reps = rd.scope(fig, [])
    assert rd.overview_text(fig) == rd.overview_text(full)
    assert rd.figures_text(fig, reps) == rd.figures_text(full, rd.scope(full, []))
    assert rd.agency_ranking(fig).equals(rd.agency_ranking(full))
    fig.metrics.loc[:, "value"] = float("nan")  # a page that scribbles on its data
    assert rd.load_figures(corpus_dirs[1]).metrics["value"].notna().any()


def test_corpus_digest_follows_what_the_corpus_pages_read(corpus):
    def digest(**changed) -> str:
        return rd.corpus_digest(rd.Corpus(**{**corpus.__dict__, **changed}))

    m, c = corpus.metrics.copy(), corpus.cells.copy()
    m.loc[:, "evidence"] = "另一句话"
    c.loc[:, "value"] = c["value"] + 1
    before = rd.corpus_digest(corpus)
    assert digest(metrics=m) == before and digest(cells=c) == before  # not on a corpus page
    v = corpus.metrics.copy()
    v.loc[v.index[0], "value"] = v["value"].iloc[0] + 1
    assert digest(metrics=v) != before
    assert digest(issues=corpus.issues.iloc[1:]) != before


def _odd_corpus() -> rd.Corpus:
    """Reports with what the fast counts must get right: a metric given twice by one report
    (first row empty), an empty figure, a figure of a file that is not a counted report."""
    reports = pd.DataFrame(
        {
            "report_id": ["a", "b", "c", "d"],
            "agency": ["甲局", "甲局", "乙局", "丙局"],
            "report_year": [2020, 2021, 2021, 2021],
            "status": ["ok", "ok", "ok", "error"],
            "level": ["county", "county", "prefecture", None],
            "province": ["福建省", "福建省", "江西省", None],
            "place": ["福州市", "福州市", "南昌市", ""],
        }
    )
    rows = [
        ("a", "proactive_total", 5.0, False),
        ("a", "applications_received", np.nan, False),
        ("b", "proactive_total", np.nan, False),
        ("b", "proactive_total", 7.0, True),
        ("b", "applications_received", 3.0, False),
        ("c", "reconsideration_cases", 0.0, False),
        ("zz", "proactive_total", 9.0, False),
    ]
    metrics = pd.DataFrame(rows, columns=["report_id", "metric", "value", "approximate"])
    metrics["report_year"] = metrics["report_id"].map({"a": 2020}).fillna(2021).astype(int)
    empty = pd.DataFrame({"report_id": pd.Series(dtype=str)})
    return rd.Corpus(reports, reports, metrics, empty, empty, empty)


def test_the_coded_counts_are_the_plain_pandas_counts():
    corpus = _odd_corpus()
    m = corpus.metrics
    given = m[m["value"].notna()]
    names = ["proactive_total", "applications_received", "reconsideration_cases"]
    reps = rd.scope(corpus, [])
    # metric_long: the first row of the metric of each report, as a merge would take it
    plain = reps[["report_id", "agency", "report_year", "level", "province"]].merge(
        m[m["metric"] == "proactive_total"].drop_duplicates("report_id")[
            ["report_id", "value", "approximate"]
        ],
        on="report_id",
        how="left",
    )
    long = rd.metric_long(corpus, reps, "proactive_total")
    assert long["report_id"].tolist() == plain["report_id"].tolist() == ["d", "c", "a", "b"]
    np.testing.assert_array_equal(long["value"].to_numpy(), plain["value"].to_numpy())
    # distinct metrics given per report, over the chosen ones
    n = given[given["metric"].isin(names)].groupby("report_id")["metric"].nunique()
    share, count = rd.coverage_summary(corpus, reps, names, "province")
    expect = reps.assign(s=reps["report_id"].map(n).fillna(0) / 3)
    assert share.loc["福建省", 2021] == expect.loc[expect["report_id"] == "b", "s"].item()
    assert share.loc["福建省", 2020] == 1 / 3 and count.loc["江西省", 2021] == 1
    by_year = rd.coverage_by_year(corpus, reps, names)
    assert by_year["一个也没有的报告"].tolist() == [0, 1] and by_year["报告数"].tolist() == [1, 3]
    # per metric over readable reports ("d" is an error; "zz" is not a report)
    cov = rd.metric_coverage(corpus).set_index("metric")
    assert cov.loc["proactive_total", "found"] == 2 and cov.loc["reconsideration_cases", "found"]
    assert cov.loc["applications_received", "found"] == 1
    # figures per report, every row with a value (the ranking's and the groups' measure)
    rank = rd.agency_ranking(corpus).set_index("机关")["每份报告的数字（平均）"]
    assert rank.to_dict() == {"甲局": "1.5", "乙局": "1.0"}
    assert rd.coverage_by(corpus, "level").set_index("层级")["报告数"].to_dict() == {
        "县级": 2,
        "地市级": 1,
    }


def test_problem_reports_lists_each_warning_and_each_unreadable_file_once():
    base = _odd_corpus()
    issues = pd.DataFrame(
        {
            "report_id": ["b", "a", "zz", "a", "d"],
            "level": ["warning", "error", "warning", "info", "error"],
            "code": ["w1", "e1", "w2", "i1", "e2"],
            "metric": [None] * 5,
            "message": ["m1", "m2", "m3", "m4", "m5"],
        }
    )
    reports = base.reports.assign(status=["ok", "ok", "error", "error"], flags=["", "", "", None])
    corpus = rd.Corpus(reports, reports, base.metrics, issues, base.cells, base.checks)
    p = rd.problem_reports(corpus)
    assert p.values.tolist() == [
        ["a", "甲局", "错误", "e1", "m2"],
        ["b", "甲局", "警告", "w1", "m1"],
        ["d", "丙局", "错误", "e2", "m5"],
        ["zz", "", "警告", "w2", "m3"],  # a file the reports table does not know
        ["c", "乙局", "错误", "unreadable", "could not be read"],  # an error with no issue
    ]
