"""The official rows and columns of tables 二, 三 and 四 (国办公开办函〔2019〕60号, 〔2021〕30号).

Everything the table reader knows about the template lives here: the order of the rows,
the words that identify a row however its label was broken or abbreviated, the columns
of each layout, and the Chinese labels analysts read. Keys are stable English names so
the processed cells table can be filtered without typing Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # as the template writes it (simplified)
    # keywords that identify the row in the squeezed label text; each alternative opens with
    # a literal character (a lookbehind goes after it), so the search can skip to it quickly
    pattern: str
    group: str | None = None  # the 办理结果 group a sub-item belongs to
    data: bool = True  # False for a group heading that carries no figures of its own


# ---------------------------------------------------------------- table 三
T3_ROWS: list[Row] = [
    Row("new", "一、本年新收政府信息公开申请数量", r"本年新收"),
    Row("carried_over", "二、上年结转政府信息公开申请数量", r"上一?年(?:度)?结转"),
    Row("results", "三、本年度办理结果", r"本年度?办理结果", data=False),
    Row("granted", "(一)予以公开", r"予(?<!不予)以公开"),  # not 不予以公开
    Row("partial", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", r"部分公开"),
    Row("denied", "(三)不予公开", r"不予公开", data=False),
    Row("denied_state_secret", "1.属于国家秘密", r"国家秘密", "denied"),
    Row(
        "denied_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        r"法律行政法规禁止公开|法规禁止公开|其他法律行政",  # a PDF may drop 法规禁 from its cell
        "denied",
    ),
    Row("denied_three_safeties", "3.危及“三安全一稳定”", r"危及", "denied"),
    Row("denied_third_party", "4.保护第三方合法权益", r"第三方合法权益", "denied"),
    Row("denied_internal_affairs", "5.属于三类内部事务信息", r"内部事务", "denied"),
    Row("denied_process_info", "6.属于四类过程性信息", r"过程性信息", "denied"),
    Row("denied_enforcement_files", "7.属于行政执法案卷", r"执法案卷", "denied"),
    Row("denied_query_matters", "8.属于行政查询事项", r"查(?:询|找)事项", "denied"),
    Row("unable", "(四)无法提供", r"无法提供", data=False),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", r"不掌握", "unable"),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", r"没有现成|另行制作", "unable"),
    Row("unable_unclear", "3.补正后申请内容仍不明确", r"仍不明确|补正后申请内容", "unable"),
    Row("not_processed", "(五)不予处理", r"不予处理", data=False),
    Row("not_processed_petition", "1.信访举报投诉类申请", r"信访", "not_processed"),
    Row("not_processed_repeat", "2.重复申请", r"重复申请", "not_processed"),
    Row("not_processed_publication", "3.要求提供公开出版物", r"公开出版物", "not_processed"),
    Row("not_processed_massive", "4.无正当理由大量反复申请", r"大量反复", "not_processed"),
    Row(
        "not_processed_confirm",
        "5.要求行政机关确认或重新出具已获取信息",
        r"重新出具|确认或重新",
        "not_processed",
    ),
    Row("other", "(六)其他处理", r"其他处理", data=False),
    Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"逾期不补正",
        "other",
    ),
    Row(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"收费通知|缴纳费用",
        "other",
    ),
    Row(
        "other_other",
        "3.其他",
        r"其(?<=[.、．\d]其)他(?!法律|处理|结果|组织|对外|行政|需要|事项|情形)",
        "other",
    ),  # 3.其他
    Row("total", "(七)总计", r"\(七\)(?:总计|合计)|七、总计|总(?<!小总)计"),  # not 小总计
    Row("carried_forward", "四、结转下年度继续办理", r"结转(?:至|到)?下一?年"),
]
T3_INDEX = {r.key: i for i, r in enumerate(T3_ROWS)}
T3_BY_KEY = {r.key: r for r in T3_ROWS}
T3_GROUPS = ("denied", "unable", "not_processed", "other")
T3_GROUP_ITEMS = {g: [r.key for r in T3_ROWS if r.group == g] for g in T3_GROUPS}
# 2019 has one (六)其他处理 row with figures; 2021 splits it into three.
T3_OTHER_2019 = "other_handling"
SUBTOTAL_PATTERN = re.compile(r"小计|(?<!\(七\))合计")

T3_INDEX[T3_OTHER_2019] = T3_INDEX["other"]
T3_ROWS_2019 = [r.key for r in T3_ROWS if r.data and r.group != "other"]
T3_ROWS_2019.insert(T3_ROWS_2019.index("total"), T3_OTHER_2019)
T3_ROWS_2021 = [r.key for r in T3_ROWS if r.data]


def t3_row_label(key: str) -> str:
    if key == T3_OTHER_2019:
        return "(六)其他处理"
    if key.endswith("_subtotal"):
        return T3_BY_KEY[key[: -len("_subtotal")]].label + " 小计"
    return T3_BY_KEY[key].label


T3_COLS = [
    ("natural_person", "自然人"),
    ("commercial", "法人或其他组织 商业企业"),
    ("research", "法人或其他组织 科研机构"),
    ("public_interest", "法人或其他组织 社会公益组织"),
    ("legal_services", "法人或其他组织 法律服务机构"),
    ("other_org", "法人或其他组织 其他"),
    ("total", "总计"),
]
T3_LEGAL_SUBTOTAL = ("legal_person_subtotal", "法人或其他组织 小计")
T3_APPLICANTS = [k for k, _ in T3_COLS[:6]]
T3_ORGS = [k for k, _ in T3_COLS[1:6]]


def t3_columns(subtotal_at: int | None) -> list[tuple[str, str]]:
    """Columns in the order they stand; the 法人或其他组织 小计 column, when present, at
    `subtotal_at`."""
    cols = list(T3_COLS)
    if subtotal_at is not None:
        cols.insert(subtotal_at, T3_LEGAL_SUBTOTAL)
    return cols


# ---------------------------------------------------------------- table 四
T4_ROWS = [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼 未经复议直接起诉"),
    ("litigation_after_reconsideration", "行政诉讼 复议后起诉"),
]
T4_COLS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other_result", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]
# 尚未审结 with any third character: OCR reads 审 as 申 or 宙 often enough (a typed report has
# no other 尚未?结), and the figures under it are checked by table 四's sums all the same
T4_HEADER = re.compile(r"结果维持|结果纠正|其他结果|尚未.结|总计")
T4_HEADER_ORDER = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def t4_headers(found: list[str]) -> list[str]:
    """Table 四's column heads as the template names them.

    >>> t4_headers(["结果维持", "尚未申结", "总计"])
    ['结果维持', '尚未审结', '总计']
    """
    return ["尚未审结" if h.startswith("尚未") else h for h in found]


# ---------------------------------------------------------------- table 二
@dataclass(frozen=True)
class Row2:
    key: str
    label: str
    pattern: str
    block: str  # 第二十条第(x)项


T2_ROWS = [
    Row2("regulations", "规章", r"规章", "一"),
    Row2(
        "normative_documents",
        "行政规范性文件",
        r"行政规范性(?:文件|文档)|规范性(?:文件|文档)",
        "一",
    ),  # tw2sp: 文件→文档
    Row2("licensing", "行政许可", r"行政许可", "五"),
    Row2("other_services", "其他对外管理服务事项", r"其他对外管理服务事项|对外管理服务", "五"),
    Row2("penalty", "行政处罚", r"行政处罚", "六"),
    Row2("coercion", "行政强制", r"行政强制", "六"),
    Row2("admin_fees", "行政事业性收费", r"行政事业性收费", "八"),
    Row2("procurement", "政府集中采购", r"政府集中采购|集中采购", "九"),
]
T2_BY_KEY = {r.key: r for r in T2_ROWS}
T2_BLOCK = re.compile(r"第二十条第?\(([一二三四五六七八九十]+)\)项")

# columns by layout and block
T2_COLS = {
    "2021": {
        "一": [
            ("issued", "本年制发件数"),
            ("repealed", "本年废止件数"),
            ("in_force", "现行有效件数"),
        ],
        "五": [("decisions", "本年处理决定数量")],
        "六": [("decisions", "本年处理决定数量")],
        "八": [("amount_10k_yuan", "本年收费金额(单位:万元)")],
    },
    "2019": {
        "一": [
            ("new_made", "本年新制作数量"),
            ("new_published", "本年新公开数量"),
            ("published_total", "对外公开总数量"),
        ],
        "五": [
            ("previous_items", "上一年项目数量"),
            ("change", "本年增/减"),
            ("decisions", "处理决定数量"),
        ],
        "六": [
            ("previous_items", "上一年项目数量"),
            ("change", "本年增/减"),
            ("decisions", "处理决定数量"),
        ],
        "八": [("previous_items", "上一年项目数量"), ("change", "本年增/减")],
        "九": [("procurement_items", "采购项目数量"), ("procurement_amount", "采购总金额")],
    },
}
T2_HEADER_2021 = re.compile(r"制发件数|废止件数|现行有效|本年处理决定|本年收费金额")
T2_HEADER_2019 = re.compile(
    r"新制作数量|新公开数量|对外公开总数|上一年项目数|增/减|增减|采购项目数|采购总金额"
)

# metrics read from table 二: (layout, row, col) -> metric name
T2_METRICS = {
    ("2021", "regulations", "issued"): "regulations_issued",
    ("2021", "regulations", "repealed"): "regulations_repealed",
    ("2021", "regulations", "in_force"): "regulations_in_force",
    ("2021", "normative_documents", "issued"): "normative_documents_issued",
    ("2021", "normative_documents", "repealed"): "normative_documents_repealed",
    ("2021", "normative_documents", "in_force"): "normative_documents_in_force",
    ("2021", "licensing", "decisions"): "licensing_decisions",
    ("2021", "penalty", "decisions"): "penalty_decisions",
    ("2021", "coercion", "decisions"): "coercion_decisions",
    ("2021", "admin_fees", "amount_10k_yuan"): "administrative_fees_10k_yuan",
    # the 2019 columns mean other things (对外公开总数量 is not 现行有效件数): their own names
    ("2019", "regulations", "new_made"): "regulations_made_2019",
    ("2019", "regulations", "new_published"): "regulations_published_2019",
    ("2019", "regulations", "published_total"): "regulations_published_total_2019",
    ("2019", "normative_documents", "new_made"): "normative_documents_made_2019",
    ("2019", "normative_documents", "new_published"): "normative_documents_published_2019",
    ("2019", "normative_documents", "published_total"): "normative_documents_published_total_2019",
    ("2019", "licensing", "decisions"): "licensing_decisions",
    ("2019", "penalty", "decisions"): "penalty_decisions",
    ("2019", "coercion", "decisions"): "coercion_decisions",
}

# metrics read from table 三: metric -> row key (总计 column); groups are summed over their items
T3_METRICS = {
    "applications_received": "new",
    "applications_carried_over": "carried_over",
    "applications_granted": "granted",
    "applications_partially_granted": "partial",
    "applications_denied": "denied",
    "applications_unable_to_provide": "unable",
    "applications_not_processed": "not_processed",
    "applications_other_handling": "other",
    "applications_carried_forward": "carried_forward",
}
