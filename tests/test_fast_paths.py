"""The extractor's shortcuts give what the plain way gives, on real report text.

Speed comes from not looking where nothing can be found: rules run only over sentences that
hold one of their anchor words, a traditional text is aligned with its conversion only on the
lines evidence is cut from, the script is judged on a short opening when it is clear, and the
table reader is not opened for prose. Each test here compares a shortcut with the slow way it
replaced, so a rule given a wrong anchor, or a shortcut that drifts, fails here.
"""

from __future__ import annotations

import bisect
import random
import re
from pathlib import Path

import pytest
from conftest import RAW, SHARED

from analysis.document import convert
from analysis.document.offsets import StepMap
from analysis.document.rows import text_row
from analysis.document.sentences import build_document
from analysis.facts import figures
from analysis.read.load import load_bytes
from analysis.tables import read as tables
from analysis.tables import template as table_layout
from analysis.tables import three as table_three
from analysis.tables import tokens as table_tokens
from analysis.tables import two as table_two

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[tuple[str, str]]:
    files = sorted(RAW.glob("0*.txt")) + sorted(
        (ROOT / "tests" / "fixtures" / "prose").glob("*.txt")
    )
    files += sorted((ROOT / "tests" / "fixtures" / "tables").glob("report_*"))
    files += sorted((SHARED / "corpus" / "real").glob("*.txt"))
    out = [(p.name, p.read_bytes().decode("utf-8")) for p in files]
    # traditional copies, as Big5 gateways and Taiwan mirrors publish them
    out += [(name + " (s2twp)", convert._converter("s2twp").convert(t)) for name, t in out[:5]]
    return out


TEXTS = _texts()


@pytest.fixture(scope="module")
def docs():
    return [
        (
            name,
            build_document(
                load_bytes(name if "." in name[-5:] else name + ".txt", t.encode("utf-8"))
            ),
        )
        for name, t in TEXTS
    ]


def test_every_rule_match_holds_one_of_its_anchors(docs):
    """Whole-text matches that lie in one prose sentence are exactly what the sentence windows
    find."""
    checked = 0
    for name, doc in docs:
        text = doc.norm.text
        starts = [s.start for s in doc.sentences]
        for rule in figures.RULES:
            whole = []
            for m in rule.pattern.finditer(text):
                i = bisect.bisect_right(starts, m.start()) - 1
                if i >= 0 and m.end() <= doc.sentences[i].end and not doc.sentences[i].in_table:
                    whole.append(m.span())
                    assert any(a in m.group(0) for a in rule.anchors), (
                        name,
                        rule.name,
                        m.group(0),
                        rule.anchors,
                    )
            windowed = [
                m.span()
                for s in figures.anchor_sentences(doc, starts, rule.anchors)
                for m in rule.pattern.finditer(text, s.start, s.end)
            ]
            assert windowed == whole, (name, rule.name)
            checked += len(whole)
    assert checked > 100  # the texts exercise the rules


def test_every_rule_has_anchors():
    assert all(r.anchors and all(r.anchors) for r in figures.RULES)
    assert set(figures.ANCHORS) == {r.name for r in figures.RULES}


def _eager(old: str, new: str) -> StepMap:
    """The whole-text alignment the lazy one replaced: every changed line aligned up front."""
    step = StepMap()
    in_pos = out_pos = 0
    for a, b in zip(old.split("\n"), new.split("\n")):
        if len(a) != len(b):
            line = convert._align_line(a, b)
            for i0, i1, o0, o1 in zip(line.in_starts, line.in_ends, line.out_starts, line.out_ends):
                step.add(in_pos + i0, in_pos + i1, out_pos + o0, out_pos + o1)
        in_pos += len(a) + 1
        out_pos += len(b) + 1
    return step


def test_lazy_alignment_maps_every_position_as_the_eager_one():
    old = (
        "本局在入口網站設置專欄,透過網際網路公開資訊。\n"
        "全年主動公開政府資訊 1,046 條,軟體與程式均已更新。\n"
        "無變化的一行\n"
        "線上申請經由網際網路提交,資料庫與網路硬碟同步。"
    )
    new = convert.tw2sp(old)
    assert len(new) != len(old)  # phrases changed length, so there is something to align
    lazy, eager = convert.align(old, new), _eager(old, new)
    for pos in range(len(new) + 1):
        for is_end in (False, True):
            assert lazy.back(pos, is_end) == eager.back(pos, is_end), (pos, is_end)


def test_traditional_evidence_is_cut_from_the_original_text(docs):
    by_name = dict(docs)
    for name, doc in docs:
        if not name.endswith("(s2twp)"):
            continue
        simple = by_name[name.removesuffix(" (s2twp)")]
        assert doc.script == "traditional"
        mine, theirs = (
            figures.extract_figures(doc, None)[0],
            figures.extract_figures(simple, None)[0],
        )
        assert {k: v["value"] for k, v in mine.items()} == {
            k: v["value"] for k, v in theirs.items()
        }
        for k, rec in mine.items():
            if rec.get("evidence"):
                assert rec["evidence"] in doc.loaded.text, (name, k)
                assert convert.t2s(rec["evidence"]).replace(" ", "") != ""


def _script_on_3000(text: str) -> str:
    """The verdict on the largest sample: 3,000 characters of the opening and of the middle."""
    trad_re, simp_re = convert._script_patterns()
    sample = (
        text
        if len(text) <= 6000
        else text[:3000] + "\n" + text[len(text) // 2 : len(text) // 2 + 3000]
    )
    n_trad, n_simp = sum(map(len, trad_re.findall(sample))), sum(map(len, simp_re.findall(sample)))
    if n_trad == 0 and n_simp == 0:
        return "none"
    return "traditional" if n_trad > n_simp * 1.5 and n_trad >= 3 else "simplified"


@pytest.mark.parametrize("cfg", ["s2t", "s2twp", "s2hk", None])
def test_script_judged_on_the_opening_agrees_with_the_full_sample(cfg):
    for _, t in TEXTS[:40]:
        text = convert._converter(cfg).convert(t) if cfg else t
        assert convert.detect_script(text) == _script_on_3000(text)
    # a page that opens with English and numbers is judged on more of it
    mixed = "Government Information Disclosure 2023 | index 11370303 | " * 8 + convert.s2t_chars(
        TEXTS[0][1]
    )
    assert convert.detect_script(mixed) == "traditional"


def test_script_of_a_page_whose_menus_are_in_the_other_script():
    # a report in traditional characters saved from a portal whose menus are simplified:
    # the opening alone says simplified, the report is traditional
    simplified = [
        t for name, t in TEXTS if "s2twp" not in name and convert.t2s(t) == t and len(t) > 3000
    ]
    menus, report = simplified[0][:400], "\n".join(simplified[1:4])
    body = convert.s2t_chars(report)
    assert (
        convert.detect_script(menus) == "simplified"
        and convert.detect_script(body) == "traditional"
    )
    assert convert.detect_script(menus + "\n" + body) == "traditional"
    # and the other way round
    assert convert.detect_script(convert.s2t_chars(menus) + "\n" + report) == "simplified"


def test_table_reader_opens_for_tables_not_for_prose_that_names_their_words():
    prose = (
        "一、概述\n我局把各科室政府信息公开情况纳入年度绩效考评内容,监督公开的信息内容是否准确。\n"
    )
    assert not tables._may_hold_tables(prose)
    header = prose + (
        "二、主动公开政府信息情况\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "| 规章 | 0 | 0 | 3 |\n"
    )
    assert tables._may_hold_tables(header)
    pdf_text = prose + "信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 3\n"
    assert tables._may_hold_tables(pdf_text)
    assert tables._may_hold_tables(
        "收到申请后按本年新收的件数统计。"
    )  # a word only the tables use opens it anyway


# ---------------------------------------------------------------- the table reader


def _slow_cell_line(tok: table_tokens.Tokens, text: str, base: int, sep: str) -> None:
    """The pipe/tab row reader the one-pass one replaced: every cell through the three patterns."""
    spans, a = [], 0
    for cell in text.split(sep):
        stripped = cell.strip(" \u3000")
        s = a + len(cell) - len(cell.lstrip(" \u3000")) if stripped else a + len(cell)
        spans.append((s, s + len(stripped)))
        a += len(cell) + 1
    if spans and spans[0][0] == spans[0][1] and text.lstrip(" \u3000").startswith(sep):
        spans = spans[1:]
    if spans and spans[-1][0] == spans[-1][1] and text.rstrip(" \u3000").endswith(sep):
        spans = spans[:-1]
    kinds, found = [], []
    for s, e in spans:
        m = table_tokens._CELL_NUM.match(text[s:e])
        found.append(m)
        kinds.append(
            "num"
            if m is not None or table_tokens._CELL_NUMS.match(text[s:e])
            else "empty"
            if table_tokens._CELL_EMPTY.match(text[s:e])
            else "text"
        )
    last_text = max((i for i, k in enumerate(kinds) if k == "text"), default=-1)
    label_upto = last_text + 1 if "num" in kinds[last_text + 1 :] else len(spans)
    for s, e in spans[:label_upto]:
        for p in table_tokens._LABEL_PIECE.finditer(text, s, e):
            tok._pieces.append(p.group(0))
            tok.pos.extend(range(base + p.start(), base + p.end()))
    values = []
    for (s, e), kind, m in zip(spans[label_upto:], kinds[label_upto:], found[label_upto:]):
        if kind == "empty":
            values.append(table_tokens.Value(None, base + s, base + e))
        elif m is None:
            values += [
                table_tokens.Value(int(n.group(0)), base + n.start(), base + n.end())
                for n in table_tokens._NUM.finditer(text, s, e)
            ]
        else:
            values.append(table_tokens.Value(table_tokens._number(*m.groups()), base + s, base + e))
    while values and values[-1].value is None:
        values.pop()
    if values:
        tok.runs.append(
            table_tokens.Run(values, values[0].start, values[-1].end, base, base + len(text), True)
        )


# cells the real texts seldom have: signs, units, several figures, empty marks, numbered labels
_ODD_ROWS = [
    "| 1 | 规章 | 3 | -2 | +4 | 1,046件 | 12.5万元 | 58 7 0 | - | 无 | / | — |  |",
    "| 1.属于国家秘密 | 0 | 　0　 | ０ | ٣ | 1234567890123456789 | 2 | 1 | 其他 |",
    "\t(三)不予公开\t\t3 4\t0\t--\t\\\t－\t",
    "| | | 5 | 6 | |",
    "|||",
    "| a b | c\td | e　f | 7 |",
    "no border | 1 | 2",
]


def test_table_rows_are_read_as_every_cell_through_the_patterns_reads_them(docs):
    """The one-pass row reader gives the label, offsets and runs the pattern-per-cell one gave
    (for rows of text; readers' rows are compared with them in tests/test_grid.py)."""
    rows = [
        (ls, text)
        for _, doc in docs
        for ls, _, text in doc.lines
        if text.count("|") >= 2 or text.count("\t") >= 2
    ]
    assert len(rows) > 300  # the texts exercise pipe and tab rows
    rows += [(1000, t) for t in _ODD_ROWS]
    for ls, text in rows:
        sep = "|" if text.count("|") >= 2 else "\t"
        fast, slow = table_tokens.Tokens("", []), table_tokens.Tokens("", [])
        # the row as document.rows makes it, read as the table reader reads rows
        table_tokens._grid_row(fast, "\0" * ls + text, text_row(text, ls), ls, ls + len(text))
        _slow_cell_line(slow, text, ls, sep)
        assert ("".join(fast._pieces), fast.pos, fast.runs) == (
            "".join(slow._pieces),
            slow.pos,
            slow.runs,
        ), text
    # the digit tests stand for re's \d: the same characters, in every plane
    digit = re.compile(r"\d")
    assert all(chr(c).isdecimal() == bool(digit.match(chr(c))) for c in range(0x110000))


def test_row_labels_are_found_as_with_one_group_around_each_pattern(docs):
    """Literal-led branches ending in empty groups find what one group per pattern finds.

    The slow way also keeps the patterns as they were written before their lookbehinds moved
    after their first character ((?<!不)予以公开 is 予(?<!不予)以公开).
    """
    before = {
        "granted": r"(?<!不)予以公开",
        "total": r"\(七\)(?:总计|合计)|七、总计|(?<![小])总计",
        "other_other": r"(?<=[.、．\d])其他(?!法律|处理|结果|组织|对外|行政|需要|事项|情形)",
        "normative_documents": r"(?:行政)?规范性(?:文件|文档)",
    }
    tables_rows = [
        (table_three.T3_PATTERN, table_layout.T3_ROWS),
        (table_two.T2_PATTERN, table_layout.T2_ROWS),
    ]
    labels = [
        "不予以公开予以公开",
        "3.其他其他1、其他处理",
        "小总计(七)合计七、总计总计",
        "行政规范性文档规范性文件行政许可",
    ]
    for _, doc in docs:
        labels.append(table_tokens.tokenize(doc, 0, len(doc.norm.text)).label)
    for _, rows in tables_rows:  # (for speed only) every branch opens with a literal character
        for r in rows:
            assert all(
                b[0] not in "([.^$?*+{\\" or b[:2] in ("\\(", "\\)")
                for b in table_tokens._branches(r.pattern)
            ), r.key
    found = 0
    for fast, rows in tables_rows:
        slow = re.compile("|".join(f"({before.get(r.key, r.pattern)})" for r in rows))
        for label in labels:
            want = [(m.span(), m.lastindex - 1) for m in slow.finditer(label)]
            got = [(m.span(), fast.rows[m.lastindex - 1]) for m in fast.regex.finditer(label)]
            assert got == want
            found += len(got)
    assert found > 500


def _slow_longest_in_order(orders: list[int]) -> list[int]:
    """The pairwise search the bisecting one replaced."""
    n = len(orders)
    best, back = [1] * n, [-1] * n
    for i in range(n):
        for j in range(i):
            if orders[j] < orders[i] and best[j] + 1 > best[i]:
                best[i], back[i] = best[j] + 1, j
    i, path = max(range(n), key=lambda k: (best[k], -k)), []
    while i >= 0:
        path.append(i)
        i = back[i]
    return path[::-1]


def test_longest_run_of_rows_in_order_is_the_pairwise_one(docs):
    rng = random.Random(7)
    cases = [
        [rng.randrange(k) for _ in range(rng.randint(1, 60))]
        for k in (1, 2, 3, 8, 30)
        for _ in range(400)
    ]
    for _, doc in docs:  # the row orders real labels give
        tok = table_tokens.tokenize(doc, 0, len(doc.norm.text))
        anchors = table_tokens.find_anchors(
            tok, table_three.T3_PATTERN, table_three.T3_KEYS, 0, len(tok.label)
        )
        if anchors:
            cases.append([a.order for a in anchors])
    for orders in cases:
        assert table_tokens._longest_in_order(orders) == _slow_longest_in_order(orders), orders


_TRICKY_HTML = """<!DOCTYPE html><html><head><title>某局2023年报告</title>
<script>var s = "</p><td>主动公开999条</td>"; if (a<b) {}</script><style>p>b{x:1}</style></head>
<BODY><P>大写标签</P><p >带空格</p ><p/>自闭合<br/><div class="nav"><p>首页</p></div>
<table border=1><tr><td rowspan="2">申请</td><td>3</td></tr><tr><TD>4</td></tr></table>
<td>表外</td></tr><p>未闭合<span>内</span><a href="#">链接</a></b></i>&lt;p&gt; &amp;
<textarea><p>区内</p></textarea><p>末尾</"""


def test_html_fast_tag_paths_read_every_page_as_the_parser_does(monkeypatch):
    from html.parser import HTMLParser

    from analysis.read import html as html_text

    class General(html_text._Converter):
        parse_starttag = HTMLParser.parse_starttag
        parse_endtag = HTMLParser.parse_endtag

    pages = [_TRICKY_HTML] + [
        p.read_text("utf-8")
        for p in sorted((ROOT / "tests" / "fixtures" / "tables").glob("*.html"))
    ]
    pages += [t for _, t in TEXTS if "<td" in t or "<p>" in t]
    fast = [html_text.html_to_text(p) for p in pages]
    monkeypatch.setattr(html_text, "_Converter", General)
    assert fast == [html_text.html_to_text(p) for p in pages]
    assert "区内" not in fast[0][0] and "999" not in fast[0][0] and "末尾" in fast[0][0]


def test_cell_lines_are_those_of_each_figure_looked_up_alone(docs, monkeypatch):
    """A row on one line gives its figures that line without a look-up; the slow way looks up
    each one."""
    fast_row = tables._row
    seen = {"one-line rows": 0, "other rows": 0}

    def checked_row(lines, table, row, row_label, columns, values, spans, where, evidence, flag):
        out = fast_row(lines, table, row, row_label, columns, values, spans, where, evidence, flag)
        for i, cell in enumerate(out):
            at = spans[i][0] if spans[i] else where[0] if where else None
            assert cell["line"] == (lines.line(at) if at is not None else None), (
                table,
                row,
                cell["col_key"],
            )
        one_line = bool(where) and lines.line(where[0]) == lines.line(where[1])
        seen["one-line rows" if one_line else "other rows"] += 1
        return out

    monkeypatch.setattr(tables, "_row", checked_row)
    for _, doc in docs:
        tables.read_tables(doc)
    assert seen["one-line rows"] > 100 and seen["other rows"] > 20, seen
