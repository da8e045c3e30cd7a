"""Chinese numerals to Arabic digits, only where they are figures or dates.

Reports write 二〇一八年一月二十日 or 收到申请三件 as often as 2018年 and 3件. Numerals
that are names or ordinals (一是, 第三, 三公经费, 一站式, 十三五) must stay as they are, so
conversion is limited to numerals followed by a counting unit or forming a date.
"""

from __future__ import annotations

import re

from .offsets import Tracked

_DIGIT = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}

NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万亿"

# units after which a numeral is a count we may extract
COUNT_UNITS = "件条次项篇份起宗个人名家所批期场元"


def parse_numeral(s: str) -> int | None:
    """Value of a Chinese numeral such as 三十, 一百零五, 二〇一八 (digit by digit), 两千; None if
    malformed.

    >>> [parse_numeral(s) for s in ("三十", "一百零五", "二〇一八", "两千")]
    [30, 105, 2018, 2000]
    >>> parse_numeral("三十x") is None
    True
    """
    if not s:
        return None
    if all(c in _DIGIT for c in s) and len(s) > 1:
        # digit-by-digit form (years, codes): 二〇一八
        return int("".join(str(_DIGIT[c]) for c in s))
    total = 0
    section = 0
    number = 0
    seen_digit = False
    for c in s:
        if c in _DIGIT:
            number = _DIGIT[c]
            seen_digit = True
        elif c in _SMALL_UNIT:
            unit = _SMALL_UNIT[c]
            if not seen_digit and number == 0:
                number = 1  # 十 = 10, 百 = 100
            section += number * unit
            number = 0
            seen_digit = False
        elif c in _BIG_UNIT:
            section += number
            if section == 0:
                section = 1
            total += section * _BIG_UNIT[c]
            section = 0
            number = 0
            seen_digit = False
        else:
            return None
    return total + section + number


# only runs that stand before a date part or a counting unit can be converted (see _numeral),
# so the others are not even matched: a callback per 一 of 进一步 and 统一 is most of the cost
# (a run is matched from its first character only, without backtracking: no character of a
# run can stand for what follows it, so a shorter piece of a run never matches)
_NUMERAL_RUN = re.compile(
    r"[零〇○一二两三四五六七八九十百千万亿](?<![零〇○一二两三四五六七八九十百千万亿][零〇○一二两三四五六七八九十百千万亿])"
    r"[零〇○一二两三四五六七八九十百千万亿]*+(?=[年月日号]|(?:余|多)?(?:个)?[" + COUNT_UNITS + r"])"
)
_COUNT_AFTER = re.compile(r"(?:余|多)?(?:个)?[" + COUNT_UNITS + r"]")
_COUNT_NOT_AFTER = re.compile(r"次性|条龙|件事|个人")
# a numeral run right after one of these is an ordinal, a vague amount or part of a word
_NOT_BEFORE = set("第初周星期数几上成近乎其统单唯")
_ROUGH = re.compile(r"([百千万])(?<=[近约逾超][百千万])(?=(?:余|多)?[" + COUNT_UNITS + r"])")
_IDIOMS = re.compile(r"一次性|一条龙|一件事|一站式|一个窗口|一次办|一批次")
_DIGITS_ONLY = set("零〇○一二三四五六七八九")
_SMALL = set("一二三四五六七八九十")


def _numeral(m: re.Match[str]) -> str:
    """Convert one run of numeral characters if it is a year, a month/day or a count."""
    run = m.group(0)
    text = m.string
    start, end = m.start(), m.end()
    prev = text[start - 1] if start else ""
    nxt = text[end : end + 1]
    if nxt == "年" and len(run) == 4 and all(c in _DIGITS_ONLY for c in run):
        return str(parse_numeral(run))  # 二〇一八年
    if nxt == "月" and prev == "年" and len(run) <= 3 and all(c in _SMALL for c in run):
        return str(parse_numeral(run))
    if nxt in "日号" and prev == "月" and len(run) <= 3 and all(c in _SMALL for c in run):
        return str(parse_numeral(run))
    if (
        prev in _NOT_BEFORE
        or not _COUNT_AFTER.match(text, end)
        or _COUNT_NOT_AFTER.match(text, end + (1 if nxt in "余多个" else 0))
    ):
        return run
    if (
        _IDIOMS.match(text, start)
        or (run == "一" and nxt == "个")
        or run in ("百", "千", "万", "亿")
    ):
        return run  # a bare 万 is a unit (单位:万元), not ten thousand
    v = parse_numeral(run)
    return run if v is None else str(v)


def convert_numerals(t: Tracked) -> Tracked:
    t = t.sub(_NUMERAL_RUN, _numeral)
    if "近" in t.text or "约" in t.text or "逾" in t.text or "超" in t.text:
        t = t.sub(_ROUGH, lambda m: str(parse_numeral(m.group(1))))
    return t
