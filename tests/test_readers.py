"""The readers of PDF and Word files: the same report gives the same figures in every form.

The documents are made here from the 2021-format HTML report (tests/docmaker.py): printed
to PDF by headless Chromium, written as a .docx with merged cells by python-docx. Each must
give exactly the cells and figures of the HTML page, say which page a row stands on, and
refuse a bad document with a message naming it.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from docmaker import make_docx, print_pdf, report_html

from analysis.extract import extract_bytes
from analysis.read import office, pdf
from analysis.read.compose import page_of
from analysis.read.load import LoadError, load_bytes

HTML = report_html()


def _cells(rec: dict) -> dict:
    return {(c["table"], c["row_key"], c["col_key"]): c["value"] for c in rec["tables"]["cells"]}


def _metrics(rec: dict) -> dict:
    return {k: m["value"] for k, m in rec["metrics"].items()}


@pytest.fixture(scope="module")
def html_rec() -> dict:
    return extract_bytes("report.html", HTML.encode("utf-8"))


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, bytes]:
    work = tmp_path_factory.mktemp("print")
    return {"simplified": print_pdf(HTML, work), "traditional": print_pdf(report_html(True), work)}


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_a_printed_pdf_gives_the_cells_and_figures_of_the_web_page(printed, html_rec, script):
    rec = extract_bytes("report.pdf", printed[script])
    assert rec["ok"] and rec["file_format"] == "pdf"
    assert len(_cells(html_rec)) == 200
    assert _cells(rec) == _cells(html_rec)
    assert _metrics(rec) == _metrics(html_rec)
    assert {c["status"] for c in rec["checks"]} == {"pass"}
    assert rec["agency"] == html_rec["agency"] and rec["report_year"] == 2021
    # the evidence names its page: the opening sentence's figure on page 1, table 三 over two
    assert rec["metrics"]["proactive_total"]["page"] == 1
    assert {c["page"] for c in rec["tables"]["cells"]} <= {1, 2, 3, 4}
    assert len({c["page"] for c in rec["tables"]["cells"] if c["table"] == "三"}) >= 2
    assert "page" not in html_rec["metrics"]["proactive_total"]  # a web page has no pages


def test_pdf_rows_know_their_page_and_table_three_is_one_grid_over_two_pages(printed):
    loaded = load_bytes("report.pdf", printed["simplified"])
    # Chromium's running head (date, title) and footer (file URL, "1/4") are not report text
    assert "file://" not in loaded.text and "1/4" not in loaded.text
    assert loaded.text.count("某市生态环境局2021年政府信息公开工作年度报告") == 1
    assert [p for _, _, p in loaded.pages] == [1, 2, 3, 4]
    three = next(g for g in loaded.grids if any("予以公开" in t for t in sum(g.texts, [])))
    assert three.source == "pdf" and len(set(three.pages)) >= 2  # joined across the breaks
    rows = {r[2].text: r for r in three.rows if r[2].text}
    # a row below the break still carries the labels cut by it
    cut = rows["8．属于行政查询事项"]
    assert [c.text for c in cut[:2]] == ["三、本年度办理结果", "（三）不予公开"]
    assert cut[0].spanned and cut[1].spanned
    assert cut[0].page != rows["1．属于国家秘密"][0].page
    figure = cut[3]
    assert figure.text == "2" and loaded.text[figure.start : figure.end] == "2"
    assert page_of(loaded.pages, figure.start) == figure.page and figure.box is not None
    # the vertically printed heads of table 四 read top to bottom
    four = loaded.grids[-1]
    assert four.texts[1][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_a_pdf_saved_as_txt_is_read_as_a_pdf(printed, html_rec):
    rec = extract_bytes("report.txt", printed["simplified"])
    assert rec["file_format"] == "pdf" and _cells(rec) == _cells(html_rec)
    assert any(i["code"] == "renamed" for i in rec["issues"])


@pytest.mark.parametrize("trad", [False, True])
def test_a_word_file_with_merged_cells_gives_the_figures_of_the_web_page(html_rec, trad):
    data = make_docx(report_html(trad))
    rec = extract_bytes("report.docx", data)
    assert rec["ok"] and rec["file_format"] == "docx"
    assert _cells(rec) == _cells(html_rec) and _metrics(rec) == _metrics(html_rec)
    loaded = load_bytes("report", data)  # no extension: still Word, by its content
    two = loaded.grids[0]
    assert two.source == "docx"
    # 本年处理决定数量 spans three columns: its figure stands once, not three times
    permit = next(r for r in two.rows if r[1].text == "1260")
    assert [c.text for c in permit[1:]] == ["1260", "", ""] and permit[2].spanned


def test_old_word_files_need_libreoffice_and_say_how_to_install_it(monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    rec = extract_bytes("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    assert rec["ok"] is False
    (issue,) = rec["issues"]
    assert issue["code"] == "needs-libreoffice" and issue["message"].startswith("old.doc:")
    assert "apt-get install libreoffice-writer-nogui" in issue["message"]


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed (optional)")
def test_an_old_word_file_is_converted_by_libreoffice(tmp_path, html_rec):
    import subprocess

    (tmp_path / "r.docx").write_bytes(make_docx(HTML))
    subprocess.run(
        [office.soffice(), "--headless", "--convert-to", "doc", "--outdir", str(tmp_path),
         str(tmp_path / "r.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    rec = extract_bytes("r.doc", (tmp_path / "r.doc").read_bytes())
    assert rec["file_format"] == "doc" and _cells(rec) == _cells(html_rec)


def _pdf(encrypt: bool) -> bytes:
    """A one-page PDF written by hand; `encrypt` adds a password dictionary."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    if encrypt:
        objs.append(
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
            + b"> /P -4 >>"
        )  # fmt: skip
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R" % (len(objs) + 1)
    out += b" /Encrypt 4 0 R /ID [<aa><aa>]" if encrypt else b""
    out += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_bad_documents_get_a_clear_message_naming_the_file(printed, monkeypatch):
    cases = {
        "locked.pdf": (_pdf(encrypt=True), "encrypted-pdf", "password"),
        "cut.pdf": (printed["simplified"][:40000], "corrupt-pdf", "damaged or cut short"),
        "blank.pdf": (_pdf(encrypt=False), "no-text-layer", "needs OCR"),
        "fake.docx": ("这不是Word文件".encode(), "not-docx", "not a zip"),
        "bad.docx": (b"PK\x03\x04" + zlib.compress(b"x" * 500), "not-docx", "Word"),
    }
    monkeypatch.setenv("ANALYSIS_OCR", "0")  # (the blank page is not sent to OCR here)
    for name, (data, code, words) in cases.items():
        rec = extract_bytes(f"in/{name}", data)
        assert rec["ok"] is False, name
        (issue,) = rec["issues"]
        assert issue["code"] == code, (name, issue)
        assert issue["message"].startswith(f"{name}:") and words in issue["message"], issue


def test_a_pdf_of_too_many_pages_is_refused_before_it_is_read(printed, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    with pytest.raises(LoadError) as e:
        load_bytes("volume.pdf", printed["simplified"])
    assert e.value.code == "too-many-pages"
    assert "4 pages" in str(e.value) and str(e.value).startswith("volume.pdf:")


def test_a_batch_with_bad_documents_still_reads_the_good_ones(printed, tmp_path):
    from analysis.extract import extract_path

    (tmp_path / "a.pdf").write_bytes(printed["simplified"][:30000])
    (tmp_path / "b.pdf").write_bytes(printed["simplified"])
    recs = [extract_path(p) for p in sorted(Path(tmp_path).iterdir())]
    assert [r["ok"] for r in recs] == [False, True]
