"""The indicators on reports written for the purpose: late, early, missing a section, copied
from the year before with the years and figures changed, a template shared by two bodies, a
gap in a body's years; and the build computes nothing again for an unchanged corpus."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.build import indicators as ind
from analysis.build import write
from analysis.build.run import build
from analysis.quality import fingerprints as fp
from analysis.quality import parts, timeliness

ROOT = Path(__file__).resolve().parent.parent

# three bodies of prose, each in its own words; {y} is the year, {a}…{c} figures, {n} the name
ROADS = [
    "{y}年,{n}认真贯彻落实政府信息公开条例,全年主动公开政府信息{a}条。",
    "我们把公开透明作为交通运输工作的基本要求,持续完善信息发布机制。",
    "本年度通过门户网站发布通知公告{b}条,政策解读{c}篇。",
    "全年共收到政府信息公开申请{c}件,均已按期答复。",
    "公路养护和客运班线调整的信息在实施前一律向社会公示。",
    "公开内容的深度还不够,下一步将加强业务培训,提升答复质量。",
]
ROADS_NEW = [
    "{y}年,{n}围绕优化营商环境推进决策公开,重大行政决策全部公开征求意见。",
    "网约车管理办法出台后,我们同步发布了图文解读和问答。",
    "全年组织政务开放日活动{a}场,邀请市民代表走进调度中心。",
    "依申请公开的办理时限平均缩短到{b}个工作日。",
    "执法检查结果在检查结束后七日内向社会公开。",
    "基层站所的公开目录更新不及时,将纳入年度考核。",
]
WELFARE = [
    "{y}年,{n}以保障困难群众基本生活为重点做好政府信息公开工作。",
    "城乡低保对象名单按月在村务公开栏和政府网站公示。",
    "全年更新社会救助政策问答{a}条,婚姻登记服务指南{b}条。",
    "养老机构的评估结果和补贴发放情况全部向社会公开。",
    "收到政府信息公开申请{c}件,按时答复率为百分之百。",
    "部分乡镇公示信息更新不及时,下一步将开展专项督查。",
]
SECTIONS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
TABLES = [
    "| 第二十条第(一)项 | 信息内容 | 本年制发件数 |",
    "| 一、本年新收政府信息公开申请数量 | 12 |",
    "| 行政复议 | 维持 | 纠正 | 其他结果 | 尚未审结 | 总计 |",
]


def report(
    name: str, year: int, published: str | None, prose: list[str], figures=(1, 2, 3), drop=()
) -> str:
    """A report in the 2021 format: a title, a publish date, six sections with the prose spread
    over them, the tables' fixed labels and the fee statement; `drop` leaves sections out."""
    a, b, c = figures
    lines = [f"{name}{year}年政府信息公开工作年度报告"]
    if published:
        lines.append(f"发布日期:{published}")
    text = [s.format(y=year, n=name, a=a, b=b, c=c) for s in prose]
    for i, head in enumerate(SECTIONS):
        if i in drop:
            continue
        lines.append(head)
        lines.append(text[i])
        if i in (1, 2, 3):
            lines.append(TABLES[i - 1])
        if i == 5:
            lines.append("本年度未收取信息处理费。")
    return "\n".join(lines) + "\n"


# --- the rules on their own -------------------------------------------------------------
def test_timeliness_late_early_inconsistent_unknown_and_the_2007_rule():
    late = timeliness.assess(2021, "2022-03-10", "宁德市交通运输局")
    assert late["status"] == "late" and late["value"] == 38.0  # due 2022-01-31 (art. 49)
    assert "逾期38天" in late["detail"] and "第四十九条" in late["detail"]
    early = timeliness.assess(2021, "2022-02-01", "宁德市人民政府")  # a government: 3月31日
    assert early["status"] == "on time" and early["value"] == -58.0
    old = timeliness.assess(2017, "2018-03-20", "宁德市交通运输局")  # 2007 art. 31: 3月31日
    assert old["status"] == "on time" and old["value"] == -11.0 and "第三十一条" in old["detail"]
    wrong = timeliness.assess(2021, "2021-06-01", "宁德市交通运输局")
    assert wrong["status"] == "inconsistent" and wrong["value"] is None
    for args in [(2021, None, "宁德市交通运输局"), (None, "2022-01-01", "宁德市交通运输局")]:
        assert timeliness.assess(*args)["status"] == "cannot assess"
    town = timeliness.assess(2021, "2022-02-10", "某某镇人民政府")
    assert town["status"] == "cannot assess" and "乡镇" in town["detail"]


def test_parts_name_the_missing_section_by_format():
    text = report("宁德市交通运输局", 2021, None, ROADS, drop=(4,))
    found = parts.find_parts(text, 2021, set())
    assert found["regime"] == "2021" and found["missing"] == ["s5"]
    assert parts.find_parts(text, 2020, set())["missing"] == ["s5"]  # 2019 format: no fee part
    assert "fee" not in parts.required("2019") and "fee" in parts.required("2021")
    no_tables = "\n".join(line for line in text.split("\n") if "|" not in line)
    assert parts.find_parts(no_tables, 2021, {"三"})["missing"] == ["s5", "t2", "t4"]
    old = parts.find_parts("一、主动公开情况\n二、依申请公开情况\n", 2015, set())
    assert old["regime"] == "2007" and old["missing"] == ["a3", "a4", "a5", "a6"]
    assert parts.find_parts(text, None, set())["regime"] is None


def test_fingerprints_see_through_years_figures_and_the_name():
    a = fp.hashes(report("宁德市交通运输局", 2020, None, ROADS, (120, 35, 8)), ["宁德市交通运输局"])
    b = fp.hashes(report("宁德市交通运输局", 2021, None, ROADS, (98, 41, 12)), ["宁德市交通运输局"])
    c = fp.hashes(report("南平市交通运输局", 2021, None, ROADS, (98, 41, 12)), ["南平市交通运输局"])
    d = fp.hashes(report("宁德市交通运输局", 2021, None, ROADS_NEW), ["宁德市交通运输局"])
    assert a == b == c and len(a) >= 6
    assert len(set(a) & set(d)) < len(a) // 2  # only the fixed sentences (fee statement) shared
    assert fp.unpack(fp.pack(a)) == a


# --- through the build ------------------------------------------------------------------
CORPUS = {
    # copied: the 2021 report is the 2020 one with the years and figures changed, published late
    "roads_2020.txt": report("宁德市交通运输局", 2020, "2021-01-20", ROADS, (120, 35, 8)),
    "roads_2021.txt": report("宁德市交通运输局", 2021, "2022-03-10", ROADS, (98, 41, 12)),
    # rewritten the next year, and missing section 五
    "roads_2022.txt": report("宁德市交通运输局", 2022, "2023-01-05", ROADS_NEW, drop=(4,)),
    # a template filled in by two bodies in the same year
    "welfare_a.txt": report("屏南县民政局", 2021, "2022-01-28", WELFARE, (14, 6, 3)),
    "welfare_b.txt": report("古田县民政局", 2021, "2022-01-30", WELFARE, (9, 2, 5)),
    # a gap: 2019 and 2021 in the corpus, 2020 not
    "gov_2019.txt": report("寿宁县人民政府", 2019, "2020-03-01", ROADS_NEW),
    "gov_2021.txt": report("寿宁县人民政府", 2021, None, ROADS_NEW),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("ind")
    raw = root / "raw"
    raw.mkdir()
    for name, text in CORPUS.items():
        (raw / name).write_text(text, encoding="utf-8")
    out = root / "out"
    assert build(raw, out, jobs=1, quiet=True) == 0
    df = pd.read_parquet(out / "indicators.parquet")
    return raw, out, df


def _one(df: pd.DataFrame, report_id: str | None, indicator: str, year: int | None = None):
    sel = df.loc[(df["indicator"] == indicator)]
    sel = (
        sel.loc[sel["report_id"].isna() & (sel["report_year"] == year)]
        if report_id is None
        else (sel.loc[sel["report_id"] == report_id])
    )
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_build_writes_timeliness_and_completeness_rows(built):
    _, out, df = built
    late = _one(df, "roads_2021.txt", "timeliness")
    assert late["status"] == "late" and late["value"] == 38.0
    assert "header" in late["evidence"] and "2022-03-10" in late["evidence"]
    assert _one(df, "roads_2020.txt", "timeliness")["value"] == -11.0
    assert _one(df, "gov_2021.txt", "timeliness")["status"] == "cannot assess"
    miss = _one(df, "roads_2022.txt", "completeness")
    assert miss["status"] == "incomplete" and miss["value"] == 1.0
    assert "五、存在的主要问题及改进情况" in miss["detail"]
    assert _one(df, "roads_2021.txt", "completeness")["status"] == "complete"
    assert (out / "indicators.csv").read_bytes().startswith(b"\xef\xbb\xbfreport_id,agency")


def test_a_copy_with_years_and_figures_changed_is_flagged_and_shown(built):
    _, _, df = built
    copy = _one(df, "roads_2021.txt", "repetition")
    assert copy["status"] == "flagged" and copy["value"] == 1.0
    assert "2020年度" in copy["detail"]
    assert "我们把公开透明作为交通运输工作的基本要求" in copy["evidence"]
    new = _one(df, "roads_2022.txt", "repetition")
    assert new["status"] == "ok" and new["value"] < 0.5
    first = _one(df, "roads_2020.txt", "repetition")
    assert first["status"] == "cannot assess" and "2019年度" in first["detail"]


def test_a_template_shared_by_two_bodies_is_flagged_both_ways(built):
    _, _, df = built
    a, b = _one(df, "welfare_a.txt", "template"), _one(df, "welfare_b.txt", "template")
    assert a["status"] == b["status"] == "flagged" and a["value"] == 1.0
    assert "古田县民政局" in a["detail"] and "屏南县民政局" in b["detail"]
    assert "城乡低保对象名单按月在村务公开栏和政府网站公示" in a["evidence"]
    # the same body's two years are a copy, not a template; another year's text is not one
    assert _one(df, "roads_2021.txt", "template")["status"] == "ok"
    assert _one(df, "roads_2022.txt", "template")["status"] == "ok"  # its twin is of 2019


def test_coverage_gap_is_no_report_in_the_corpus(built):
    _, _, df = built
    gap = _one(df, None, "coverage", 2020)
    assert gap["agency"] == "寿宁县人民政府" and gap["status"] == "no report in the corpus"
    assert "不等于该机关未发布" in gap["detail"]
    assert len(df.loc[df["indicator"] == "coverage"]) == 1  # 宁德市's 2020–2022 has no gap


def test_unchanged_corpus_recomputes_nothing_and_a_change_recomputes(built, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(built[0], raw)
    shutil.copytree(built[1], out)
    stats = tmp_path / "stats.json"
    env = {"ANALYSIS_BUILD_STATS": str(stats)}
    old = dict(os.environ)
    os.environ.update(env)
    try:
        assert build(raw, out, jobs=1, quiet=True) == 0
        assert json.loads(stats.read_text())["up_to_date"] is True
        (raw / "welfare_b.txt").write_text(
            report("古田县民政局", 2021, "2022-01-30", ROADS_NEW), encoding="utf-8"
        )
        assert build(raw, out, jobs=1, quiet=True) == 0
        assert json.loads(stats.read_text()).get("indicators_computed") is True
    finally:
        os.environ.clear()
        os.environ.update(old)
    df = pd.read_parquet(out / "indicators.parquet")
    assert _one(df, "welfare_a.txt", "template")["status"] == "ok"
    assert _one(df, "welfare_b.txt", "template")["status"] == "flagged"  # now 寿宁县's twin


def test_a_changed_figure_recomputes_them_only_where_its_passage_is_shown(tmp_path, monkeypatch):
    """Figures, years and names are not in the sentence hashes: a report whose figure changed
    leaves the corpus indicators as they were, unless it is a flagged report whose passage
    (with the figure in it) is shown. Either way they are what a build from nothing gives."""
    # one slice holds them all: flagged reports whose passages are shown share it
    stats = tmp_path / "stats.json"
    monkeypatch.setenv("ANALYSIS_BUILD_STATS", str(stats))
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name, text in CORPUS.items():
        (raw / name).write_text(text, encoding="utf-8")
    assert build(raw, out, jobs=1, quiet=True) == 0

    def same_as_fresh() -> pd.DataFrame:
        fresh = tmp_path / f"fresh{len(list(tmp_path.iterdir()))}"
        assert build(raw, fresh, jobs=1, quiet=True) == 0
        df = pd.read_parquet(out / "indicators.parquet")
        pd.testing.assert_frame_equal(df, pd.read_parquet(fresh / "indicators.parquet"))
        return df

    before = pd.read_parquet(out / "indicators.parquet")
    assert "全年主动公开政府信息98条" in _one(before, "roads_2021.txt", "repetition")["evidence"]
    # 寿宁县's 2021 report is flagged for nothing: no passage of it is shown
    (raw / "gov_2021.txt").write_text(
        report("寿宁县人民政府", 2021, None, ROADS_NEW, (7, 8, 9)), encoding="utf-8"
    )
    assert build(raw, out, jobs=1, quiet=True) == 0
    s = json.loads(stats.read_text())
    assert s["extracted"] == 1 and not s.get("indicators_computed")
    pd.testing.assert_frame_equal(same_as_fresh(), before)
    # the flagged copy's figure is in the passage its repetition row shows
    (raw / "roads_2021.txt").write_text(
        report("宁德市交通运输局", 2021, "2022-03-10", ROADS, (97, 41, 12)), encoding="utf-8"
    )
    assert build(raw, out, jobs=1, quiet=True) == 0
    assert json.loads(stats.read_text()).get("indicators_computed") is True
    copy = _one(same_as_fresh(), "roads_2021.txt", "repetition")
    assert copy["status"] == "flagged" and "全年主动公开政府信息97条" in copy["evidence"]


def test_the_text_hashes_of_unchanged_slices_are_not_read_again(tmp_path):
    """The key of the corpus indicators needs the text hashes of the reports whose passages
    are shown: a slice's are read from its saved hashes once, then remembered by its piece
    folder, whose name changes whenever what is in it does."""
    folders = []
    for k, ids in enumerate([["a.txt", "b.txt"], ["c.txt"]]):
        d = tmp_path / f"slice{k}"
        d.mkdir()
        np.savez(d / ind.FINGERPRINTS, ids=np.array(ids), text_sha=np.arange(len(ids)) + 10 * k)
        folders.append(str(d))
    used = [[0, "b.txt"], [1, "c.txt"]]
    memo: dict = {}
    assert ind._text_hashes(folders, used, memo) == [1, 10]
    assert memo == {"slice0": {"b.txt": 1}, "slice1": {"c.txt": 10}}
    (tmp_path / "slice0" / ind.FINGERPRINTS).unlink()  # not read again
    assert ind._text_hashes(folders, used, memo) == [1, 10]
    # a changed slice has a new folder: its hashes are read, the old folder's forgotten
    (tmp_path / "slice1").rename(tmp_path / "slice1b")
    folders[1] = str(tmp_path / "slice1b")
    assert ind._text_hashes(folders, used, memo) == [1, 10] and set(memo) == {"slice0", "slice1b"}
    assert ind._text_hashes(folders, [[0, "a.txt"]], memo) is None  # never read: not there


def test_piece_year_column_is_the_writers():
    assert ind.PIECE_YEAR == write.PIECE_YEAR


def test_cli_summary_and_csv(built, tmp_path):
    _, out, _ = built
    run = [sys.executable, "-m", "analysis", "indicators", "--processed", str(out)]
    text = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "宁德市交通运输局" in text and "寿宁县人民政府" in text
    target = tmp_path / "s.csv"
    subprocess.run(run + ["--format", "csv", "--out", str(target)], cwd=ROOT, check=True)
    summary = pd.read_csv(target, encoding="utf-8-sig")
    row = summary.loc[summary["agency"] == "宁德市交通运输局"].iloc[0]
    assert row["reports"] == 3 and row["late"] == 1 and row["repetition_flagged"] == 1


def test_problems_list_filters_and_sorts_without_script_and_escapes_names(built):
    from analysis.reports import indicators as ri

    _, out, df = built
    hostile = df.assign(
        agency=df["agency"].where(df["agency"] != "屏南县民政局", "<script>x</script>")
    )
    page = ri.problems_table(ri.problems(hostile))
    assert "<script" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert 'id="gdr-f-timeliness"' in page and 'id="gdr-s-value"' in page
    assert page.count("<table") == len(ri.SORTS)  # one copy per sort order
    # sorted by value, largest first: the 38 days late row comes before the 1.0 shares
    by_value = page.split('gdr-by-value">', 1)[1]
    assert by_value.index(">38.0<") < by_value.index(">1.0<")
    summary = ri.agency_summary(df)
    gov = summary.loc[summary["agency"] == "寿宁县人民政府"].iloc[0]
    assert gov["reports"] == 2 and gov["years_missing"] == 1


def test_stored_indicator_counts_match_the_seed_corpus():
    import nbformat
    from conftest import RAW

    from analysis.reports import indicators as ri

    processed = ROOT / "data" / "processed"
    build(RAW, processed, jobs=1, quiet=True)  # nbval's data; a no-op when up to date
    nb = nbformat.read(str(ROOT / "notebooks" / "indicators.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if "NBVAL_CHECK_OUTPUT" in c.source)
    stored = "".join(o["text"] for o in cell.outputs).rstrip("\n")
    assert stored == ri.counts_text(ri.load(str(processed))[0])


def test_an_agency_page_on_tables_built_before_the_indicators_still_runs(built, tmp_path):
    """Processed tables without the indicators table (an older build, or a copied corpus):
    the agency page's indicators row is empty instead of failing the page."""
    from analysis.reports import indicators as ri

    old = tmp_path / "processed"
    shutil.copytree(built[1], old)
    shutil.rmtree(old / "parquet" / "indicators")
    (old / "indicators.parquet").unlink()
    rows = ri.for_agency(str(old), "宁德市交通运输局")
    assert rows.empty and list(rows.columns)[:3] == ["report_id", "agency", "report_year"]
    assert ri.agency_row(rows, "宁德市交通运输局").empty
    assert len(ri.for_agency(str(built[1]), "宁德市交通运输局")) > 0
