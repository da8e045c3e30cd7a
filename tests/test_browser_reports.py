"""The reports as a reader gets them: index.html opened in headless Chromium (Debian's package).

Reports are built from three seeds in a temporary folder (two merged into one agency so a
multi-year page is covered, one agency renamed to an HTML-injection attempt). A small
harness page, itself opened in Chromium, loads index.html in a frame, follows every link
and reports for each page its title, how many images it has and how many decoded as PNG,
and whether any script exists. One page is also captured as a screenshot with the
pip-installed CJK font made visible to Chromium through fontconfig.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RAW, ROOT
from docmaker import chromium as _chromium  # the one way tests find (or install) Chromium
from docmaker import fontconfig_env as _fontconfig
from PIL import Image

from analysis.reports import data as rd

MULTI = "测试市商务局"
EVIL = "<img src=x onerror=\"document.title='pwned'\">局"
# charts per page: one per count and the coverage bars; the grid and one per metric;
# three per agency
EXPECTED_IMAGES = {
    "corpus_overview": len(rd.OVERVIEW_COUNTS) + 2,
    "cross_year": 1 + len(rd.DEFAULT_CROSS_YEAR),
    "agency": 0,
    "indicators": 0,
}
SVG_CHARTS = {"agency": 3}  # the agency charts are inline SVG (analysis/reports/bars_svg.py)

HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>\
<body><pre id="out">pending</pre><script>
var results = {pages: {}};
function inspect(doc) {
  var imgs = Array.prototype.slice.call(doc.images);
  return {title: doc.title, images: imgs.length, scripts: doc.scripts.length,
          decoded: imgs.filter(function (i) {
            return i.complete && i.naturalWidth > 300 && \
i.src.indexOf('data:image/png;base64,') === 0; }).length,
          srcs: imgs.map(function (i) { return i.getAttribute('src').slice(0, 22); }),
          svgs: Array.prototype.slice.call(doc.querySelectorAll('svg[role=img]'))
            .map(function (s) { var t = s.querySelector('text.title');
              return {w: s.getBoundingClientRect().width, title: t.textContent,
                      tw: t.getComputedTextLength(),
                      font: doc.defaultView.getComputedStyle(t).fontFamily}; }),
          text: doc.body ? doc.body.innerText : ''};
}
function frame(src, done) {
  var f = document.createElement('iframe');
  f.style.width = '1000px'; f.style.height = '600px';
  f.addEventListener('load', function () {
    var r; try { r = inspect(f.contentDocument); } catch (e) { r = {error: String(e)}; } \
done(r, f); });
  f.src = src;
  document.body.appendChild(f);
}
function finish() { document.getElementById('out').textContent = JSON.stringify(results); }
frame(INDEX_URL, function (r, f) {
  results.index = r;
  var links = Array.prototype.slice.call(f.contentDocument.querySelectorAll('a[href]'))\
.map(function (a) { return a.href; });
  results.links = links;
  var left = links.length;
  if (!left) finish();
  links.forEach(function (href) { frame(href, function (r) { results.pages[href] = r; \
if (--left === 0) finish(); }); });
});
</script></body></html>"""

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    raw = base / "raw"
    raw.mkdir()
    for name in [
        "000_5c8a14d5fa55ccf4.txt",
        "001_fc4f34c734b4c5a9.txt",
        "004_61bfce714908b168.txt",
    ]:
        shutil.copy(RAW / name, raw / name)
    with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "agency"])
        w.writerows(
            [
                ["000_5c8a14d5fa55ccf4.txt", MULTI],
                ["004_61bfce714908b168.txt", MULTI],
                ["001_fc4f34c734b4c5a9.txt", EVIL],
            ]
        )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.reports",
            "--raw",
            str(raw),
            "--processed",
            str(base / "processed"),
            "--out",
            str(base / "reports"),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    return base


def test_every_page_linked_from_the_index_loads_with_its_charts(built, tmp_path):
    exe = _chromium()
    index = built / "reports" / "index.html"
    harness = tmp_path / "harness.html"
    harness.write_text(HARNESS.replace("INDEX_URL", json.dumps(index.as_uri())), encoding="utf-8")
    proc = subprocess.run(
        [
            exe,
            *FLAGS,
            "--allow-file-access-from-files",
            "--virtual-time-budget=60000",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            harness.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    m = re.search(r'<pre id="out">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stdout[-2000:] + proc.stderr[-2000:]
    res = json.loads(html.unescape(m.group(1)))
    assert res["index"]["title"] == "政府信息公开工作年度报告 · 报告索引"
    assert res["index"]["scripts"] == 1  # the search's own inline script, nothing external
    assert len(res["links"]) == 3 + 2  # overview, cross-year, indicators, one summary per agency
    assert set(res["pages"]) == set(res["links"])
    for href, page in res["pages"].items():
        assert "error" not in page, (href, page)
        kind = "agency" if "/agency/" in href else href.rsplit("/", 1)[-1].removesuffix(".html")
        assert page["images"] == EXPECTED_IMAGES[kind] == page["decoded"], (href, page)
        assert len(page["svgs"]) == SVG_CHARTS.get(kind, 0), href
        for chart in page["svgs"]:  # drawn at its width, its text in the page's CJK font
            assert chart["w"] > 800 and chart["tw"] > 200 and "GDR CJK" in chart["font"], chart
        assert page["scripts"] == 0, href
        assert "缺失" in page["text"] or kind in ("corpus_overview", "indicators")
    titles = {p["title"] for p in res["pages"].values()}
    assert titles == {
        MULTI,
        EVIL,
        "语料总览",
        "跨年度、跨机关比较",
        "报告质量指标",
    }  # the injection stayed text
    evil_page = next(p for p in res["pages"].values() if p["title"] == EVIL)
    assert (
        EVIL in evil_page["text"] and "pwned" not in titles
    )  # shown as text; its onerror never ran
    assert all(c["title"].startswith(EVIL[:27] + "…") for c in evil_page["svgs"])  # as text
    assert all(
        s.startswith("data:image/png;base64,") for p in res["pages"].values() for s in p["srcs"]
    )  # no <img src=x>
    multi = next(p for p in res["pages"].values() if p["title"] == MULTI)
    assert "2018–2019" in multi["text"] and "只有一年" not in multi["text"]


def test_a_page_renders_chinese_and_charts_in_a_screenshot(built, tmp_path):
    exe = _chromium()
    page = next(p for p in (built / "reports" / "agency").glob("*.html") if p.stem == MULTI)
    shot = tmp_path / "page.png"
    subprocess.run(
        [
            exe,
            *FLAGS,
            "--window-size=1000,1800",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        env=_fontconfig(tmp_path),
    )
    img = Image.open(shot).convert("L")
    assert img.size == (1000, 1800)
    hist = img.histogram()
    dark = sum(hist[:100])
    assert dark > 5000  # text and charts drawn, not a blank page
    keep = os.environ.get("REPORTS_SCREENSHOT")
    # for a person to look at: REPORTS_SCREENSHOT=/tmp/page.png pytest tests/test_browser_reports.py
    if keep:
        shutil.copy(shot, keep)


SEARCH_HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>\
<body><pre id="out">pending</pre><script>
var results = {};
function visible(doc) {
  return Array.prototype.slice.call(doc.querySelectorAll('#gdr-agencies tbody tr'))
    .filter(function (r) { return r.style.display !== 'none'; })
    .map(function (r) { return r.cells[0].textContent; });
}
function set(doc, id, value) {
  var e = doc.getElementById(id); e.value = value;
  e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input'));
}
var f = document.createElement('iframe');
f.addEventListener('load', function () {
  var d = f.contentDocument;
  results.all = visible(d).length;
  results.count = d.getElementById('gdr-count').textContent;
  set(d, 'gdr-q', 'QUERY');
  results.byName = visible(d);
  set(d, 'gdr-q', ''); set(d, 'gdr-region', 'REGION');
  results.byRegion = visible(d).length;
  set(d, 'gdr-level', 'county');
  results.byRegionLevel = visible(d).length;
  set(d, 'gdr-region', ''); set(d, 'gdr-level', ''); set(d, 'gdr-year', 'YEAR');
  results.byYear = visible(d).length;
  set(d, 'gdr-year', ''); set(d, 'gdr-q', 'no such agency anywhere');
  results.none = visible(d).length;
  results.countAfter = d.getElementById('gdr-count').textContent;
  document.getElementById('out').textContent = JSON.stringify(results);
});
f.src = INDEX_URL;
document.body.appendChild(f);
</script></body></html>"""


@pytest.fixture(scope="module")
def large(built, tmp_path_factory) -> Path:
    """300 agencies × 4 years copied from the built seeds (scripts/synthetic_processed.py), with
    the corpus pages and the index made for them (agency pages left out: not needed here)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import synthetic_processed as synthetic

    base = tmp_path_factory.mktemp("large")
    synthetic.make(base / "processed", 300, [2019, 2020, 2021, 2022], built / "processed")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.reports",
            "--no-build",
            "--processed",
            str(base / "processed"),
            "--out",
            str(base / "reports"),
            "--only",
            "cross_year",
            "--only",
            "corpus_overview",
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    return base


def _dump(exe: str, page: Path, profile: Path) -> dict:
    proc = subprocess.run(
        [
            exe,
            *FLAGS,
            "--allow-file-access-from-files",
            "--virtual-time-budget=60000",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    m = re.search(r'<pre id="out">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(html.unescape(m.group(1)))


def test_the_index_finds_one_agency_among_hundreds_by_name_place_level_and_year(large, tmp_path):
    import pandas as pd

    exe = _chromium()
    reps = pd.read_parquet(large / "processed" / "reports.parquet")
    agencies = reps.drop_duplicates("agency")
    target = agencies.iloc[137]
    query = target["agency"]
    region = agencies["province"].value_counts().index[0]
    in_region = agencies[agencies["province"] == region]
    year_2020 = reps.loc[reps["report_year"] == 2020, "agency"].nunique()
    harness = tmp_path / "search.html"
    harness.write_text(
        SEARCH_HARNESS.replace("INDEX_URL", json.dumps((large / "reports" / "index.html").as_uri()))
        .replace("QUERY", query)
        .replace("REGION", region)
        .replace("YEAR", "2020"),
        encoding="utf-8",
    )
    res = _dump(exe, harness, tmp_path / "profile")
    assert res["all"] == 300 and "300 / 300" in res["count"]
    assert len(res["byName"]) >= 1 and all(query in n for n in res["byName"])
    assert res["byRegion"] == len(in_region)
    assert res["byRegionLevel"] == int((in_region["level"] == "county").sum())
    assert res["byYear"] == year_2020 < 300  # some agencies have no 2020 report
    assert res["none"] == 0 and res["countAfter"].startswith("显示 0 / 300")


def test_the_corpus_pages_at_hundreds_of_agencies_show_summaries_and_open_offline(large, tmp_path):
    exe = _chromium()
    index = large / "reports" / "index.html"
    harness = tmp_path / "harness.html"
    harness.write_text(HARNESS.replace("INDEX_URL", json.dumps(index.as_uri())), encoding="utf-8")
    res = _dump(exe, harness, tmp_path / "profile")
    assert len(res["links"]) == 2  # the two corpus pages; agency pages were not asked for
    for href, page in res["pages"].items():
        kind = href.rsplit("/", 1)[-1].removesuffix(".html")
        assert page["images"] == EXPECTED_IMAGES[kind] == page["decoded"], (href, page)
        assert len(page["svgs"]) == SVG_CHARTS.get(kind, 0), href
        for chart in page["svgs"]:  # drawn at its width, its text in the page's CJK font
            assert chart["w"] > 800 and chart["tw"] > 200 and "GDR CJK" in chart["font"], chart
        assert page["scripts"] == 0
        if kind == "cross_year":
            assert "按省份/地区" in page["text"] and "最高" in page["text"]
        else:
            assert "按行政层级" in page["text"] and "最多" in page["text"]
    size = max(
        (large / "reports" / f"{k}.html").stat().st_size for k in ("cross_year", "corpus_overview")
    )
    assert size < 8_000_000  # no table of one row per report on the corpus pages
