"""Page images and scanned PDFs, read by OCR: the figures of the web page, or flagged.

The report is photographed by a Chromium screenshot and turned into a scanned PDF (image
pages, no text layer) by Pillow (tests/docmaker.py). OCR may misread a character; what it
must never do is give a figure different from the web page's without a flag. These tests
are slow (seconds a page), so they are few and share one screenshot.
"""

from __future__ import annotations

import io

import pytest
from docmaker import report_html, scanned_pdf, screenshot

from analysis.extract import extract_bytes
from analysis.read import ocr
from analysis.read.load import LoadError, load_bytes


def _cells(rec: dict) -> dict:
    return {(c["table"], c["row_key"], c["col_key"]): c["value"] for c in rec["tables"]["cells"]}


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> bytes:
    return screenshot(report_html(), tmp_path_factory.mktemp("shot"), 900, 4000)


@pytest.fixture(scope="module")
def shot_trad(tmp_path_factory) -> bytes:
    return screenshot(report_html(trad=True), tmp_path_factory.mktemp("shot"), 900, 4000)


@pytest.fixture(scope="module")
def html_rec() -> dict:
    return extract_bytes("report.html", report_html().encode("utf-8"))


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    # one cache for the module: the screenshot is read once, whatever the order of tests
    monkeypatch.setenv("ANALYSIS_OCR_CACHE", str(tmp_path_factory.getbasetemp() / "ocr-cache"))


def _same_or_flagged(rec: dict, html_rec: dict) -> None:
    truth, got = _cells(html_rec), _cells(rec)
    wrong = {k: (v, truth.get(k)) for k, v in got.items() if v is not None and truth.get(k) != v}
    assert not wrong  # a misread figure is left empty and its table flagged, never kept
    assert sum(1 for k, v in got.items() if v == truth[k]) >= 170
    assert any(i["code"] == "ocr" for i in rec["issues"])
    for m, fig in rec["metrics"].items():
        assert fig["value"] == html_rec["metrics"][m]["value"], m
    if len(got) < len(truth) or None in got.values():
        assert {c["status"] for c in rec["checks"]} - {"pass"}, "missing cells must show"


@pytest.mark.parametrize("form", ["png", "scanned-pdf", "png-traditional"])
def test_an_image_of_the_report_gives_its_figures_or_flags_them(shot, html_rec, form, request):
    # the traditional-script copy is compared with the simplified web page: the same figures
    picture = request.getfixturevalue("shot_trad") if form == "png-traditional" else shot
    data = scanned_pdf(picture) if form == "scanned-pdf" else picture
    form = form.split("-")[0]
    rec = extract_bytes(f"report.{'png' if form == 'png' else 'pdf'}", data)
    assert rec["ok"], rec["issues"]
    assert rec["file_format"] == ("image" if form == "png" else "pdf")
    _same_or_flagged(rec, html_rec)
    loaded = load_bytes("report.png", data)
    assert loaded.grids and all(g.ocr and g.source == "ocr" for g in loaded.grids)
    three = next(g for g in loaded.grids if len(g.texts) > 20)
    cell = next(c for row in three.rows for c in row if c.text == "32")
    assert cell.box is not None and cell.page is not None  # where to look, on which page
    assert loaded.text[cell.start : cell.end] == "32"


def test_a_rerun_of_an_unchanged_image_costs_no_ocr(shot, monkeypatch):
    first = load_bytes("report.png", shot).text
    ocr._memo.clear()  # a new process: only the cache on disk is left

    def no_engine():
        raise AssertionError("OCR ran again on an unchanged image")

    monkeypatch.setattr(ocr, "engine", no_engine)
    assert load_bytes("report.png", shot).text == first


def test_a_photo_without_text_is_refused_with_a_message():
    from PIL import Image

    img = Image.new("RGB", (320, 240))
    for x in range(320):
        for y in range(0, 240, 4):
            img.putpixel((x, y), (x % 256, 128, 200))
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    with pytest.raises(LoadError) as e:
        load_bytes("holiday.jpg", buf.getvalue())
    assert e.value.code == "no-text" and str(e.value).startswith("holiday.jpg:")
    assert "no text" in str(e.value)


def test_a_saved_page_with_its_table_as_a_picture_reads_the_picture(tmp_path, html_rec):
    from analysis.extract import extract_path

    html = report_html()
    start = html.index('<table border="1" cellspacing="0">')
    end = html.index("</table>", start) + len("</table>")
    head = html[: html.index("<body>")]
    picture = screenshot(head + "<body>" + html[start:end] + "</body></html>", tmp_path, 900, 1700)
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "t3.png").write_bytes(picture)
    (tmp_path / "page_files" / "logo.png").write_bytes(picture[:0])  # (empty: skipped)
    page = html[:start] + '<p><img src="page_files/t3.png"></p>' + html[end:]
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    rec = extract_path(tmp_path / "page.html")
    assert rec["ok"] and any(i["code"] == "ocr" for i in rec["issues"])
    truth = {k: v for k, v in _cells(html_rec).items() if k[0] == "三"}
    got = {k: v for k, v in _cells(rec).items() if k[0] == "三"}
    assert all(truth[k] == v for k, v in got.items() if v is not None)
    assert sum(1 for k, v in got.items() if v == truth[k]) >= 0.9 * len(truth)
    assert rec["metrics"]["applications_received"]["value"] == 85


def test_ocr_runs_with_the_network_off(tmp_path):
    """The models ship in the wheel: nothing is fetched, even with no network at all."""
    import shutil
    import subprocess
    import sys

    if not shutil.which("unshare") or subprocess.run(["unshare", "-n", "true"]).returncode:
        pytest.skip("cannot make a process without network here (unshare -n)")
    from PIL import Image, ImageDraw, ImageFont

    from analysis.reports import charts

    img = Image.new("RGB", (420, 90), "white")
    font = ImageFont.truetype(str(charts.font_path()), 40)
    ImageDraw.Draw(img).text((10, 20), "申请数量85件", font=font, fill="black")
    img.save(tmp_path / "line.png")
    code = (
        "import sys; from PIL import Image; from analysis.read.ocr import ocr_image; "
        "print(''.join(w[4] for w in ocr_image(Image.open(sys.argv[1]))['words']))"
    )
    proc = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", code, str(tmp_path / "line.png")],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in __import__("os").environ.items() if k != "ANALYSIS_OCR_CACHE"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "85" in proc.stdout and "申请" in proc.stdout


def test_the_agency_page_gives_an_ocr_figure_its_page_and_a_crop_of_its_row(shot, tmp_path):
    """Issue 13, evidence: an OCR'd figure is shown with its page number and a picture of its
    table row cut from the raw file, so an analyst can check it by eye."""
    from PIL import Image

    from analysis.build.run import build
    from analysis.reports import data as rd
    from analysis.reports import evidence
    from analysis.reports import html as rh

    raw, out = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    (raw / "report.png").write_bytes(shot)
    assert build(raw, out, jobs=1, quiet=True) == 0
    corpus = rd.load(out)
    view = rd.agency_view(corpus, rd.pick_agency(corpus, ""))
    rows = evidence.ocr_rows(view, out)
    ocr_metrics = view.metrics.loc[view.metrics["ocr"].fillna(False).astype(bool)]
    assert len(rows) == len(ocr_metrics) > 0
    page = Image.open(io.BytesIO(shot))
    named = ocr_metrics["report_id"] + ocr_metrics["label"].fillna(ocr_metrics["metric"])
    boxed = set(named[ocr_metrics["box"].notna()])
    assert len(boxed) >= 10  # one cell each; a sum over several rows has no single box
    for row in rows:
        assert row["页码"] == "第1页"
        if row["报告"] + row["指标"] not in boxed:
            assert row["图"] == "" and row["说明"] == "合计自多个单元格，见上表"
            continue
        crop = Image.open(io.BytesIO(evidence.base64.b64decode(row["图"].split(",", 1)[1])))
        # a table row: much wider than high, a thin strip of the page, not the page
        assert crop.width > 3 * crop.height and crop.height < page.height / 10
    assert "页码" in rd.figures_table(view).columns
    shown = rh.crops_table(rows)
    assert shown.count('<img class="crop"') == len(boxed) and "<script" not in shown
    # the same figures without the raw folder: the page says so rather than show nothing
    state = out / "build-state.json"
    state.write_text(state.read_text(encoding="utf-8").replace(str(raw.resolve()), "/gone"))
    again = evidence.ocr_rows(view, out)
    assert all(r["图"] == "" for r in again)
    assert sum(r["说明"] == "原文件或页面无法再次读取" for r in again) == len(boxed)
    assert "无法再次读取" in rh.crops_table(evidence.ocr_rows(view, out))
