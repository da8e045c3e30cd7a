"""Agency names: place chain from the division table + body from a closed vocabulary.

Every sentence here is written for the test; each stands for a way real pages name (or seem
to name) their agency, described in the comment above it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, extract_text

from analysis.extract import extract_bytes
from analysis.facts import divisions as D
from analysis.facts.agency import parse
from analysis.facts.metadata import clean_agency, describe_agency
from analysis.facts.renamings import agency_key, predecessor, predecessor_years

BODY = "一、总体情况\n我局认真贯彻落实《条例》。\n"


def test_the_division_table_knows_codes_parents_and_levels():
    d = D.named("兖州区")[0]
    assert (d.code, D.parent(d).name, D.province_of(d).name, d.level) == (
        "370812",
        "济宁市",
        "山东省",
        "county",
    )
    assert D.named("济宁")[0].level == "prefecture"  # short names of cities
    assert D.named("兖州") == ()  # a county's short name is not read as a place
    assert D.city_of(D.named("海淀区")[0]).name == "北京市"  # a municipality is its city
    assert {c.name for c in D.town_counties("唐村镇")} == {"邹城市"}


def test_the_division_modules_match_what_the_generator_wrote():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_divisions.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "name",
    [
        "局在黄岩区人民政府",  # a verb phrase before a name: 我局在…门户网站
        "请输入搜索海关总署",  # search-box chrome on the line above the title
        "登录注册商务部",  # login chrome
        "新会区(住建局",  # a bracket left open
        "区部署",  # a fragment: 按照区部署
        "综合办公室",  # the office inside the body that handles disclosure
        "镇通过门户网站",  # a sentence fragment after 我镇
        "杭州杭州市财政局",  # a place written twice is no chain
        "嘉兴市财政局嘉兴市财政局",  # a name doubled by a page template
        "政府",  # a body with no place at all
        "共处理局",  # a sentence opening: 2019年,共处理局…
        "报送市委",  # a fragment: …报送市委
    ],
)
def test_text_around_a_name_is_not_a_name(name):
    assert parse(name) is None
    assert clean_agency(name) is None


@pytest.mark.parametrize(
    "name,level,place,code",
    [
        ("海关总署", "national", "全国", None),
        ("水利部黄河水利委员会", "national", "全国", None),  # a ministry's basin office
        ("四川省发展和改革委员会", "provincial", "四川省", "510000"),
        ("济宁市任城区财政局", "county", "济宁市任城区", "370811"),
        ("国家税务总局邹城市税务局", "county", "邹城市", "370883"),
        ("邹城市唐村镇人民政府", "township", "邹城市唐村镇", "370883"),
        ("唐村镇", "township", "唐村镇", "370883"),  # a town known in one county only
        ("上海市公安局徐汇分局", "provincial", "上海市", "310000"),
        ("随县高新技术产业开发区", "county", "随县", "421321"),
        ("平桥区发改委", "county", "平桥区", "411503"),
        ("仁怀市工业和信息化局", "county", "仁怀市", "520382"),  # 信息 inside a body's name
        ("河北省工业和信息化厅", "provincial", "河北省", "130000"),
    ],
)
def test_a_name_gets_level_place_and_code_from_the_division_table(name, level, place, code):
    info = describe_agency(name)
    assert (info["level"], info["place"], info["division_code"]) == (level, place, code)
    assert info["partial_agency"] is False


def test_same_named_districts_are_settled_by_the_page_or_left_open():
    assert describe_agency("和平区财政局")["division_code"] is None  # Tianjin or Shenyang
    info = describe_agency("和平区财政局", context="沈阳市人民政府 政府信息公开")
    assert (info["division_code"], info["city"]) == ("210102", "沈阳市")


def test_a_name_without_its_place_is_flagged_and_its_place_left_empty():
    info = describe_agency("市文化和旅游局")
    assert info["partial_agency"] and info["place"] is None and info["level"] is None
    # the page's header names one city: the place comes from there, the name stays as given
    info = describe_agency("市文化和旅游局", context="来源: 绵阳市人民政府办公室")
    assert info["division_code"] == "510700" and not info["partial_agency"]
    assert info["agency_key"] == "四川省绵阳市文化和旅游局"


def test_a_partial_title_name_takes_the_one_fuller_form_the_text_gives():
    # a title with only 住建局, and the full name in the contact line further down
    text = (
        "住建局2024年政府信息公开工作年度报告\n"
        "一、总体情况\n2024年,我局主动公开政府信息80条。\n"
        "如对本报告有疑问,请与宁乡市住建局办公室联系。\n"
    )
    rec = extract_text(text)
    assert rec["agency"] == "宁乡市住建局"
    assert rec["division_code"] == "430182" and rec["province"] == "湖南省"


def test_two_fuller_forms_leave_the_partial_name_flagged():
    text = (
        "市医疗保障局2022年政府信息公开工作年度报告\n"
        "一、总体情况\n2022年,我局转发了湘潭市医疗保障局和株洲市医疗保障局的通知。\n"
    )
    rec = extract_text(text)
    assert rec["agency"] == "市医疗保障局" and rec["partial_agency"] is True
    assert any(i["code"] == "agency-without-place" for i in rec["issues"])


def test_page_running_head_before_the_title():
    # a PDF converted page by page: 'Page 2 - <title>' heads every page
    rec = extract_text("Page 2 - 绵阳市生态环境局2023年政府信息公开工作年度报告\n" + BODY)
    assert rec["agency"] == "绵阳市生态环境局"


def test_chrome_line_above_a_whole_title_is_not_joined_to_it():
    rec = extract_text("请输入关键词搜索\n海关总署2012年政府信息公开工作年度报告\n" + BODY)
    assert rec["agency"] == "海关总署" and rec["level"] == "national"


def test_a_town_keeps_the_form_its_report_uses():
    rec = extract_text("唐村镇2012年政府信息公开工作年度报告\n" + BODY)
    assert rec["agency"] == "唐村镇" and rec["level"] == "township"
    assert rec["agency_key"] == "山东省济宁市邹城市唐村镇人民政府"


def test_a_street_named_as_subject_and_as_office():
    # the opening sentence names 某街道 as subject; a later sentence its 街道办事处
    text = (
        "依据《条例》编制本报告。\n一、总体情况\n2023年长安街道扎实推进政务公开。"
        "综合办公室公示了长安街道办事处部门预算。\n"
    )
    rec = extract_text(text)
    assert rec["agency"] == "长安街道办事处" and rec["level"] == "township"


def test_a_university_names_itself_for_an_academic_year():
    text = "特向社会公布四川大学2016-2017学年信息公开工作年度报告。\n" + BODY
    assert extract_text(text)["agency"] == "四川大学"


def test_documents_it_issued_name_a_body_that_calls_itself_our_bureau():
    # 现公布我局… and the only issuer of the documents it lists
    text = (
        "现公布我局2023年度政府信息公开工作年度报告。\n一、总体情况\n"
        "全年制定《绵阳市生态环境局关于印发〈排污许可管理办法〉的通知》等文件。\n"
    )
    assert extract_text(text)["agency"] == "绵阳市生态环境局"


def test_short_and_full_forms_share_one_key_and_renamings_are_links():
    full = parse("济宁市发展和改革委员会")
    short = parse("济宁发改委")
    assert agency_key(full, full.division) == agency_key(short, short.division)
    key = describe_agency("济宁市市场监督管理局")["agency_key"]
    assert predecessor(key) == "山东省济宁市工商行政管理局"  # the 2018 reform
    assert describe_agency("国家卫生健康委员会")["predecessor"] == "国家卫生和计划生育委员会"
    years = {"山东省济宁市工商行政管理局": [2016, 2017], "山东省济宁市质量技术监督局": [2015]}
    assert predecessor_years(key, years) == [2015, 2016, 2017]


def test_the_reports_table_carries_the_agency_columns():
    from analysis.tidy import REPORTS_SCHEMA, report_row

    rec = extract_text("济宁市任城区财政局2020年政府信息公开工作年度报告\n" + BODY)
    row = report_row(rec)
    for col in ("division_code", "province", "city", "agency_key", "predecessor"):
        assert col in REPORTS_SCHEMA.names
    assert (row["division_code"], row["province"], row["city"]) == ("370811", "山东省", "济宁市")
    assert row["partial_agency"] is False


def test_a_zone_named_after_its_county_short_name():
    # an experimental zone's title names it after the county it covers, by short name
    rec = extract_text("平潭综合实验区2016年政府信息公开工作年度报告\n" + BODY)
    assert rec["agency"] == "平潭综合实验区"
    assert (rec["division_code"], rec["province"]) == ("350128", "福建省")
    assert parse("某某综合实验区") is None  # no unit has that short name


def test_an_autonomous_prefecture_in_its_short_written_form():
    # 临夏州 for 临夏回族自治州: the title drops the place, a sentence gives it
    text = (
        "州卫生健康委2021年政府信息公开工作年度报告\n一、总体情况\n"
        "2021年,临夏州卫生健康委认真贯彻落实《条例》。\n"
    )
    rec = extract_text(text)
    assert rec["agency"] == "临夏州卫生健康委"
    assert (rec["division_code"], rec["level"]) == ("622900", "prefecture")
    assert rec["agency_key"] == "甘肃省临夏回族自治州卫生健康委员会"


@pytest.mark.parametrize(
    "title, compiler, agency",
    [
        # a government's report is compiled by its office, and its title names the government
        ("泉港区人民政府", "泉州市泉港区人民政府办公室", "泉港区人民政府"),
        ("永春县人民政府", "永春县人民政府办公室", "永春县人民政府"),
        # the office's own report, and a department that compiles its own: the compiler
        ("泉州市人民政府办公室", "泉州市人民政府办公室", "泉州市人民政府办公室"),
        ("泉港区人民政府", "泉港区财政局", "泉港区财政局"),
    ],
)
def test_a_government_report_compiled_by_its_office_is_the_governments(title, compiler, agency):
    """(Seen in a real PDF: 本报告由<city><district>人民政府办公室编制 under a title naming the
    district government.) The office is not the body of the report."""
    text = (
        f"{title}2022年政府信息公开工作年度报告\n"
        f"本报告由{compiler}根据《中华人民共和国政府信息公开条例》要求编制。\n"
        "一、总体情况\n2022年，主动公开政府信息120条。\n"
    )
    rec = extract_bytes("report.txt", text.encode("utf-8"))
    assert rec["agency"] == agency


PAGE = (
    "<html><head><title>年度报告</title>{head}</head><body>"
    "<p>市商务局2022年政府信息公开工作年度报告</p><p>一、总体情况</p>"
    "<p>2022年，市商务局主动公开政府信息120条。</p></body></html>"
)


@pytest.mark.parametrize(
    "head, city",
    [
        # a saved page's own address names one city: its place, said in an info issue
        ('<link rel="canonical" href="https://swj.xiamen.gov.cn/zwgk/t1.html">', "厦门市"),
        ('<meta property="og:url" content="http://www.jiangmen.gov.cn/a/1.html">', "江门市"),
        # fuzhou is 福州 and 抚州: it names neither, and the agency stays partial
        ('<link rel="canonical" href="http://www.fuzhou.gov.cn/a.html">', None),
        ("", None),
    ],
)
def test_a_page_address_gives_the_place_a_short_name_leaves_out(head, city):
    rec = extract_bytes("page.html", PAGE.format(head=head).encode("utf-8"))
    assert rec["agency"] == "市商务局" and rec["city"] == city
    assert rec["partial_agency"] is (city is None)
    codes = [i["code"] for i in rec["issues"]]
    assert ("place-from-url" in codes) is (city is not None)
    assert ("agency-without-place" in codes) is (city is None)


def test_a_manifest_url_gives_the_place_of_a_text_report():
    text = (
        "市商务局2022年政府信息公开工作年度报告\n一、总体情况\n"
        "2022年，市商务局主动公开政府信息120条。\n"
    )
    row = {"url": "http://swj.xiamen.gov.cn/2023/report.txt"}
    rec = extract_bytes("report.txt", text.encode("utf-8"), row)
    assert rec["city"] == "厦门市" and not rec["partial_agency"]


def test_the_pinyin_table_matches_the_divisions():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_pinyin.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
