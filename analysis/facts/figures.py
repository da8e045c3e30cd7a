"""Figures stated in report prose, each with the sentence that states it.

Rules describe how reports state a figure: a keyword phrase and the number that closes
it (主动公开政府信息30件), the number before its noun (1宗复议后诉讼), or a zero said in words
(未收到政府信息公开申请, 没有发生…行政复议). Every match is a candidate; candidates that
state another year, an all-years total (历年累计), a comparison (较上年) or a sub-item
(其中…) are set aside. When the remaining candidates disagree, the metric is left empty
and the disagreement is reported, because a wrong number is worse than a missing one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..document.sentences import Document, Sentence
from ..issues import Issue

# written to start with a bare \d so the regex engine can skip to digits instead of trying every
# position
NUM = r"(?P<num>\d(?:\d{0,2}(?:,\d{3})+(?!\d)|\d*(?:\.\d+)?))(?P<approx>余|多)?"
_APPROX_BEFORE = re.compile(r"(?:近|约|大约|将近|超过|逾)\s*$")
COUNT_UNIT = r"\s*(?P<unit>万条|条次|件次|人次|件|条|篇|项|个|份|次|则|期|起|宗|例)"
GAP = r"[^\d,。;:!?|\n]"
_YEAR_MENTION = re.compile(r"((?:19|20)\d{2})\s*年")
_BRACKETED = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|\([^)]*\)")
_CUMULATIVE = re.compile(r"历年|以来|至今|迄今|累计至|自\d{4}年|(?:截至|截止)[^;。]{0,16}累计")
_COMPARISON = re.compile(r"上年|去年|上一年|前一年|同比|比上|较上|环比|上年度")
_SUBITEM = re.compile(r"其中|包括|包含|含有")
_INCLUDES_CARRIED = re.compile(r"\s*\((?:含|包括|其中)[^)]{0,12}结转")
_NOT_A_COUNT = re.compile(
    r"类|种类|方面|栏目|专栏|部门|单位|渠道|平台|批次|百分点|%|工作日|小时|天|月|年"
)
_TOTAL_MARK = re.compile(r"共计|共|总计|合计|全年|全局|累计|总数")


@dataclass(slots=True)
class Candidate:
    metric: str
    value: float
    sentence: Sentence
    start: int  # match span in normalized text
    end: int
    rule: str
    confidence: float
    approximate: bool = False
    unit: str = ""
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    metric: str
    name: str
    pattern: re.Pattern[str]
    confidence: float
    # "number"; "zero" (none, said in words); "zero_both"/"zero_colon" (复议 and 诉讼 together)
    kind: str = "number"
    gap_needs: str | None = None  # regex the gap group must contain
    gap_forbids: str | None = None  # regex the gap group must not contain
    clause_forbids: str | None = None  # regex the clause must not contain
    sentence_needs: str | None = None  # regex the whole sentence must contain
    sentence_forbids: str | None = None  # regex the whole sentence must not contain
    total: bool = True  # a total: sub-items (其中…) are not it
    not_after: re.Pattern[str] | None = (
        None  # what must not stand just before the match (checked on 4 chars)
    )
    context_needs: str | None = None  # the match, or else its sentence's heading, must contain this
    heading_needs: str | None = None  # what a heading must contain instead (default: context_needs)
    anchors: tuple[
        str, ...
    ] = ()  # literals one of which every match contains (set from ANCHORS below)


def _r(p: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(p, flags)


_NEG = r"(?:未|没有|无|并未|从未|均未|尚未)"
# applications that are not for information: licences, approvals, registrations, subsidies…
_OTHER_APPLICATIONS = (
    r"许可|审批|备案|登记|注册|项目|资金|补贴|补助|业务|办件|复查|评估|认定|资格|证照|证书|诉求|退税|贷款|"
    r"户口|户籍|迁移|身份证|驾驶证|出入境|护照|签证|资助|救助|低保|补偿|安置|认证|执照|营业|开户|落户|入学|转学|"
    r"网上|网络|当面|现场|信函|传真|邮寄|电子邮件|邮件"
)
# a section whose heading says it is about applications for information
_APPLICATION_HEADING = r"申请|信息公开"
# a section heading on the topic stands in for context the sentence leaves out
_HEADING_WAIVES = {
    "fees_collected_yuan": r"收费|费用",
    "reconsideration_cases": r"复议|诉讼",
    "litigation_cases": r"复议|诉讼",
}
# words that put a reconsideration or lawsuit in the disclosure context
_DISCLOSURE = r"信息公开|依申请|申请公开|公开申请|政府信息"
# a sentence that says its applications are for government information
_APPLIED_FOR = re.compile(r"申请公开的政府信息|政府信息公开申请|信息公开申请")
# a category of information, not all of it
_CATEGORY = (
    r"动态|公告|通知|文件|规划|计划|人事|预算|决算|采购|招标|招聘|会议|领导|机构|职能|法规|规章|"
    r"指南|目录|年报|统计|财政|政策解读"
)
_NOT_RULE = r"不得|不应|不能|不准|应当|必须|严禁|禁止"

RULES: list[Rule] = [
    # --- proactive disclosure
    Rule(
        "proactive_total",
        "主动公开…N条",
        _r(
            r"主动(?:向社会)?(?:公开|发布)(?P<gap>"
            + GAP
            + r"{0,30}?)"
            + NUM
            + r"\s*(?P<unit>万条|条次|件次|条|件|篇|项|个|份|则)"
        ),
        0.9,
        gap_needs=r"信息",
        gap_forbids=r"申请|不予|咨询|(?<!各)类|率|增|减|比|超|多|其他|主要|涉及|等|包括|"
        + _CATEGORY,
        not_after=_r(r"(?:应|应当|可|须|需)$"),
    ),
    Rule(
        "proactive_total",
        "信息主动公开N条",
        _r(
            r"信息(?:的)?主动公开(?:数量|数|总数|共计|共|为|达|了)*"
            + NUM
            + r"\s*(?P<unit>万条|条次|条|件|篇)"
        ),
        0.85,
    ),
    Rule(
        "proactive_total",
        "主动公开信息数:N条",
        _r(r"主动公开(?:政府)?信息(?:数量|总数|条数|数)\s*:\s*" + NUM + r"\s*(?P<unit>条|件)"),
        0.85,
    ),
    Rule(
        "proactive_total",
        "其中主动公开N条",
        # (其中主动公开信息N条 too: a ministry's site count, then the part called 主动公开)
        _r(r"其中,?主动公开(?:(?:政府)?信息)?" + NUM + r"\s*(?P<unit>条|件)"),
        0.9,
        total=False,
    ),
    Rule(
        "proactive_total",
        "发布政府信息N条",
        _r(
            r"发布(?P<gap>各类|各种|)政府信息(?:共计|共|总数|数量|为)*"
            + NUM
            + r"\s*(?P<unit>条|件|篇)"
        ),
        0.6,
        # 通过门户网站发布各类政府信息N条: what one channel posted, not what was disclosed
        # (a municipal commission's report; posting counts not called 主动公开 stay empty)
        clause_forbids=r"通过[^,。;]{0,16}(?:网站|网|平台|门户|新媒体|微博|微信|公众号)",
    ),
    Rule(
        "proactive_total",
        "主动公开…合计N条",
        # 主动公开A信息135条,…B信息81条,合计共221条: the total closes the list of channels
        # (a county water bureau's report)
        _r(r"(?:合计|总计)(?:共计|共)?" + NUM + r"\s*(?P<unit>条|件|篇)"),
        0.9,
        sentence_needs=r"主动公开",
        sentence_forbids=r"申请|复议|诉讼|建议|提案",
    ),
    Rule(
        "proactive_total",
        "主动公开A、B等信息N条",
        # 主动公开涉及A、B、C等方面信息N条: an enumeration closed by 等 sums up all of it
        # (a street office's and a provincial department's reports)
        _r(
            r"主动(?:向社会)?公开(?:了)?(?P<gap>[^\d,。;!?|\n]{2,60}?、[^\d,。;!?|\n]{0,60}?)"
            r"等(?:方面|领域|类)?(?:的)?(?:政府)?信息(?:共计|共)?" + NUM + r"\s*(?P<unit>条|件)"
        ),
        0.85,
        gap_forbids=r"申请|不予|咨询",
    ),
    Rule(
        "proactive_total",
        "共公开政府信息N条",
        _r(
            r"(?:全年|本年度?|年内|共|累计)+(?:共)?公开(?P<gap>各类|)政府信息(?:共计|共|数量)*"
            + NUM
            + r"\s*(?P<unit>条|件|篇)"
        ),
        0.6,
        not_after=_r(r"(?:申请|不予|部分)$"),
    ),
    # --- applications received
    Rule(
        "applications_received",
        "受理…申请N件",
        _r(
            r"(?:受理|收到|接到|接收|接受|新收|收悉|提出|提交)(?P<gap>"
            + GAP
            + r"{0,25}?)(?:申请|依申请公开事项)(?P<gap2>"
            + GAP
            + r"{0,10}?)(?:共计|共)?"
            + NUM
            + r"\s*(?P<unit>件|条|个|份|项|宗|起|人次)"
        ),
        0.9,
        gap_forbids=r"咨询|复议|诉讼|投诉|信访|留言|举报|建议|提案|结转|来信|"
        + _OTHER_APPLICATIONS,
        context_needs=r"公开|信息",
        heading_needs=_APPLICATION_HEADING,
    ),
    Rule(
        "applications_received",
        "办理…申请N件",
        _r(
            r"(?:办理|处理|答复|办结)(?:回复|完成)?(?P<gap>"
            + GAP
            + r"{0,20}?)(?:申请|依申请公开事项)(?P<gap2>"
            + GAP
            + r"{0,8}?)(?:共计|共)?"
            + NUM
            + r"\s*(?P<unit>件|条|个|份|宗|项)"
        ),
        0.7,
        gap_forbids=r"咨询|复议|诉讼|投诉|信访|留言|举报|建议|提案|结转|来信|"
        + _OTHER_APPLICATIONS,
        context_needs=r"公开|信息",
        heading_needs=_APPLICATION_HEADING,
    ),
    Rule(
        "applications_received",
        "受理N件申请",
        _r(
            # (收到N起政府信息依申请公开: a provincial bureau counts requests in 起)
            r"(?:受理|收到|接到)(?:了)?(?:共计|共)?"
            + NUM
            + r"\s*(?P<unit>件|个|份|起)(?P<gap>"
            + GAP
            + r"{0,8}?)申请"
        ),
        0.85,
        gap_forbids=r"咨询|复议|诉讼|投诉|信访|建议|提案|" + _OTHER_APPLICATIONS,
        context_needs=r"公开|信息",
        heading_needs=_APPLICATION_HEADING,
    ),
    Rule(
        "applications_received",
        "N人次申请公开",
        _r(
            NUM + r"\s*(?P<unit>人次|件|个)(?:向[^,。;\d]{1,8})?(?:提出|申请)(?:了)?"
            r"(?:政府信息公开申请|申请公开政府信息|公开政府信息)"
        ),
        0.8,
    ),
    Rule(
        "applications_received",
        "申请数由N增加到M",
        _r(
            r"(?:政府信息公开|依申请公开|信息公开)申请(?:的)?(?:数量|总数|件数)?由(?:上年|去年|\d{4}年)(?:度)?(?:的)?\d+件(?:增加|上升|增长|减少|下降)(?:到|至|为)"
            + NUM
            + r"\s*(?P<unit>件)"
        ),
        0.85,
    ),
    Rule(
        "applications_received",
        "申请数量N件",
        _r(
            r"(?:政府信息公开|依申请公开|信息公开)申请(?:的)?(?:数量|总数|数|件数)\s*:?\s*(?:为|共|共计|合计|达)*"
            + NUM
            + r"\s*(?P<unit>件|个|份)"
        ),
        0.8,
    ),
    Rule(
        "applications_received",
        "未收到…申请",
        _r(
            # (未涉及到要求政府信息公开的申请: a county bureau's way of saying none came)
            _NEG + r"(?:出现|收到|接到|受理|发生|有|接收|接受|涉及)(?:过|到)?"
            r"(?P<gap>[^,。;!?|\n\d]{0,40}?)申请"
        ),
        0.85,
        kind="zero",
        clause_forbids=r"复议|诉讼|收费|费用|举报|投诉|咨询|信访|" + _NOT_RULE,
    ),
    Rule(
        "applications_received",
        "无…申请",
        _r(
            r"(?:无|没有)(?:任何)?(?P<gap>[^,。;!?|\n\d]{0,12}?)(?:政府信息公开|依申请公开|信息公开)申请"
        ),
        0.8,
        kind="zero",
        gap_forbids=r"理由|正当|法|需|须|必要|关|涉",
        clause_forbids=r"复议|诉讼|收费|费用|" + _NOT_RULE,
    ),
    Rule(
        "applications_received",
        "申请:无",
        _r(
            r"(?:受理|收到|申请)[^\d,。;!?|\n]{0,20}申请(?:情况|数量|数)?\s*[:]\s*(?:无|没有)(?=[。;,]|$)",
            re.M,
        ),
        0.85,
        kind="zero",
    ),
    Rule(
        "applications_received",
        "依申请公开N件",
        # 依申请公开3次 / 依申请信息公开办理有69件: a tally of the year's work names the
        # requests by the kind of disclosure (street and county reports). Items of
        # information (依申请公开信息N条) are not requests; only their none is (below).
        _r(
            r"依申请(?:信息)?公开(?:申请)?(?:办理|受理)?(?:了|有)?(?:共计|共|数量为|为)?"
            + NUM
            + r"\s*(?P<unit>件|次)"
        ),
        0.75,
        not_after=_r(r"(?:主动|其中)$"),
    ),
    Rule(
        "applications_received",
        "依申请公开信息0条",
        # 依申请公开信息0条: nothing disclosed on request, so nothing was requested (a district
        # bureau's list of what it published)
        _r(r"依申请公开(?:政府)?信息(?:为)?0\s*条"),
        0.75,
        kind="zero",
        not_after=_r(r"(?:主动|其中)$"),
    ),
    Rule(
        "applications_received",
        "没有依申请公开的信息",
        # 本年度我镇没有依申请公开和不予公开的政府信息: nothing was disclosed on request, so
        # nothing was requested (a town's report)
        _r(r"(?:没有|未有|无)依申请公开(?:和不予公开)?(?:的)?(?:政府)?信息"),
        0.75,
        kind="zero",
        clause_forbids=_NOT_RULE,
    ),
    # --- outcomes
    Rule(
        "applications_granted",
        "予以公开N件",
        _r(
            r"(?:予以公开|同意公开|全部公开|准予公开)[“”\x22」]?(?:的)?(?:政府信息)?(?:申请)?(?:答复)?(?:数|数量)?(?:共)?"
            + NUM
            + r"\s*(?P<unit>件|条|个|项|宗)"
        ),
        0.9,
        total=False,
        not_after=_r(r"(?:不|部分|不予)$"),
    ),
    Rule(
        "applications_partially_granted",
        "部分公开N件",
        _r(
            r"部分(?:予以)?公开(?:\([^)]{0,30}\))?[“”\x22」]?(?:的)?(?:共)?"
            + NUM
            + r"\s*(?P<unit>件|条|个|项|宗)"
        ),
        0.9,
        total=False,
    ),
    Rule(
        "applications_denied",
        "不予公开N件",
        _r(r"不予(?:以)?公开[“”\x22」]?(?:的)?(?:共)?" + NUM + r"\s*(?P<unit>件|条|个|项|宗)"),
        0.85,
        total=False,
    ),
    Rule(
        "applications_unable_to_provide",
        "无法提供N件",
        _r(r"无法提供[“”\x22」]?(?:的)?(?:共)?" + NUM + r"\s*(?P<unit>件|条|个|项|宗)"),
        0.85,
        total=False,
    ),
    Rule(
        "applications_not_processed",
        "不予处理N件",
        _r(r"不予(?:处理|受理)[“”\x22」]?(?:的)?(?:共)?" + NUM + r"\s*(?P<unit>件|条|个|项|宗)"),
        0.8,
        total=False,
    ),
    Rule(
        "applications_other_handling",
        "其他处理N件",
        _r(r"其他处理[“”\x22」]?(?:的)?(?:共)?" + NUM + r"\s*(?P<unit>件|条|个|项|宗)"),
        0.8,
        total=False,
    ),
    Rule(
        "applications_carried_over",
        "上年结转N件",
        _r(
            r"上(?:一)?年(?:度)?结转(?:政府信息公开)?(?:申请)?(?:共)?"
            + NUM
            + r"\s*(?P<unit>件|条|个)"
        ),
        0.9,
    ),
    Rule(
        "applications_carried_forward",
        "结转下年度N件",
        _r(r"结转(?:至|到)?下(?:一)?年度?(?:继续办理)?(?:共)?" + NUM + r"\s*(?P<unit>件|条|个)"),
        0.9,
    ),
    Rule(
        "applications_carried_forward",
        "余N件转下年",
        _r(r"余" + NUM + r"\s*(?P<unit>件)(?:申请)?转(?:入)?(?:\d{4}年度?|下一?年度?)"),
        0.8,
    ),
    # --- administrative reconsideration
    Rule(
        "reconsideration_cases",
        "行政复议N件",
        _r(
            r"行政复议(?:申请|案件|案)?(?P<gap>"
            + GAP
            + r"{0,6}?)"
            + NUM
            + r"\s*(?P<unit>件|起|宗|个|次|例)"
        ),
        0.9,
        gap_forbids=r"诉讼|维持|纠正|结果|审结|办结|决定|答复|撤销|确认|驳回|终止",
        total=False,
        context_needs=_DISCLOSURE,
        heading_needs=_DISCLOSURE + r"|复议.{0,12}诉讼|诉讼.{0,12}复议",
    ),
    Rule(
        "reconsideration_cases",
        "N件行政复议",
        _r(NUM + r"\s*(?P<unit>件|起|宗)(?:政府信息公开)?(?:行政)?复议(?:案件|申请)?(?!后)"),
        0.85,
        total=False,
        context_needs=_DISCLOSURE,
        heading_needs=_DISCLOSURE + r"|复议.{0,12}诉讼|诉讼.{0,12}复议",
    ),
    Rule(
        "reconsideration_cases",
        "未发生…行政复议",
        _r(
            # (未发生针对政府信息公开事务的复议、诉讼: 复议 without 行政, before 诉讼)
            _NEG + r"(?:发生|产生|出现|有|收到|接到|涉及|受理|引起|因)?(?:过)?"
            r"(?P<gap>[^,。;!?|\n\d]{0,40}?)(?:行政复议|复议(?=[、和及与]诉讼))(?!"
            + GAP
            + r"{0,6}\d)"
        ),
        0.85,
        kind="zero",
        clause_forbids=r"费用|支出|败诉|被撤销|被纠正|纠错|确认违法|" + _NOT_RULE,
        sentence_needs=_DISCLOSURE + r"|复议、诉讼|复议和诉讼",
    ),
    Rule(
        "litigation_cases",
        "行政诉讼N件",
        _r(
            r"行政诉讼(?:案件|案)?(?P<gap>"
            + GAP
            + r"{0,6}?)"
            + NUM
            + r"\s*(?P<unit>件|起|宗|个|次|例)"
        ),
        0.9,
        gap_forbids=r"复议|维持|纠正|结果|审结|办结|判决|败诉|胜诉|撤诉|驳回|裁定",
        total=False,
        context_needs=_DISCLOSURE,
        heading_needs=_DISCLOSURE + r"|复议.{0,12}诉讼|诉讼.{0,12}复议",
    ),
    Rule(
        "litigation_cases",
        "未发生…行政诉讼",
        _r(
            _NEG + r"(?:发生|产生|出现|有|收到|接到|涉及|引起|因)?(?:过)?"
            r"(?P<gap>[^,。;!?|\n\d]{0,50}?)"
            r"(?:行政诉讼|(?<=行政复议[、和与及或])诉讼|(?<=复议[、和与及或])诉讼|提起诉讼)(?!"
            + GAP
            + r"{0,6}\d)"
        ),
        0.85,
        kind="zero",
        clause_forbids=r"费用|支出|败诉|被撤销|被纠正|纠错|确认违法|" + _NOT_RULE,
        sentence_needs=_DISCLOSURE + r"|复议、诉讼|复议和诉讼",
    ),
    Rule(
        "reconsideration_cases",
        "行政复议和行政诉讼N件",
        _r(
            r"行政复议(?:案件)?(?:和|及|与|、|或)(?:提起)?(?:行政)?诉讼(?:案件)?(?P<each>各|均为|均|都)?(?:为)?"
            + NUM
            + r"\s*(?P<unit>件|起|宗)"
        ),
        0.85,
        kind="zero_both",
    ),
    Rule(
        "reconsideration_cases",
        "行政复议…:无",
        _r(
            r"行政复议(?P<mid>[^,。;:\d\n]{0,14}?)\s*[:]\s*(?:本年度|本年|全年|今年)?(?:均)?(?:无|没有|为零|0件|0)(?=[。;,)]|$)",
            re.M,
        ),
        0.85,
        kind="zero_colon",
    ),
    Rule(
        "litigation_cases",
        "行政诉讼…:无",
        _r(r"行政诉讼(?:的)?(?:情况|案件|数量)?\s*[:]\s*(?:无|没有|0件|0)(?=[。;,]|$)", re.M),
        0.85,
        kind="zero",
    ),
    Rule(
        "reconsideration_cases",
        "复议诉讼均为零",
        _r(
            r"行政复议(?:案件)?(?:和|及|与|、|或)(?:提起)?(?:行政)?诉讼(?:案件)?(?:数量|数)?(?:均|都|皆)(?:为)?(?:零|0)(?![\d.])"
        ),
        0.85,
        kind="zero_colon",
    ),
    Rule(
        "reconsideration_cases",
        "行政复议为零",
        _r(r"行政复议(?:案件)?(?:数量|数)?为(?:零|0)(?![\d.件])"),
        0.85,
        kind="zero",
    ),
    # --- fees charged to applicants (never 行政事业性收费)
    Rule(
        "fees_collected_yuan",
        "收取费用N元",
        _r(
            r"(?:收取|收费|收缴)(?:了)?(?:信息处理费|费用|检索费|复制费|邮寄费|成本费|工本费)?(?:共计|共|合计|总计|金额|为)*"
            + NUM
            + r"\s*(?P<unit>万元|元)"
        ),
        0.85,
        clause_forbids=r"行政事业性|" + _NOT_RULE,
    ),
    Rule(
        "fees_collected_yuan",
        "收取…费用N元",
        _r(
            r"收取(?P<gap>[^\d,。;!?|\n]{1,15}?)(?:费用|费)(?:共计|共|合计|总计|金额|为)*"
            + NUM
            + r"\s*(?P<unit>万元|元)"
        ),
        0.8,
        clause_forbids=r"行政事业性|" + _NOT_RULE,
        gap_forbids=r"行政事业性|减免|免除",
    ),
    Rule(
        "fees_collected_yuan",
        "信息处理费N元",
        _r(
            r"(?:信息处理费|收费金额|收费总额|收费总计)(?:共计|共|为|合计)*"
            + NUM
            + r"\s*(?P<unit>万元|元)"
        ),
        0.85,
        clause_forbids=r"行政事业性",
    ),
    Rule(
        "fees_collected_yuan",
        "未收取费用",
        _r(
            r"(?:"
            + _NEG
            + r"|不(?!得|应|能|准|予))(?P<gap>[^,。;!?|\n\d]{0,30}?)(?:收取|收费|收缴)"
        ),
        0.85,
        kind="zero",
        clause_forbids=r"行政事业性|" + _NOT_RULE,
        sentence_needs=r"申请|信息公开|政府信息|信息处理费|依申请",
    ),
    Rule(
        "fees_collected_yuan",
        "免费",
        _r(r"免费(?:提供|使用|公开|查阅|获取|向)"),
        0.75,
        kind="zero",
        clause_forbids=r"索取|行政事业性|" + _NOT_RULE,
        sentence_needs=r"政府信息|依申请|申请人",
    ),
    Rule(
        "fees_collected_yuan",
        "免收费用",
        _r(r"(?:免收|免予收取|免除)(?P<gap>[^,。;\d\n]{0,12}?)(?:费用|费)"),
        0.75,
        kind="zero",
        clause_forbids=r"行政事业性|" + _NOT_RULE,
        sentence_needs=r"申请",
    ),
    Rule(
        "fees_collected_yuan",
        "收费情况:无",
        _r(r"收费(?:情况|及减免情况|金额)?\s*[:]\s*(?:无|没有|0元?)(?=[。;,]|$)", re.M),
        0.85,
        kind="zero",
    ),
    # --- policy interpretation
    Rule(
        "policy_interpretations",
        "政策解读N篇",
        _r(
            # 政策解读材料N篇: a list of what was published names its interpretations so
            # (seen in a municipal commission's report: the item inside a 主要包括 list)
            r"政策解读(?:信息|稿件|稿|文章|类信息|材料)?(?:共计|共|合计)?"
            + NUM
            + r"\s*(?P<unit>条|篇|次|个|件|份|期|则)"
        ),
        0.9,
        total=False,
    ),
    Rule(
        "policy_interpretations",
        "解读…N条",
        _r(
            r"解读(?!会|率|座谈|培训|工作|机制|制度|人)(?P<gap>"
            + GAP
            + r"{0,8}?)"
            + NUM
            + r"\s*(?P<unit>条|篇|次|个|件|份|期|则|场)"
        ),
        0.8,
        gap_forbids=r"会|率|申请|咨询|访谈|发布会|活动|等|动态",
    ),
    Rule(
        "policy_interpretations",
        "N篇政策解读",
        _r(NUM + r"\s*(?P<unit>条|篇|个|份|期)(?:政策)?解读(?!会|率)"),
        0.8,
    ),
    # --- NPC suggestions and CPPCC proposals
    Rule(
        "npc_suggestions",
        "人大代表建议N件",
        _r(
            r"人大(?:[\d一二三四五六七八九十]+届)?(?:[\d一二三四五六七八九十]+次会议)?(?:代表)?(?:议案和建议|建议和议案|代表建议|建议)(?P<gap>"
            + GAP
            + r"{0,4}?)"
            + NUM
            + r"\s*(?P<unit>件|条|个|项)"
        ),
        0.9,
        gap_forbids=r"政协|提案|和|及|与|、",  # 2件人大代表建议、6件政协委员提案
        total=False,
    ),
    Rule(
        "npc_suggestions",
        "N件人大代表建议",
        _r(NUM + r"\s*(?P<unit>件|条|个|项)(?:市|省|区|县)?(?:级)?人大(?:代表)?建议"),
        0.85,
        total=False,
    ),
    Rule(
        "cppcc_proposals",
        "政协委员提案N件",
        _r(
            r"政协(?:[\d一二三四五六七八九十]+届)?(?:[\d一二三四五六七八九十]+次会议)?(?:委员)?(?:委)?提案(?P<gap>"
            + GAP
            + r"{0,4}?)"
            + NUM
            + r"\s*(?P<unit>件|条|个|项)"
        ),
        0.9,
        gap_forbids=r"人大|建议|和|及|与|、",
        total=False,
        not_after=_r(r"(?:建议|议案)[和及与、](?:市|区|县|省|州)?$"),
    ),
    Rule(
        "cppcc_proposals",
        "N件政协提案",
        _r(NUM + r"\s*(?P<unit>件|条|个|项)(?:市|省|区|县)?(?:级)?政协(?:委员)?提案"),
        0.85,
        total=False,
    ),
]

# Literals one of which every match of a rule contains. A rule is only run over the prose
# sentences that hold one of them: the regex engine cannot skip ahead to a pattern that starts
# with a number or a character class, and scanning whole reports with ~50 such patterns was most
# of the extractor's time. tests/test_fast_paths.py checks on real text that no match is lost.
ANCHORS: dict[str, tuple[str, ...]] = {
    "主动公开…N条": ("主动",),
    "信息主动公开N条": ("主动公开",),
    "主动公开信息数:N条": ("主动公开",),
    "其中主动公开N条": ("主动公开",),
    "发布政府信息N条": ("政府信息",),
    "共公开政府信息N条": ("公开政府信息", "公开各类政府信息"),
    "主动公开…合计N条": ("合计", "总计"),
    "主动公开A、B等信息N条": ("主动",),
    "依申请公开N件": ("依申请",),
    "依申请公开信息0条": ("依申请公开",),
    "没有依申请公开的信息": ("依申请公开",),
    "受理…申请N件": ("申请",),
    "办理…申请N件": ("申请",),
    "受理N件申请": ("申请",),
    "N人次申请公开": ("公开政府信息", "政府信息公开申请"),
    "申请数由N增加到M": ("申请",),
    "申请数量N件": ("申请",),
    "未收到…申请": ("申请",),
    "无…申请": ("申请",),
    "申请:无": ("申请",),
    "予以公开N件": ("予以公开", "同意公开", "全部公开", "准予公开"),
    "部分公开N件": ("部分",),
    "不予公开N件": ("不予",),
    "无法提供N件": ("无法提供",),
    "不予处理N件": ("不予",),
    "其他处理N件": ("其他处理",),
    "上年结转N件": ("结转",),
    "结转下年度N件": ("结转",),
    "余N件转下年": ("转",),
    "行政复议N件": ("行政复议",),
    "N件行政复议": ("复议",),
    "未发生…行政复议": ("复议",),
    "行政诉讼N件": ("行政诉讼",),
    "未发生…行政诉讼": ("诉讼",),
    "行政复议和行政诉讼N件": ("行政复议",),
    "行政复议…:无": ("行政复议",),
    "行政诉讼…:无": ("行政诉讼",),
    "复议诉讼均为零": ("行政复议",),
    "行政复议为零": ("行政复议",),
    "收取费用N元": ("收取", "收费", "收缴"),
    "收取…费用N元": ("收取",),
    "信息处理费N元": ("信息处理费", "收费"),
    "未收取费用": ("收取", "收费", "收缴"),
    "免费": ("免费",),
    "免收费用": ("免",),
    "收费情况:无": ("收费",),
    "政策解读N篇": ("政策解读",),
    "解读…N条": ("解读",),
    "N篇政策解读": ("解读",),
    "人大代表建议N件": ("人大",),
    "N件人大代表建议": ("人大",),
    "政协委员提案N件": ("政协",),
    "N件政协提案": ("政协",),
}
RULES = [Rule(**{**r.__dict__, "anchors": ANCHORS[r.name]}) for r in RULES]


# A section that says only "none" about the things its heading names.
_HEADING_NONE = re.compile(
    r"^(?:本年度|本年|全年|今年|报告期内|\d{4}年度?|我(?:局|委|厅|办|单位|部门|院|中心|府|镇|乡|街道|关)|本(?:机关|单位|部门|局|委|厅)|,)*"
    r"(?:均)?(?:无|没有(?:发生|出现|收到)?|未(?:发生|产生|出现|收到|有))(?:此类|相关|该类|上述|这类)?(?:情况|事项|案件|情形|申请)?(?:发生)?[。.]?$"
)
_HEADING_TOPICS = [
    ("reconsideration_cases", re.compile(r"行政复议|复议")),
    ("litigation_cases", re.compile(r"行政诉讼|诉讼")),
    ("fees_collected_yuan", re.compile(r"收费")),
    ("applications_received", re.compile(r"^(?!.*(?:复议|诉讼|收费)).*依申请")),
]


_GENERIC_INFO = re.compile(r"政府|政务|各类|各项|相关|有关|全部|工作|重点|了|的|信息")
_COUNT_AHEAD = re.compile(r"\d+\s*(?:条|件|篇|项)")


def _first_of_a_list(text: str, s: Sentence, gap: str) -> bool:
    """主动公开<topic>信息N篇; <topic>N条; …: the first item of a list of per-category counts.

    (A district bureau's section lists its categories one after another, separated by ;,
    with no total.) The figure is a category's only when the gap names a topic and the text
    after the sentence, on the same line, goes on with another count and no 主动公开/其中.
    """
    if not text[s.start : s.end].rstrip().endswith(";"):
        return False
    if not _GENERIC_INFO.sub("", gap):
        return False
    line_end = text.find("\n", s.end)
    ahead = text[s.end : line_end if line_end >= 0 else len(text)][:80]
    return bool(_COUNT_AHEAD.search(ahead)) and not re.search(r"主动公开|其中|合计|总计", ahead)


def _clause_bounds(text: str, s: Sentence, start: int, end: int) -> tuple[int, int]:
    a = max(
        text.rfind(",", s.start, start),
        text.rfind(";", s.start, start),
        text.rfind("。", s.start, start),
    )
    a = s.start if a < 0 else a + 1
    ends = [
        i
        for i in (
            text.find(",", end, s.end),
            text.find(";", end, s.end),
            text.find("。", end, s.end),
        )
        if i >= 0
    ]
    return a, (min(ends) if ends else s.end)


def _last_year_before(prefix: str) -> int | None:
    prefix = _BRACKETED.sub(lambda m: " " * len(m.group(0)), prefix)
    years = _YEAR_MENTION.findall(prefix)
    return int(years[-1]) if years else None


def _value(m: re.Match[str]) -> tuple[float, bool, str]:
    num = float(m.group("num").replace(",", ""))  # 1,046
    unit = m.groupdict().get("unit") or ""
    if unit.startswith("万"):
        num *= 10000
        unit = unit[1:]
    approx = bool(m.groupdict().get("approx"))
    return num, approx, unit


def anchor_sentences(
    doc: Document,
    starts: list[int],
    anchors: tuple[str, ...],
    seen: dict[str, list[int]] | None = None,
) -> list[Sentence]:
    """The prose sentences that hold one of `anchors`, in text order.

    `seen` keeps, per anchor, the sentences found for it, for the other rules that share it.
    """
    found: set[int] = set()
    for a in anchors:
        ks = seen.get(a) if seen is not None else None
        if ks is None:
            ks = _sentences_with(doc, starts, a)
            if seen is not None:
                seen[a] = ks
        found.update(ks)
    sentences = doc.sentences
    return [sentences[k] for k in sorted(found)]


def _sentences_with(doc: Document, starts: list[int], anchor: str) -> list[int]:
    text, sentences = doc.norm.text, doc.sentences
    out: list[int] = []
    find = text.find
    i = find(anchor)
    while i >= 0:
        k = bisect.bisect_right(starts, i) - 1
        if k >= 0:
            s = sentences[k]
            if i + len(anchor) <= s.end and not s.in_table:
                out.append(k)
            i = find(anchor, max(s.end, i + 1))
        else:
            i = find(anchor, i + 1)
    return out


_DIGIT = re.compile(r"\d")


def find_candidates(doc: Document, report_year: int | None) -> list[Candidate]:
    """Every match of every rule in a prose sentence, with the context checks applied.

    A match must lie inside one prose sentence, and it holds one of its rule's anchors; so a
    rule is run only over the sentences holding an anchor (found once per anchor set, and
    shared by the rules that have it), never over the whole text.
    """
    text = doc.norm.text
    starts = [s.start for s in doc.sentences]
    out: list[Candidate] = []
    windows: dict[tuple[str, ...], list[Sentence]] = {}
    seen: dict[str, list[int]] = {}
    digits: dict[int, bool] = {}  # sentence start → holds a digit (a figure needs one)
    for rule in RULES:
        spans = windows.get(rule.anchors)
        if spans is None:
            spans = windows[rule.anchors] = anchor_sentences(doc, starts, rule.anchors, seen)
        needs_digit = "num" in rule.pattern.groupindex
        for s in spans:
            if needs_digit:
                d = digits.get(s.start)
                if d is None:
                    d = digits[s.start] = _DIGIT.search(text, s.start, s.end) is not None
                if not d:
                    continue
            for m in rule.pattern.finditer(text, s.start, s.end):
                c = _candidate(rule, m, s, text, report_year)
                if c is not None:
                    out.extend(c)
    # a sentence that only says "none" under a heading that names the topic (_HEADING_NONE
    # needs 无, 没有 or 未, so the other sentences are not matched)
    for s in doc.sentences:
        if (
            s.heading
            and not s.in_table
            and len(s.text) < 40
            and ("无" in s.text or "没有" in s.text or "未" in s.text)
            and _HEADING_NONE.match(s.text.strip())
        ):
            for metric, topic in _HEADING_TOPICS:
                if topic.search(s.heading):
                    out.append(
                        Candidate(
                            metric,
                            0.0,
                            s,
                            s.start,
                            s.end,
                            "heading:" + s.heading[:20],
                            0.7,
                            flags=["zero stated under the heading " + s.heading[:30]],
                        )
                    )
    if "诉讼" in text or "起诉" in text:
        out.extend(_litigation_parts(doc, starts, report_year))
    return out


def _candidate(
    rule: Rule, m: re.Match[str], s: Sentence, text: str, report_year: int | None
) -> list[Candidate] | None:
    """The candidate(s) one match gives, or None when the context rules it out."""
    a, b = m.start(), m.end()
    if rule.not_after and rule.not_after.search(text, max(0, a - 4), a):
        return None
    gd = m.groupdict()
    gap = (gd.get("gap") or "") + (gd.get("gap2") or "")
    if rule.gap_needs and not re.search(rule.gap_needs, gd.get("gap") or ""):
        return None
    if rule.gap_forbids and re.search(rule.gap_forbids, gap):
        return None
    ca, cb = _clause_bounds(text, s, a, b)
    if rule.clause_forbids and re.search(rule.clause_forbids, text[ca:cb]):
        return None
    if rule.sentence_forbids and re.search(rule.sentence_forbids, s.text):
        return None
    if (
        rule.sentence_needs
        and not re.search(rule.sentence_needs, s.text)
        and not re.search(_HEADING_WAIVES.get(rule.metric, "^$"), s.heading)
    ):
        return None
    if (
        rule.context_needs
        and not re.search(rule.context_needs, m.group(0))
        and not (s.heading and re.search(rule.heading_needs or rule.context_needs, s.heading))
        # a tally that names disclosure before the figure (依申请公开3次,行政复议0次;
        # 办理信息公开行政复议0件): the context is the sentence's own
        and not re.search(_DISCLOSURE, text[s.start : a])
        # applications described in the next clause (收到申请书55份,申请公开的政府信息主要涉及…)
        and not (rule.metric == "applications_received" and _APPLIED_FOR.search(s.text))
    ):
        return None
    if (
        rule.metric == "fees_collected_yuan"
        and rule.kind == "number"
        and "行政事业性" in s.text + s.heading
    ):
        return None  # the sentence is about administrative fees, not disclosure fees
    if rule.metric == "applications_received" and _INCLUDES_CARRIED.match(text, b):
        return None  # 办理申请56件(含上年结转4件): not this year's new applications
    if rule.name == "共公开政府信息N条" and re.search(r"主动公开\d|依申请公开\d", text[b : s.end]):
        return None  # a total of proactive and on-request disclosure
    if rule.name == "主动公开…N条" and _first_of_a_list(text, s, gd.get("gap") or ""):
        return None
    flags: list[str] = []
    if rule.kind in ("number", "zero_both"):
        value, approx, unit = _value(m)
        approx = approx or bool(
            _APPROX_BEFORE.search(text, max(0, m.start("num") - 3), m.start("num"))
        )
    else:
        value, approx, unit = 0.0, False, ""
    before = text[s.start : a]
    clause_before = text[ca:a]
    year_clause = bool(
        report_year
        and f"{report_year}年" in clause_before
        and not _CUMULATIVE.search(clause_before)
    )
    if year_clause:
        before = clause_before  # 以来累计…,其中2009年主动公开…: this clause speaks for itself
    # the year this sentence speaks of: the last one named before the figure
    upto = before + text[a : m.start("num")] if "num" in m.re.groupindex else text[s.start : b]
    y = _last_year_before(upto)
    if report_year and y and y != report_year:
        return None
    if _CUMULATIVE.search(before):
        if value != 0:
            return None
        flags.append("cumulative statement of none: none in this year either")
    if _COMPARISON.search(clause_before) and rule.metric != "applications_carried_over":
        return None
    if rule.kind == "number" and _NOT_A_COUNT.match(text, b):
        return None  # 8个类别, 5个工作日: the number counts something else
    if rule.total and rule.kind == "number" and _SUBITEM.search(before) and not year_clause:
        return None  # 其中…: a part of something, not the total
    conf = rule.confidence
    if rule.kind == "zero_colon":
        if re.search(r"费|支出|机构|人员", gd.get("mid") or ""):
            return None
        named = gd.get("mid") if "mid" in gd else m.group(0)
        metrics = (
            ("reconsideration_cases", "litigation_cases")
            if "诉讼" in (named or "")
            else ("reconsideration_cases",)
        )
        return [
            Candidate(metric, 0.0, s, a, b, rule.name, conf, False, "", flags) for metric in metrics
        ]
    if rule.kind == "zero_both":
        if value == 0 or gd.get("each"):
            return [
                Candidate(metric, value, s, a, b, rule.name, conf, approx, unit, flags)
                for metric in ("reconsideration_cases", "litigation_cases")
            ]
        return None
    if "累计" in clause_before and rule.kind == "number":
        flags.append("stated with 累计; read as this year's total")
    return [Candidate(rule.metric, value, s, a, b, rule.name, conf, approx, unit, flags)]


_DIRECT = re.compile(
    r"直接(?:起诉|诉讼|提起诉讼|提起行政诉讼)(?:案件)?(?:共)?" + NUM + r"\s*(?P<unit>件|起|宗)"
)
_DIRECT_N = re.compile(NUM + r"\s*(?P<unit>件|起|宗)(?:未经复议)?直接(?:起诉|诉讼)")
_AFTER = re.compile(
    r"复议后(?:起诉|诉讼|提起诉讼|提起行政诉讼)(?:案件)?(?:共)?" + NUM + r"\s*(?P<unit>件|起|宗)"
)
_AFTER_N = re.compile(NUM + r"\s*(?P<unit>件|起|宗)复议后(?:起诉|诉讼)")


def _part(m: re.Match[str]) -> float:
    return float(m.group("num").replace(",", ""))


def _litigation_parts(doc: Document, starts: list[int], report_year: int | None) -> list[Candidate]:
    """Lawsuits stated as 未经复议直接起诉 and 复议后起诉: the total is their sum."""
    text = doc.norm.text
    found: dict[int, dict[str, re.Match[str]]] = {}
    for kind, rx in (
        ("direct", _DIRECT),
        ("direct", _DIRECT_N),
        ("after", _AFTER),
        ("after", _AFTER_N),
    ):
        for s in anchor_sentences(doc, starts, ("直接",) if kind == "direct" else ("复议后",)):
            for m in rx.finditer(text, s.start, s.end):
                found.setdefault(s.start, {}).setdefault(kind, m)
    out: list[Candidate] = []
    for s_start, parts in found.items():
        s = doc.sentences[bisect.bisect_right(starts, s_start) - 1]
        y = _last_year_before(s.text)
        if report_year and y and y != report_year:
            continue
        if _CUMULATIVE.search(s.text):
            continue
        d, f = parts.get("direct"), parts.get("after")
        if d and f:
            out.append(
                Candidate(
                    "litigation_cases",
                    _part(d) + _part(f),
                    s,
                    min(d.start(), f.start()),
                    max(d.end(), f.end()),
                    "直接起诉+复议后起诉",
                    0.9,
                    flags=["sum of 未经复议直接起诉 and 复议后起诉"],
                )
            )
        else:
            m = d or f
            assert m is not None
            which = "未经复议直接起诉" if d else "复议后起诉"
            out.append(
                Candidate(
                    "litigation_cases",
                    _part(m),
                    s,
                    m.start(),
                    m.end(),
                    which,
                    0.6,
                    flags=[f"only {which} is stated; the other kind of lawsuit is not mentioned"],
                )
            )
    return out


_TOPIC_HEADINGS = {
    "proactive_total": r"主动公开",
    "applications_received": r"依申请|申请",
    "applications_granted": r"依申请|申请",
    "reconsideration_cases": r"复议",
    "litigation_cases": r"诉讼",
}


@dataclass
class Resolved:
    value: float | None
    chosen: Candidate | None
    candidates: list[Candidate]
    flag: str = ""


def _without_parts_of_a_total(cands: list[Candidate]) -> list[Candidate]:
    """Leave out figures that follow 其中 after a figure of the same metric in one sentence.

    政策解读12篇,其中负责人解读4篇: the 4 is a part of the 12, not a rival value.
    """
    first: dict[int, Candidate] = {}
    for c in cands:
        f = first.get(c.sentence.start)
        if f is None or c.start < f.start:
            first[c.sentence.start] = c
    out = []
    for c in cands:
        f = first[c.sentence.start]
        between = c.sentence.text[f.end - c.sentence.start : c.start - c.sentence.start]
        if c.start > f.end and "其中" in between and c.value != f.value:
            continue
        out.append(c)
    return out


def resolve(cands: list[Candidate]) -> Resolved:
    """One value per metric, or none with a reason when the candidates disagree."""
    exact = [c for c in cands if not c.approximate]
    if not exact:
        best = max(cands, key=lambda c: c.confidence)
        return Resolved(best.value, best, cands, "only an approximate figure is stated")
    exact = _without_parts_of_a_total(exact)
    top = max(c.confidence for c in exact)
    # candidates within a small margin of the best are all serious
    serious = [c for c in exact if c.confidence >= top - 0.05]
    values = sorted({c.value for c in serious})
    if len(values) == 1:
        chosen = min(serious, key=lambda c: c.start)
        weaker = sorted({c.value for c in exact if c.value != chosen.value})
        flag = f"weaker candidates {weaker} set aside" if weaker else ""
        return Resolved(values[0], chosen, cands, flag)
    topic = _TOPIC_HEADINGS.get(serious[0].metric)
    inside = [c for c in serious if topic and re.search(topic, c.sentence.heading)]
    if inside and len({c.value for c in inside}) == 1 and len(inside) < len(serious):
        chosen = min(inside, key=lambda c: c.start)
        return Resolved(
            chosen.value,
            chosen,
            cands,
            f"several values {values}; took the one in the section on the topic",
        )
    totals = [
        c
        for c in serious
        if _TOTAL_MARK.search(
            c.sentence.text[max(0, c.start - c.sentence.start - 12) : c.end - c.sentence.start]
        )
    ]
    if totals and len({c.value for c in totals}) == 1 and len(totals) < len(serious):
        chosen = min(totals, key=lambda c: c.start)
        return Resolved(
            chosen.value, chosen, cands, f"several values {values}; took the one stated as a total"
        )
    return Resolved(
        None,
        None,
        cands,
        f"ambiguous: the text gives {', '.join(_fmt(v) for v in values)}; left empty",
    )


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def extract_figures(doc: Document, report_year: int | None) -> tuple[dict[str, dict], list[Issue]]:
    """Metrics found in prose: {name: record}, and notes about metrics left empty."""
    by_metric: dict[str, list[Candidate]] = {}
    for c in find_candidates(doc, report_year):
        by_metric.setdefault(c.metric, []).append(c)
    metrics: dict[str, dict] = {}
    notes: list[Issue] = []
    for name, cands in by_metric.items():
        r = resolve(cands)
        if r.chosen is None:
            metrics[name] = {
                "value": None,
                "evidence": None,
                "approximate": False,
                "confidence": 0.0,
                "source": "prose",
                "flags": [r.flag],
                "candidates": [
                    {"value": c.value, "evidence": doc.original(c.sentence.start, c.sentence.end)}
                    for c in cands
                ][:6],
            }
            notes.append(Issue("warning", "ambiguous", f"{name}: {r.flag}", metric=name))
            continue
        c = r.chosen
        flags = list(c.flags) + ([r.flag] if r.flag else [])
        value: float | int = int(c.value) if c.value == int(c.value) else c.value
        metrics[name] = {
            "value": value,
            "unit": c.unit or None,
            "evidence": doc.original(c.sentence.start, c.sentence.end),
            "span": doc.original(c.start, c.end),
            "approximate": c.approximate,
            "confidence": round(
                c.confidence - (0.1 if r.flag and "set aside" not in r.flag else 0.0), 2
            ),
            "rule": c.rule,
            "source": "prose",
            "line": c.sentence.line_no,
            "flags": flags,
        }
    return metrics, notes
