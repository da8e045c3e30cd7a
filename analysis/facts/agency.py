"""Whether a string is an agency name: a place chain from the division table plus a body.

Text around a name looks like a name to a suffix rule: a verb before it (局在苍溪县人民政府),
page chrome (请输入搜索国家税务总局), an open bracket, a sentence fragment (区部署), an
office inside the body (综合办公室). A name is accepted only when it parses as

    [national body] [place chain] [level word] body

where the place chain is a run of real divisions, each inside the one before (济宁市兖州区,
杭州市; short names of provinces and cities too), the level word is a bare 市/区/县… (市商务局:
the place is left to the page), and the body comes from a closed vocabulary: 人民政府 and its
办公厅/办公室, a department (××局, ××委员会/委, ××厅, ××办), 街道办事处, a town (乡/镇),
a development zone, a ministry or national commission, a university.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import divisions as D

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff"  # with the rare characters of place names
_GOV = r"人民政府(?:办公厅|办公室)?|政府办公厅|政府办公室|政府办|政府"
_STREET = r"街道办事处|街道办|街道"
_ZONE = (
    r"(?:经济技术开发区|经济开发区|高新技术产业开发区|高新区|开发区|工业园区|新区|综合实验区|"
    r"综合试验区|实验区|试验区)"
    r"(?:管理委员会|管委会)?"
)
_DEPT = (
    r"管理委员会|委员会|管委会|总局|管理局|分局|局|厅|委|办公室|办|署|部|中心|监狱|海关|"
    r"检察院|法院|研究院|院|所|站|队"
)
_INSTITUTION = r"大学|学院"
_ZONE_AFTER_SHORT = re.compile(rf"^([{_CJK}]{{2,3}})((?:{_ZONE}))$")
_BODY = re.compile(
    rf"(?P<gov>{_GOV})$|(?P<street>{_STREET})$|(?P<zone>{_ZONE})$|"
    rf"(?P<stem>[{_CJK}]{{1,16}}?)(?P<suffix>{_DEPT}|{_INSTITUTION})$"
)
_NATIONAL_PREFIX = re.compile(r"^(?:国务院|国家|中华人民共和国|中国|中央)")
# words that end a sentence fragment, not a name: verbs, particles, pronouns, page chrome
_NOT_IN_NAME = re.compile(
    # (not 信息 or 工作: 工业和信息化局, 机关工作委员会 are bodies)
    r"[在以对向为将把被从于等了的是及或与并由据按其该本我各]|通过|根据|按照|关于|开展|进行|"
    r"部署|推进|落实|加强|负责|牵头|联系|制定|印发|发布|公开|公布|报告|情况|网站|处理|办理|"
    r"受理|答复|收到|报送|共计|"
    r"门户|登录|注册|搜索|输入|首页|位置|当前|打印|关闭|字体|浏览|收藏|分享|选择|下属|所属|"
    r"直属|有关|相关|各级|单位"
)
# stems of an office inside a body, not a body of its own (综合办公室, 政务公开办)
_INNER_OFFICE = re.compile(
    r"^(?:综合|政务公开|信息公开|政府信息公开|政务服务|行政审批|法规|法制|财务|人事|秘书|"
    r"机关|党政|党委|办公|文秘|宣传|督查|信访)(?:办公室|办|科|股|处|中心)?$"
)
_LEVEL_START = re.compile(r"^(?:省|自治区|市(?!场)|州|盟|地区|区(?!域)|县|旗|镇|乡)")
_LEVEL_WORD = re.compile(r"(?:省|自治区|市|州|盟|地区|区|县|旗|镇|乡)")
_TOWN = re.compile(rf"[{_CJK}]{{1,8}}?(?:镇|乡|街道)")
_PLACE_SHAPE = re.compile(rf"^[{_CJK}]{{2,10}}?(?:省|自治区|自治州|地区|市|州|盟|区|县|旗|镇|乡)$")
_SPAM = re.compile(
    r"[A-Za-z0-9_]|下载|官网|官方|娱乐|博彩|彩票|棋牌|赌|真人|投注|开户|平台|入口|手机|网址|澳门|"
    r"威尼斯|葡京|金沙|永利|皇冠|电竞|贵宾|老虎机|百家乐",
    re.I,
)


@dataclass
class Parsed:
    """An agency name taken apart. `division` is the most specific unit, when it is certain."""

    name: str
    national: str = ""  # 国家税务总局 in 国家税务总局广州市白云区税务局
    place: str = ""  # the place chain as written
    units: list[tuple[D.Division, ...]] = field(default_factory=list)  # candidates per step
    level_word: str = ""  # 市 in 市商务局: a place the name does not give
    town: str = ""  # 唐村镇
    body: str = ""
    kind: str = ""  # gov, street, zone, dept, institution, town
    unverified_place: str = ""  # shaped like a place but not in the division table

    @property
    def partial(self) -> bool:
        """The name lacks its place (市商务局, 住建局): the place must come from elsewhere."""
        if self.national or self.kind == "institution" or _is_ministry(self):
            return False
        return not (self.units or self.unverified_place or self.town)

    @property
    def division(self) -> D.Division | None:
        if not self.units or len(self.units[-1]) != 1:
            return None
        return self.units[-1][0]

    @property
    def level(self) -> str | None:
        if self.town or self.kind in ("street", "town"):
            return D.TOWNSHIP if (self.units or self.town) else None
        if self.national and not self.units:
            return "national"
        if self.national == "" and not self.units and _is_ministry(self):
            return "national"
        d = self.division
        if d is None and self.units:
            levels = {u.level for u in self.units[-1]}
            return levels.pop() if len(levels) == 1 else None
        return d.level if d else None


def _is_ministry(p: Parsed) -> bool:
    return (
        not p.level_word
        and not p.unverified_place
        and p.kind == "dept"
        and p.body.endswith(("部", "总局", "署"))
    )


def _steps(s: str, pos: int, above: tuple[D.Division, ...]) -> list[tuple[int, tuple]]:
    """Divisions that start at `pos` and lie within one of `above` (longest first)."""
    out = []
    for end in range(min(len(s), pos + D.longest_name()), pos + 1, -1):
        units = D.named(s[pos:end])
        if above:
            units = tuple(u for u in units if any(D.is_within(u, a) and u != a for a in above))
        if units:
            out.append((end, units))
    return out


def _chains(s: str) -> list[tuple[int, list[tuple[D.Division, ...]]]]:
    """Every place chain at the start of `s`: (end, candidate units per step), longest first."""
    found: list[tuple[int, list[tuple[D.Division, ...]]]] = []

    def walk(pos: int, path: list[tuple[D.Division, ...]]) -> None:
        if path:
            found.append((pos, list(path)))
        for end, units in _steps(s, pos, path[-1] if path else ()):
            walk(end, path + [units])

    walk(0, [])
    found.sort(key=lambda t: -t[0])
    return found


def _body(rest: str) -> tuple[str, str] | None:
    """(body, kind) when `rest` is a body of the vocabulary."""
    m = _BODY.fullmatch(rest)
    if not m:
        return None
    if m.group("gov"):
        return rest, "gov"
    if m.group("street"):
        return rest, "street"
    if m.group("zone"):
        return rest, "zone"
    stem, suffix = m.group("stem"), m.group("suffix")
    kind = "institution" if suffix in ("大学", "学院") else "dept"
    inner = stem[: stem.index("局") + 1] if suffix == "分局" and "局" in stem else ""
    if _NOT_IN_NAME.search(stem) or re.search(r"局|厅|政府|委员会|办公室|人民", stem[len(inner) :]):
        return None  # (公安局长宁分局: a branch of a department names the department first)
    if _INNER_OFFICE.match(rest):
        return None  # 综合办公室: an office inside the body
    placed = kind == "dept" and any(D.named(stem[:k]) for k in range(2, len(stem) + 1))
    if _LEVEL_START.match(stem) or placed:
        return None  # 市医疗保障局, 杭州市发改委: a place, not the body's own word
    if inner and re.search(r"局|厅|政府|委员会|办公室|人民", inner[:-1]):
        return None  # one department named before a branch, no more
    if len(stem) < 2 and suffix not in ("委", "办"):
        return None  # 区部署: 部 is no department; 民委, 侨办 are
    return rest, kind


def clean(name: str) -> str:
    """The name without spaces and the punctuation that frames it.

    >>> clean(" 济宁市 兖州区财政局: ")
    '济宁市兖州区财政局'
    """
    return "".join((name or "").split()).strip("(),:·•|-—")


@lru_cache(maxsize=4096)
def parse(name: str) -> Parsed | None:
    """The name's parts, or None when it is not a name (a fragment, chrome, a bare office).

    >>> parse("济宁市兖州区财政局").division.code
    '370812'
    >>> parse("局在苍溪县人民政府") is None, parse("区部署") is None
    (True, True)
    >>> p = parse("市商务局"); p.partial, p.level_word, p.body
    (True, '市', '商务局')
    """
    name = clean(name)
    if not name or len(name) > 40 or _SPAM.search(name):
        return None
    if name.count("(") != name.count(")") or "《" in name or "》" in name:
        return None
    # a national body, alone or before a local branch (国家税务总局广州市白云区税务局)
    m = _NATIONAL_PREFIX.match(name)
    if m:
        for end in range(len(name), m.end(), -1):
            head = _body(name[m.end() : end]) if end > m.end() else None
            if not head:
                continue
            if end == len(name):
                return Parsed(name, national=name, body=name, kind=head[1])
            rest = _local(name[end:], name)
            if rest is not None:
                rest.name, rest.national = name, name[:end]
                return rest
        return None
    # a ministry's own office (水利部太湖流域管理局): a ministry, then a body without place
    mm = re.match(rf"^([{_CJK}]{{2,8}}部)(?=[{_CJK}]{{3,}}(?:局|委员会)$)", name)
    if mm and not D.named(mm.group(1)[:-1]) and _body(mm.group(1)):
        tail = _body(name[mm.end() :])
        if tail and not _chains(name[mm.end() :]):
            return Parsed(name, national=mm.group(1), body=name[mm.end() :], kind=tail[1])
    return _local(name, name)


def _local(s: str, name: str) -> Parsed | None:
    """A name of a local body: place chain, level word, body (or a town, or a place alone)."""
    for end, units in _chains(s) + [(0, [])]:
        p = _after_place(s, end, units, name)
        if p is not None:
            return p
    # a place the table does not hold (a unit abolished since, a test's 某市), shaped like a
    # place and holding no known division of its own
    for k in range(len(s) - 1, 1, -1):
        head = s[:k]
        if _PLACE_SHAPE.match(head) and not _NOT_IN_NAME.search(head):
            if any(D.named(head[i:]) for i in range(len(head) - 1)):
                continue
            body = _body(s[k:])
            if body:
                return Parsed(name, unverified_place=head, body=body[0], kind=body[1])
    return None


def _after_place(s: str, end: int, units: list[tuple[D.Division, ...]], name: str) -> Parsed | None:
    place, rest = s[:end], s[end:]
    if not rest:
        return Parsed(name, place=place, units=units, kind="gov") if units else None
    # a town of the county (邹城市唐村镇人民政府, 唐村镇); the town list is only searched
    # when what follows is a town's own body (城乡建设局 holds 乡 but names no town)
    tm = _TOWN.match(rest)
    if tm:
        town, after = tm.group(0), rest[tm.end() :]
        street_office = town.endswith("街道") and after in ("办事处", "办")
        b = _body(after) if after and not street_office else None
        if (not after or street_office or (b and b[1] == "gov")) and (
            _town_in(town, units[-1]) if units else bool(D.town_counties(town))
        ):
            if not after:
                return Parsed(name, place=place, units=units, town=town, kind="town")
            if street_office:
                return Parsed(name, place=place, units=units, town=town, body=after, kind="street")
            assert b is not None
            return Parsed(name, place=place, units=units, town=town, body=b[0], kind=b[1])
    # a zone named after its county's short name (平潭综合实验区 of 平潭县)
    zm = _ZONE_AFTER_SHORT.match(rest)
    if zm and not units and end == 0 and D.short_named(zm.group(1)):
        zone_units = [D.short_named(zm.group(1))]
        return Parsed(name, place=zm.group(1), units=zone_units, body=zm.group(2), kind="zone")
    b = _body(rest)
    if b and (units or b[1] in ("dept", "institution")):
        return Parsed(name, place=place, units=units, body=b[0], kind=b[1])
    lw = _LEVEL_WORD.match(rest)
    if lw and not units and end == 0:
        b = _body(rest[lw.end() :])
        if b and b[1] != "institution":
            return Parsed(name, level_word=lw.group(0), body=b[0], kind=b[1])
    return None


def _town_in(town: str, counties: tuple[D.Division, ...]) -> bool:
    return any(any(D.is_within(c, u) for u in counties) for c in D.town_counties(town))
