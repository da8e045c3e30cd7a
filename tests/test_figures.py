"""Prose figures on short texts written the way reports state them, one trap per test."""

from __future__ import annotations

from conftest import extract_text, value

HEAD = "某市交通运输局2020年政府信息公开工作年度报告\n"


def rec_of(body: str, head: str = HEAD) -> dict:
    return extract_text(head + body)


def test_year_figure_with_evidence_and_span():
    rec = rec_of("一、主动公开情况\n2020年,我局主动公开政府信息356条,其中通过门户网站公开300条。\n")
    m = rec["metrics"]["proactive_total"]
    assert m["value"] == 356
    assert m["evidence"] == "2020年,我局主动公开政府信息356条,其中通过门户网站公开300条。"
    assert m["span"] == "主动公开政府信息356条"
    assert m["approximate"] is False


def test_all_years_cumulative_is_not_the_year_figure():
    rec = rec_of("历年累计主动公开政府信息4012条。\n")
    assert value(rec, "proactive_total") is None
    rec = rec_of("本年度主动公开政府信息120条,历年累计4012条。\n")
    assert value(rec, "proactive_total") == 120


def test_year_total_said_with_leiji_is_kept_and_flagged():
    rec = rec_of("2020年累计主动公开信息332条。\n")
    m = rec["metrics"]["proactive_total"]
    assert m["value"] == 332
    assert any("累计" in f for f in m["flags"])


def test_cumulative_so_far_is_rejected():
    rec = rec_of(
        "截至2020年底,累计主动公开政府信息8800条。自2008年以来共受理政府信息公开申请95件。\n"
    )
    assert value(rec, "proactive_total") is None
    assert value(rec, "applications_received") is None


def test_last_year_comparison_is_not_this_year():
    rec = rec_of("2019年主动公开政府信息300条。2020年主动公开政府信息356条,较上年增加56条。\n")
    assert value(rec, "proactive_total") == 356
    rec = rec_of("全年受理政府信息公开申请12件,上年受理申请9件。\n")
    assert value(rec, "applications_received") == 12


def test_sub_items_after_qizhong_are_parts_not_totals():
    rec = rec_of("其中主动公开的公文类信息156条。全年主动公开政府信息158条。\n")
    assert value(rec, "proactive_total") == 158


def test_disagreeing_figures_are_left_empty_and_flagged():
    rec = rec_of("通过门户网站主动公开政府信息200条。通过政务微博主动公开政府信息90条。\n")
    m = rec["metrics"]["proactive_total"]
    assert m["value"] is None
    assert "ambiguous" in m["flags"][0]
    assert any(i["code"] == "ambiguous" for i in rec["issues"])


def test_zero_applications_said_in_words():
    for sentence in (
        "本年度未收到政府信息公开申请。",
        "全年没有受理过政府信息依申请公开。",
        "本年度无政府信息公开申请。",
        "依申请受理信息公开申请:无。",
    ):
        rec = rec_of(sentence + "\n")
        assert value(rec, "applications_received") == 0, sentence


def test_no_reconsideration_is_zero_but_fee_costs_are_not():
    rec = rec_of("2020年,我局未发生因政府信息公开引起的行政复议和行政诉讼案件。\n")
    assert value(rec, "reconsideration_cases") == 0
    assert value(rec, "litigation_cases") == 0
    rec = rec_of("(二)与行政复议、行政诉讼有关的费用支出:无。\n")
    assert value(rec, "reconsideration_cases") is None
    assert value(rec, "litigation_cases") is None


def test_reconsideration_only_denied_leaves_litigation_unknown():
    rec = rec_of("我局2020年度没有发生针对本部门有关政府信息公开事务的行政复议案件。\n")
    assert value(rec, "reconsideration_cases") == 0
    assert value(rec, "litigation_cases") is None


def test_applications_zero_not_taken_from_a_reconsideration_sentence():
    rec = rec_of(
        "2020年共收到政府信息公开申请18件。截至目前,未发生因政府信息公开申请而导致的行政复议。\n"
    )
    assert value(rec, "applications_received") == 18
    assert value(rec, "reconsideration_cases") == 0


def test_litigation_parts_are_added():
    rec = rec_of(
        "四、行政复议和行政诉讼情况\n全年共收到行政复议2件;未经复议直接起诉1件,复议后起诉3件。\n"
    )
    assert value(rec, "reconsideration_cases") == 2
    assert value(rec, "litigation_cases") == 4


def test_reconsideration_outcomes_are_not_the_count():
    rec = rec_of("行政复议结果维持3件,行政复议决定撤销1件。\n")
    assert value(rec, "reconsideration_cases") is None


def test_approximate_figures_are_marked():
    rec = rec_of("全年主动公开政府信息1200余条。\n")
    m = rec["metrics"]["proactive_total"]
    assert m["value"] == 1200 and m["approximate"] is True
    rec = rec_of("全年主动公开政府信息近百条。\n")
    m = rec["metrics"]["proactive_total"]
    assert m["value"] == 100 and m["approximate"] is True


def test_chinese_numerals_in_figures():
    rec = rec_of("全年共受理政府信息公开申请三十件,其中予以公开十二件。\n")
    assert value(rec, "applications_received") == 30
    assert value(rec, "applications_granted") == 12
    # the evidence is the source text as written
    assert "三十件" in rec["metrics"]["applications_received"]["evidence"]


def test_ordinals_and_names_are_not_numbers():
    rec = rec_of("第三条规定,主动公开的政府信息主要涉及机构职能等8个类别。一是加强领导。\n")
    assert value(rec, "proactive_total") is None


def test_fees_zero_and_administrative_fees_not_confused():
    rec = rec_of("本年度未向申请人收取任何费用。\n")
    assert value(rec, "fees_collected_yuan") == 0
    rec = rec_of("行政事业性收费收取金额共计35万元。\n")
    assert value(rec, "fees_collected_yuan") is None
    rec = rec_of("依申请提供政府信息收取复制、邮寄等费用共计120元。\n")
    assert value(rec, "fees_collected_yuan") == 120
    rec = rec_of("共编印办事指南30多种,供群众免费索取。\n")
    assert value(rec, "fees_collected_yuan") is None


def test_rules_stated_as_obligations_are_not_facts():
    rec = rec_of("行政机关依申请提供政府信息,不得收取费用。\n")
    assert value(rec, "fees_collected_yuan") is None


def test_npc_and_cppcc_separately_and_combined():
    rec = rec_of("承办人大建议和政协提案共36件,其中市人大代表建议8件,市政协委员提案28件。\n")
    assert value(rec, "npc_suggestions") == 8
    assert value(rec, "cppcc_proposals") == 28
    rec = rec_of("承办人大建议和政协提案共36件。\n")
    assert value(rec, "npc_suggestions") is None
    assert value(rec, "cppcc_proposals") is None


def test_policy_interpretations_single_and_ambiguous():
    rec = rec_of("全年发布政策解读信息14条。\n")
    assert value(rec, "policy_interpretations") == 14
    rec = rec_of("公开并解读文件1件,数字图文解读21条。\n")
    assert value(rec, "policy_interpretations") is None


def test_heading_then_none():
    rec = rec_of(
        "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n本年度无。\n五、政府信息公开的收费及减免情况\n无。\n"
    )
    assert value(rec, "reconsideration_cases") == 0
    assert value(rec, "litigation_cases") == 0
    assert value(rec, "fees_collected_yuan") == 0


def test_other_years_in_the_same_sentence_are_skipped():
    rec = rec_of("2019年共受理政府信息公开申请40件。2020年共受理政府信息公开申请35件。\n")
    assert value(rec, "applications_received") == 35


def test_pinyin_and_traditional_and_zixun():
    trad = (
        "某市交通運輸局2020年政府信息公開工作年度報告\n"
        "全年主動(dòng)公開政府資訊356條,受理依申請公開政府資訊3件。\n"
    )
    rec = extract_text(trad)
    assert rec["script"] == "traditional"
    assert value(rec, "proactive_total") == 356
    assert value(rec, "applications_received") == 3
    # evidence is the original sentence, pinyin and all
    assert "主動(dòng)公開" in rec["metrics"]["proactive_total"]["evidence"]
    assert rec["agency"] == "某市交通运输局"


def test_full_width_digits_and_spaces_inside_words():
    rec = rec_of("全年主动公开政府信息３５６条，受理政府信息公开申 请 ４ 件。\n")
    assert value(rec, "proactive_total") == 356
    assert value(rec, "applications_received") == 4


def test_other_kinds_of_applications_are_not_disclosure_requests():
    rec = rec_of("一、概述\n全年受理行政许可申请356件,办结率100%。\n")
    assert value(rec, "applications_received") is None
    rec = rec_of("二、依申请公开情况\n全年受理网上申请10件,当面申请2件。\n")
    assert value(rec, "applications_received") is None


def test_reconsideration_work_of_a_justice_bureau_is_not_a_disclosure_case():
    rec = rec_of("一、概述\n本机关作为复议机关,全年受理行政复议申请356件。\n")
    assert value(rec, "reconsideration_cases") is None
    rec = rec_of("四、政府信息公开行政复议、行政诉讼情况\n全年共收到行政复议申请2件。\n")
    assert value(rec, "reconsideration_cases") == 2


def test_one_category_of_information_is_not_the_total():
    rec = rec_of("通过门户网站主动公开工作动态信息120条。\n")
    assert value(rec, "proactive_total") is None


def test_quoted_outcome_names():
    rec = rec_of("在已办结的申请中,“同意公开”的5件,“同意部分公开”的2件,“不予公开”的1件。\n")
    assert value(rec, "applications_granted") == 5
    assert value(rec, "applications_partially_granted") == 2
    assert value(rec, "applications_denied") == 1


def test_none_after_a_colon():
    rec = rec_of("因政府信息公开申请行政复议、提起行政诉讼的情况:本年度无。\n")
    assert value(rec, "reconsideration_cases") == 0
    assert value(rec, "litigation_cases") == 0
    rec = rec_of("行政复议机构人员情况:无。\n")
    assert value(rec, "reconsideration_cases") is None


def test_fee_statement_read_in_its_section():
    rec = rec_of("五、政府信息公开的收费及减免情况\n本机关未收取任何费用。\n")
    assert value(rec, "fees_collected_yuan") == 0
    rec = rec_of("三、其他工作\n本机关未收取任何费用。\n")
    assert value(rec, "fees_collected_yuan") is None


def test_explicit_policy_interpretations_beat_interpretation_materials():
    rec = rec_of("全年发布政策解读28篇,制作一图读懂等解读材料15件。\n")
    assert value(rec, "policy_interpretations") == 28
    rec = rec_of("制作相关解读文字和图片8个。\n")
    assert value(rec, "policy_interpretations") == 8


def test_proactive_to_society():
    rec = rec_of("全年主动向社会公开政府信息1280条。\n")
    assert value(rec, "proactive_total") == 1280


def test_evidence_is_exact_after_length_changing_conversion():
    text = (
        "某市商務局2020年政府信息公開工作年度報告\n"
        "通過網際網路和入口網站,全年主動公開政府信息356條,較上年增加。\n"
    )
    rec = extract_text(text)
    m = rec["metrics"]["proactive_total"]
    assert m["value"] == 356
    assert m["span"] == "主動公開政府信息356條"
    assert m["evidence"] == "通過網際網路和入口網站,全年主動公開政府信息356條,較上年增加。"


# --- phrasings found by an independent set of hand-labelled excerpts ------------------


def test_unit_zong_in_outcomes_and_handled_applications():
    rec = rec_of("二、依申请公开情况\n我局共办理依申请公开事项15宗,其中同意公开9宗。\n")
    assert value(rec, "applications_received") == 15
    assert value(rec, "applications_granted") == 9


def test_policy_interpretations_inside_a_breakdown():
    rec = rec_of("全年主动公开政府信息512条,其中政策文件34条,政策解读26条。\n")
    assert value(rec, "policy_interpretations") == 26
    assert value(rec, "proactive_total") == 512


def test_thousands_separators():
    rec = rec_of("全年主动公开政府信息1,046条,收到政府信息公开申请1,024件。\n")
    assert value(rec, "proactive_total") == 1046
    assert value(rec, "applications_received") == 1024


def test_other_applications_under_a_disclosure_heading_are_not_requests():
    rec = rec_of(
        "(一)主动公开\n全年受理户口迁移申请1268件,主动公开政府信息27条。\n"
        "(二)依申请公开\n全年未收到政府信息公开申请。\n"
    )
    assert value(rec, "applications_received") == 0
    rec = rec_of(
        "(一)主动公开\n受理家庭经济困难学生资助申请2136件。\n(二)依申请公开\n本年度未收到政府信息公开申请。\n"
    )
    assert value(rec, "applications_received") == 0


def test_colon_lines_without_closing_punctuation():
    rec = rec_of("主要数据\n3.行政复议:0件\n4.行政诉讼:0件\n5.收费金额:0元\n")
    assert value(rec, "reconsideration_cases") == 0
    assert value(rec, "litigation_cases") == 0
    assert value(rec, "fees_collected_yuan") == 0


def test_reconsideration_work_under_a_heading_naming_only_reconsideration():
    rec = rec_of("(四)推进行政复议决定书公开\n全年共收到行政复议申请216件,受理198件。\n")
    assert value(rec, "reconsideration_cases") is None


def test_enforcement_outcomes_said_in_words_are_not_disclosure_cases():
    rec = rec_of("全年未发生行政复议被撤销、行政诉讼败诉案件。\n")
    assert value(rec, "reconsideration_cases") is None
    assert value(rec, "litigation_cases") is None


def test_suggestions_named_by_session_and_combined_counts():
    rec = rec_of("共承办县十六届人大五次会议代表建议18件、县政协九届五次会议委员提案27件。\n")
    assert value(rec, "npc_suggestions") == 18
    assert value(rec, "cppcc_proposals") == 27
    rec = rec_of("共承办区人大代表建议、区政协委员提案共56件。\n")
    assert value(rec, "npc_suggestions") is None and value(rec, "cppcc_proposals") is None


def test_shanghai_style_granted():
    rec = rec_of("在已办结的申请中,同意公开答复数31件。\n")
    assert value(rec, "applications_granted") == 31


def test_administrative_fee_in_the_previous_clause_is_not_a_disclosure_fee():
    rec = rec_of("及时公开行政事业性收费项目3项,全年收费金额12.6万元。\n")
    assert value(rec, "fees_collected_yuan") is None


def test_less_common_ways_to_state_applications_and_free_service():
    rec = rec_of("二、依申请公开情况\n公民、法人和其他组织向我局提出政府信息公开申请7件。\n")
    assert value(rec, "applications_received") == 7
    rec = rec_of(
        "二、依申请公开情况\n全年共有6人次向我局申请公开政府信息。对申请人均免收检索、复制、邮寄等费用。\n"
    )
    assert value(rec, "applications_received") == 6
    assert value(rec, "fees_collected_yuan") == 0


def test_this_years_figure_inside_a_cumulative_sentence():
    rec = extract_text(
        "某县林业局2009年政府信息公开工作年度报告\n"
        "自2008年5月1日以来,我局累计主动公开政府信息1023条,其中2009年主动公开政府信息612条。\n"
    )
    assert value(rec, "proactive_total") == 612


def test_proactive_part_of_a_mixed_total():
    rec = rec_of("全年共公开政府信息215条,其中主动公开210条,依申请公开5条。\n")
    assert value(rec, "proactive_total") == 210


def test_handled_including_carried_over_is_not_new_applications():
    rec = rec_of("二、依申请公开情况\n全年办理政府信息公开申请56件(含上年结转4件)。\n")
    assert value(rec, "applications_received") is None


def test_label_colon_number_form():
    rec = rec_of("本年度主动公开政府信息数量:386条;收到政府信息公开申请数量:5件。\n")
    assert value(rec, "proactive_total") == 386
    assert value(rec, "applications_received") == 5


def test_change_from_last_year_states_this_year():
    rec = rec_of("政府信息公开申请数量由上年的18件增加到26件。\n")
    assert value(rec, "applications_received") == 26


def test_none_under_headings_in_more_words():
    rec = rec_of(
        "四、行政复议和行政诉讼情况\n本年度没有发生相关情况。\n五、收费及减免情况\n我局2020年度未发生此类情况。\n"
    )
    assert value(rec, "reconsideration_cases") == 0 and value(rec, "litigation_cases") == 0
    assert value(rec, "fees_collected_yuan") == 0
    rec = rec_of("三、依申请公开政府信息情况\n本年度无。\n")
    assert value(rec, "applications_received") == 0


def test_line_broken_mid_sentence_by_a_pdf_converter():
    rec = rec_of("(二)依申请公开\n全年共收到政府信息公开\n申请 17 件,上年结转 1 件。\n")
    assert value(rec, "applications_received") == 17
    assert (
        rec["metrics"]["applications_received"]["evidence"].replace("\n", "")
        == "全年共收到政府信息公开申请 17 件,上年结转 1 件。"
    )


def test_two_disagreeing_places_resolved_by_the_section_on_the_topic():
    rec = rec_of(
        "一、概述\n全年主动公开政府信息1235条。\n二、主动公开政府信息情况\n全年主动公开政府信息1253条,其中网站1016条,微信237条。\n"
    )
    assert value(rec, "proactive_total") == 1253


def test_policy_interpretation_materials_inside_a_list_of_what_was_published():
    # a list after 主要包括 names the interpretations as 政策解读材料N篇
    rec = rec_of("网站发布信息共640条,主要包括规范性文件12件、政策解读材料9篇、工作动态300条。\n")
    assert value(rec, "policy_interpretations") == 9
    # other materials are not interpretations
    rec = rec_of("网站发布宣传材料9篇。\n")
    assert value(rec, "policy_interpretations") is None


def test_shapes_of_statement_seen_on_unseen_reports():
    # a ministry's site count, then the part called 主动公开 (其中主动公开信息N条)
    rec = rec_of("网站全年发布信息3000条,其中主动公开信息240条。\n")
    assert value(rec, "proactive_total") == 240
    # requests counted in 起, the number before its noun
    rec = rec_of("二、依申请公开情况\n本年度我局收到7起政府信息依申请公开。\n")
    assert value(rec, "applications_received") == 7
    # none came, said with 未涉及到
    rec = rec_of("二、依申请公开情况\n本年度我局未涉及到要求政府信息公开的申请。\n")
    assert value(rec, "applications_received") == 0
    # 复议 without 行政, before 诉讼
    rec = rec_of("五、复议情况\n本年度未发生针对政府信息公开事务的复议、诉讼和申诉。\n")
    assert value(rec, "reconsideration_cases") == 0
    # two counts in one list: the second number is the proposals', not the suggestions'
    rec = rec_of("全年做好3件人大代表建议、5件政协委员提案办理结果公开。\n")
    assert value(rec, "npc_suggestions") == 3 and value(rec, "cppcc_proposals") == 5


def test_a_tally_of_disclosure_work_gives_its_own_context():
    # one clause list: requests, then reconsideration and lawsuits, all in 次
    rec = rec_of("一、总体情况\n本年度依申请公开2次,行政复议0次,行政诉讼1次。\n")
    assert value(rec, "reconsideration_cases") == 0 and value(rec, "litigation_cases") == 1
    # the disclosure words stand just before 行政复议
    rec = rec_of("办理信息公开行政复议 0 件,行政诉讼 0 件。\n", head="")
    assert value(rec, "reconsideration_cases") == 0
    # a general count of reconsideration with no disclosure words anywhere is not it
    rec = rec_of("一、总体情况\n本年度办理行政复议案件14件。\n")
    assert value(rec, "reconsideration_cases") is None


def test_applications_described_by_the_next_clause():
    rec = rec_of("一、总体情况\n全年我局接收到申请书23份,申请公开的政府信息主要涉及征收补偿。\n")
    assert value(rec, "applications_received") == 23
    rec = rec_of("一、总体情况\n全年我局接收到补贴申请书23份。\n")
    assert value(rec, "applications_received") is None


def test_a_total_that_closes_a_list_of_channels():
    rec = rec_of("全年主动公开政策文件40条,主动公开工作动态60条,合计共100条。\n")
    assert value(rec, "proactive_total") == 100
    # a 合计 of applications is not the proactive total
    rec = rec_of("全年主动公开信息90条;受理申请3件、咨询2件,合计5件。\n")
    assert value(rec, "proactive_total") == 90


def test_an_enumeration_closed_by_deng_sums_up_the_proactive_total():
    rec = rec_of("2020年,我局主动公开涉及城乡规划、项目审批、财政预算等方面信息215条。\n")
    assert value(rec, "proactive_total") == 215
    rec = rec_of("2020年,我局主动公开规划、计划等信息40条,其中主动公开规划、预算等信息12条。\n")
    assert value(rec, "proactive_total") == 40


def test_requests_named_by_the_kind_of_disclosure():
    rec = rec_of("一、总体情况\n本年度依申请公开4次,行政复议0次。\n")
    assert value(rec, "applications_received") == 4
    rec = rec_of("二、依申请公开\n我局依申请信息公开办理有17件,均按时答复。\n")
    assert value(rec, "applications_received") == 17
    rec = rec_of("二、依申请公开\n本年度我镇没有依申请公开的政府信息。\n")
    assert value(rec, "applications_received") == 0


def test_a_posting_count_of_one_channel_is_not_the_proactive_total():
    rec = rec_of("2020年,通过门户网站发布各类政府信息共860条,主要包括工作动态。\n")
    assert value(rec, "proactive_total") is None
    rec = rec_of("2020年,全年发布政府信息860条。\n")
    assert value(rec, "proactive_total") == 860


def test_parts_after_qizhong_do_not_contest_the_total():
    rec = rec_of("全年发布政策解读15篇,其中负责人解读5篇、图解5篇。\n")
    assert value(rec, "policy_interpretations") == 15


def test_the_first_of_a_list_of_category_counts_is_not_the_total():
    # categories one after another, separated by ;, with no total
    body = "2020年我局主动公开空气质量信息12篇;建设项目审批结果共计30条;执法检查结果9件。\n"
    assert value(rec_of(body), "proactive_total") is None
    # a total followed by its parts is still the total
    body = "2020年我局主动公开政府信息120条;其中政策文件30条,工作动态90条。\n"
    assert value(rec_of(body), "proactive_total") == 120
    # a topic with no list after it stays a candidate
    assert value(rec_of("2020年我局主动公开环境信息45条。\n"), "proactive_total") == 45


def test_items_disclosed_on_request_are_not_requests_but_their_none_is():
    body = "2020年我局主动公开信息60条,依申请公开政府信息5条。\n"
    assert value(rec_of(body), "applications_received") is None
    body = "2020年我局主动公开信息60条,其中工作动态60条、依申请公开信息0条。\n"
    assert value(rec_of(body), "applications_received") == 0
