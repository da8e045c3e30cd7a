"""One table type: readers give grids, the table reader reads their rows, text rows are one
more producer."""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest

from analysis.document.rows import text_row
from analysis.document.sentences import build_document
from analysis.extract import extract_bytes
from analysis.read.grid import expand, row_line
from analysis.read.html import read_page
from analysis.read.load import load_bytes

FIX = Path(__file__).resolve().parent / "fixtures" / "tables"
HTML = (FIX / "report_2021.html").read_text(encoding="utf-8")


def _cells(rec: dict) -> dict[tuple[str, str, str], object]:
    return {(c["table"], c["row_key"], c["col_key"]): c["value"] for c in rec["tables"]["cells"]}


def test_span_rule_repeats_labels_and_never_figures():
    texts, copies = expand(
        [
            [("信息内容", 2, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1)],
            [("7", 1, 2)],
            [("合计", 1, 1), ("3", 1, 1), ("0", 1, 1)],
        ]
    )
    assert texts == [
        ["信息内容", "本年制发件数", "本年废止件数"],
        ["信息内容", "7", ""],
        ["合计", "3", "0"],
    ]
    assert copies == {(1, 0), (1, 2)}  # the copies say so
    page = read_page(
        "<table><tr><td rowspan=2>信息内容</td><td>甲</td></tr><tr><td>1</td></tr></table>"
    )
    assert [[(c.text, c.spanned) for c in row] for row in page.grids[0].rows] == [
        [("信息内容", False), ("甲", False)],
        [("信息内容", True), ("1", False)],
    ]


def test_every_html_cell_points_at_its_text_and_every_row_at_its_line():
    page = read_page(HTML)
    assert len(page.grids) == 3 and [len(g.rows) for g in page.grids] == [14, 28, 4]
    for g in page.grids:
        for (a, b), row in zip(g.lines, g.rows):
            assert page.text[a:b] == row_line([c.text for c in row])[0]
            assert page.text[a - 1] == "\n" and page.text[b] == "\n"
            assert [c.col for c in row] == list(range(len(row)))
            for c in row:
                assert page.text[c.start : c.end] == c.text and page.text[c.stop] == "|"


def _with_bar_in_label(html: str) -> str:
    # a label typed with a vertical bar in it, as Word users do: （一）予以公开｜
    assert html.count("（一）予以公开</span>") == 1
    return html.replace("（一）予以公开</span>", "（一）予以公开｜</span>")


def test_a_bar_inside_an_html_cell_is_text_not_a_border():
    plain = extract_bytes("a.html", HTML.encode("utf-8"))
    barred = extract_bytes("a.html", _with_bar_in_label(HTML).encode("utf-8"))
    assert _cells(barred) == _cells(plain) and len(_cells(plain)) == 200
    assert {c["status"] for c in barred["checks"]} == {"pass"}
    assert barred["metrics"]["applications_granted"]["value"] == 32
    # the row still stands in the text (normalized: the full-width bar is folded to |)
    loaded = load_bytes("a.html", _with_bar_in_label(HTML).encode("utf-8"))
    assert "| （一）予以公开｜ | 21 | 5 |" in loaded.text


def test_the_row_with_the_bar_has_one_cell_per_html_cell():
    doc = build_document(load_bytes("a.html", _with_bar_in_label(HTML).encode("utf-8")))
    text = doc.norm.text
    i = next(
        i for i, r in doc.rows.items() if r and any(text[a:b] == "(一)予以公开|" for a, b, _ in r)
    )
    row = doc.rows[i]
    assert len(row) == 10 and i in doc.row_sources
    assert [text[a:b] for a, b, _ in row][3:] == ["21", "5", "1", "2", "2", "1", "32"]
    grid, k = doc.row_sources[i]
    assert grid.cell(k, 1).text == "（一）予以公开｜" and grid.cell(k, 2).spanned
    # read as text alone (the old way: split the line at every |) the label falls in two
    assert len(text_row(doc.lines[i][2], 0)) == 13


@pytest.mark.parametrize("config", ["s2t", "s2twp"])
def test_traditional_html_cells_are_carried_through_conversion(config):
    """OpenCC changes the length of some labels; the cells' places follow them exactly."""
    trad = opencc.OpenCC(config).convert(_with_bar_in_label(HTML))
    rec = extract_bytes("a.html", trad.encode("utf-8"))
    assert _cells(rec) == _cells(extract_bytes("a.html", HTML.encode("utf-8")))
    doc = build_document(load_bytes("a.html", trad.encode("utf-8")))
    assert len(doc.row_sources) > 40
    for i, (
        grid,
        k,
    ) in doc.row_sources.items():  # a figure cell is its figure in the normalized text too
        for c, (start, end, _) in enumerate(doc.rows[i]):
            if grid.texts[k][c].isdigit():
                assert doc.norm.text[start:end] == grid.texts[k][c]


def test_pipe_and_tab_lines_of_text_are_rows_and_prose_is_not():
    assert [c[:2] for c in text_row("| 规章 | 0 | 3 |", 0)] == [(2, 4), (7, 8), (11, 12), (14, 14)]
    assert [c[:2] for c in text_row("规章\t0\t3", 10)] == [(10, 12), (13, 14), (15, 16)]
    assert text_row("本年共收到申请 | 12件。", 0) is None
    doc = build_document(
        load_bytes(
            "a.txt", "三、收到和处理政府信息公开申请情况\n| 规章 | 0 | 3 |\n说明。\n".encode()
        )
    )
    assert list(doc.rows) == [1] and [s.in_table for s in doc.sentences] == [False, True, False]


def test_grid_row_text_stays_in_the_document_text_for_prose_rules_and_evidence():
    rec = extract_bytes("a.html", HTML.encode("utf-8"), with_text=True)
    assert "| (一)予以公开 | (一)予以公开 | 21 | 5 | 1 | 2 | 2 | 1 | 32 |" in rec["text"]
    granted = rec["metrics"]["applications_granted"]
    assert granted["source"] == "table" and "（一）予以公开" in granted["evidence"]
    assert json.dumps(rec, ensure_ascii=False)  # the record stays plain data
