"""The parts a report must have, by the rules it was written under, and which it has.

Three regimes: reports on 2021 and later follow 国办公开办函〔2021〕30号 (six sections,
tables 二/三/四, and the statement of 信息处理费 collected); reports on 2019 and 2020 follow
国办公开办函〔2019〕60号 (the same sections and tables); reports on 2018 and earlier follow the
2007 Regulation, art. 32 (six items of content, no fixed tables). A part counts as present
when its heading words (or, for a table, its fixed labels or read cells) are in the text:
the check is lenient by design, so a part reported missing is truly absent from the text.
"""

from __future__ import annotations

import re
from typing import Any

# (key, Chinese name shown to users, pattern searched in the normalized text)
_SECTIONS_2019 = [
    ("s1", "一、总体情况", r"总体情况|概述|基本情况|总体概况"),
    ("s2", "二、主动公开政府信息情况", r"主动公开"),
    ("s3", "三、收到和处理政府信息公开申请情况", r"收到和处理|依申请公开|公开申请"),
    ("s4", "四、政府信息公开行政复议、行政诉讼情况", r"行政复议|行政诉讼"),
    ("s5", "五、存在的主要问题及改进情况", r"存在的?主要问题|存在(?:的)?问题|改进情况|不足"),
    ("s6", "六、其他需要报告的事项", r"其他需要报告|其他事项"),
]
# a table is present if the reader read its cells, or if its fixed labels are in the text
_TABLES = [
    ("t2", "表二(主动公开政府信息情况)", "二", r"第二十条"),
    ("t3", "表三(收到和处理政府信息公开申请情况)", "三", r"本年新收|上年结转|结转下年度"),
    ("t4", "表四(行政复议、行政诉讼情况)", "四", r"尚未审结|维持|纠正"),
]
_FEE = ("fee", "信息处理费收取情况", r"信息处理费|处理费")
_ITEMS_2007 = [
    ("a1", "(一)主动公开政府信息的情况", r"主动公开"),
    ("a2", "(二)依申请公开政府信息和不予公开政府信息的情况", r"依申请|申请公开|公开申请"),
    ("a3", "(三)政府信息公开的收费及减免情况", r"收费|减免|收取.{0,6}费"),
    ("a4", "(四)因政府信息公开申请行政复议、提起行政诉讼的情况", r"复议|诉讼"),
    ("a5", "(五)政府信息公开工作存在的主要问题及改进情况", r"问题|不足|改进"),
    ("a6", "(六)其他需要报告的事项", r"其他需要报告|其他事项"),
]
_COMPILED = {key: re.compile(pat) for key, _, pat in _SECTIONS_2019 + [_FEE] + _ITEMS_2007} | {
    key: re.compile(pat) for key, _, _, pat in _TABLES
}
NAMES = {k: n for k, n, _ in _SECTIONS_2019 + [_FEE] + _ITEMS_2007} | {
    k: n for k, n, _, _ in _TABLES
}
SOURCES = {
    "2021": "国办公开办函〔2021〕30号",
    "2019": "国办公开办函〔2019〕60号",
    "2007": "《政府信息公开条例》(2007)第三十二条",
}


def regime(report_year: int | None) -> str | None:
    """The rules a report on `report_year` was written under (None: year unknown).

    >>> regime(2022), regime(2019), regime(2018), regime(None)
    ('2021', '2019', '2007', None)
    """
    if report_year is None:
        return None
    return "2021" if report_year >= 2021 else "2019" if report_year >= 2019 else "2007"


def required(reg: str) -> list[str]:
    """The keys of the parts regime `reg` asks for, in report order.

    >>> required("2007")
    ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']
    >>> required("2021")[-1]
    'fee'
    """
    if reg == "2007":
        return [k for k, _, _ in _ITEMS_2007]
    keys = [k for k, _, _ in _SECTIONS_2019] + [k for k, _, _, _ in _TABLES]
    return keys + ["fee"] if reg == "2021" else keys


def find_parts(text: str, report_year: int | None, tables_read: set[str]) -> dict[str, Any]:
    """Which required parts `text` has: {regime, source, present, missing} (lists of keys).

    `tables_read` names the tables whose cells the table reader found ("二", "三", "四").
    One search per required part, over the normalized text.
    """
    reg = regime(report_year)
    if reg is None:
        return {"regime": None, "source": None, "present": [], "missing": []}
    table_of = {k: t for k, _, t, _ in _TABLES}
    present, missing = [], []
    for key in required(reg):
        if table_of.get(key) in tables_read or _COMPILED[key].search(text):
            present.append(key)
        else:
            missing.append(key)
    return {"regime": reg, "source": SOURCES[reg], "present": present, "missing": missing}
