"""The places an agency name can start with: China's administrative divisions (GB/T 2260).

An agency name is a place chain and a body (济宁市 兖州区 + 财政局). Checking the place
against the official division table, rather than against a suffix such as 市 or 区, is what
keeps fragments of sentences (局在苍溪县…, 区部署) from passing for names, and it gives each
agency its code, province, city and level as data. The table is generated from jionlp's
package data into divisions.txt and towns.txt beside this module (scripts/make_divisions.py;
codes as in force in 2023) and read on first use only: a report that names no place never
pays for it, and the 43,000 town names are searched in place rather than tabled.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent

# the level codes of analysis.labels.LEVEL_LABELS (prefecture = the city level, 地市级)
PROVINCIAL, PREFECTURE, COUNTY, TOWNSHIP = "provincial", "prefecture", "county", "township"


class Division(NamedTuple):
    """One unit: its 6-digit code, full and short name, parent code and level."""

    code: str
    name: str
    short: str
    parent: str  # "" for a province
    level: str


@cache
def _table() -> tuple[dict[str, Division], dict[str, tuple[Division, ...]]]:
    """(code → unit, name → units) built once from the generated data module."""
    by_code: dict[str, Division] = {}
    for line in _data("divisions.txt").splitlines():
        code, name, short, parent = line.split(" ")
        parent = "" if parent == "-" else parent
        if not parent:
            level = PROVINCIAL
        elif not by_code[parent].parent and code.endswith("00"):
            level = PREFECTURE
        else:
            level = COUNTY
        by_code[code] = Division(code, name, short, parent, level)
    names: dict[str, list[Division]] = {}
    for d in by_code.values():
        names.setdefault(d.name, []).append(d)
        # short names stand for provinces and cities (浙江, 杭州); a county's short name
        # (鹿城) is too often an ordinary word to be read as a place
        if d.level != COUNTY and d.short != d.name and len(d.short) >= 2:
            names.setdefault(d.short, []).append(d)
        # 甘南州 for 甘南藏族自治州, 长阳县 for 长阳土家族自治县: the usual short written form
        for full, tail in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
            if d.name.endswith(full) and len(d.short) >= 2 and d.short + tail != d.name:
                names.setdefault(d.short + tail, []).append(d)
    return by_code, {k: tuple(v) for k, v in names.items()}


def by_code(code: str) -> Division | None:
    """The unit with this code.

    >>> by_code("370883").name
    '邹城市'
    """
    return _table()[0].get(code)


def named(name: str) -> tuple[Division, ...]:
    """The units a place name can mean: full names, and short names of provinces and cities.

    >>> [d.code for d in named("兖州区")]
    ['370812']
    >>> sorted(d.code for d in named("鼓楼区"))[:2]
    ['320106', '320302']
    >>> named("甘南州")[0].name
    '甘南藏族自治州'
    """
    return _table()[1].get(name, ())


@cache
def _shorts() -> dict[str, tuple[Division, ...]]:
    out: dict[str, list[Division]] = {}
    for d in _table()[0].values():
        if len(d.short) >= 2:
            out.setdefault(d.short, []).append(d)
    return {k: tuple(v) for k, v in out.items()}


def short_named(short: str) -> tuple[Division, ...]:
    """Units of any level by short name, for names that put one before a zone (平潭综合实验区).

    >>> [d.name for d in short_named("平潭")]
    ['平潭县']
    """
    return _shorts().get(short, ())


@cache
def longest_name() -> int:
    return max(len(k) for k in _table()[1])


def parent(d: Division) -> Division | None:
    return by_code(d.parent) if d.parent else None


def chain(d: Division) -> list[Division]:
    """The unit and the units above it, the province first.

    >>> [u.name for u in chain(by_code("370812"))]
    ['山东省', '济宁市', '兖州区']
    """
    out = [d]
    while (p := parent(out[-1])) is not None:
        out.append(p)
    return out[::-1]


def is_within(d: Division, above: Division) -> bool:
    """Whether `d` lies inside `above` (any number of levels down), or is it."""
    return any(u.code == above.code for u in chain(d))


def province_of(d: Division) -> Division:
    return chain(d)[0]


def city_of(d: Division) -> Division | None:
    """The city-level unit (地级市, 自治州, 盟…) above or at `d`; a municipality is its own city.

    >>> city_of(by_code("110105")).name
    '北京市'
    """
    units = chain(d)
    for u in units:
        if u.level == PREFECTURE:
            return u
    if units[0].name.endswith("市"):  # 北京市, 上海市, 天津市, 重庆市
        return units[0]
    return None


def _data(name: str) -> str:
    """A generated data file without its # header lines."""
    text = (HERE / name).read_text(encoding="utf-8")
    return "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("#"))


@cache
def _town_text() -> str:
    return "\n" + _data("towns.txt")


def _town_codes(name: str) -> list[str]:
    """Codes of the counties listing a town of this name: a search of the text, no table.

    A report looks up one or two towns; building a table of all 43,000 would cost more
    than the whole extraction of a report, so the data is searched where it lies.
    """
    text = _town_text()
    codes: list[str] = []
    i = text.find(name)
    while i >= 0:
        j = i + len(name)
        if text[i - 1] in " :+\n" and (j == len(text) or text[j] in " \n"):
            k = text.rfind("\n", 0, i) + 1
            while text[k] == "+":  # a continued line: the code is on the line it continues
                k = text.rfind("\n", 0, k - 1) + 1
            code = text[k : text.index(":", k)]
            if code not in codes:
                codes.append(code)
        i = text.find(name, j)
    return codes


def town_counties(name: str) -> tuple[Division, ...]:
    """The counties (or cities without counties) that have a town or street of this name.

    >>> [d.name for d in town_counties("唐村镇")]
    ['邹城市']
    """
    found = (by_code(c) for c in _town_codes(name))
    return tuple(d for d in found if d is not None)
