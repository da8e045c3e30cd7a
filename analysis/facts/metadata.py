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

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff"
AGENCY_SUFFIX = (
    r"(?:人民政府办公厅|人民政府办公室|人民政府|政府办公室|办公厅|办公室|委员会|管理委员会|管委会|分局|总局|局|厅|委|署|部|"
    r"办|院|中心|监狱|海关|银行|学校|大学|馆|会|所|站|队|处|司|社|台)"
)
_AGENCY = re.compile(rf"^[{_CJK}()]{{2,32}}?{AGENCY_SUFFIX}$")
_SPAM = re.compile(
    r"[A-Za-z0-9_]|下载|官网|官方|app|体育(?:官方|平台|下载|投注|娱乐|app)|娱乐|博彩|彩票|棋牌|赌|真人|投注|开户|平台|入口|手机|网址|娱|澳门|威尼斯|"
    r"葡京|金沙|永利|皇冠|电竞|贵宾|老虎机|百家乐",
    re.I,
)
_PLACE_ONLY = re.compile(rf"^[{_CJK}]{{1,12}}(?:省|自治区|市|自治州|州|盟|地区|区|县|旗|自治县)$")
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
    rf"(?:特(?:公布|发布|将)|现(?:公布|发布|将)|公布|发布|将)(?P<y1>(?:19|20)\d{{2}}年+度?)?(?P<a>[{_CJK}()]{{2,40}}?)(?P<y2>(?:19|20)\d{{2}}年+度?)?(?:政府)?(?:信息公开|政务公开)"
)
_QUOTED = re.compile(rf"《\s*(?P<a>[{_CJK}()]{{2,32}}?)(?P<year>(?:19|20)\d{{2}})年")
# (read over "\n" + text: a pattern that starts with a character class is skipped through
# quickly, one that starts with "^|" is tried at every position)
_OPENING = re.compile(
    rf"[。\n]\s*(?:(?:19|20)\d{{2}})年+度?,?(?P<a>[{_CJK}()]{{2,24}}?{AGENCY_SUFFIX})(?=[{_CJK}])"
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

MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
# tried in this order at each position: a lazy match must not stop at 州 inside 贵州 or 兖州
_ADMIN_STEPS = [
    re.compile(rf"[{_CJK}]{{1,8}}?(?:特别行政区|自治区|省)"),
    re.compile(rf"[{_CJK}]{{1,8}}?地区"),
    re.compile(rf"[{_CJK}]{{1,8}}?(?:自治县|自治旗|区|县|旗)"),
    re.compile(rf"[{_CJK}]{{1,8}}?(?:自治州|市|盟)"),
]


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
    issues: list[Issue] = field(default_factory=list)


_LEAD_WORDS = re.compile(r"^(?:本报告|报告|本|我|现将|特|由|根据|关于|对|经|在|按照)+")
_TAIL_WORDS = re.compile(r"(?:关于|的|有关)+$")
_NOT_A_NAME = re.compile(
    r"(关于|通知|意见|规定|办法|条例|方案|要点|报告|未|没有|发生|申请|提起|认真|进一步|按照|坚持|加强|推进)"
)


def clean_agency(name: str) -> str | None:
    """An agency name as a report would give it, or None if it does not look like one."""
    name = "".join((name or "").split()).strip("(),:·•|")
    name = _LEAD_WORDS.sub("", name)
    name = _TAIL_WORDS.sub("", name)
    if not name or _SPAM.search(name):
        return None
    trimmed = _OFFICE_TAIL.sub("", name)
    if trimmed != name and _AGENCY.match(trimmed):
        name = trimmed
    if _PLACE_ONLY.match(name):
        return name + "人民政府"
    if not _AGENCY.match(name):
        return None
    if _NOT_A_NAME.search(name):
        return None
    return name


def _first_lines(doc: Document, n: int = 6) -> list[str]:
    return [t for _, _, t in doc.lines[:n]]


def find_title(doc: Document) -> tuple[str | None, re.Match[str] | None]:
    cands = []
    if doc.header.get("标题"):
        cands.append(doc.header["标题"])
    lines = _first_lines(doc, 6)
    for i, ln in enumerate(lines):
        cands.append(ln)
        if i + 1 < len(lines):
            cands.append(ln + lines[i + 1])  # title split over two lines
    if doc.loaded.page_title:
        cands.append(doc.loaded.page_title)
    for c in cands:
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
    title's form says where it is.
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
    return name, src


def _agency_sources(doc: Document, title_match: re.Match[str] | None):
    head = doc.text[:2500]
    for rx, src in ((_BY, "本报告由…编制"), (_PUBLISH, "现公布…年度报告")):
        for m in rx.finditer(head):
            a = clean_agency(m.group("a"))
            if a and not _PLACE_ONLY.match(m.group("a")):
                yield a, src
                break
    if title_match:
        pre = next(
            (
                title_match.group(g)
                for g in ("pre", "pre2", "pre3")
                if title_match.group(g) is not None
            ),
            None,
        )
        a = clean_agency(pre) if pre else None
        if not pre:
            m2 = _TITLE_AFTER.match(title_match.string)
            a = clean_agency(m2.group("agency")) if m2 else None
        if a:
            yield a, "title"
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


def level_and_place(agency: str | None) -> tuple[str | None, str | None]:
    """Administrative level and place, as far as the name shows them."""
    if not agency:
        return None, None
    if re.match(r"^(国务院|国家|中国|中华人民共和国|中央)", agency):
        return "national", "全国"
    parts: list[str] = []
    pos = 0
    while True:
        m = next(
            (m for rx in _ADMIN_STEPS if (m := rx.match(agency, pos)) and m.end() < len(agency)),
            None,
        )
        if not m:
            break
        parts.append(m.group(0))
        pos = m.end()
    if not parts:
        if re.fullmatch(rf"[{_CJK}]{{1,8}}(部|总局|署)", agency):
            return "national", "全国"  # 商务部, 海关总署: ministries carry no place
        if agency.startswith(("省", "自治区")):
            return "provincial", None
        if agency.startswith(("市", "州", "盟")):
            return "prefecture", None
        if agency.startswith(("区", "县", "旗")):
            return "county", None
        return None, None
    last = parts[-1]
    place = "".join(parts)
    if last.endswith(("省", "自治区", "特别行政区")) or (
        len(parts) == 1 and last in MUNICIPALITIES
    ):
        return "provincial", place
    if last.endswith(("区", "县", "旗", "自治县", "自治旗")) and not last.endswith("地区"):
        return "county", place
    if (
        last.endswith("市")
        and len(parts) >= 2
        and parts[0].endswith(("市", "州", "盟", "地区"))
        and parts[0] not in MUNICIPALITIES
    ):
        return "county", place  # a county-level city under a prefecture
    return "prefecture", place


def read_metadata(doc: Document) -> Metadata:
    md = Metadata()
    md.title, tm = find_title(doc)
    md.report_year, md.year_source = find_year(doc, tm)
    md.agency, md.agency_source = find_agency(doc, tm)
    md.publish_date, md.date_source = find_publish_date(doc)
    md.level, md.place = level_and_place(md.agency)
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
    elif md.place is None and md.level in ("prefecture", "county", "provincial"):
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
