"""Standard tables 二/三/四 read from every shape a report reaches us in, cell by cell.

The fixtures (tests/fixtures/tables, written by make_fixtures.py from made-up figures
that balance) render the same figures as an official HTML page, a copied pipe table, tab-
and space-separated text and a PDF's flattened text. Every cell of every shape must come
out right; damaged copies must be flagged with their figures left empty, never shifted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import opencc
import pytest

from analysis.extract import extract_bytes

FIX = Path(__file__).resolve().parent / "fixtures" / "tables"
TRUTH = json.loads((FIX / "truth.json").read_text(encoding="utf-8"))
COLS3 = [
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_services",
    "other_org",
    "total",
]
COLS3_SUB = COLS3[:6] + ["legal_person_subtotal", "total"]
COLS4 = ["upheld", "corrected", "other_result", "pending", "total"]
COLS2 = {
    "2021": {
        "regulations": ["issued", "repealed", "in_force"],
        "normative_documents": ["issued", "repealed", "in_force"],
        "licensing": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "admin_fees": ["amount_10k_yuan"],
    },
    "2019": {
        "regulations": ["new_made", "new_published", "published_total"],
        "normative_documents": ["new_made", "new_published", "published_total"],
        "licensing": ["previous_items", "change", "decisions"],
        "other_services": ["previous_items", "change", "decisions"],
        "penalty": ["previous_items", "change", "decisions"],
        "coercion": ["previous_items", "change", "decisions"],
        "admin_fees": ["previous_items", "change"],
        "procurement": ["procurement_items", "procurement_amount"],
    },
}


def expected(
    key: str, tables: str = "二三四", html_empties: bool = False
) -> dict[tuple[str, str, str], object]:
    t = TRUTH[key]
    out: dict[tuple[str, str, str], object] = {}
    if "三" in tables:
        cols = COLS3_SUB if "subtotal" in key else COLS3
        for row, vals in t["三"].items():
            out.update({("三", row, c): v for c, v in zip(cols, vals)})
        if html_empties:
            for row, i in t.get("empty", []):
                out[("三", row, COLS3[i])] = None
    if "四" in tables:
        for row, vals in t["四"].items():
            out.update({("四", row, c): v for c, v in zip(COLS4, vals)})
    if "二" in tables:
        cols2 = COLS2["2019" if key.startswith("2019") else "2021"]
        for row, vals in t["二"].items():
            out.update({("二", row, c): v for c, v in zip(cols2[row], vals)})
    return out


def read(name: str, text: str | None = None) -> dict:
    data = (FIX / name).read_bytes() if text is None else text.encode("utf-8")
    return extract_bytes(name, data)


def cells_of(rec: dict) -> dict[tuple[str, str, str], dict]:
    return {(c["table"], c["row_key"], c["col_key"]): c for c in rec["tables"]["cells"]}


def assert_all_cells(rec: dict, want: dict) -> None:
    got = cells_of(rec)
    wrong = {
        k: (got[k]["value"] if k in got else "missing", v)
        for k, v in want.items()
        if k not in got or got[k]["value"] != v
    }
    assert not wrong, f"{len(wrong)} cells wrong (got, want): {dict(list(wrong.items())[:6])}"


def by_check(rec: dict, check: str) -> list[dict]:
    return [c for c in rec["checks"] if c["check"] == check]


def codes(rec: dict) -> list[str]:
    return [i["code"] for i in rec["issues"]]


SHAPES_2021 = [
    "report_2021.html",
    "report_2021_pipe.txt",
    "report_2021_tabs.txt",
    "report_2021_spaces.txt",
    "report_2021_pdf.txt",
]


@pytest.mark.parametrize("name", SHAPES_2021)
def test_2021_every_cell_of_every_shape(name):
    rec = read(name)
    assert rec["format"] == "template2021" and rec["tables"]["layout"] == "template2021"
    assert_all_cells(rec, expected("2021"))
    assert len(rec["tables"]["cells"]) == 25 * 7 + 15 + 10
    statuses = {c["status"] for c in rec["checks"]}
    assert statuses == {"pass"}, [c["message"] for c in rec["checks"] if c["status"] != "pass"][:3]
    assert not [i for i in rec["issues"] if i["code"].startswith("table")]


@pytest.mark.parametrize("name", SHAPES_2021)
def test_2021_headline_metrics_come_from_the_tables(name):
    rec = read(name)
    m = rec["metrics"]
    want = {
        "applications_received": 85,
        "applications_carried_over": 6,
        "applications_granted": 32,
        "applications_partially_granted": 13,
        "applications_denied": 13,
        "applications_unable_to_provide": 14,
        "applications_not_processed": 9,
        "applications_other_handling": 3,
        "applications_carried_forward": 7,
        "reconsideration_cases": 4,
        "litigation_cases": 5,
        "regulations_issued": 1,
        "regulations_repealed": 0,
        "regulations_in_force": 5,
        "normative_documents_issued": 7,
        "normative_documents_repealed": 2,
        "normative_documents_in_force": 41,
        "licensing_decisions": 1260,
        "penalty_decisions": 87,
        "coercion_decisions": 12,
        "administrative_fees_10k_yuan": 35.6,
    }
    assert {k: m[k]["value"] for k in want} == want
    assert all(m[k]["source"] == "table" for k in want)
    # evidence is the row as the text has it, and it holds the figure
    ev = m["applications_received"]["evidence"]
    assert "本年新收" in ev and "85" in ev and "58" in ev
    assert m["applications_received"]["line"] >= 1
    # the prose says the same: the check passes, and the prose figure is kept beside the table's
    assert m["applications_received"]["prose_value"] == 85
    pv = [c for c in by_check(rec, "prose_vs_table") if "prose:applications_received" in c["cells"]]
    assert pv and pv[0]["status"] == "pass"


def test_cells_carry_labels_line_and_original_row_text():
    rec = read("report_2021_pipe.txt")
    c = cells_of(rec)[("三", "denied_third_party", "commercial")]
    assert (
        c["value"] == 1
        and c["row_label"] == "4.保护第三方合法权益"
        and c["col_label"] == "法人或其他组织 商业企业"
    )
    assert (
        c["evidence"] == "4．保护第三方合法权益 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |"
    )  # original full-width dot kept
    line = (FIX / "report_2021_pipe.txt").read_text(encoding="utf-8").split("\n")[c["line"] - 1]
    assert line == c["evidence"]


def test_2019_layout_with_empty_html_cells_keeps_every_place():
    rec = read("report_2019.html")
    assert rec["format"] == "template2019" and rec["tables"]["layout"] == "template2019"
    # 科研机构 is left empty in the eight 不予公开 rows: those cells are empty, the others in place
    assert_all_cells(rec, expected("2019", html_empties=True))
    rows = {k[1] for k in cells_of(rec) if k[0] == "三"}
    assert "other_handling" in rows and "other_no_correction" not in rows
    assert len([k for k in cells_of(rec) if k[0] == "三"]) == 23 * 7
    m = rec["metrics"]
    assert (
        m["applications_other_handling"]["value"] == 1 and m["applications_received"]["value"] == 39
    )
    # 2019 columns keep their own names; 处理决定数量 means the same in both layouts
    assert (
        m["licensing_decisions"]["value"] == 1260
        and m["regulations_published_total_2019"]["value"] == 5
    )
    assert "regulations_in_force" not in m and "administrative_fees_10k_yuan" not in m
    assert cells_of(rec)[("二", "licensing", "change")]["value"] == -2
    assert cells_of(rec)[("二", "procurement", "procurement_amount")]["value"] == 126.5
    # the rows with an empty cell cannot be checked, the rest pass
    row_totals = {c["cells"][0]: c["status"] for c in by_check(rec, "t3_row_total")}
    assert row_totals["三:denied_third_party:total"] == "cannot assess"
    assert row_totals["三:granted:total"] == "pass"
    assert not [c for c in rec["checks"] if c["status"] == "fail"]


def test_2019_layout_from_flattened_pdf_text():
    rec = read("report_2019_pdf.txt")
    assert rec["tables"]["layout"] == "template2019"
    assert_all_cells(rec, expected("2019"))
    assert {c["status"] for c in rec["checks"]} == {"pass"}


def test_subtotal_rows_and_column():
    rec = read("report_2021_subtotal.html")
    assert rec["tables"]["layout"] == "template2021-subtotal" and rec["format"] == "template2021"
    assert_all_cells(rec, expected("2021-subtotal"))
    assert {c["status"] for c in rec["checks"]} == {"pass"}
    assert (
        len(by_check(rec, "t3_group_subtotal")) == 4 * 8
        and len(by_check(rec, "t3_legal_subtotal")) == 29
    )
    assert rec["metrics"]["applications_denied"]["value"] == 13
    assert rec["metrics"]["applications_denied"]["cells"] == ["三:denied_subtotal:total"]


LABEL_OF = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "三、本年度办理结果 (一)予以公开",
    "partial": "(二)部分公开",
    "denied_state_secret": "(三)不予公开 1.属于国家秘密",
    "denied_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied_three_safeties": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_files": "7.属于行政执法案卷",
    "denied_query_matters": "8.属于行政查询事项",
    "denied_subtotal": "小计",
    "unable_not_held": "(四)无法提供 1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "unable_subtotal": "小计",
    "not_processed_petition": "(五)不予处理 1.信访举报投诉类申请",
    "not_processed_repeat": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_massive": "4.无正当理由大量反复申请",
    "not_processed_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "not_processed_subtotal": "小计",
    "other_no_correction": (
        "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    ),
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "other_subtotal": "小计",
    "total": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}


def test_subtotal_column_without_header_is_placed_by_its_sums():
    # eight figures a row, and no header saying where 小计 stands: the sums say it
    t3 = TRUTH["2021-subtotal"]["三"]
    lines = ["某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    for row, vals in t3.items():
        # the 小计 column second, as some reports draw it
        lines.append(
            LABEL_OF[row] + " " + " ".join(map(str, [vals[0], vals[6], *vals[1:6], vals[7]]))
        )
    rec = read("sub.txt", "\n".join(lines) + "\n五、其他\n")
    assert_all_cells(rec, expected("2021-subtotal", "三"))
    assert [
        k[2] for k in cells_of(rec) if k[:2] == ("三", "new")
    ] == COLS3_SUB  # moved to its usual place


def test_labels_first_figures_after_are_placed_by_row_order_only_when_the_sums_hold():
    rec = read("report_2021_pdf_block.txt")
    assert_all_cells(rec, expected("2021", "三"))
    c = cells_of(rec)[("三", "granted", "total")]
    assert "row order" in c["flag"]
    assert rec["metrics"]["applications_received"]["confidence"] < 0.9
    # one figure typed differently: the sums no longer hold, so nothing is placed
    text = (FIX / "report_2021_pdf_block.txt").read_text(encoding="utf-8")
    broken = text.replace("\n21 5 1 2 2 1 32\n", "\n21 5 1 2 2 1 33\n")
    assert broken != text
    rec = read("block.txt", broken)
    assert all(c["value"] is None for c in rec["tables"]["cells"] if c["table"] == "三")
    assert "table-stream-refused" in codes(rec)
    assert (
        "applications_received" not in rec["metrics"]
        or rec["metrics"]["applications_received"]["source"] == "prose"
    )
    # one figure missing: the count does not fit, nothing is placed
    short = text.replace("\n21 5 1 2 2 1 32\n", "\n21 5 1 2 2 32\n")
    rec = read("block.txt", short)
    assert all(c["value"] is None for c in rec["tables"]["cells"] if c["table"] == "三")
    assert any("do not make" in i["message"] for i in rec["issues"])


def test_wrong_arithmetic_is_read_as_written_and_the_checks_name_the_cells():
    rec = read("report_2021_wrong.html")
    cells = cells_of(rec)
    assert cells[("三", "granted", "natural_person")]["value"] == 22  # as printed, not "corrected"
    assert cells[("三", "granted", "total")]["value"] == 32
    failed = [c for c in rec["checks"] if c["status"] == "fail"]
    assert {c["check"] for c in failed} == {"t3_row_total", "t3_total_parts"}
    row = next(c for c in failed if c["check"] == "t3_row_total")
    assert row["cells"][0] == "三:granted:total" and "三:granted:natural_person" in row["cells"]
    assert (
        row["values"]["三:granted:natural_person"] == 22 and row["values"]["三:granted:total"] == 32
    )
    assert "三:granted:natural_person=22" in row["message"] and "33" in row["message"]
    col = next(c for c in failed if c["check"] == "t3_total_parts")
    assert col["values"]["三:total:natural_person"] == 57 and "自然人" in col["message"]
    # 一+二 = (七)+四 still holds for 自然人: that check passes
    bal = next(c for c in by_check(rec, "t3_balance") if "三:new:natural_person" in c["cells"])
    assert bal["status"] == "pass"
    assert "table-check-failed" in codes(rec)
    g = rec["metrics"]["applications_granted"]
    assert g["value"] == 32 and any("fails" in f for f in g["flags"]) and g["confidence"] < 0.9


def test_cut_off_pipe_table_keeps_what_is_there_and_flags_the_rest():
    rec = read("report_2021_cut.txt")
    cells = cells_of(rec)
    want = expected("2021", "三")
    row7 = [cells[("三", "denied_enforcement_files", c)]["value"] for c in COLS3]
    # the copy ends "… | 0 | 1 | 0 | 0": the last figure may be cut short, so only three are kept
    assert row7 == want_row(want, "denied_enforcement_files")[:3] + [None] * 4
    assert "cut off" in cells[("三", "denied_enforcement_files", "total")]["flag"]
    assert any("may be cut short" in i["message"] for i in rec["issues"])
    for k, v in want.items():
        got = cells[k]["value"]
        assert got is None or got == v, k  # nothing shifted into a wrong cell
    assert cells[("三", "total", "total")]["value"] is None
    assert "ends before" in cells[("三", "carried_forward", "total")]["flag"]
    assert codes(rec).count("table-cut-off") == 3
    m = rec["metrics"]
    assert m["applications_received"]["value"] == 85 and m["applications_granted"]["value"] == 32
    assert "applications_denied" not in m and "applications_carried_forward" not in m
    balance = by_check(rec, "t3_balance")
    assert balance and {c["status"] for c in balance} == {"cannot assess"}


def want_row(want: dict, row: str) -> list:
    return [want[("三", row, c)] for c in COLS3]


def test_cut_off_flattened_stream_keeps_the_figures_before_the_cut():
    rec = read("report_2021_pdf_cut.txt")
    assert_all_cells(rec, expected("2021", "二三"))
    four = [cells_of(rec)[("四", r, c)]["value"] for r in TRUTH["2021"]["四"] for c in COLS4]
    flat = [x for r in TRUTH["2021"]["四"].values() for x in r]
    assert four == flat[:9] + [None] * 6
    assert rec["metrics"]["reconsideration_cases"]["value"] == 4
    assert "litigation_cases" not in rec["metrics"]
    assert "table-cut-off" in codes(rec)


def test_text_ending_in_a_figure_does_not_trust_that_figure():
    text = (FIX / "report_2021_pipe.txt").read_text(encoding="utf-8")
    cut = text[: text.index("(七)总计") if "(七)总计" in text else text.index("（七）总计")]
    cut += "（七）总计 | 57 | 12 | 2 | 3 | 6 | 4 | 8"  # "84" cut after its first digit
    rec = read("cut.txt", cut)
    row = [cells_of(rec)[("三", "total", c)]["value"] for c in COLS3]
    assert row == [57, 12, 2, 3, 6, 4, None]
    assert any("may be cut short" in i["message"] for i in rec["issues"])


@pytest.mark.parametrize("config", ["s2t", "s2twp"])
@pytest.mark.parametrize("name", ["report_2021.html", "report_2021_pdf.txt"])
def test_traditional_character_copies(config, name):
    text = opencc.OpenCC(config).convert((FIX / name).read_text(encoding="utf-8"))
    assert "資訊" in text or "信息" in text
    rec = read(name, text)
    assert rec["script"] == "traditional"
    assert_all_cells(rec, expected("2021"))
    assert {c["status"] for c in rec["checks"]} == {"pass"}
    # evidence is cut from the traditional original
    ev = rec["metrics"]["applications_received"]["evidence"]
    assert "85" in ev
    if name.endswith(".txt"):
        assert ev in text
    else:  # the page's text: the row with its traditional label
        assert "申請數量" in ev


def test_flattened_table_four_needs_fifteen_figures_that_add_up():
    text = (FIX / "report_2021_pdf.txt").read_text(encoding="utf-8")
    row = "2 1 0 1 4 1 0 1 1 3 0 1 0 1 2"
    assert row in text
    rec = read("t.txt", text.replace(row, "2 1 0 1 4 1 0 1 1 3 0 1 0 2"))  # 14 figures
    assert all(c["value"] is None for c in rec["tables"]["cells"] if c["table"] == "四")
    assert any("14 figures" in i["message"] for i in rec["issues"])
    rec = read(
        "t.txt", text.replace(row, "2 1 0 1 5 1 0 1 1 3 0 1 0 1 2")
    )  # 行政复议 总计 ≠ its parts
    assert all(c["value"] is None for c in rec["tables"]["cells"] if c["table"] == "四")
    assert "table-stream-refused" in codes(rec)
    assert rec["metrics"].get("reconsideration_cases", {}).get("source") != "table"
    # in a pipe row the cells are certain: read as written, and the check fails
    pipe = (FIX / "report_2021_pipe.txt").read_text(encoding="utf-8")
    rec = read(
        "p.txt",
        pipe.replace(" | ".join(row.split()), " | ".join("2 1 0 1 5 1 0 1 1 3 0 1 0 1 2".split())),
    )
    assert cells_of(rec)[("四", "reconsideration", "total")]["value"] == 5
    fail = [c for c in by_check(rec, "t4_total") if c["status"] == "fail"]
    assert len(fail) == 1 and fail[0]["cells"][0] == "四:reconsideration:total"


def test_stream_row_with_a_figure_missing_is_left_empty_not_shifted():
    text = (FIX / "report_2021_spaces.txt").read_text(encoding="utf-8")
    old = "4．保护第三方合法权益 3 1 0 0 0 0 4"
    assert old in text
    rec = read("t.txt", text.replace(old, "4．保护第三方合法权益 3 1 0 0 0 4"))
    cells = cells_of(rec)
    assert [cells[("三", "denied_third_party", c)]["value"] for c in COLS3] == [None] * 7
    assert "not placed" in cells[("三", "denied_third_party", "total")]["flag"]
    assert any(
        "6 figures" in i["message"] and "保护第三方合法权益" in i["message"] for i in rec["issues"]
    )
    want = expected("2021")
    for k, v in want.items():
        if k[1] != "denied_third_party":
            assert cells[k]["value"] == v, k
    assert rec["metrics"].get("applications_denied") is None


def test_row_the_template_does_not_have_is_reported_not_merged():
    text = (FIX / "report_2021_pipe.txt").read_text(encoding="utf-8")
    anchor = "8．属于行政查询事项 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
    assert anchor in text
    rec = read(
        "t.txt", text.replace(anchor, anchor + "9．属于其他情形 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n")
    )
    assert_all_cells(rec, expected("2021"))
    assert "table-stray-row" in codes(rec)


def test_a_figure_repeated_across_merged_cells_by_another_converter_is_read_once():
    text = (FIX / "report_2021_pipe.txt").read_text(encoding="utf-8")
    rec = read("t.txt", text.replace("行政许可 | 1260 |", "行政许可 | 1260 | 1260 | 1260 |"))
    c = cells_of(rec)[("二", "licensing", "decisions")]
    assert c["value"] == 1260 and "repeated" in c["flag"]
    rec = read("t.txt", text.replace("行政许可 | 1260 |", "行政许可 | 1260 | 126 | 1260 |"))
    assert cells_of(rec)[("二", "licensing", "decisions")]["value"] is None


def test_html_figures_spanning_columns_are_not_repeated():
    html = (
        "<html><body><p>某局2021年政府信息公开工作年度报告</p><table>"
        '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
        '<tr><td>行政许可</td><td colspan="3">1260</td></tr></table></body></html>'
    )
    rec = extract_bytes("p.html", html.encode("utf-8"), None, with_text=True)
    assert "| 行政许可 | 1260 | | |" in rec["text"]
    assert "| 信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量 |" in rec["text"]


def test_prose_and_table_disagreeing_keeps_the_table_and_fails_the_check():
    text = (FIX / "report_2021_pipe.txt").read_text(encoding="utf-8")
    rec = read(
        "t.txt", text.replace("全年共收到政府信息公开申请85件", "全年共收到政府信息公开申请91件")
    )
    m = rec["metrics"]["applications_received"]
    assert m["value"] == 85 and m["source"] == "table" and m["prose_value"] == 91
    chk = next(
        c for c in by_check(rec, "prose_vs_table") if "prose:applications_received" in c["cells"]
    )
    assert chk["status"] == "fail" and chk["values"]["prose"] == 91 and chk["values"]["table"] == 85
    assert "三:new:total" in chk["cells"]


def test_prose_report_has_no_tables():
    rec = extract_bytes(
        "p.txt",
        "某局2018年政府信息公开工作年度报告\n一、概述\n全年主动公开政府信息30条,收到申请2件。\n"
        "因政府信息公开申请引起的行政复议1件。\n".encode("utf-8"),
    )
    assert (
        rec["format"] == "prose"
        and rec["tables"]["layout"] is None
        and rec["tables"]["cells"] == []
    )
    assert rec["checks"] == [] and rec["metrics"]["proactive_total"]["source"] == "prose"


def test_table_two_header_alone_tells_the_layout():
    text = (
        "某局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项\n"
        "|\n信息内容\n|\n本年制发件数\n|\n本年废止件"
    )
    rec = read("t.txt", text)
    assert rec["format"] == "template2021" and rec["tables"]["cells"] == []


def test_cells_and_checks_become_processed_rows():
    from analysis import tidy

    rec = read("report_2021_wrong.html")
    rec["file"] = "report_2021_wrong.html"
    rows = tidy.cell_rows(rec)
    assert len(rows) == 200 and set(rows[0]) == set(tidy.CELLS_SCHEMA.names)
    assert all(r["layout"] == "template2021" for r in rows)
    checks = tidy.check_rows(rec)
    assert set(checks[0]) == set(tidy.CHECKS_SCHEMA.names)
    failed = [r for r in checks if r["status"] == "fail"]
    assert failed and json.loads(failed[0]["values"])["三:granted:natural_person"] == 22


def test_fixtures_are_what_the_generator_writes():
    """The fixture files are committed; this guards against editing one by hand and not the
    truth."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    t3 = mod._with_totals(mod.T3_2021)
    mod._check(t3, mod.T4_2021)
    assert TRUTH["2021"]["三"] == t3
    html = mod.html_report(
        "某市生态环境局",
        2021,
        mod.html_table2(mod.T2_2021, "2021"),
        mod.html_table3(t3, "2021"),
        mod.html_table4(mod.T4_2021),
        re.search(
            r"<p>(2021年，我局[^<]*)</p>", (FIX / "report_2021.html").read_text(encoding="utf-8")
        ).group(1),
        "国办公开办函〔2021〕30号",
    )
    assert html == (FIX / "report_2021.html").read_text(encoding="utf-8")


def test_prose_naming_table_words_is_not_a_table():
    text = (
        "某市卫生健康委员会2022年政府信息公开工作年度报告\n一、总体情况\n"
        "全面落实《条例》第十九条、第二十条要求,制发行政规范性文件2份,主动公开政府信息4751条。\n"
        "本年新收政府信息公开申请86件,上年结转3件,予以公开40件,部分公开12件,不予公开5件,无法提供20件。\n"
        "政府行政复议6件,5件结果维持,1件结果纠正;1宗复议后诉讼结果维持,尚未审结0件。\n"
    )
    rec = extract_bytes("p.txt", text.encode("utf-8"))
    assert rec["format"] == "prose" and rec["tables"]["cells"] == [] and rec["checks"] == []
    assert not [i for i in rec["issues"] if i["code"].startswith("table")]
    assert rec["metrics"]["proactive_total"]["value"] == 4751


def test_table_four_in_other_arrangements():
    head = "某局2021年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
    cols = "| | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
    # one row per kind of case: the template's order, read
    rows = (
        "| 行政复议 | 2 | 1 | 0 | 1 | 4 |\n"
        "| 未经复议直接起诉 | 1 | 0 | 1 | 1 | 3 |\n"
        "| 复议后起诉 | 0 | 1 | 0 | 1 | 2 |\n"
    )
    rec = read("t.txt", head + cols + rows + "五、存在的主要问题\n")
    assert_all_cells(rec, expected("2021", "四"))
    # one row per result: not the template's order, not guessed
    rows = (
        "| | 行政复议 | 直接起诉 | 复议后起诉 |\n"
        "| 结果维持 | 2 | 1 | 0 |\n"
        "| 结果纠正 | 1 | 0 | 1 |\n"
        "| 其他结果 | 0 | 1 | 0 |\n"
        "| 尚未审结 | 1 | 1 | 1 |\n"
        "| 总计 | 4 | 3 | 2 |\n"
    )
    rec = read("t.txt", head + rows + "五、存在的主要问题\n")
    assert all(c["value"] is None for c in rec["tables"]["cells"] if c["table"] == "四")
    assert "table-header-order" in codes(rec)


def test_an_empty_cell_says_so():
    rec = read("report_2019.html")
    c = cells_of(rec)[("三", "denied_third_party", "research")]
    assert c["value"] is None and c["flag"] == "the cell is empty in the report"
    assert cells_of(rec)[("三", "denied_third_party", "natural_person")]["flag"] is None
