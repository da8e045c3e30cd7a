"""The publish date against the deadline the Regulation sets for the body and the year.

Under the Regulation as revised in 2019 (art. 49), reports on 2019 and later are due by
31 January for 县级以上人民政府部门 and by 31 March for 县级以上地方人民政府 (the article
sets no date for 乡镇 governments or 街道办事处, so they are not assessed). Reports on 2018
and earlier fell under the 2007 Regulation (art. 31): 31 March for every body. A publish
date inside the year the report covers cannot be right and is flagged as an inconsistency.
An unknown date, or a body whose kind the name does not show, is "cannot assess".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

ON_TIME, LATE, INCONSISTENT, CANNOT = "on time", "late", "inconsistent", "cannot assess"
_GOV = re.compile(r"人民政府$")
_TOWN = re.compile(r"(乡|镇|街道)(人民政府)?$|街道办事处$|(乡|镇)人民政府")
_DEPT = re.compile(r"(局|委员会|委|厅|办公室|办|中心|署|部|院|会|处|站|所|队|社)$")


def body_kind(agency: str | None) -> str | None:
    """'government', 'township' or 'department' as the name shows it; None if it does not.

    >>> body_kind("福州市人民政府"), body_kind("某某镇人民政府"), body_kind("福州市商务局")
    ('government', 'township', 'department')
    >>> body_kind("某某") is None
    True
    """
    if not agency:
        return None
    if _TOWN.search(agency):
        return "township"
    if _GOV.search(agency):
        return "government"
    if _DEPT.search(agency):
        return "department"
    return None


def deadline(report_year: int, kind: str) -> tuple[dt.date, str] | None:
    """The last day to publish a report on `report_year`, and the rule that sets it.

    >>> day, rule = deadline(2021, "department")
    >>> day, "第四十九条" in rule
    (datetime.date(2022, 1, 31), True)
    >>> deadline(2018, "department")[0]
    datetime.date(2019, 3, 31)
    >>> deadline(2020, "township") is None
    True
    """
    nxt = report_year + 1
    if report_year <= 2018:
        return dt.date(nxt, 3, 31), "《政府信息公开条例》(2007)第三十一条: 每年3月31日前"
    if kind == "department":
        rule = "《政府信息公开条例》(2019年修订)第四十九条: 县级以上人民政府部门1月31日前"
        return dt.date(nxt, 1, 31), rule
    if kind == "government":
        rule = "《政府信息公开条例》(2019年修订)第四十九条: 县级以上地方人民政府3月31日前"
        return dt.date(nxt, 3, 31), rule
    return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def assess(report_year: int | None, publish_date: str | None, agency: str | None) -> dict[str, Any]:
    """{status, value (days after the deadline; negative: early), detail (Chinese)}."""
    date = _date(publish_date)
    if report_year is None:
        return {"status": CANNOT, "value": None, "detail": "报告年度不明,无法判断是否按时发布"}
    if date is None:
        return {"status": CANNOT, "value": None, "detail": "发布日期不明,无法判断是否按时发布"}
    if date <= dt.date(report_year, 12, 31):
        detail = f"发布日期{date.isoformat()}早于所报告年度({report_year}年)结束,日期或年度有误"
        return {"status": INCONSISTENT, "value": None, "detail": detail}
    kind = body_kind(agency)
    due = deadline(report_year, kind) if (kind or report_year <= 2018) else None
    if due is None:
        why = (
            "条例第四十九条未规定乡镇、街道的发布期限"
            if kind == "township"
            else "从名称无法判断是人民政府还是政府部门"
        )
        return {"status": CANNOT, "value": None, "detail": f"{why},无法判断是否按时发布"}
    day, rule = due
    days = (date - day).days
    when = f"逾期{days}天" if days > 0 else "按期" if days == 0 else f"提前{-days}天"
    detail = f"发布日期{date.isoformat()},期限{day.isoformat()}({rule}),{when}"
    return {"status": LATE if days > 0 else ON_TIME, "value": float(days), "detail": detail}
