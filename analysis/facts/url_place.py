"""The place a report's web address names: www.xiamen.gov.cn is 厦门, fz.gov.cn is 福州 or 抚州.

Government hosts are named with the pinyin of the place or its initials. Where the text gives
only 市商务局, the host can say which city, but only when it names one unit of the name's
level: `fuzhou` is both 福州市 and 抚州市, so it names neither, and the agency stays partial.
The pinyin comes from pinyin.txt beside this module (scripts/make_pinyin.py, from pypinyin),
so nothing is looked up at run time.

>>> host_labels("https://swj.xiamen.gov.cn/zwgk/2022/t1.html")
['swj', 'xiamen']
>>> host_labels("not a url"), host_labels("")
([], [])
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from . import divisions as D

# host labels that are never a place: the domain, the web server, common department prefixes
_NOT_PLACES = {"www", "gov", "cn", "com", "net", "org", "edu", "http", "https", "m", "wap", "zwgk"}


def host_labels(url: str) -> list[str]:
    """The labels of a URL's host that may name a place, outermost last."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return []
    return [p for p in host.lower().split(".") if p and p not in _NOT_PLACES and p.isalpha()]


@cache
def _index() -> dict[str, tuple[D.Division, ...]]:
    """pinyin or initials → the units they spell (initials of two letters or more)."""
    out: dict[str, list[D.Division]] = {}
    for line in D._data("pinyin.txt").splitlines():
        if not line or line.startswith("#"):
            continue
        code, full, initials = line.split(" ")
        d = D.by_code(code)
        if d is None:
            continue
        out.setdefault(full, []).append(d)
        if len(initials) >= 2 and initials != full:
            out.setdefault(initials, []).append(d)
    return {k: tuple(v) for k, v in out.items()}


def place_from_url(url: str, level_word: str) -> D.Division | None:
    """The one unit ending in `level_word` (市, 区, 县…) that a label of the host spells.

    Labels are tried from the innermost (swj.xiamen: xiamen after swj); a label that spells
    several such units names none of them.
    """
    if not url or not level_word:
        return None
    for label in host_labels(url):
        units = [u for u in _index().get(label, ()) if u.name.endswith(level_word)]
        if len(units) == 1:
            return units[0]
    return None
