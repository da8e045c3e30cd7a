"""Agency, year, publish date, level and place, from wherever a report states them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import extract_text

from analysis.facts.metadata import clean_agency, level_and_place, parse_date
from analysis.read.manifest import read_manifest

BODY = "一、概述\n我局认真贯彻落实《条例》。\n"


@pytest.mark.parametrize(
    "text,agency,year",
    [
        ("福州市商务局2018年政府信息公开工作年度报告\n" + BODY, "福州市商务局", 2018),
        ("2015年广州市工商局政府信息公开年度报告\n" + BODY, "广州市工商局", 2015),
        ("新余市商务局2019年度政府信息公开\n\n工作报告\n" + BODY, "新余市商务局", 2019),
        ("泰安市财政局政府信息公开工作2021年度报告\n" + BODY, "泰安市财政局", 2021),
        ("浙江省2016年政府信息公开工作年度报告\n" + BODY, "浙江省人民政府", 2016),
        ("历下区卫生健康局关于2022年政府信息公开工作年度报告\n" + BODY, "历下区卫生健康局", 2022),
        # the sentence naming the author beats a title that uses the body's old name
        (
            "北京市旅游局2009年政府信息公开工作年度报告\n本报告是由北京市旅游发展委员会编制的2009年度政府信息公开年度报告。\n",
            "北京市旅游发展委员会",
            2009,
        ),
        (
            "本报告由济宁市任城区财政局按照《条例》要求编制。本报告所列数据的统计期限自2025年1月1日起至2025年12月31日止。\n",
            "济宁市任城区财政局",
            2025,
        ),
        (
            "根据要求,特向社会公布2010年度吉林省工商行政管理局信息公开年度报告。\n",
            "吉林省工商行政管理局",
            2010,
        ),
        # only a document title quoted in the text names the agency
        (
            "2016年,我局下发了《贵州省工商局2016年政务公开工作实施方案》。2016年,我局进一步完善制度。\n",
            "贵州省工商局",
            2016,
        ),
        # a short name in a sentence, the full one in the title
        (
            "邹城市商务局2010年政府信息公开年度报告 "
            "现特向社会公布商务局2010年度政府信息公开年度报告。\n",
            "邹城市商务局",
            2010,
        ),
    ],
)
def test_agency_and_year(text, agency, year):
    rec = extract_text(text)
    assert rec["agency"] == agency
    assert rec["report_year"] == year


def test_year_from_carried_over_applications_when_nothing_else_says():
    rec = extract_text("全年受理政府信息公开申请86件,办理完成78件,余8件转2023年度办理。\n")
    assert rec["report_year"] == 2022


def test_regulation_date_is_not_the_report_year():
    rec = extract_text(
        "本报告所列数据的统计期限自2012年1月1日起至2012年12月31日止。\n"
        "根据《条例》要求,2008年5月1日起我委开始开展政府信息公开工作。2008年5月1日起施行。\n"
    )
    assert rec["report_year"] == 2012


def test_spam_in_publisher_field_is_never_the_agency():
    text = (
        "标题: | 林业局2008年政府信息公开年度报告 | ||\n"
        "发文日期: | 2009-02-27 15:19:45 | "
        "发布机构: | BET3365手机下载_365体育官方入口app下载官网林业服务中心 |\n" + BODY
    )
    rec = extract_text(text)
    assert rec["agency"] == "林业局"
    assert "BET" not in (rec["agency"] or "")
    assert any(i["code"] == "spam-in-header" for i in rec["issues"])
    assert rec["publish_date"] == "2009-02-27"
    assert clean_agency("BET3365手机下载_365体育亚洲官方入口app下载官网林业服务中心") is None


@pytest.mark.parametrize(
    "text,date",
    [
        ("发文日期: 2018-03-28 发布机构: 张店区商务局\n", "2018-03-28"),
        ("市商务局2014年度政务公开工作总结\n\n23.01.2015  17:43\n\n正文。\n", "2015-01-23"),
        ("某局2017年政府信息公开工作年度报告\n正文内容。\n二〇一八年一月二十日\n", "2018-01-20"),
        ("日期:2010-03-26 14:13    来源:北京市商务局\n", "2010-03-26"),
    ],
)
def test_publish_date_in_any_form(text, date):
    assert extract_text(text + BODY if "正文" not in text else text)["publish_date"] == date


def test_header_date_beats_signature_date():
    text = (
        "发文日期: 2018-03-28 发布机构: 张店区商务局\n张店区商务局2017年政府信息公开工作年度报告\n"
        + BODY
        + "二〇一八年一月二十日\n"
    )
    assert extract_text(text)["publish_date"] == "2018-03-28"


@pytest.mark.parametrize(
    "agency,level,place",
    [
        ("商务部", "national", "全国"),
        ("贵州省工商局", "provincial", "贵州省"),
        ("北京市商务委员会", "provincial", "北京市"),
        ("福州市商务局", "prefecture", "福州市"),
        ("济宁市兖州区财政局", "county", "济宁市兖州区"),
        ("张店区商务局", "county", "张店区"),
        ("开阳县市场监督管理局", "county", "开阳县"),
        # no place in the name: the level is not guessed from the bare 市 or 区
        ("市商务局", None, None),
        ("区商务局", None, None),
    ],
)
def test_level_and_place_from_the_name(agency, level, place):
    assert level_and_place(agency) == (level, place)


def test_dates_parse_in_three_orders():
    assert parse_date("2018-03-28") == "2018-03-28"
    assert parse_date("23.01.2015 17:43") == "2015-01-23"
    assert parse_date("2018年1月20日") == "2018-01-20"
    assert parse_date("2018-02-30") is None


def test_missing_year_and_agency_are_flagged():
    rec = extract_text("我局认真做好政府信息公开工作,主动公开政府信息120条。\n")
    codes = {i["code"] for i in rec["issues"]}
    assert rec["report_year"] is None and "no-year" in codes
    assert rec["agency"] is None and "no-agency" in codes


def test_future_and_pre_2008_years_are_flagged():
    rec = extract_text("某县商务局2099年政府信息公开工作年度报告\n" + BODY)
    assert rec["report_year"] is None or any(
        i["code"] == "year-out-of-range" for i in rec["issues"]
    )
    rec = extract_text("某县商务局2005年政府信息公开工作年度报告\n" + BODY)
    assert rec["report_year"] == 2005
    assert any(i["code"] == "year-out-of-range" and "2008" in i["message"] for i in rec["issues"])


# --- the manifest ---------------------------------------------------------------


def test_manifest_override_is_reported_never_silent():
    rec = extract_text(
        "市商务局2014年度集中审批服务和政务公开工作总结\n" + BODY,
        manifest_row={"agency": "呼和浩特市商务局"},
    )
    assert rec["agency"] == "呼和浩特市商务局"
    assert rec["agency_source"] == "manifest"
    assert rec["overrides"]["agency"] == {"from_text": "市商务局", "manifest": "呼和浩特市商务局"}
    assert any(
        i["code"] == "manifest-override" and "市商务局" in i["message"] for i in rec["issues"]
    )
    assert rec["level"] == "prefecture" and rec["place"] == "呼和浩特市"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "manifest.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_manifest_problems_name_their_line(tmp_path: Path):
    man = read_manifest(
        write(
            tmp_path,
            "file,agency,report_year\n"
            "a.txt,某局,2014\n"
            "missing.txt,某局,2014\n"
            "a.txt,某局,2015\n"
            "b.txt,某局,20x4\n"
            "b.txt,某局\n"
            "../etc/passwd,某局,2014\n",
        ),
        {"a.txt", "b.txt"},
    )
    assert man.rows == {"a.txt": {"agency": "某局", "report_year": "2014"}}
    text = "\n".join(man.problems)
    assert "line 3" in text and "no file named 'missing.txt'" in text
    assert "line 4" in text and "duplicate row for 'a.txt' (first on line 2)" in text
    assert "line 5" in text and "report_year '20x4'" in text
    assert "line 6" in text and "2 fields, expected 3" in text
    assert "line 7" in text and "plain file name" in text


def test_manifest_with_wrong_columns(tmp_path: Path):
    man = read_manifest(write(tmp_path, "filename,agency\nx.txt,某局\n"), {"x.txt"})
    assert man.rows == {}
    assert (
        man.problems and "line 1" in man.problems[0] and "missing column(s) file" in man.problems[0]
    )
    man = read_manifest(write(tmp_path, "file,agency,city\nx.txt,某局,某市\n"), {"x.txt"})
    assert "unknown column(s) city" in man.problems[0]
    assert man.rows == {"x.txt": {"agency": "某局"}}


def test_manifest_in_excel_utf8_with_bom_is_read(tmp_path: Path):
    p = tmp_path / "manifest.csv"
    p.write_bytes("file,agency\nx.txt,某局\n".encode("utf-8-sig"))
    assert read_manifest(p, {"x.txt"}).rows == {"x.txt": {"agency": "某局"}}


def test_year_from_the_opening_sentence_of_the_report():
    rec = extract_text(
        "现将我局2019年政府信息公开工作情况报告如下。2018年5月制定了制度。2018年6月完成了培训。\n"
    )
    assert rec["report_year"] == 2019


def test_the_government_not_its_office_that_compiled_the_report():
    rec = extract_text(
        "临江县人民政府2019年政府信息公开工作年度报告\n本报告由临江县人民政府办公室根据《条例》要求编制。\n"
    )
    assert rec["agency"] == "临江县人民政府"


def test_page_widgets_on_a_header_line_are_not_part_of_the_value():
    rec = extract_text(
        "来源:临江县卫生和计划生育局  字号:[大 中 小]\n2015年,县卫计局认真落实《条例》。\n"
    )
    assert rec["header"]["来源"] == "临江县卫生和计划生育局"
    assert rec["agency"] == "临江县卫生和计划生育局"


def test_title_without_a_year_and_a_signature_date():
    rec = extract_text(
        "某县水务局政府信息公开工作年度报告\n2014年,我局主动公开政府信息92条。2015年,我局将进一步加强公开。"
        "2015年要完善制度。\n某县水务局\n2015年1月20日\n"
    )
    assert rec["agency"] == "某县水务局"
    assert rec["report_year"] == 2014
    assert rec["metrics"]["proactive_total"]["value"] == 92


def test_sports_bureau_is_an_agency_and_sentence_fragments_are_not():
    assert (
        extract_text("某市体育局2019年政府信息公开工作年度报告\n" + BODY)["agency"] == "某市体育局"
    )
    rec = extract_text(
        "2019年度,未发生因政府信息公开申请提起行政复议。我局主动公开政府信息20条。\n"
    )
    assert rec["agency"] is None
