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
from PIL import Image

from analysis.reports import charts
from analysis.reports import data as rd

MULTI = "测试市商务局"
EVIL = "<img src=x onerror=\"document.title='pwned'\">局"
# charts per page: one per count and the coverage bars; the grid and one per metric;
# three per agency
EXPECTED_IMAGES = {
    "corpus_overview": len(rd.OVERVIEW_COUNTS) + 1,
    "cross_year": 1 + len(rd.DEFAULT_CROSS_YEAR),
    "agency": 3,
    "indicators": 0,
}

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


def _chromium() -> str:
    exe = shutil.which("chromium")
    if not exe:
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure_chromium.sh")], check=False)
        exe = shutil.which("chromium")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing and scripts/ensure_chromium.sh could not install it")
        pytest.skip("chromium not installed (run scripts/ensure_chromium.sh)")
    return exe


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


def _fontconfig(base: Path) -> dict[str, str]:
    """An environment in which Chromium also sees the CJK font from the noto-cjk-sans-otc wheel."""
    conf = base / "fonts.conf"
    conf.write_text(
        f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{charts.font_path().parent}</dir>
<cachedir>{base / "fc-cache"}</cachedir></fontconfig>""",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


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
    assert res["index"]["scripts"] == 0
    assert len(res["links"]) == 3 + 2  # overview, cross-year, indicators, one page per agency
    assert set(res["pages"]) == set(res["links"])
    for href, page in res["pages"].items():
        assert "error" not in page, (href, page)
        kind = "agency" if "/agency/" in href else href.rsplit("/", 1)[-1].removesuffix(".html")
        assert page["images"] == EXPECTED_IMAGES[kind] == page["decoded"], (href, page)
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
