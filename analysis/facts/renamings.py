"""One key for one body across its names, and its renamings as links, never silent merges.

A body appears as 商务局, 市商务局 and 邹城市商务局 on one page, and as 发改委 or
发展和改革委员会 from one year to the next. `agency_key` folds the forms of one name (the
full place chain from the division table, the long form of a short body name), so the
cross-year pages can follow it. A renaming (卫生计生委 → 卫生健康委员会 in 2018, the 2018
reform's 工商局 → 市场监督管理局) is a different name for a successor body: it is recorded
as `predecessor`, a link the agency page can show with the predecessor's years.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import divisions as D
from .agency import Parsed

# short forms of body names → the long form (longest first when applied)
_LONG_FORMS = {
    "发改委": "发展和改革委员会",
    "发展改革委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "发展改革局": "发展和改革局",
    "住建局": "住房和城乡建设局",
    "住建委": "住房和城乡建设委员会",
    "卫健委": "卫生健康委员会",
    "卫生健康委": "卫生健康委员会",
    "卫计委": "卫生和计划生育委员会",
    "卫生计生委": "卫生和计划生育委员会",
    "人社局": "人力资源和社会保障局",
    "市场监管局": "市场监督管理局",
    "工信局": "工业和信息化局",
    "医保局": "医疗保障局",
    "文旅局": "文化和旅游局",
    "文广旅局": "文化广电和旅游局",
    "应急局": "应急管理局",
    "退役军人局": "退役军人事务局",
    "生态环境委": "生态环境委员会",
    "教育委": "教育委员会",
    "环保局": "环境保护局",
    "国土局": "国土资源局",
    "工商局": "工商行政管理局",
    "质监局": "质量技术监督局",
    "安监局": "安全生产监督管理局",
    "食药监局": "食品药品监督管理局",
    "政府办": "人民政府办公室",
    "政府办公室": "人民政府办公室",
    "管委会": "管理委员会",
}
# (old body, new body, year of the reform): the successor takes over the old body's work
RENAMINGS: list[tuple[str, str, int]] = [
    ("卫生和计划生育委员会", "卫生健康委员会", 2018),
    ("工商行政管理局", "市场监督管理局", 2018),
    ("质量技术监督局", "市场监督管理局", 2018),
    ("食品药品监督管理局", "市场监督管理局", 2018),
    ("国土资源局", "自然资源局", 2018),
    ("国土资源厅", "自然资源厅", 2018),
    ("国土资源部", "自然资源部", 2018),
    ("环境保护局", "生态环境局", 2018),
    ("环境保护厅", "生态环境厅", 2018),
    ("环境保护部", "生态环境部", 2018),
    ("农业局", "农业农村局", 2018),
    ("农业厅", "农业农村厅", 2018),
    ("农业部", "农业农村部", 2018),
    ("安全生产监督管理局", "应急管理局", 2018),
    ("商务委员会", "商务局", 2018),
    ("卫生局", "卫生和计划生育委员会", 2013),
    ("人口和计划生育委员会", "卫生和计划生育委员会", 2013),
]
_PREDECESSORS: dict[str, list[str]] = {}
for _old, _new, _year in RENAMINGS:
    _PREDECESSORS.setdefault(_new, []).append(_old)
_NATIONAL_LONG = {
    "国家卫生计生委": "国家卫生和计划生育委员会",
    "国家卫生健康委": "国家卫生健康委员会",
}


def long_body(body: str) -> str:
    """The long form of a body name.

    >>> long_body("发改委"), long_body("卫生健康委"), long_body("财政局")
    ('发展和改革委员会', '卫生健康委员会', '财政局')
    """
    for short in sorted(_LONG_FORMS, key=len, reverse=True):
        if body.endswith(short) and (len(body) == len(short) or short in ("管委会",)):
            return body[: -len(short)] + _LONG_FORMS[short]
    return body


def place_key(units: Iterable[D.Division]) -> str:
    """The full chain of names of a unit, the province first (a municipality once).

    >>> place_key([D.by_code("370812")])
    '山东省济宁市兖州区'
    """
    names: list[str] = []
    for u in units:
        for a in D.chain(u):
            if a.name not in names:
                names.append(a.name)
    return "".join(names)


def agency_key(p: Parsed, division: D.Division | None, place_text: str = "") -> str:
    """One key for the forms of one body's name: full place chain + long body name.

    Where the place is not certain (two 和平区), the place is the one written.
    """
    body = long_body(p.body) if p.body else ("人民政府" if p.kind in ("gov", "town") else "")
    if p.national and not p.place:
        return _NATIONAL_LONG.get(p.name, long_body(p.name))
    place = place_key([division]) if division is not None else (place_text or p.place)
    if not place and not p.town:
        place = p.unverified_place or p.level_word
    town = p.town
    if town and p.kind == "street":
        body = "街道办事处"
    head = p.national if p.national and p.national != p.name else ""
    return head + place + town + body


def predecessors(key: str) -> list[str]:
    """The keys of the bodies this one replaced when renamed (same place), main one first.

    >>> predecessors("山东省济宁市市场监督管理局")[:2]
    ['山东省济宁市工商行政管理局', '山东省济宁市质量技术监督局']
    """
    for new in sorted(_PREDECESSORS, key=len, reverse=True):
        if key.endswith(new):
            return [key[: -len(new)] + old for old in _PREDECESSORS[new]]
    return []


def predecessor(key: str) -> str | None:
    """The key of the main body this one replaced, if it was renamed.

    >>> predecessor("国家卫生健康委员会")
    '国家卫生和计划生育委员会'
    """
    found = predecessors(key)
    return found[0] if found else None


def predecessor_years(key: str, years_by_key: Mapping[str, Iterable[int]]) -> list[int]:
    """The report years of this body's predecessors, for the agency page ("formerly …").

    `years_by_key` maps agency_key → report years (from the reports table); the chain of
    renamings is followed back (卫生局 → 卫生和计划生育委员会 → 卫生健康委员会).

    >>> predecessor_years("某市卫生健康委员会", {"某市卫生和计划生育委员会": [2016, 2017]})
    [2016, 2017]
    """
    years: set[int] = set()
    seen = {key}
    todo = predecessors(key)
    while todo:
        k = todo.pop()
        if k in seen:
            continue
        seen.add(k)
        years.update(int(y) for y in years_by_key.get(k, ()) if y is not None)
        todo.extend(predecessors(k))
    return sorted(years)
