"""Tables 三 and 四 from text whose cells were glued into runs of digits (a crawl's text).

The report below is made up: its figures balance (一+二 = (七)+四, (七) = the items, 总计 =
the applicant columns), and it is written the way a page saved as text glues a table,
every row's label straight on its digits and the next row's item number straight after.
"""

from __future__ import annotations

from analysis.tables.glued import readings
from tests.conftest import extract_text, value

COLS = ["natural_person", "commercial", "research", "public_interest", "legal_services"]
COLS += ["other_org", "total"]
ZERO = [0] * 7
# (label as the 2021 template writes it, row key, figures)
ROWS = [
    ("一、本年新收政府信息公开申请数量", "new", [20, 1, 0, 0, 1, 1, 23]),
    ("二、上年结转政府信息公开申请数量", "carried_over", [2, 0, 0, 0, 0, 0, 2]),
    ("三、本年度办理结果（一）予以公开", "granted", [5, 1, 0, 0, 0, 0, 6]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial", [1, 0, 0, 0, 0, 0, 1]),
    ("（三）不予公开1.属于国家秘密", "denied_state_secret", ZERO),
    ("2.其他法律行政法规禁止公开", "denied_prohibited_by_law", ZERO),
    ("3.危及“三安全一稳定”", "denied_three_safeties", ZERO),
    ("4.保护第三方合法权益", "denied_third_party", ZERO),
    ("5.属于三类内部事务信息", "denied_internal_affairs", [1, 0, 0, 0, 0, 0, 1]),
    ("6.属于四类过程性信息", "denied_process_info", ZERO),
    ("7.属于行政执法案卷", "denied_enforcement_files", ZERO),
    ("8.属于行政查询事项", "denied_query_matters", ZERO),
    # 11|0|0|0|0|1|12 and 1|10|0|0|0|1|12 both make this row's sum; only the first keeps
    # the 自然人 column's sums
    ("（四）无法提供1.本机关不掌握相关政府信息", "unable_not_held", [11, 0, 0, 0, 0, 1, 12]),
    ("2.没有现成信息需要另行制作", "unable_needs_creation", ZERO),
    ("3.补正后申请内容仍不明确", "unable_unclear", ZERO),
    ("（五）不予处理1.信访举报投诉类申请", "not_processed_petition", [1, 0, 0, 0, 0, 0, 1]),
    ("2.重复申请", "not_processed_repeat", ZERO),
    ("3.要求提供公开出版物", "not_processed_publication", ZERO),
    ("4.无正当理由大量反复申请", "not_processed_massive", ZERO),
    ("5.要求行政机关确认或重新出具已获取信息", "not_processed_confirm", ZERO),
    (
        "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other_no_correction",
        ZERO,
    ),
    (
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other_no_fee",
        ZERO,
    ),
    ("3.其他", "other_other", [2, 0, 0, 0, 1, 0, 3]),
    ("（七）总计", "total", [21, 1, 0, 0, 1, 1, 24]),
    ("四、结转下年度继续办理", "carried_forward", [1, 0, 0, 0, 0, 0, 1]),
]
T4_HEAD = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
HEAD = (
    "某县交通运输局2022年政府信息公开工作年度报告 一、总体情况 全年依法办理申请。"
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，"
    "等于第三项加第四项之和）申请人情况自然人法人或其他组织总计商业企业科研机构"
    "社会公益组织法律服务机构其他"
)
TAIL = "五、存在的主要问题及改进情况 人员不足。六、其他需要报告的事项 无。"


def glued_report(t4_digits: str = "201031000100000") -> str:
    body = "".join(label + "".join(map(str, figs)) for label, _, figs in ROWS)
    return HEAD + body + T4_HEAD + t4_digits + TAIL + "\n"


def cells(rec: dict) -> dict[tuple[str, str, str], dict]:
    return {(c["table"], c["row_key"], c["col_key"]): c for c in rec["tables"]["cells"]}


def test_every_cell_of_a_glued_table_three_is_recovered():
    rec = extract_text(glued_report())
    got = cells(rec)
    for _, key, figs in ROWS:
        assert [got[("三", key, c)]["value"] for c in COLS] == figs, key
    assert value(rec, "applications_received") == 23
    assert value(rec, "applications_unable_to_provide") == 12
    assert value(rec, "applications_carried_forward") == 1


def test_a_row_only_the_column_sums_can_split_says_so():
    got = cells(extract_text(glued_report()))
    flag = got[("三", "unable_not_held", "natural_person")]["flag"]
    assert "110000112" in flag and "the table's sums" in flag


def test_glued_table_four_with_one_reading():
    rec = extract_text(glued_report())
    got = cells(rec)
    rows = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
    cols = ["upheld", "corrected", "other_result", "pending", "total"]
    assert [[got[("四", r, c)]["value"] for c in cols] for r in rows] == [
        [2, 0, 1, 0, 3],
        [1, 0, 0, 0, 1],
        [0, 0, 0, 0, 0],
    ]
    assert value(rec, "reconsideration_cases") == 3
    assert value(rec, "litigation_cases") == 1


def test_glued_table_four_with_two_readings_leaves_the_differing_cells_empty():
    # 1|10|0|0|11 and 11|0|0|0|11 are both 行政复议 rows whose 总计 is their sum
    rec = extract_text(glued_report("110001100000 20002"))
    got = cells(rec)
    assert got[("四", "reconsideration", "upheld")]["value"] is None
    assert got[("四", "reconsideration", "corrected")]["value"] is None
    assert got[("四", "reconsideration", "total")]["value"] == 11
    assert got[("四", "litigation_after_reconsideration", "total")]["value"] == 2
    assert "readings" in got[("四", "reconsideration", "upheld")]["flag"]
    assert any(i["code"] == "table-glued-ambiguous" for i in rec["issues"])


def test_readings_keep_the_spaces_the_text_kept():
    # "23 0" can only be 23|0 (a space is a boundary), never 2|30
    got = [tuple(v for v, _, _ in r) for r in readings("23 0 0 0 0 0 23", 7, 7)]
    assert got == [(23, 0, 0, 0, 0, 0, 23)]
    assert [tuple(v for v, _, _ in r) for r in readings("2 30 0 0 0 0 32", 7, 7)] == [
        (2, 30, 0, 0, 0, 0, 32)
    ]


def test_readings_never_start_a_figure_with_zero():
    assert readings("0550", 3, 3) == []  # 0|5|50 does not add up, 05 is not a figure
    assert [tuple(v for v, _, _ in r) for r in readings("0550", 3, 3, 1000)] == []


def test_a_run_with_no_reading_is_left_empty_and_reported():
    text = glued_report().replace("8.属于行政查询事项0000000", "8.属于行政查询事项1000000")
    rec = extract_text(text)
    got = cells(rec)
    assert all(got[("三", "denied_query_matters", c)]["value"] is None for c in COLS)
    assert any(
        i["code"] == "table-glued-unread" and "行政查询" in i["message"] for i in rec["issues"]
    )


T2_GLUED = (
    "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
    "规章 000行政规范性文件{normative}第二十条第（五）项信息内容本年处理决定数量行政许可815"
    " 第二十条第（六）项信息内容 本年处理决定数量行政处罚97行政强制6"
)


def test_glued_table_two_splits_only_a_run_with_one_digit_a_column():
    rec = extract_text(
        glued_report().replace("三、收到", T2_GLUED.format(normative="253") + "三、收到")
    )
    got = cells(rec)
    assert [got[("二", "regulations", c)]["value"] for c in ("issued", "repealed", "in_force")] == [
        0,
        0,
        0,
    ]
    assert [got[("二", "normative_documents", c)]["value"] for c in ("issued", "in_force")] == [
        2,
        3,
    ]
    assert value(rec, "licensing_decisions") == 815
    assert value(rec, "penalty_decisions") == 97 and value(rec, "coercion_decisions") == 6
    assert "one digit a column" in got[("二", "regulations", "issued")]["flag"]


def test_glued_table_two_with_more_digits_than_columns_is_not_guessed():
    # 12|0|45, 1|20|45, 12|04|5 … nothing in table 二 says which
    rec = extract_text(
        glued_report().replace("三、收到", T2_GLUED.format(normative="12045") + "三、收到")
    )
    got = cells(rec)
    assert got[("二", "normative_documents", "issued")]["value"] is None
    assert value(rec, "normative_documents_in_force") is None
