"""Who published a report, for which year, and when, read from the report itself.

Reports state these in many places of varying trust: the sentence 本报告由X编制 or
现公布X…年度报告 (most reliable, it names the author), the title line, the page header
(发布机构, which mirrors sometimes fill with spam), a document title quoted in the text
(《贵州省工商局2016年…方案》), or a sentence opening (2022年,市商务局…). Each source is
tried in that order and the one used is recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..document.sentences import Document
from ..issues import Issue
from . import agency as A
from . import divisions as D
from .renamings import agency_key, predecessor
from .url_place import place_from_url

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff"
AGENCY_SUFFIX = (
    r"(?:人民政府办公厅|人民政府办公室|人民政府|政府办公室|办公厅|办公室|委员会|管理委员会|管委会|分局|总局|局|厅|委|署|部|"
    r"办|院|中心|监狱|海关|银行|学校|大学|馆|会|所|站|队|处|司|社|台)"
)
_SPAM = re.compile(
    r"[A-Za-z0-9_]|下载|官网|官方|app|体育(?:官方|平台|下载|投注|娱乐|app)|娱乐|博彩|彩票|棋牌|赌|真人|投注|开户|平台|入口|手机|网址|娱|澳门|威尼斯|"
    r"葡京|金沙|永利|皇冠|电竞|贵宾|老虎机|百家乐",
    re.I,
)
_OFFICE_TAIL = re.compile(
    r"(?<=[局委厅部])(?:政务公开办公室|政务公开办|信息公开办公室|政府信息公开领导小组办公室|办公室|综合科|综合处|法规科|政务公开科)$"
)

_REPORT_WORDS = r"(?:政府信息公开|政务公开|信息公开|政务信息公开|集中审批服务和政务公开)"
_TITLE = re.compile(
    rf"^(?P<pre>[^\d《]{{0,40}}?)(?P<year>(?:19|20)\d{{2}})\s*年+度?(?P<mid>[^\d。]{{0,25}}?){_REPORT_WORDS}[^\d。]{{0,16}}?(?:报告|总结|年报)"
    rf"|^(?P<pre2>[^\d《]{{0,40}}?){_REPORT_WORDS}(?:工作)?(?P<year2>(?:19|20)\d{{2}})\s*年+度?(?:年度)?(?:报告|总结|年报)"
    rf"|^(?P<pre3>[^\d《]{{2,40}}?){_REPORT_WORDS}(?:工作)?(?:年度)?(?:报告|年报)$"
)
_TITLE_AFTER = re.compile(
    rf"^(?P<year>(?:19|20)\d{{2}})\s*年+度?(?P<agency>[{_CJK}()]{{2,32}}?){_REPORT_WORDS}[^\d。]{{0,12}}(?:报告|总结)"
)
_BY = re.compile(
    rf"由(?P<a>[{_CJK}()]{{2,40}}?)(?:按照|根据|依据|负责编制|编制|综合|牵头|结合|依照)"
)
# (written with a literal first in every branch, so the engine can skip to where it may match)
_PUBLISH = re.compile(
    rf"(?:特(?:公布|发布|将)|现(?:公布|发布|将)|公布|发布|将)(?P<y1>(?:19|20)\d{{2}}年+度?)?(?P<a>[{_CJK}()]{{2,40}}?)(?P<y2>(?:19|20)\d{{2}}(?:-(?:19|20)\d{{2}}学)?年+度?)?(?:政府)?(?:信息公开|政务公开)"
)
_QUOTED = re.compile(rf"《\s*(?P<a>[{_CJK}()]{{2,32}}?)(?P<year>(?:19|20)\d{{2}})年")
# (read over "\n" + text: a pattern that starts with a character class is skipped through
# quickly, one that starts with "^|" is tried at every position)
_OPENING = re.compile(
    rf"[。\n]\s*(?:(?:19|20)\d{{2}})年+度?,?(?P<a>[{_CJK}()]{{2,24}}?(?:{AGENCY_SUFFIX[3:-1]}|街道|镇|乡))"
    rf"(?=[{_CJK}])"
)
# statistics period: 2023年1月1日至12月31日 (a lead-in such as 统计期限为 may stand before it)
_STATS_PERIOD = re.compile(
    r"((?:19|20)\d{2})年\s*1月\s*1日\s*(?:起)?\s*(?:至|到|-|~)\s*(?:((?:19|20)\d{2})年)?\s*12月\s*31日"
)
_COMPILED_FOR = re.compile(
    r"(?:编制的|公布|发布|现将|特向社会公布)[^。\d]{0,16}?((?:19|20)\d{2})\s*年+度?[^。\d]{0,30}?(?:政府信息公开|信息公开|政务公开)"
)
_NEXT_YEAR = re.compile(r"转(?:入)?((?:19|20)\d{2})年度?(?:办理|继续办理)")
_SIGNATURE_DATE = re.compile(r"^\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*$", re.M)
_PLAN_YEAR = re.compile(r"(?:19|20)\d{2}年度?,?(?=[^。\d]{0,8}(?:将|要|计划|拟|准备|力争))")
_YEAR_OPENING = re.compile(
    r"[。\n]\s*((?:19|20)\d{2})年+度?,?"
)  # read over "\n" + text, as _OPENING
_YEAR_ANY = re.compile(r"((?:19|20)\d{2})\s*年")
_BRACKETS = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]")

_DATE_PATTERNS = [
    (re.compile(r"((?:19|20)\d{2})[-/.年]\s*(\d{1,2})[-/.月]\s*(\d{1,2})日?"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(?!\d)"), (3, 2, 1)),
]
_DATE_LINE = re.compile(
    r"^[\s•·|]*(?:日期|时间)?[:]?\s*(?:(?:19|20)\d{2}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?|\d{1,2}\.\d{1,2}\.(?:19|20)\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)

# what describe_agency adds to a record beyond level and place (the reports table's columns)
AGENCY_FIELDS = (
    "division_code",
    "province",
    "city",
    "agency_key",
    "predecessor",
    "partial_agency",
)


@dataclass
class Metadata:
    agency: str | None = None
    agency_source: str = ""
    report_year: int | None = None
    year_source: str = ""
    publish_date: str | None = None
    date_source: str = ""
    title: str | None = None
    level: str | None = None
    place: str | None = None
    division_code: str | None = None
    province: str | None = None
    city: str | None = None
    agency_key: str | None = None
    predecessor: str | None = None
    partial_agency: bool = False
    issues: list[Issue] = field(default_factory=list)


_LEAD_WORDS = re.compile(r"^(?:本报告|报告|本|我|现将|特|由|根据|关于|对|经|在|按照)+")
_TAIL_WORDS = re.compile(r"(?:关于|的|有关)+$")
_NOT_A_NAME = re.compile(
    r"(关于|通知|意见|规定|办法|条例|方案|要点|报告|未|没有|发生|申请|提起|认真|进一步|按照|坚持|加强|推进)"
)


def clean_agency(name: str) -> str | None:
    """An agency name as a report would give it, or None if it does not parse as one.

    The name must be a place chain from the division table plus a body of the closed
    vocabulary (analysis.facts.agency); a place alone names its government.

    >>> clean_agency("本报告由济宁市兖州区财政局"[3:]), clean_agency("局在苍溪县人民政府")
    ('济宁市兖州区财政局', None)
    >>> clean_agency("浙江省"), clean_agency("唐村镇")
    ('浙江省人民政府', '唐村镇')
    """
    name = "".join((name or "").split()).strip("(),:·•|")
    name = _LEAD_WORDS.sub("", name)
    name = _TAIL_WORDS.sub("", name)
    if not name or _SPAM.search(name):
        return None
    trimmed = _OFFICE_TAIL.sub("", name)
    if trimmed != name and A.parse(trimmed) is not None:
        name = trimmed
    if _NOT_A_NAME.search(name):
        return None
    p = A.parse(name)
    if p is None:
        return None
    if p.kind == "gov" and not p.body and p.units and not p.town:
        return name + "人民政府"  # 浙江省 in a title: the provincial government
    return name


def _first_lines(doc: Document, n: int = 6) -> list[str]:
    return [t for _, _, t in doc.lines[:n]]


# a PDF page's running head before the title: 'Page 4 - ', '第3页 '
_PAGE_CHROME = re.compile(r"^\s*(?:Page\s*\d+\s*(?:of\s*\d+\s*)?[-–—:]?|第\s*\d+\s*页)\s*", re.I)


def find_title(doc: Document) -> tuple[str | None, re.Match[str] | None]:
    cands = []
    if doc.header.get("标题"):
        cands.append(doc.header["标题"])
    lines = _first_lines(doc, 6)
    for i, ln in enumerate(lines):
        cands.append(ln)
        if i + 1 < len(lines) and not _TITLE.match(lines[i + 1]):
            # a title split over two lines; a line above a whole title is page chrome
            cands.append(ln + lines[i + 1])
    if doc.loaded.page_title:
        cands.append(doc.loaded.page_title)
    for c in cands:
        c = _PAGE_CHROME.sub("", c)
        m = _TITLE.match(c)
        if m:
            return c[: m.end()], m
    return None, None


def _year_ok(y: int) -> bool:
    return 1990 <= y <= dt.date.today().year + 1


def find_year(doc: Document, title_match: re.Match[str] | None) -> tuple[int | None, str]:
    if title_match and (title_match.group("year") or title_match.group("year2")):
        return int(title_match.group("year") or title_match.group("year2")), "title"
    head = doc.text[:3000]
    m = _STATS_PERIOD.search(head)
    if m and _year_ok(int(m.group(1))):
        return int(m.group(1)), "statistics period"
    m = _COMPILED_FOR.search(head)
    if m and _year_ok(int(m.group(1))):
        return int(m.group(1)), "report sentence"
    # sentences that open with a year, then all year mentions outside quoted titles;
    # '转2023年度办理' names the following year and is left out of the count
    body = _NEXT_YEAR.sub("", _BRACKETS.sub("", doc.text))
    body = _SIGNATURE_DATE.sub("", body)  # the date a report was signed is the next year
    body = _PLAN_YEAR.sub("", body)  # 2015年将…: a plan for the following year
    openings = _YEAR_OPENING.findall("\n" + body)
    counts: dict[int, int] = {}
    for y in openings:
        counts[int(y)] = counts.get(int(y), 0) + 3
    for y in _YEAR_ANY.findall(body):
        counts[int(y)] = counts.get(int(y), 0) + 1
    counts = {y: c for y, c in counts.items() if _year_ok(y)}
    if counts:
        best = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
        return best[0], "most frequent year in the text"
    m = _NEXT_YEAR.search(doc.text)
    if m:
        return int(m.group(1)) - 1, "applications carried into the next year"
    return None, ""


def parse_date(s: str) -> str | None:
    for rx, (yi, mi, di) in _DATE_PATTERNS:
        m = rx.search(s)
        if m:
            try:
                return dt.date(int(m.group(yi)), int(m.group(mi)), int(m.group(di))).isoformat()
            except ValueError:
                continue
    return None


def find_publish_date(doc: Document) -> tuple[str | None, str]:
    for key in ("发文日期", "成文日期", "发布日期", "发布时间", "日期", "页面日期", "生效日期"):
        v = doc.header.get(key)
        if v:
            d = parse_date(v)
            if d:
                return d, f"header {key}"
    for _, _, ln in doc.lines[:8]:
        if _DATE_LINE.match(ln) or re.match(r"^(发布日期|发布时间|日期)", ln):
            d = parse_date(ln)
            if d:
                return d, "date line under the title"
    for _, _, ln in reversed(doc.lines[-4:]):
        if len(ln) <= 20 and re.fullmatch(r"\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*", ln):
            d = parse_date(ln)
            if d:
                return d, "signature date"
    return None, ""


def find_agency(doc: Document, title_match: re.Match[str] | None) -> tuple[str | None, str]:
    """The first source that names the agency, but a fuller form of the same name wins.

    现公布商务局2010年度… and a title 邹城市商务局2010年… name the same body; the
    title's form says where it is. A name without its place (市医疗保障局, 住建局) is
    completed from a fuller form of the same body elsewhere in the text
    (请与安庆市医疗保障局联系), when the text gives only one such form.
    """
    found = list(_agency_sources(doc, title_match))
    if not found:
        return None, ""
    name, src = found[0]
    for other, osrc in found[1:]:
        if other.endswith("人民政府") and name in (other + "办公室", other + "办公厅"):
            return other, f"{osrc} (the government, not {name} that compiled it)"
        if len(other) > len(name) and other.endswith(name):
            return other, f"{osrc} (fuller form of {name} from {src})"
    p = A.parse(name)
    if p is not None and p.partial:
        fuller = _fuller_in_text(doc.text[:6000], p)
        if fuller:
            return fuller, f"fuller form of {name} ({src}) in the text"
    if p is not None and p.town and name.endswith("街道"):
        if name + "办事处" in doc.text:  # 某街道 and, in a sentence, 某街道办事处
            return name + "办事处", f"{src} (the street office the text names)"
    return name, src


_CJK_CHAR = re.compile(rf"[{_CJK}]")


def _occurrences(text: str, word: str):
    """Where `word` starts in `text` (str.find: no pattern compiled per word)."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def _cjk_before(text: str, i: int, n: int) -> str:
    """The run of Chinese characters just before position i, at most n long.

    >>> _cjk_before("请与安庆市医疗保障局联系", 5, 14)
    '请与安庆市'
    """
    k = i
    while k > max(0, i - n) and _CJK_CHAR.match(text, k - 1):
        k -= 1
    return text[k:i]


def _fuller_in_text(text: str, p: A.Parsed) -> str | None:
    """The one full form (place + body) of a partial name that the text uses, if only one."""
    body = p.body
    forms: set[str] = set()
    for i in _occurrences(text, body):
        head = _cjk_before(text, i, 14)
        for k in range(len(head) - 1):  # the longest head that is a place chain
            cand = head[k:] + body
            q = A.parse(cand)
            if q is not None and not q.partial and q.body == body and (q.units or q.town):
                if p.level_word and not (q.place or q.town).endswith(p.level_word):
                    continue
                forms.add(cand)
                break
    # 安阳县住建局 and 住建局 again: the longest of forms that nest is the one
    best = {f for f in forms if not any(g != f and g.endswith(f) for g in forms)}
    return best.pop() if len(best) == 1 else None


# 如对本报告有疑问,请与X(办公室)联系: the contact is the body that publishes the report
_CONTACT = re.compile(rf"请与(?P<a>[{_CJK}()]{{3,40}}?)(?:联系|联络)")
# 《X关于…》: documents a body issued (印发, 制修订), the name before 关于
_ISSUED = re.compile(rf"《(?P<a>[{_CJK}]{{3,30}}?)关于")
_SELF = re.compile(r"(?:我|本)(局|委|厅|办|府|镇|乡|街道|中心|部|署)")
# page chrome run into the title line: a separator or the words of a search box or menu
_CHROME_SPLIT = re.compile(r".*(?:\s-\s|\||>|»|›|搜索|登录|注册|首页|无障碍|繁体|简体)")


def _title_agency(title_match: re.Match[str] | None) -> str | None:
    if not title_match:
        return None
    pre = next(
        (title_match.group(g) for g in ("pre", "pre2", "pre3") if title_match.group(g) is not None),
        None,
    )
    if pre:
        pre = _CHROME_SPLIT.sub("", pre)  # Page 4 - 德州市…, 首页 > …
        return clean_agency(pre)
    m2 = _TITLE_AFTER.match(title_match.string)
    return clean_agency(m2.group("agency")) if m2 else None


def office_of(office: str, government: str | None) -> bool:
    """Whether `office` is the 办公室/办公厅 of the government `government` (the same place,
    named in full or in short): a government's report is compiled by its office, and says so
    (本报告由X人民政府办公室编制), while its title names the government.

    >>> office_of("泉州市泉港区人民政府办公室", "泉港区人民政府")
    True
    >>> office_of("泉州市人民政府办公室", "泉州市人民政府办公室")
    False
    >>> office_of("泉港区财政局", "泉港区人民政府")
    False
    """
    if not government or not government.endswith("人民政府"):
        return False
    for tail in ("办公室", "办公厅"):
        if office.endswith(tail):
            gov = office[: -len(tail)]
            return gov.endswith("人民政府") and (
                gov.endswith(government) or government.endswith(gov)
            )
    return False


def _agency_sources(doc: Document, title_match: re.Match[str] | None):
    head = doc.text[:2500]
    title = _title_agency(title_match)
    for rx, src in ((_BY, "本报告由…编制"), (_PUBLISH, "现公布…年度报告")):
        for m in rx.finditer(head):
            a = clean_agency(m.group("a"))
            p = A.parse(m.group("a"))
            if a and not (p is not None and p.kind == "gov" and not p.body):
                if office_of(a, title):  # the office compiled its government's report
                    yield title, "title (本报告由其办公室编制)"
                else:
                    yield a, src
                break
    if title:
        yield title, "title"
    for key in ("发布机构", "发布单位", "发文机关", "来源", "信息来源", "所属机构"):
        a = clean_agency(doc.header.get(key, ""))
        if a:
            yield a, f"header {key}"
    for m in _QUOTED.finditer(head):
        a = clean_agency(m.group("a"))
        if a and not a.endswith("人民政府"):
            yield a, "document title quoted in the text"
            break
    for m in _OPENING.finditer("\n" + head):
        a = clean_agency(m.group("a"))
        if a:
            yield a, "sentence opening"
            break
    text = doc.text[:6000]
    for m in _CONTACT.finditer(text):
        a = clean_agency(_OFFICE_TAIL.sub("", m.group("a")))
        if a:
            yield a, "contact for questions about the report"
            break
    # the report calls itself 我局 and quotes documents one body of that kind issued
    self_ref = _SELF.search(head)
    if self_ref:
        issuers = {
            a
            for m in _ISSUED.finditer(text)
            if (a := clean_agency(m.group("a"))) and a.endswith(self_ref.group(1))
        }
        if len(issuers) == 1:
            yield issuers.pop(), "documents it issued, quoted in the text"


def level_and_place(agency: str | None) -> tuple[str | None, str | None]:
    """Administrative level and place, read from the division table through the name.

    >>> level_and_place("济宁市兖州区财政局"), level_and_place("商务部")
    (('county', '济宁市兖州区'), ('national', '全国'))
    """
    info = describe_agency(agency)
    return info["level"], info["place"]


def describe_agency(agency: str | None, context: str = "") -> dict:
    """The agency as data: level, place, division code, province, city, key, predecessor.

    `context` (the page's header and opening) settles a place the name leaves open: which of
    two 和平区, or the city of 市商务局 when the page names one city only.
    """
    out: dict = dict(
        level=None,
        place=None,
        division_code=None,
        province=None,
        city=None,
        agency_key=None,
        predecessor=None,
        partial_agency=False,
    )
    if not agency:
        return out
    p = A.parse(agency)
    if p is None:
        out["partial_agency"] = True  # a name from the manifest that does not parse
        return out
    out["level"] = p.level
    if p.level == "national" and not p.units:
        out["place"] = "全国"
    else:
        out["place"] = (p.place + p.town) or p.unverified_place or None
    division = p.division
    if division is None and p.units:
        division = _settle(p.units[-1], context)
    if division is None and p.town and not p.units:
        division = _settle(D.town_counties(p.town), context)
    if division is None and p.partial and context:
        division = _page_place(p, context)
        if division is not None:
            out["place"] = None
    if division is not None:
        out["division_code"] = division.code
        out["province"] = D.province_of(division).name
        city = D.city_of(division)
        out["city"] = city.name if city else None
        if out["level"] is None and not p.town:
            out["level"] = division.level if not p.level_word else _word_level(p, division)
    out["partial_agency"] = p.partial and division is None
    key = agency_key(p, division)
    out["agency_key"] = key
    out["predecessor"] = None if out["partial_agency"] else predecessor(key)
    return out


def _word_level(p: A.Parsed, d: D.Division) -> str | None:
    return d.level if d.name.endswith(p.level_word) else None


def _settle(units: tuple[D.Division, ...], context: str) -> D.Division | None:
    """The one of several same-named units whose province or city the context names."""
    if len(units) == 1:
        return units[0]
    if not context:
        return None
    hits = [
        u
        for u in units
        if any(
            a.name in context or (len(a.short) >= 2 and a.short in context) for a in D.chain(u)[:-1]
        )
    ]
    return hits[0] if len(hits) == 1 else None


def _page_place(p: A.Parsed, context: str) -> D.Division | None:
    """The unit for 市商务局 from the page: the one unit of that level word it names."""
    if not p.level_word:
        return None
    found: dict[str, D.Division] = {}
    for i in _occurrences(context, p.level_word):
        name = _cjk_before(context, i, 10) + p.level_word
        for k in range(len(name) - 1):
            units = D.named(name[k:])
            if len(units) == 1:
                found[units[0].code] = units[0]
                break
    return next(iter(found.values())) if len(found) == 1 else None


def read_metadata(doc: Document) -> Metadata:
    md = Metadata()
    md.title, tm = find_title(doc)
    md.report_year, md.year_source = find_year(doc, tm)
    md.agency, md.agency_source = find_agency(doc, tm)
    md.publish_date, md.date_source = find_publish_date(doc)
    context = " ".join(
        [doc.loaded.page_title or "", *(v for v in doc.header.values() if isinstance(v, str))]
        + [t for _, _, t in doc.lines[:3]]
    )
    info = describe_agency(md.agency, context)
    if info["partial_agency"] and doc.loaded.url:  # 市商务局 on www.xiamen.gov.cn: 厦门市
        p = A.parse(md.agency or "")
        unit = place_from_url(doc.loaded.url, p.level_word) if p is not None else None
        if unit is not None:
            info = describe_agency(md.agency, f"{context} {unit.name}")
            where = doc.loaded.source.rsplit("/", 1)[-1]
            md.issues.append(
                Issue(
                    "info",
                    "place-from-url",
                    f"{where}: the text calls the agency {md.agency}; its place, {unit.name}, "
                    f"is read from the page's address {doc.loaded.url}",
                )
            )
    for k, v in info.items():
        setattr(md, k, v)
    name = doc.loaded.source.rsplit("/", 1)[-1]
    if md.report_year is None:
        md.issues.append(
            Issue(
                "warning",
                "no-year",
                f"{name}: no report year could be read from the text; "
                "set it in data/raw/manifest.csv",
            )
        )
    elif md.year_source == "most frequent year in the text":
        md.issues.append(
            Issue(
                "info",
                "year-guessed",
                f"{name}: report year {md.report_year} is the year the text mentions most; "
                "no title or statistics period states it",
            )
        )
    if md.agency is None:
        md.issues.append(
            Issue(
                "warning",
                "no-agency",
                f"{name}: the text does not name the publishing agency; "
                "set it in data/raw/manifest.csv",
            )
        )
    elif md.partial_agency:
        md.issues.append(
            Issue(
                "info",
                "agency-without-place",
                f"{name}: the text calls the agency only {md.agency}; its place is not in the "
                "text (a manifest row can give the full name)",
            )
        )
    spam = doc.header.get("发布机构") or doc.header.get("来源")
    if (
        spam
        and _SPAM.search(spam)
        and re.search(r"下载|官网|体育|娱乐|博彩|彩票|app|bet", spam, re.I)
    ):
        md.issues.append(
            Issue(
                "warning",
                "spam-in-header",
                f"{name}: the page's 发布机构 field holds injected spam ({spam[:40]}…); "
                "it was not used as the agency",
            )
        )
    return md
