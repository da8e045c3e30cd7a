"""Tables in the shapes PDF extraction and web pages give them: markdown pipe tables with
`|---|` rules, table 四 as three blocks of five under their own headings, HTML grids.

Figures are made up and balance.
"""

from __future__ import annotations

from tests.conftest import extract_text, value

T4_ROWS = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
T4_COLS = ["upheld", "corrected", "other_result", "pending", "total"]
HEADS = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
FIGS = {
    "reconsideration": [4, 1, 0, 2, 7],
    "litigation_direct": [1, 0, 1, 0, 2],
    "litigation_after_reconsideration": [0, 0, 0, 3, 3],
}
T3 = """## 三、收到和处理政府信息公开申请情况

| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |
|---|---|---|---|---|---|---|---|
| 一、本年新收政府信息公开申请数量 | 9 | 2 | 0 | 0 | 0 | 0 | 11 |
| 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| （一）予以公开 | 6 | 1 | 0 | 0 | 0 | 0 | 7 |
| （二）部分公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| （三）不予公开 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 4.保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 5.属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| （四）无法提供 1.本机关不掌握相关政府信息 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |
| 2.没有现成信息需要另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 3.补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| （五）不予处理 1.信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 2.重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 3.要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 4.无正当理由大量反复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| （六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 \
| 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 \
| 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 3.其他 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| （七）总计 | 10 | 2 | 0 | 0 | 0 | 0 | 12 |
| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
"""


def blocks_markdown(order: list[str] | None = None) -> str:
    titles = {
        "reconsideration": "### 行政复议",
        "litigation_direct": "### 行政诉讼（未经复议直接起诉）",
        "litigation_after_reconsideration": "### 行政诉讼（复议后起诉）",
    }
    out = "## 四、政府信息公开行政复议、行政诉讼情况\n\n"
    for k in order or T4_ROWS:
        out += f"{titles[k]}\n{HEADS}| " + " | ".join(map(str, FIGS[k])) + " |\n\n"
    return out


def report(t4: str) -> str:
    return (
        "# 某市林业局2023年政府信息公开工作年度报告\n\n一、总体情况\n\n本局依法公开信息。\n\n"
        + T3
        + "\n"
        + t4
        + "## 五、存在的主要问题及改进情况\n\n培训不足。\n"
    )


def cells(rec: dict) -> dict[tuple[str, str, str], object]:
    return {(c["table"], c["row_key"], c["col_key"]): c["value"] for c in rec["tables"]["cells"]}


def test_markdown_table_three_with_rules_reads_every_row():
    rec = extract_text(report(blocks_markdown()), "r.md")
    got = cells(rec)
    assert got[("三", "new", "total")] == 11
    assert got[("三", "new", "commercial")] == 2
    assert got[("三", "unable_not_held", "total")] == 3
    assert got[("三", "total", "natural_person")] == 10
    assert value(rec, "applications_received") == 11
    assert value(rec, "applications_granted") == 7


def test_table_four_in_three_blocks_of_five():
    rec = extract_text(report(blocks_markdown()), "r.md")
    got = cells(rec)
    assert [[got[("四", r, c)] for c in T4_COLS] for r in T4_ROWS] == [FIGS[r] for r in T4_ROWS]
    assert value(rec, "reconsideration_cases") == 7
    assert value(rec, "litigation_cases") == 5


def test_blocks_are_placed_by_their_headings_not_their_order():
    order = ["litigation_direct", "reconsideration", "litigation_after_reconsideration"]
    got = cells(extract_text(report(blocks_markdown(order)), "r.md"))
    assert [got[("四", "reconsideration", c)] for c in T4_COLS] == FIGS["reconsideration"]
    assert [got[("四", "litigation_direct", c)] for c in T4_COLS] == FIGS["litigation_direct"]


def test_a_block_heading_given_twice_is_not_guessed():
    text = blocks_markdown().replace(
        "### 行政诉讼（复议后起诉）", "### 行政诉讼（未经复议直接起诉）"
    )
    got = cells(extract_text(report(text), "r.md"))
    assert all(got[("四", r, c)] is None for r in T4_ROWS for c in T4_COLS)


def test_html_table_four_in_blocks_reads_the_same():
    rows = "".join(
        f"<tr><td colspan='5'>{t}</td></tr>"
        "<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
        "<tr>" + "".join(f"<td>{v}</td>" for v in FIGS[k]) + "</tr>"
        for k, t in zip(T4_ROWS, ["行政复议", "行政诉讼 未经复议直接起诉", "行政诉讼 复议后起诉"])
    )
    html = (
        "<html><body><h1>某市林业局2023年政府信息公开工作年度报告</h1>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        f"<table>{rows}</table><p>五、存在的主要问题及改进情况</p><p>培训不足。</p></body></html>"
    )
    got = cells(extract_text(html, "r.html"))
    assert [[got[("四", r, c)] for c in T4_COLS] for r in T4_ROWS] == [FIGS[r] for r in T4_ROWS]


def apart(text: str, labels: list[str]) -> str:
    """The table as PDF extraction leaves it when some rows' labels lose their cells: the
    row keeps its figures, its label goes above the row before it, broken over two lines."""
    lines = text.splitlines()
    for label in labels:
        i = next(i for i, line in enumerate(lines) if line.startswith(f"| {label} |"))
        lines[i] = lines[i].replace(f"| {label} |", "|", 1)
        half = len(label) // 2
        lines[i - 1 : i - 1] = [label[:half], label[half:]]
    return "\n".join(lines) + "\n"


LOOSE = ["（二）部分公开", "2.其他法律行政法规禁止公开", "2.没有现成信息需要另行制作", "3.其他"]
GARBLED_T4 = (
    "## 四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n未经复议直接起诉复议后起诉\n"
    "| 维持 | 纠正 | 结果 | 审结 | 结果 | 结果 | 其他 | 尚未 | 结果 | 结果 | 其他 | 尚未 |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    "| " + " | ".join(str(v) for r in T4_ROWS for v in FIGS[r]) + " |\n\n"
)


def test_rows_whose_labels_stand_apart_are_placed_by_order_when_the_sums_hold():
    rec = extract_text(report(GARBLED_T4).replace(T3, apart(T3, LOOSE)), "r.md")
    got = cells(rec)
    assert [got[("三", "partial", c)] for c in ["natural_person", "total"]] == [1, 1]
    assert got[("三", "other_other", "total")] == 1
    assert got[("三", "unable_not_held", "total")] == 3
    assert got[("三", "new", "total")] == 11
    flags = {c["row_key"]: c["flag"] for c in rec["tables"]["cells"] if c["table"] == "三"}
    assert "row order" in flags["partial"] and flags["new"] is None
    assert any(i["code"] == "table-row-by-order" for i in rec["issues"])


def test_rows_apart_from_their_labels_are_not_placed_when_the_sums_fail():
    broken = apart(T3, LOOSE).replace(
        "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n", "| 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n", 1
    )
    got = cells(extract_text(report(GARBLED_T4).replace(T3, broken), "r.md"))
    assert got.get(("三", "partial", "total")) is None


def test_table_four_with_garbled_heads_is_read_only_when_its_sums_hold():
    got = cells(extract_text(report(GARBLED_T4), "r.md"))
    assert [[got[("四", r, c)] for c in T4_COLS] for r in T4_ROWS] == [FIGS[r] for r in T4_ROWS]
    wrong = GARBLED_T4.replace("| 4 | 1 | 0 | 2 | 7 |", "| 4 | 1 | 0 | 2 | 8 |")
    got = cells(extract_text(report(wrong), "r.md"))
    assert all(got.get(("四", r, c)) is None for r in T4_ROWS for c in T4_COLS)


def test_table_two_rows_named_in_their_own_cells_after_loose_text():
    # the loose text names the later rows first; the markdown table then holds 规章 and 文件
    t2 = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n第二十条第（五）项\n"
        "信息内容本年处理决定数量\n行政许可 41\n第二十条第（六）项\n信息内容本年处理决定数量\n"
        "行政处罚 3\n行政强制 0\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
        "| 规章 | 1 | 0 | 4 |\n| 行政规范性文件 | 6 | 2 | 30 |\n\n"
    )
    rec = extract_text(report(blocks_markdown()).replace("## 三、", t2 + "## 三、"), "r.md")
    got = cells(rec)
    assert [got[("二", "normative_documents", c)] for c in ("issued", "repealed", "in_force")] == [
        6,
        2,
        30,
    ]
    assert value(rec, "regulations_in_force") == 4
    assert value(rec, "licensing_decisions") == 41


ONE_OTHER_ROW = T3[T3.index("| （六）其他处理") : T3.index("| （七）总计")]  # its three rows
T2_2021 = (
    "## 二、主动公开政府信息情况\n\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
    "|---|---|---|---|\n| 规章 | 0 | 0 | 2 |\n| 行政规范性文件 | 3 | 1 | 12 |\n\n"
)


def test_a_2021_report_keeping_one_other_handling_row_is_still_2021():
    t3 = T3.replace(ONE_OTHER_ROW, "| （六）其他处理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n")
    assert t3 != T3
    rec = extract_text(T2_2021 + report(blocks_markdown()).replace(T3, t3), "r.md")
    assert rec["format"] == "template2021"
    got = cells(rec)
    assert got[("三", "other_handling", "total")] == 1
    assert got[("二", "normative_documents", "in_force")] == 12


def test_a_label_missing_characters_in_its_cell_still_names_its_row():
    t3 = T3.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    assert t3 != T3
    got = cells(extract_text(report(blocks_markdown()).replace(T3, t3), "r.md"))
    assert got[("三", "denied_prohibited_by_law", "total")] == 0
    assert got[("三", "denied_state_secret", "total")] == 0
