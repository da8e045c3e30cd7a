"""One normalized form for every report, whatever script and typography it came in.

The extractor's rules are written once, for simplified text with half-width digits and
punctuation. Everything else (traditional script, Taiwan vocabulary from Big5 gateways and
wiki mirrors, inline pinyin, full-width forms, Chinese numerals, stray spaces inside words)
is folded here. Each step is tracked so evidence can be cut from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import convert
from .numerals import convert_numerals
from .offsets import Tracked

# Full-width ASCII to half-width, odd spaces to plain space; all one-for-one.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH.update(
    {
        0x3000: 0x20,
        0x00A0: 0x20,
        0x2002: 0x20,
        0x2003: 0x20,
        0x2009: 0x20,
        0x200B: 0x20,
        0xFEFF: 0x20,
        0x202F: 0x20,
        0x2005: 0x20,
        0xFE5D: ord("〔"),
        0xFE5E: ord("〕"),
        0x2014: ord("-"),
        0x2013: ord("-"),
        0x2012: ord("-"),
        0xFF0E: ord("."),
        0x3002: 0x3002,
        0x2022: 0x2022,
        0x00B7: 0x00B7,
        0x200C: 0x20,
        0x200D: 0x20,
    }
)
# str.translate costs ~150 ns a character on CJK text; replacing just the few distinct
# characters a report uses is ~10x cheaper and gives the same text
_WIDTH_CHARS = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c, h in sorted(_WIDTH.items()) if c != h)
    + "\u3220-\u3229\u2460-\u2473]"
)


def fold_width(text: str) -> tuple[str, bool]:
    """Full-width forms and odd spaces to plain ones, one for one (offsets do not move).

    Also says whether the text holds enclosed numerals (㈠, ①), which change length and are
    replaced by the caller with tracking; one scan finds both.
    """
    enclosed = False
    for c in set(_WIDTH_CHARS.findall(text)):
        h = _WIDTH.get(ord(c))
        if h is None:
            enclosed = True
        else:
            text = text.replace(c, chr(h))
    return text, enclosed


# ㈠..㈩ (parenthesized ideographs) and ①..⑳ (circled digits)
_ENCLOSED = re.compile(r"[\u3220-\u3229\u2460-\u2473]")
_ENCLOSED_MAP = {chr(0x3220 + i): f"({c})" for i, c in enumerate("一二三四五六七八九十")}
_ENCLOSED_MAP.update({chr(0x2460 + i): f"{i + 1}." for i in range(20)})

# inline pinyin after a character, as Big5 mirrors add it: 主動(dòng)公開
_PINYIN = re.compile(
    r"\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}\)"
)

# words OpenCC leaves in Taiwan or gateway form, applied to traditional sources only
_PROJECT_DICT = {
    "资讯": "信息",
    "套用系统": "应用系统",
    "套用软件": "应用软件",
    "文件馆": "档案馆",  # tw2sp turns 檔案 into 文件 even inside 檔案館
    "文件局": "档案局",
    "回响机制": "响应机制",
    "契约": "合同",
    "报导": "报道",
    "讯息": "信息",
    "数位": "数字",
    "网志": "博客",
    # tw2sp maps Taiwan 文件 to 文档 and 查詢 to 查找; the reports are mainland texts in
    # traditional characters, where 文件 (规范性文件) and 查询 mean what they say
    "文档": "文件",
    "查找": "查询",
}
_PROJECT_RE = re.compile("|".join(sorted(map(re.escape, _PROJECT_DICT), key=len, reverse=True)))

_CJK = r"\u3400-\u9fff"
# a section heading run into the previous sentence (one-line pages): '... 二、主动公开'
_INLINE_HEADING = re.compile(r" (?=[一二三四五六七八九十]{1,3}、)")
_HEADING_AFTER = re.compile(r"[。;:\u4e00-\u9fff)]")
# spaces inside words and between digits and words: '公安门户 网站', '2025 年'
# (only spaces after a word or digit and before a word, digit or other non-ASCII character can
# be inner spaces; the pattern leaves the rest, such as indents, alone without a callback)
_SPACES = re.compile(r" (?<=[\u3400-\u9fff0-9] ) *(?=[\u3400-\u9fff0-9]|[^\x00-\x7f])")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_CJK_OR_DIGIT = re.compile(rf"[{_CJK}0-9]")


def _inner_space(m: re.Match[str]) -> str:
    """Drop spaces inside words ('公安门户 网站') and between digits and words ('2025 年')."""
    s, a, b = m.string, m.start(), m.end()
    if a == 0 or b >= len(s):
        return m.group(0)
    before, after = s[a - 1], s[b]
    if (_CJK_OR_DIGIT.match(before) and _CJK_CHAR.match(after)) or (
        _CJK_CHAR.match(before) and after.isdigit()
    ):
        return ""
    return m.group(0)


# section headings: 一、 (一) 第一部分 1.
HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|\([一二三四五六七八九十]{1,3}\)|（[一二三四五六七八九十]{1,3}）|"
    r"第[一二三四五六七八九十]{1,3}[部章节]分?|[0-9]{1,2}[、.](?!\d))"
)
_WRAP_KEY = re.compile(
    r"^\s*(?:标题|索引号|文号|发文日期|发布日期|发布机构|来源|日期|发布时间|成文日期)\s*[:：]"
)
_WRAP_DATE = re.compile(r"^\s*\d{4}[-年./]\d{1,2}")
# only a newline between a word (possibly followed by spaces) and a word or digit can be a
# PDF line break; the others are never joined, so they need not reach _unwrap at all
_NEWLINE = re.compile(r"\n(?:(?<=[\u3400-\u9fff]\n)|(?<=[^\S\n]\n))(?=[^\S\n]*[\u3400-\u9fff0-9])")
_LIST_ITEM = re.compile(r"[一二三四五六七八九十]是|其次|同时|另外|此外|首先|最后")


def _unwrap(m: re.Match[str]) -> str:
    """Join a line that a PDF converter broke in mid-sentence ('收到政府信息公开' / '申请17件')."""
    s, i = m.string, m.start()
    prev = s[s.rfind("\n", 0, i) + 1 : i].rstrip()
    end = s.find("\n", i + 1)
    nxt = s[i + 1 : end if end >= 0 else len(s)].lstrip()
    if (
        len(prev) < 8
        or not nxt
        or _LIST_ITEM.match(nxt)
        or prev[-1] in "。;:!?)”」》】|."
        or prev.endswith(("报告", "总结", "年报", "情况"))
    ):
        return "\n"
    if "|" in prev or "|" in nxt or "\t" in prev or not _CJK_OR_DIGIT.match(nxt):
        return "\n"
    if (
        HEADING.match(nxt)
        or _WRAP_KEY.match(nxt)
        or _WRAP_DATE.match(nxt)
        or HEADING.match(prev.lstrip())
    ):
        return "\n"
    if not _CJK_CHAR.match(prev[-1]):
        # rows of figures and codes end in digits; a sentence broken mid-way ends in a word
        return "\n"
    return ""


@dataclass
class Normalized:
    tracked: Tracked
    script: str

    @property
    def text(self) -> str:
        return self.tracked.text


def normalize(text: str, script: str | None = None) -> Normalized:
    """Fold `text` into the canonical form; `script` is detected when not given."""
    folded, enclosed = fold_width(text)
    t = Tracked(folded)
    if enclosed:
        t = t.sub(_ENCLOSED, lambda m: _ENCLOSED_MAP[m.group(0)])
    if "(" in t.text:
        t = t.sub(
            _PINYIN,
            lambda m: (
                "" if m.start() and "\u4e00" <= m.string[m.start() - 1] <= "\u9fff" else m.group(0)
            ),
        )
    if script is None:
        script = convert.detect_script(t.text)
    if script == "traditional":
        t = t.replace_aligned(convert.tw2sp(t.text), convert.align)
        t = t.sub(_PROJECT_RE, lambda m: _PROJECT_DICT[m.group(0)])
    t = t.sub(
        _INLINE_HEADING,
        lambda m: "\n" if m.start() and _HEADING_AFTER.match(m.string, m.start() - 1) else " ",
    )
    t = t.sub(_NEWLINE, _unwrap)
    t = t.sub(_SPACES, _inner_space)
    t = convert_numerals(t)
    return Normalized(t, script)


def normalize_plain(text: str) -> str:
    """Normalized text without offsets, for short strings such as names and labels."""
    return normalize(text).text.strip()
