"""The data dictionary: every figure the project extracts, its Chinese label and unit.

Canonical names are what the scorer, the processed tables and the notebooks use; the
Chinese label is what analysts read in charts and tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # Chinese label, as a report or the template would say it
    unit: str
    description: str
    source: str = "prose or table"


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric(
            "proactive_total",
            "主动公开政府信息数",
            "条",
            "Government information proactively disclosed in the year",
        ),
        Metric(
            "applications_received",
            "本年新收政府信息公开申请数",
            "件",
            "Applications received in the year (table 三, row 一, 总计)",
        ),
        Metric(
            "applications_granted",
            "予以公开",
            "件",
            "Applications answered with full disclosure (table 三 （一）)",
        ),
        Metric(
            "applications_partially_granted",
            "部分公开",
            "件",
            "Applications answered with partial disclosure (table 三 （二）)",
        ),
        Metric(
            "applications_denied",
            "不予公开",
            "件",
            "Applications refused (table 三 （三）, all eight reasons)",
        ),
        Metric(
            "applications_unable_to_provide",
            "无法提供",
            "件",
            "Information not held or not existing (table 三 （四）)",
        ),
        Metric(
            "applications_not_processed",
            "不予处理",
            "件",
            "Applications not processed (table 三 （五）)",
        ),
        Metric("applications_other_handling", "其他处理", "件", "Other handling (table 三 （六）)"),
        Metric(
            "applications_carried_over",
            "上年结转政府信息公开申请数",
            "件",
            "Applications carried over from the previous year (table 三, row 二)",
        ),
        Metric(
            "applications_carried_forward",
            "结转下年度继续办理",
            "件",
            "Applications carried forward into the next year (table 三, row 四)",
        ),
        Metric(
            "reconsideration_cases",
            "政府信息公开行政复议",
            "件",
            "Administrative reconsideration cases about disclosure (table 四, 行政复议 总计)",
        ),
        Metric(
            "litigation_cases",
            "政府信息公开行政诉讼",
            "件",
            "Lawsuits about disclosure (table 四, both 行政诉讼 总计 added)",
        ),
        Metric(
            "fees_collected_yuan",
            "依申请公开收费金额",
            "元",
            "Fees charged to applicants for disclosure (never the 行政事业性收费 row)",
        ),
        Metric("policy_interpretations", "政策解读", "条", "Policy interpretations published"),
        Metric("npc_suggestions", "人大代表建议办理", "件", "NPC deputies' suggestions handled"),
        Metric("cppcc_proposals", "政协委员提案办理", "件", "CPPCC members' proposals handled"),
        # from table 二 (2021 layout); the 2019 layout's different columns keep their own names
        Metric(
            "regulations_issued",
            "规章 本年制发件数",
            "件",
            "Regulations issued in the year (table 二, 2021)",
            "table",
        ),
        Metric(
            "regulations_repealed",
            "规章 本年废止件数",
            "件",
            "Regulations repealed in the year (table 二, 2021)",
            "table",
        ),
        Metric(
            "regulations_in_force",
            "规章 现行有效件数",
            "件",
            "Regulations in force (table 二, 2021)",
            "table",
        ),
        Metric(
            "normative_documents_issued",
            "行政规范性文件 本年制发件数",
            "件",
            "Normative documents issued (table 二, 2021)",
            "table",
        ),
        Metric(
            "normative_documents_repealed",
            "行政规范性文件 本年废止件数",
            "件",
            "Normative documents repealed (table 二, 2021)",
            "table",
        ),
        Metric(
            "normative_documents_in_force",
            "行政规范性文件 现行有效件数",
            "件",
            "Normative documents in force (table 二, 2021)",
            "table",
        ),
        Metric(
            "licensing_decisions",
            "行政许可 本年处理决定数量",
            "件",
            "Licensing decisions (table 二)",
            "table",
        ),
        Metric(
            "penalty_decisions",
            "行政处罚 本年处理决定数量",
            "件",
            "Penalty decisions (table 二)",
            "table",
        ),
        Metric(
            "coercion_decisions",
            "行政强制 本年处理决定数量",
            "件",
            "Coercive-measure decisions (table 二)",
            "table",
        ),
        # table 二 (2019 layout): its 第二十条第（一）项 columns mean something else, so they
        # keep their own names
        Metric(
            "regulations_made_2019",
            "规章 本年新制作数量",
            "件",
            "Regulations newly made in the year (table 二, 2019)",
            "table",
        ),
        Metric(
            "regulations_published_2019",
            "规章 本年新公开数量",
            "件",
            "Regulations newly published in the year (table 二, 2019)",
            "table",
        ),
        Metric(
            "regulations_published_total_2019",
            "规章 对外公开总数量",
            "件",
            "Regulations published in total (table 二, 2019)",
            "table",
        ),
        Metric(
            "normative_documents_made_2019",
            "规范性文件 本年新制作数量",
            "件",
            "Normative documents newly made (table 二, 2019)",
            "table",
        ),
        Metric(
            "normative_documents_published_2019",
            "规范性文件 本年新公开数量",
            "件",
            "Normative documents newly published (table 二, 2019)",
            "table",
        ),
        Metric(
            "normative_documents_published_total_2019",
            "规范性文件 对外公开总数量",
            "件",
            "Normative documents published in total (table 二, 2019)",
            "table",
        ),
        Metric(
            "administrative_fees_10k_yuan",
            "行政事业性收费 本年收费金额",
            "万元",
            "Administrative fees collected (table 二, 2021); not disclosure fees",
            "table",
        ),
    ]
}

SCORED = [
    "proactive_total",
    "applications_received",
    "applications_granted",
    "reconsideration_cases",
    "litigation_cases",
    "fees_collected_yuan",
    "policy_interpretations",
    "npc_suggestions",
    "cppcc_proposals",
]


def label(name: str) -> str:
    m = METRICS.get(name)
    return m.label if m else name


def unit(name: str) -> str:
    m = METRICS.get(name)
    return m.unit if m else ""


def markdown_table() -> str:
    """The data dictionary as the Markdown table the README carries."""
    rows = ["| name | 中文标签 | unit | meaning |", "|---|---|---|---|"]
    rows += [f"| `{m.name}` | {m.label} | {m.unit} | {m.description} |" for m in METRICS.values()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
