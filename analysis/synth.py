"""A large, realistic corpus of annual reports for benchmarks and scale tests.

The five seeds are too few to measure throughput, memory or partitioning at national
scale, and the real excerpts may only be used to measure accuracy. This module makes any
number of reports that look like the national corpus: agencies from places × departments,
years 2009–2025, prose reports of the 2007 Regulation, template reports of the 2019 and
2021 formats (tables as pipe rows or HTML with rowspan/colspan, per
shared/docs/report-format.md), variants of the seeds with another agency, year and
figures, some in traditional script (OpenCC s2t / s2twp), some GBK or Big5, some web
pages, plus the few exact copies and unreadable files every real crawl has.

Each file depends only on (seed, index), so a corpus is reproducible and files can be
made in any order. Texts are written here from scratch; nothing is taken from the real
excerpts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opencc

from .atomic import write_bytes, write_text

YEARS = list(range(2009, 2026))

PROVINCES = [
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
]
CITIES = [
    "石家庄市",
    "唐山市",
    "保定市",
    "邯郸市",
    "太原市",
    "大同市",
    "沈阳市",
    "大连市",
    "鞍山市",
    "长春市",
    "吉林市",
    "哈尔滨市",
    "齐齐哈尔市",
    "南京市",
    "苏州市",
    "无锡市",
    "常州市",
    "南通市",
    "扬州市",
    "徐州市",
    "杭州市",
    "宁波市",
    "温州市",
    "嘉兴市",
    "湖州市",
    "绍兴市",
    "金华市",
    "台州市",
    "合肥市",
    "芜湖市",
    "蚌埠市",
    "安庆市",
    "福州市",
    "厦门市",
    "泉州市",
    "漳州市",
    "莆田市",
    "南昌市",
    "九江市",
    "赣州市",
    "新余市",
    "上饶市",
    "济南市",
    "青岛市",
    "淄博市",
    "烟台市",
    "潍坊市",
    "济宁市",
    "临沂市",
    "威海市",
    "郑州市",
    "洛阳市",
    "开封市",
    "南阳市",
    "新乡市",
    "武汉市",
    "宜昌市",
    "襄阳市",
    "黄石市",
    "荆州市",
    "长沙市",
    "株洲市",
    "湘潭市",
    "衡阳市",
    "岳阳市",
    "常德市",
    "广州市",
    "深圳市",
    "珠海市",
    "汕头市",
    "佛山市",
    "东莞市",
    "中山市",
    "惠州市",
    "江门市",
    "湛江市",
    "海口市",
    "三亚市",
    "成都市",
    "绵阳市",
    "德阳市",
    "宜宾市",
    "南充市",
    "乐山市",
    "贵阳市",
    "遵义市",
    "六盘水市",
    "昆明市",
    "曲靖市",
    "玉溪市",
    "西安市",
    "宝鸡市",
    "咸阳市",
    "延安市",
    "兰州市",
    "天水市",
    "西宁市",
    "呼和浩特市",
    "包头市",
    "鄂尔多斯市",
    "南宁市",
    "柳州市",
    "桂林市",
    "拉萨市",
    "银川市",
    "乌鲁木齐市",
    "克拉玛依市",
    "大理白族自治州",
    "延边朝鲜族自治州",
    "恩施土家族苗族自治州",
]
COUNTIES = [
    "张店区",
    "临淄区",
    "海淀区",
    "朝阳区",
    "东城区",
    "西城区",
    "浦东新区",
    "徐汇区",
    "黄浦区",
    "玄武区",
    "江宁区",
    "昆山市",
    "义乌市",
    "慈溪市",
    "余姚市",
    "晋江市",
    "石狮市",
    "长乐区",
    "闽侯县",
    "平潭县",
    "寿光市",
    "邹城市",
    "曲阜市",
    "荣成市",
    "新郑市",
    "巩义市",
    "宜都市",
    "浏阳市",
    "宁乡市",
    "醴陵市",
    "顺德区",
    "南海区",
    "番禺区",
    "宝安区",
    "龙岗区",
    "双流区",
    "郫都区",
    "都江堰市",
    "仁怀市",
    "安宁市",
    "神木市",
    "府谷县",
    "敦煌市",
    "格尔木市",
    "满洲里市",
    "二连浩特市",
    "凭祥市",
    "库尔勒市",
    "江阴市",
    "宜兴市",
    "常熟市",
    "张家港市",
    "海门区",
    "泰兴市",
    "桐乡市",
    "海宁市",
    "乐清市",
    "瑞安市",
    "温岭市",
    "诸暨市",
    "肥西县",
    "长丰县",
    "南安市",
    "福清市",
    "龙海区",
    "樟树市",
    "南康区",
    "章丘区",
    "胶州市",
    "平度市",
    "龙口市",
    "招远市",
    "诸城市",
    "青州市",
    "荥阳市",
    "偃师区",
    "长垣市",
    "大冶市",
    "汉川市",
    "仙桃市",
    "长沙县",
    "湘乡市",
    "耒阳市",
    "汨罗市",
    "增城区",
    "花都区",
    "博罗县",
    "台山市",
    "廉江市",
    "文昌市",
    "琼海市",
    "简阳市",
    "彭州市",
    "江油市",
    "清镇市",
    "盘州市",
    "宣威市",
    "弥勒市",
    "兴平市",
    "韩城市",
    "玉门市",
    "德令哈市",
    "准格尔旗",
    "伊金霍洛旗",
    "北流市",
    "阳朔县",
    "堆龙德庆区",
    "灵武市",
    "昌吉市",
    "伊宁市",
    "喀什市",
    "和田市",
    "景洪市",
    "瑞丽市",
]
PLACES = PROVINCES + CITIES + COUNTIES
# departments: (name under a city or county, name under a province)
DEPARTMENTS = [
    ("商务局", "商务厅"),
    ("教育局", "教育厅"),
    ("财政局", "财政厅"),
    ("公安局", "公安厅"),
    ("民政局", "民政厅"),
    ("人力资源和社会保障局", "人力资源和社会保障厅"),
    ("自然资源局", "自然资源厅"),
    ("生态环境局", "生态环境厅"),
    ("住房和城乡建设局", "住房和城乡建设厅"),
    ("交通运输局", "交通运输厅"),
    ("水利局", "水利厅"),
    ("农业农村局", "农业农村厅"),
    ("文化和旅游局", "文化和旅游厅"),
    ("卫生健康委员会", "卫生健康委员会"),
    ("应急管理局", "应急管理厅"),
    ("审计局", "审计厅"),
    ("市场监督管理局", "市场监督管理局"),
    ("统计局", "统计局"),
    ("医疗保障局", "医疗保障局"),
    ("林业局", "林业局"),
    ("体育局", "体育局"),
    ("司法局", "司法厅"),
    ("退役军人事务局", "退役军人事务厅"),
    ("发展和改革委员会", "发展和改革委员会"),
    ("科学技术局", "科学技术厅"),
    ("工业和信息化局", "工业和信息化厅"),
    ("人民政府办公室", "人民政府办公厅"),
    ("人民政府", "人民政府"),
    ("城市管理局", "住房和城乡建设厅"),
    ("档案局", "档案局"),
    ("地方金融监督管理局", "地方金融监督管理局"),
    ("粮食和物资储备局", "粮食和物资储备局"),
]
# the seeds: (agency as the text gives it, the place in it, report year); 002 names only 市商务局
SEED_FACTS = {
    "000_": ("福州市商务局", "福州市", 2018),
    "001_": ("张店区商务局", "张店区", 2017),
    "002_": (None, None, 2014),
    "003_": ("贵州省工商局", "贵州省", 2016),
    "004_": ("新余市商务局", "新余市", 2019),
}

COL_LABELS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


@dataclass
class Corpus:
    """What was generated: counts to print next to the benchmark figures."""

    root: Path
    files: int = 0
    bytes: int = 0
    kinds: Counter = field(default_factory=Counter)
    scripts: Counter = field(default_factory=Counter)
    encodings: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)
    manifest_rows: int = 0


@lru_cache(maxsize=None)
def _cc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def combos() -> int:
    return len(PLACES) * len(DEPARTMENTS) * len(YEARS)


def _stride(total: int) -> int:
    s = 7919 * 13
    while math.gcd(s, total) != 1:
        s += 1
    return s


def agency_year(index: int) -> tuple[str, str, int]:
    """(place, agency, year) for report `index`: a bijection, so no two reports share agency
    and year."""
    total = combos()
    k = (index * _stride(total) + 12345) % total
    k, yi = divmod(k, len(YEARS))
    pi, di = divmod(k, len(DEPARTMENTS))
    place = PLACES[pi % len(PLACES)]
    city_dept, prov_dept = DEPARTMENTS[di]
    dept = (
        prov_dept
        if place in PROVINCES and place not in ("北京市", "天津市", "上海市", "重庆市")
        else city_dept
    )
    return place, place + dept, YEARS[yi]


# ---------------------------------------------------------------------------------------
# prose written for this generator (generic statements about disclosure work)
FILLER = [
    "我{self}坚持以公开为常态、不公开为例外,把政务公开贯穿行政权力运行全过程。",
    "成立了由主要负责同志任组长的政务公开工作领导小组,明确办公室为政务公开工作的主管科室,配备专职工作人员{k}名。",
    "严格落实信息发布保密审查制度,做到先审查、后公开,一事一审、全面审查。",
    "进一步完善政府信息公开指南和公开目录,及时更新公开内容,方便公众查阅。",
    "围绕群众关注的热点问题,通过门户网站、政务微博、微信公众号等渠道及时发布权威信息。",
    "加强政府网站内容保障,建立信息更新台账,确保栏目内容准确、及时、完整。",
    "组织开展政务公开业务培训{k}次,提升工作人员依法公开的意识和能力。",
    "将政务公开工作纳入年度目标责任考核,定期通报工作进展情况。",
    "规范依申请公开工作流程,对申请的登记、审核、办理、答复、归档等环节作出明确规定。",
    "在办公场所设置政府信息公开查阅点,提供免费查阅服务。",
    "积极回应社会关切,对涉及群众切身利益的重要政策及时进行解读说明。",
    "推进决策公开,重要政策出台前通过网站公开征求意见,广泛听取社会各方面意见建议。",
    "加强对行政规范性文件的管理,按规定做好文件的清理和公开工作。",
    "推进权责清单动态调整,及时在门户网站公开调整后的权责事项。",
    "深化“放管服”改革,进一步压缩办理时限,推行网上办理、一次办结。",
    "做好重点领域信息公开,主动公开财政预决算、重大建设项目、公共资源配置等信息。",
    "完善政务新媒体管理制度,规范信息发布审核流程。",
    "建立健全政务舆情收集、研判、处置和回应机制,及时回应公众关切。",
    "结合工作实际编制年度政务公开工作要点,细化分解任务,明确责任科室和完成时限。",
    "加强政府信息公开平台建设,推进公开平台与政务服务平台融合。",
]
PROBLEMS = [
    "一是公开内容的深度和广度还需进一步拓展;二是信息更新的及时性有待提高;三是工作人员业务能力仍需加强。",
    "部分栏目信息更新不够及时,政策解读形式较为单一,公众参与的渠道还不够多。",
    "下一步,我{self}将进一步健全工作机制,加强业务培训,提高政府信息公开工作的质量和水平。",
    "今后将继续加大主动公开力度,规范依申请公开办理流程,强化监督考核,推动政务公开工作再上新台阶。",
]


def _fmt(s: str, rng: random.Random, self_word: str) -> str:
    return s.replace("{self}", self_word).replace("{k}", str(rng.randint(1, 6)))


def _filler(rng: random.Random, n: int, self_word: str) -> list[str]:
    return [_fmt(s, rng, self_word) for s in rng.sample(FILLER, min(n, len(FILLER)))]


def _self_word(agency: str) -> str:
    for end, w in (
        ("委员会", "委"),
        ("办公厅", "办"),
        ("办公室", "办"),
        ("人民政府", "府"),
        ("厅", "厅"),
        ("局", "局"),
    ):
        if agency.endswith(end):
            return w
    return "单位"


def _counts(rng: random.Random, scale: int) -> int:
    """A figure of the size departments report: mostly small, sometimes large."""
    r = rng.random()
    if r < 0.15:
        return 0
    if r < 0.6:
        return rng.randint(1, max(1, scale // 10))
    return rng.randint(scale // 10 + 1, scale)


# ---------------------------------------------------------------------------------------
# prose reports (2007 Regulation, reports for 2009–2018)
def prose_report(rng: random.Random, agency: str, place: str, year: int) -> tuple[str, dict]:
    me = _self_word(agency)
    proactive = _counts(rng, 3000) or rng.randint(20, 200)
    received = _counts(rng, 60)
    granted = rng.randint(0, received)
    recon = 0 if rng.random() < 0.85 else rng.randint(1, 3)
    litig = 0 if rng.random() < 0.9 else rng.randint(1, 2)
    interp = rng.randint(1, 30)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    paras: list[str] = [title, ""]
    if rng.random() < 0.5:
        author = agency if agency.endswith(("办公室", "办公厅", "人民政府")) else agency + "办公室"
        paras += [
            f"根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定,现公布{agency}{year}年度政府信息公开工作报告。"
            f"本报告由{author}编制,统计期限为{year}年1月1日至{year}年12月31日。",
            "",
        ]
    paras += ["一、概述", *_filler(rng, rng.randint(3, 6), me), ""]
    paras += [
        "二、主动公开政府信息情况",
        rng.choice(
            [
                f"{year}年,我{me}共主动公开政府信息{proactive}条,"
                f"其中通过门户网站公开{rng.randint(0, proactive)}条。",
                f"全年共主动公开政府信息{proactive}条,公开内容涵盖机构职能、政策法规、规划计划、财政预决算等方面。",
                f"本年度主动公开政府信息{proactive}条。",
            ]
        ),
        f"发布政策解读{interp}篇,及时回应社会关切。",
        *_filler(rng, rng.randint(1, 3), me),
        "",
    ]
    paras.append("三、依申请公开政府信息情况")
    if received == 0:
        paras.append(
            rng.choice(
                [
                    f"{year}年,我{me}未收到政府信息公开申请。",
                    "本年度没有收到公民、法人或其他组织提出的政府信息公开申请。",
                ]
            )
        )
    else:
        paras.append(
            f"{year}年,我{me}共受理政府信息公开申请{received}件,其中予以公开{granted}件,"
            f"其余申请均已按规定时限依法答复。"
        )
    paras += [
        "",
        "四、政府信息公开的收费及减免情况",
        rng.choice(
            ["本年度未收取任何费用。", f"{year}年度,我{me}在政府信息公开工作中没有收取任何费用。"]
        ),
        "",
    ]
    paras.append("五、因政府信息公开申请提起行政复议、行政诉讼的情况")
    if recon == 0 and litig == 0:
        paras.append(f"{year}年度,未发生因政府信息公开申请提起行政复议和行政诉讼的情况。")
    else:
        paras.append(f"{year}年度,因政府信息公开申请提起行政复议{recon}件,提起行政诉讼{litig}件。")
    paras += [
        "",
        "六、存在的主要问题及改进措施",
        *rng.sample(PROBLEMS, 2),
        "",
        "七、其他需要报告的事项",
        "无。",
        "",
    ]
    paras.append(f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日")
    truth = {
        "proactive_total": proactive,
        "applications_received": received,
        "reconsideration_cases": recon,
        "litigation_cases": litig,
        "policy_interpretations": interp,
    }
    return "\n".join(_indent(paras, rng)), truth


def _indent(paras: list[str], rng: random.Random) -> list[str]:
    ind = rng.choice(["", "  ", "\u3000\u3000"])
    return [
        ind + p if p and not p.startswith("|") and not re.match(r"^[一二三四五六七]、", p) else p
        for p in paras
    ]


# ---------------------------------------------------------------------------------------
# template reports (2019 format for 2019–2020, 2021 format from 2021)
def _table2(rng: random.Random, year: int) -> list[list[str]]:
    if year >= 2021:
        rows = [
            ["第二十条第(一)项"] * 4,
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "0"],
            [
                "行政规范性文件",
                *map(str, (rng.randint(0, 12), rng.randint(0, 5), rng.randint(5, 80))),
            ],
            ["第二十条第(五)项"] * 4,
            ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"],
            ["行政许可", *[str(rng.randint(0, 3000))] * 3],
            ["第二十条第(六)项"] * 4,
            ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"],
            ["行政处罚", *[str(rng.randint(0, 500))] * 3],
            ["行政强制", *[str(rng.randint(0, 50))] * 3],
            ["第二十条第(八)项"] * 4,
            [
                "信息内容",
                "本年收费金额(单位:万元)",
                "本年收费金额(单位:万元)",
                "本年收费金额(单位:万元)",
            ],
            ["行政事业性收费", *[f"{rng.randint(0, 900) / 10:g}"] * 3],
        ]
        return rows
    rows = [
        ["第二十条第(一)项"] * 4,
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "0"],
        ["规范性文件", *map(str, (rng.randint(0, 12), rng.randint(0, 12), rng.randint(5, 80)))],
        ["第二十条第(五)项"] * 4,
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", str(rng.randint(0, 60)), str(rng.randint(-5, 5)), str(rng.randint(0, 3000))],
        [
            "其他对外管理服务事项",
            str(rng.randint(0, 30)),
            str(rng.randint(-3, 3)),
            str(rng.randint(0, 500)),
        ],
        ["第二十条第(六)项"] * 4,
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政处罚", str(rng.randint(0, 200)), str(rng.randint(-5, 5)), str(rng.randint(0, 500))],
        ["行政强制", str(rng.randint(0, 20)), str(rng.randint(-2, 2)), str(rng.randint(0, 50))],
        ["第二十条第(八)项"] * 4,
        ["信息内容", "上一年项目数量", "本年增/减", "本年增/减"],
        ["行政事业性收费", str(rng.randint(0, 10)), "0", "0"],
        ["第二十条第(九)项"] * 4,
        ["信息内容", "采购项目数量", "采购总金额", "采购总金额"],
        [
            "政府集中采购",
            str(rng.randint(0, 80)),
            f"{rng.randint(0, 50000) / 10:g}",
            f"{rng.randint(0, 50000) / 10:g}",
        ],
    ]
    return rows


_T3_ITEMS = [
    ("三、本年度办理结果", "(一)予以公开", None),
    ("三、本年度办理结果", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", None),
    *[
        ("三、本年度办理结果", "(三)不予公开", s)
        for s in [
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ]
    ],
    *[
        ("三、本年度办理结果", "(四)无法提供", s)
        for s in [
            "1.本机关不掌握相关政府信息",
            "2.没有现成信息需要另行制作",
            "3.补正后申请内容仍不明确",
        ]
    ],
    *[
        ("三、本年度办理结果", "(五)不予处理", s)
        for s in [
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ]
    ],
]
_T3_OTHER_2021 = [
    ("三、本年度办理结果", "(六)其他处理", s)
    for s in [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ]
]


def _table3(
    rng: random.Random, year: int
) -> tuple[list[tuple[tuple[str, str, str], list[int]]], dict]:
    """Rows of table 三 as ((label parts), 7 numbers), consistent with the identities of the
    format."""
    items = _T3_ITEMS + (
        _T3_OTHER_2021 if year >= 2021 else [("三、本年度办理结果", "(六)其他处理", None)]
    )
    n_cols = 6
    new = [
        _counts(rng, 40) if c == 0 else (rng.randint(0, 3) if rng.random() < 0.3 else 0)
        for c in range(n_cols)
    ]
    carried = [rng.randint(0, 2) if rng.random() < 0.2 else 0 for _ in range(n_cols)]
    per_item = [[0] * n_cols for _ in items]
    forward = [0] * n_cols
    for c in range(n_cols):
        for _ in range(new[c] + carried[c]):
            r = rng.random()
            if r < 0.06:
                forward[c] += 1
            else:
                # most applications are granted; the rest spread over the other outcomes
                i = 0 if r < 0.55 else (1 if r < 0.65 else rng.randrange(2, len(items)))
                per_item[i][c] += 1
    total = [sum(per_item[i][c] for i in range(len(items))) for c in range(n_cols)]

    def row(vals: list[int]) -> list[int]:
        return [*vals, sum(vals)]

    rows = [
        (("一、本年新收政府信息公开申请数量",) * 3, row(new)),
        (("二、上年结转政府信息公开申请数量",) * 3, row(carried)),
    ]
    for sec, sub, item in items:
        labels = (sec, sub, item) if item else (sec, sub, sub)
        rows.append((labels, row(per_item[items.index((sec, sub, item))])))
    rows.append((("三、本年度办理结果", "(七)总计", "(七)总计"), row(total)))
    rows.append((("四、结转下年度继续办理",) * 3, row(forward)))
    facts = {
        "applications_received": sum(new),
        "applications_carried_over": sum(carried),
        "applications_carried_forward": sum(forward),
        "applications_granted": sum(per_item[0]),
    }
    return rows, facts


def _table4(rng: random.Random) -> list[int]:
    out: list[int] = []
    for _ in range(3):
        parts = [0, 0, 0, 0] if rng.random() < 0.8 else [rng.randint(0, 2) for _ in range(4)]
        out += [*parts, sum(parts)]
    return out


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _html_table(rows: list[list[str]], spans: list[list[tuple[int, int]]] | None = None) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" class="MsoNormalTable">']
    for r, cells in enumerate(rows):
        tds = []
        for c, cell in enumerate(cells):
            rs, cs = spans[r][c] if spans else (1, 1)
            if rs == 0:
                continue  # covered by a span above or to the left
            attr = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tds.append(f"<td{attr}><p>{cell}</p></td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _spans(grid: list[list[str]]) -> list[list[tuple[int, int]]]:
    """Rowspan/colspan for a grid whose spanned cells repeat their text (as pipe rows do)."""
    h, w = len(grid), len(grid[0])
    spans = [[(1, 1)] * w for _ in range(h)]
    done = [[False] * w for _ in range(h)]
    for r in range(h):
        for c in range(w):
            if done[r][c]:
                spans[r][c] = (0, 0)
                continue
            v = grid[r][c]
            if re.fullmatch(r"-?[\d.]+", v):
                done[r][c] = True
                continue
            cs = 1
            while c + cs < w and grid[r][c + cs] == v and not done[r][c + cs]:
                cs += 1
            rs = 1
            while r + rs < h and all(grid[r + rs][c + k] == v for k in range(cs)):
                rs += 1
            for i in range(rs):
                for k in range(cs):
                    done[r + i][c + k] = True
            spans[r][c] = (rs, cs)
    return spans


def template_report(
    rng: random.Random, agency: str, place: str, year: int, html: bool
) -> tuple[str, dict]:
    me = _self_word(agency)
    proactive = _counts(rng, 5000) or rng.randint(30, 300)
    t3, facts = _table3(rng, year)
    t4 = _table4(rng)
    fmt = "template2021" if year >= 2021 else "template2019"
    title = f"{agency}{year}年政府信息公开工作年度报告"
    blocks: list[tuple[str, object]] = []  # ("p", text) or ("table", grid)

    def p(text: str) -> None:
        blocks.append(("p", text))

    p(title)
    p(
        f"本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)和国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告的"
        f"有关要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
        f"存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )
    p("一、总体情况")
    p(f"{year}年,{agency}认真贯彻落实《条例》,扎实推进政府信息公开工作。")
    p("(一)主动公开")
    p(
        f"全年主动公开政府信息{proactive}条,其中通过门户网站发布{rng.randint(0, proactive)}条,"
        f"政务新媒体发布{rng.randint(0, proactive)}条。"
    )
    for s in _filler(rng, rng.randint(1, 2), me):
        p(s)
    p("(二)依申请公开")
    if facts["applications_received"]:
        p(
            f"{year}年,共收到政府信息公开申请{facts['applications_received']}件,均在法定期限内予以答复。"
        )
    else:
        p(f"{year}年,未收到政府信息公开申请。")
    p("(三)政府信息管理")
    for s in _filler(rng, rng.randint(1, 3), me):
        p(s)
    p("(四)平台建设")
    for s in _filler(rng, rng.randint(1, 2), me):
        p(s)
    p("(五)监督保障")
    for s in _filler(rng, 1, me):
        p(s)
    p("二、主动公开政府信息情况")
    blocks.append(("table", _table2(rng, year)))
    p("三、收到和处理政府信息公开申请情况")
    head = [
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"] * 3
        + ["申请人情况"] * 7,
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"] * 3
        + ["自然人"]
        + ["法人或其他组织"] * 5
        + ["总计"],
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"] * 3
        + ["自然人", *COL_LABELS[1:], "总计"],
    ]
    blocks.append(("table", head + [[*labels, *map(str, vals)] for labels, vals in t3]))
    p("四、政府信息公开行政复议、行政诉讼情况")
    t4_grid = [
        ["行政复议"] * 5 + ["行政诉讼"] * 10,
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        + ["未经复议直接起诉"] * 5
        + ["复议后起诉"] * 5,
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
        [str(v) for v in t4],
    ]
    blocks.append(("table", t4_grid))
    p("五、存在的主要问题及改进情况")
    for s in rng.sample(PROBLEMS, 2):
        p(_fmt(s, rng, me))
    p("六、其他需要报告的事项")
    p(
        rng.choice(
            [
                "本年度未收取信息处理费。",
                "依据《政府信息公开信息处理费管理办法》,"
                f"本年度共收取信息处理费{rng.randint(0, 3) * 100}元。",
                "无其他需要报告的事项。",
            ]
        )
    )
    p(f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日")
    truth = {
        "proactive_total": proactive,
        **facts,
        "reconsideration_cases": t4[4],
        "litigation_cases": t4[9] + t4[14],
    }
    if html:
        body = []
        for kind, v in blocks:
            if kind == "p":
                body.append(f"<p>{v}</p>")
            else:
                grid = v  # type: ignore[assignment]
                body.append(_html_table(grid, _spans(grid)))  # type: ignore[arg-type]
        return "\n".join(body), {**truth, "format": fmt}
    lines = []
    ind = rng.choice(["", "  ", "\u3000\u3000"])
    for kind, v in blocks:
        if kind == "p":
            lines.append((ind if not re.match(r"^[一二三四五六]、", str(v)) else "") + str(v))
        else:
            lines.extend(_pipe(r) for r in v)  # type: ignore[union-attr]
        lines.append("")
    return "\n".join(lines), {**truth, "format": fmt}


# ---------------------------------------------------------------------------------------
# variants of the seeds
_UNIT_NUM = re.compile(r"(?<![\d.\[〔])(\d{1,5})(?=[件条條项項篇个個次])")
_YEAR_NUM = re.compile(r"(?<!\d)(20[012]\d)(?!\d)")


@lru_cache(maxsize=None)
def _seed_texts(seeds_dir: str) -> list[tuple[str, str, tuple]]:
    out = []
    for p in sorted(Path(seeds_dir).glob("0*_*.txt")):
        facts = SEED_FACTS.get(p.name[:4])
        if facts:
            out.append((p.name, p.read_text(encoding="utf-8"), facts))
    return out


def seed_variant(
    rng: random.Random, seeds_dir: str, agency: str, place: str, year: int
) -> tuple[str, str, bool, bool]:
    """A seed with another agency, year and figures; (text, seed name, traditional, needs a
    manifest row)."""
    name, text, (old_agency, old_place, old_year) = rng.choice(_seed_texts(seeds_dir))
    trad = name[:3] in ("000", "003")
    conv = _cc("s2t").convert if trad else (lambda s: s)
    if old_agency:
        text = text.replace(conv(old_agency), conv(agency))
        if old_place and place:
            text = text.replace(conv(old_place), conv(place))
    delta = year - old_year

    def shift(m: re.Match[str]) -> str:
        y = int(m.group(1))
        return str(y + delta) if old_year - 1 <= y <= old_year + 1 else m.group(1)

    text = _YEAR_NUM.sub(shift, text)

    def scale(m: re.Match[str]) -> str:
        v = int(m.group(1))
        if v == 0 or rng.random() < 0.3:
            return m.group(1)
        return str(max(1, round(v * rng.uniform(0.4, 2.5))))

    text = _UNIT_NUM.sub(scale, text)
    return text, name, trad, old_agency is None


# ---------------------------------------------------------------------------------------
def _page(body: str, title: str, charset: str, rng: random.Random, agency: str, date: str) -> str:
    nav = '<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>'
    header = (
        f'<div class="xxgk-head"><table><tr><td>索引号:{rng.randint(10**9, 10**10 - 1)}/'
        f"{date[:4]}-{rng.randint(1, 9999):05d}</td>"
        f"<td>发布机构:{agency}</td></tr><tr><td>发文日期:{date}</td><td>主题分类:政务公开</td>"
        "</tr></table></div>"
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" '
        f'content="text/html; charset={charset}">'
        f"<title>{title}</title><script>var _hmt = _hmt || [];</script>"
        "<style>p{text-indent:2em}</style></head>\n"
        f'<body>{nav}\n{header}\n<div class="article">\n{body}\n</div>\n'
        f'<div class="share">分享到:微信 微博</div><div class="footer">主办单位:{agency}</div>'
        "</body></html>\n"
    )


def _page_header(rng: random.Random, agency: str, title: str, date: str) -> str:
    return (
        f"标题: {title}\n索引号: {rng.randint(10**9, 10**10 - 1)}/{date[:4]}-"
        f"{rng.randint(1, 99999):05d} 文号: 无文号\n"
        f"发文日期: {date} 发布机构: {agency}\n\n"
    )


def make_report(index: int, seed: int = 0, seeds_dir: str = "data/raw") -> tuple[str, bytes, dict]:
    """(file name, bytes, facts) of report `index` in corpus `seed`."""
    rng = random.Random(f"{seed}:{index}")
    place, agency, year = agency_year(index)
    facts: dict = {"agency": agency, "report_year": year, "place": place}
    date = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    html = rng.random() < 0.2
    r = rng.random()
    if year <= 2018 and r < 0.35 or year == 2019 and r < 0.15:
        text, seed_name, trad, needs_row = seed_variant(rng, seeds_dir, agency, place, year)
        facts.update(
            kind=f"seed variant ({seed_name[:3]})",
            format="prose",
            script="traditional" if trad else "simplified",
        )
        if needs_row:
            facts["manifest"] = True
        html = False
    elif year <= 2018:
        text, truth = prose_report(rng, agency, place, year)
        facts.update(kind="prose", format="prose", script="simplified", truth=truth)
    else:
        text, truth = template_report(rng, agency, place, year, html)
        facts.update(kind="template", format=truth.pop("format"), script="simplified", truth=truth)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    if not html and rng.random() < 0.4 and not text.startswith(("標題", "标题")):
        text = _page_header(rng, agency, title, date) + text
    if facts["script"] == "simplified" and rng.random() < 0.12:
        cfg = rng.choice(["s2t", "s2twp"])
        text = _cc(cfg).convert(text)
        title = _cc(cfg).convert(title)
        facts["script"] = f"traditional ({cfg})"
    trad = facts["script"].startswith("traditional")
    enc = "utf-8"
    e = rng.random()
    if trad and e < 0.3:
        enc = "big5"
    elif not trad and e < 0.12:
        enc = "gbk"
    if html:
        text = _page(text, title, "{charset}", rng, agency, date)
    try:
        data = text.replace("{charset}", enc).encode(enc)
    except UnicodeEncodeError:  # a character the legacy code page lacks: published as UTF-8 instead
        enc = "utf-8"
        data = text.replace("{charset}", enc).encode(enc)
    if enc == "utf-8" and rng.random() < 0.05:
        data = b"\xef\xbb\xbf" + data  # a BOM, as Notepad saves
    facts["encoding"] = enc
    ext = ".html" if html else ".txt"
    name = f"{index:06d}_{hashlib.sha1(data).hexdigest()[:12]}{ext}"
    return name, data, facts


def _make_file(
    args: tuple[str, int, int, str, float, float],
) -> tuple[str, int, dict, list[str] | None]:
    """Write file `index` of the corpus; (name, size, facts, manifest row or None)."""
    out, i, seed, seeds_dir, duplicates, bad = args
    rng = random.Random(f"{seed}:{i}:extra")
    r = rng.random()
    row = None
    if r < bad:
        data = b"" if rng.random() < 0.5 else bytes(rng.randrange(256) for _ in range(2048))
        name = f"{i:06d}_broken.txt"
        facts = {"kind": "unreadable", "encoding": "-", "script": "-", "format": "-"}
    elif r < bad + duplicates and i > 0:
        # a mirror: the same bytes as a recent report, under another name
        _, data, _ = make_report(max(0, i - rng.randint(1, 50)), seed, seeds_dir)
        name = f"{i:06d}_{hashlib.sha1(data).hexdigest()[:12]}_mirror.txt"
        facts = {"kind": "exact copy", "encoding": "-", "script": "-", "format": "-"}
    else:
        name, data, facts = make_report(i, seed, seeds_dir)
        if facts.pop("manifest", False):
            row = [name, facts["agency"], "", "", "", "", "the text names only 市商务局"]
    write_bytes(Path(out) / name, data)
    small = {k: facts[k] for k in ("kind", "encoding", "script", "format")}
    return name, len(data), small, row


def generate(
    out_dir: str | Path,
    n: int,
    seed: int = 0,
    seeds_dir: str | Path = "data/raw",
    duplicates: float = 0.003,
    bad: float = 0.001,
    jobs: int = 1,
) -> Corpus:
    """Write `n` reports (and a manifest.csv) into `out_dir`; returns what was made.

    A small share are exact copies of a recent report (mirrors) or unreadable files
    (empty, binary), because a national crawl always has some and the build must take
    them in its stride. With `jobs` > 1 files are made in that many processes; the
    corpus is the same.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(out)
    rows: list[list[str]] = []
    tasks = ((str(out), i, seed, str(seeds_dir), duplicates, bad) for i in range(n))
    pool = None
    if jobs > 1 and n >= 500:
        from multiprocessing import get_context

        pool = get_context("fork").Pool(jobs)
        results = pool.imap(_make_file, tasks, chunksize=200)
    else:
        results = map(_make_file, tasks)
    try:
        for name, size, facts, row in results:
            corpus.files += 1
            corpus.bytes += size
            corpus.kinds[facts["kind"].split(" (")[0]] += 1
            corpus.scripts[facts["script"].split(" (")[0]] += 1
            corpus.encodings[facts["encoding"]] += 1
            corpus.formats[facts["format"]] += 1
            if row:
                rows.append(row)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    manifest = io.StringIO()
    mw = csv.writer(manifest, lineterminator="\n")
    mw.writerow(["file", "agency", "report_year", "publish_date", "place", "level", "note"])
    mw.writerows(rows)
    corpus.manifest_rows = len(rows)
    write_text(out / "manifest.csv", manifest.getvalue())
    return corpus
