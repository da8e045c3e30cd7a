"""HTML fragments and the index page: names and report text are escaped, Chinese stays readable."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd

from analysis.reports import html as rh

EVIL = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a'b",
    "x & y",
    "多行\n名称",
    "福州市商务局",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def test_index_escapes_names_but_keeps_chinese_readable():
    agencies = [
        {"title": n, "html": f"agency/{i}.html", "years": "2018", "n_reports": 1, "n_figures": 3}
        for i, n in enumerate(EVIL)
    ]
    page = rh.index_page(
        [{"title": "语料总览", "html": "corpus_overview.html"}],
        agencies,
        [
            {
                "notebook": "notebooks/agency_summary.ipynb",
                "title": EVIL[0],
                "error": "<b>boom</b>",
                "failed_copy": "failed/agency/x.ipynb",
            }
        ],
        "摘要",
    )
    p = _parse(page)
    assert {t for t, _ in p.tags} <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "p",
        "ul",
        "li",
        "a",
        "span",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "b",
        "br",
        "div",
        "label",
        "input",
        "select",
        "option",
        "script",
    }
    assert page.count("<script") == 1 and rh.INDEX_SCRIPT in page  # the fixed search code only
    assert not any(a.get("src") for t, a in p.tags if t == "script")
    assert not any(k.startswith("on") for _, a in p.tags for k in a)
    assert "福州市商务局" in page  # UTF-8 text, and no numeric entity for anything beyond ASCII
    codes = [int(h, 16) for h in re.findall(r"&#x([0-9a-fA-F]+);", page)] + [
        int(d) for d in re.findall(r"&#(\d+);", page)
    ]
    assert codes and all(c < 128 for c in codes)
    text = "".join(p.text)
    for name in EVIL:
        for line in name.split("\n"):
            assert line in text  # the reader sees the name exactly
    assert "<b>boom</b>" not in page and "&lt;b&gt;boom&lt;/b&gt;" in page


def test_links_percent_encode_every_segment():
    assert rh.href("agency/福州 市.html") == "agency/%E7%A6%8F%E5%B7%9E%20%E5%B8%82.html"
    assert rh.href('a"b.html') == "a%22b.html"


def test_tables_escape_cells_and_show_missing_as_missing():
    df = pd.DataFrame({"机关": [EVIL[0], "甲"], "数值": [float("nan"), 3.0]})
    html = rh.table(df, numeric=["数值"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'class="missing">缺失' in html
    assert rh.table(df.iloc[0:0]).count("无") == 1


def test_matrix_marks_absent_cells():
    m = pd.DataFrame(
        {"自然人": ["3", ""], "总计": ["5", "1"]}, index=["予以公开", "<i>部分公开</i>"]
    )
    html = rh.matrix(m)
    assert 'class="missing"' in html and "&lt;i&gt;" in html and "<i>" not in html
