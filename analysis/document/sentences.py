"""A loaded report as normalized sentences that know their heading and their source text.

Page chrome (字号, 打印, 相关词条, navigation) is dropped here, and the header block of a
government page (标题, 索引号, 发文日期, 发布机构) is kept aside as metadata rather than
read as report text. Sentences stay tied to the exact original text they came from.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..read.grid import Grid
from ..read.load import Loaded
from . import normalize as normalize_module
from .normalize import Normalized, normalize
from .rows import Row, is_text_row, reader_rows, text_row

HEADER_KEYS = (
    "标题",
    "索引号",
    "文号",
    "发文字号",
    "发文日期",
    "成文日期",
    "发布日期",
    "发布时间",
    "发布机构",
    "发布单位",
    "发文机关",
    "来源",
    "信息来源",
    "主题分类",
    "日期",
    "生效日期",
    "公开方式",
    "公开范围",
    "所属机构",
    "主题词",
    "中文名",
    "点击数",
    "浏览次数",
    "分享",
    "分类",
    "体裁分类",
    "组配分类",
    "有效性",
    "公开时限",
)
_HEADER_RE = re.compile(
    r"(?:^|(?<=[\s|\x21-\x7e]))("
    + "|".join(sorted(HEADER_KEYS, key=len, reverse=True))
    + r")\s*[:]\s*"
)
# page widgets that sit on the same line as a header field: 来源:某局  字号:[大 中 小]
_HEADER_VALUE_END = re.compile(r"字号|字体|【|\[|打印|浏览|点击|阅读|分享|关闭")
_HEADER_LINE = re.compile(
    r"^[\s|•·]*(" + "|".join(sorted(HEADER_KEYS, key=len, reverse=True)) + r")\s*[:]"
)

_CHROME = re.compile(
    r"^[\s|•·\-【\[]*(字号|字体|打印|关闭|收藏|分享|分享到|相关词条|热门词条|联络我们|联系我们|听全文|无障碍|点击收听|"
    r"返回顶部|返回首页|基本介绍|报告内容|当前位置|您的位置|您当前的位置|扫一扫|上一篇|下一篇|责任编辑|打印本页|关闭窗口|"
    r"大\s*中\s*小|网站地图|站内搜索|设为首页|加入收藏|微信|微博|qq空间|手机版)[\s:|】\]•·]*(大\s*中\s*小)?[\s|】\]]*$",
    re.I,
)
_ONLY_PUNCT = re.compile(r"^[\s|•·\-–—:_=*#>【】\[\]]*$")
_NAV = re.compile(r"(首页|主页)\s*[>»›/]|^\s*(当前位置|您的位置|您当前的位置)")
_BARE_DATE = re.compile(r"^[\s•·|]*\d{4}-\d{1,2}-\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?[\s|]*$")

HEADING = normalize_module.HEADING
_ENDS = "。!?;！？；"
# a sentence: the words up to and including a stop (a stop on its own is not one), or the
# rest of the line after the last stop
_SENTENCE = re.compile(r"[^。!?;！？；]+[。!?;！？；]?")


@dataclass(slots=True)
class Sentence:
    start: int  # offsets in the normalized text
    end: int
    text: str  # normalized
    line_no: int  # 1-based line of the normalized text
    heading: str  # the nearest heading above, normalized ("" if none)
    in_table: bool


@dataclass
class Document:
    loaded: Loaded
    norm: Normalized
    header: dict[str, str] = field(default_factory=dict)
    lines: list[tuple[int, int, str]] = field(default_factory=list)  # body lines (start, end, text)
    # index in `lines` → the table row that line is (None: a text row whose cells are not cut yet)
    rows: dict[int, Row | None] = field(default_factory=dict)
    # index in `lines` → the reader's grid and row a table row came from (not for text rows)
    row_sources: dict[int, tuple[Grid, int]] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # chrome lines removed

    @property
    def script(self) -> str:
        return self.norm.script

    @functools.cached_property
    def text(self) -> str:
        """Normalized body text, without header block and page chrome (read once lines are
        final)."""
        return "\n".join(t for _, _, t in self.lines)

    def row(self, i: int) -> Row | None:
        """The cells of body line `i` if it is a table row (None if it is not one)."""
        row = self.rows.get(i, ())
        if row is None:
            start, _, line = self.lines[i]
            row = self.rows[i] = text_row(line, start)
        return row or None

    def original(self, start: int, end: int) -> str:
        a, b = self.norm.tracked.to_original(start, end)
        return self.loaded.text[a:b].strip()


def _parse_header(line: str) -> dict[str, str]:
    clean = line.replace("|", " ")
    found = list(_HEADER_RE.finditer(clean))
    out: dict[str, str] = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(clean)
        value = _HEADER_VALUE_END.split(clean[m.end() : end], maxsplit=1)[0].strip(" •·:")
        if value and m.group(1) not in out:
            out[m.group(1)] = value
    return out


def build_document(loaded: Loaded) -> Document:
    norm = normalize(loaded.text)
    doc = Document(loaded, norm)
    text = norm.text
    grid_rows = reader_rows(loaded.grids, loaded.text, norm.tracked) if loaded.grids else {}
    pos = 0
    seen_short: set[str] = set()
    heading = ""
    in_header_zone = True
    for line_no, raw_line in enumerate(text.split("\n"), start=1):
        start, end = pos, pos + len(raw_line)
        pos = end + 1
        line = raw_line.strip()
        if not line:
            continue
        if (in_header_zone or len(line) < 120) and _HEADER_LINE.match(line):
            fields = _parse_header(line)
            if fields:
                for k, v in fields.items():
                    doc.header.setdefault(k, v)
                continue
        # (every branch of _NAV holds 首页, 主页 or 位置: most lines need not be searched)
        nav = (
            len(line) < 100
            and ("首页" in line or "主页" in line or "位置" in line)
            and _NAV.search(line)
        )
        if _CHROME.match(line) or _ONLY_PUNCT.match(line) or nav:
            doc.dropped.append(line)
            continue
        if len(doc.lines) < 5 and _BARE_DATE.match(line):
            doc.header.setdefault("页面日期", line.strip(" •·|"))
            continue
        if len(line) <= 200 and ("报" in line or "总" in line):
            # the title repeated under the page header (only such lines need remembering)
            key = "".join(line.split())
            if len(key) <= 80 and ("报告" in key or "总结" in key):
                if key in seen_short:
                    doc.dropped.append(line)
                    continue
                seen_short.add(key)
        in_header_zone = False
        lstart = start + (len(raw_line) - len(raw_line.lstrip()))
        lend = lstart + len(line)
        doc.lines.append((lstart, lend, line))
        hit = grid_rows.get(lstart)
        if hit is not None and hit[0] == lend:
            doc.rows[len(doc.lines) - 1] = hit[1]
            doc.row_sources[len(doc.lines) - 1] = (hit[2], hit[3])
            in_table = True
        else:  # a pipe or tab line: its cells are cut when the table reader asks (doc.row)
            in_table = is_text_row(line)
            if in_table:
                doc.rows[len(doc.lines) - 1] = None
        is_heading = not in_table and HEADING.match(line) is not None
        if is_heading and len(line) <= 60 and not line.rstrip().endswith("。"):
            heading = line
        elif is_heading:
            # a heading that runs on into its paragraph: keep the part before the first stop
            head = re.split(r"[。:]", line, maxsplit=1)[0]
            heading = head[:60]
        if in_table:
            doc.sentences.append(Sentence(lstart, lend, line, line_no, heading, True))
            continue
        add = doc.sentences.append
        for m in _SENTENCE.finditer(text, lstart, lend):
            st = m.group()
            if (
                st[-1] in _ENDS or st.strip()
            ):  # the rest of a line after its last stop only if not blank
                add(Sentence(m.start(), m.end(), st, line_no, heading, False))
    return doc
