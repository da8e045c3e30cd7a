"""Chinese numerals to Arabic digits, only where they are figures or dates.

Reports write 二〇一八年一月二十日 or 收到申请三件 as often as 2018年 and 3件. Numerals
that are names or ordinals (一是, 第三, 三公经费, 一站式, 十三五) must stay as they are, so
conversion is limited to numerals followed by a counting unit or forming a date.
"""
from __future__ import annotations

import re

from .offsets import Tracked

_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}

NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万亿"

# units after which a numeral is a count we may extract
COUNT_UNITS = "件条次项篇份起宗个人名家所批期场元"


def parse_numeral(s: str) -> int | None:
    """Value of a Chinese numeral such as 三十, 一百零五, 二〇一八 (digit by digit), 两千; None if malformed."""
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


_YEAR = re.compile(r"(?<![零〇○一二三四五六七八九十])([〇○零一二三四五六七八九]{4})(?=年)")
_MONTH_DAY = re.compile(r"(?<=年)([一二三四五六七八九十]{1,3})(?=月)|(?<=月)([一二三四五六七八九十]{1,3})(?=[日号])")
_COUNT = re.compile(
    r"(?<![第初周星期数几上成近乎其统单唯万零〇○一二两三四五六七八九十百千])"
    r"([零〇○一二两三四五六七八九十百千万亿]+)"
    r"(?=(?:余|多)?(?:个)?[" + COUNT_UNITS + r"])"
    r"(?!次性|条龙|件事|个人)"
)
# 近百条 / 百余条: a bare 百 or 千 that is a rough count
_ROUGH = re.compile(r"(?<=[近约逾超])([百千万])(?=(?:余|多)?[" + COUNT_UNITS + r"])")
_IDIOMS = re.compile(r"一次性|一条龙|一件事|一站式|一个窗口|一次办|一批次")


def convert_numerals(t: Tracked) -> Tracked:
    t = t.sub(_YEAR, lambda m: str(parse_numeral(m.group(1))))
    t = t.sub(_MONTH_DAY, lambda m: str(parse_numeral(m.group(0))))

    def count(m: re.Match[str]) -> str:
        s = m.group(1)
        end = m.end(1)
        # keep fixed expressions and leave malformed sequences alone
        if _IDIOMS.match(m.string, m.start(1)) or (s == "一" and m.string[end:end + 1] == "个"):
            return s
        v = parse_numeral(s)
        return s if v is None else str(v)

    t = t.sub(_COUNT, count)
    t = t.sub(_ROUGH, lambda m: str(parse_numeral(m.group(1))))
    return t
