"""HTML pieces for the report notebooks and the reports index, with every text escaped.

Agency names and report sentences come from documents anyone can publish, so they are
data: each one passes through `esc` before it touches markup. Chinese stays readable
(UTF-8, not entities); only & < > " ' are escaped. Notebooks display these fragments
with IPython's HTML, never by formatting names into Markdown.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import pandas as pd

from ..labels import FORMAT_LABELS, LEVEL_LABELS, SCRIPT_LABELS

# the CJK fonts a page asks for, in order (the shipped one first, see font_face_css)
FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"Hiragino Sans GB", sans-serif'
)
STYLE = """<style>
.gdr {font-family: FONTS; line-height: 1.5;}
.gdr h2 {margin: 0.2em 0 0.4em;}
.gdr table.gdr-t {border-collapse: collapse; font-size: 13px; margin: 0.4em 0 1em; max-width: 100%;}
.gdr table.gdr-t th, .gdr table.gdr-t td {border: 1px solid #ddd; padding: 3px 7px;
  vertical-align: top; text-align: left;}
.gdr table.gdr-t th {background: #f3f5f7;}
.gdr table.gdr-t td.num {text-align: right; white-space: nowrap;}
.gdr table.gdr-t td.missing {color: #888;
  background: repeating-linear-gradient(45deg, #fff, #fff 4px, #eee 4px, #eee 8px);}
.gdr .note {color: #555; font-size: 13px;}
.gdr .warn {color: #9a3412;}
.gdr table.gdr-meta {margin: 0.3em 0 0.8em; font-size: 14px;}
.gdr table.gdr-meta th {text-align: left; font-weight: normal;}
</style>""".replace("FONTS", FONTS)


FONT_ASSET = "assets/NotoSansCJK-Regular.ttc"


def font_face_css(prefix: str) -> str:
    """CSS that gives every page the project's CJK font, shipped once next to the pages.

    Analysts' desktops usually have a CJK font, but a fresh server or container has none and
    its browser shows boxes; `local()` keeps an installed copy first, and the unicode-range
    leaves Latin text to the page's own fonts. `prefix` leads from the page to reports/.
    """
    return (
        '<style>@font-face {font-family: "GDR CJK"; src: local("Noto Sans CJK SC"), '
        f'local("NotoSansCJKsc-Regular"), url("{prefix}{FONT_ASSET}"); '
        "unicode-range: U+2E80-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF, U+20000-2FFFF;}\n"
        "body, body *:not(pre):not(code):not(kbd):not(samp) "
        f'{{font-family: "GDR CJK", {FONTS} !important;}}</style>'
    )


def esc(value: object) -> str:
    """Text for HTML: None/NaN become empty; & < > \" ' escaped; Chinese left as is."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def esc_lines(value: object) -> str:
    """Like esc, but a newline inside a name or sentence shows as a line break."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "<br>".join(esc(part) for part in str(value).split("\n"))


def wrap(inner: str) -> str:
    return f'<div class="gdr">{STYLE}{inner}</div>'


def _ints_become_floats(df: pd.DataFrame) -> bool:
    """True when iterrows gives a row's ints as floats: only integer and float columns.

    >>> _ints_become_floats(pd.DataFrame({"n": [1], "x": [0.5]}))
    True
    >>> _ints_become_floats(pd.DataFrame({"n": [1], "s": ["a"]}))
    False
    """
    kinds = {getattr(df[c].dtype, "kind", "O") for c in df.columns}
    return "f" in kinds and bool(kinds & set("iu")) and kinds <= set("iuf")


def table(
    df: pd.DataFrame,
    numeric: Iterable[str] = (),
    missing_text: str = "缺失",
    max_rows: int | None = None,
) -> str:
    """A DataFrame as an escaped HTML table; empty or NaN cells read 缺失 on a hatched cell."""
    numeric = set(numeric)
    if df.empty:
        return '<p class="note">无</p>'
    shown = df if max_rows is None else df.head(max_rows)
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    body = []
    cols = list(shown.columns)
    # rows as iterrows gave them (a frame of numbers only comes as floats), without its cost
    # of a Series per row (a tenth of an agency page's time)
    frame = shown.astype(float) if _ints_become_floats(shown) else shown
    for values in zip(*(frame[c].tolist() for c in cols)) if cols else ():
        cells = []
        for c, v in zip(cols, values):
            if (
                v is None
                or (isinstance(v, float) and math.isnan(v))
                or (isinstance(v, str) and v == missing_text)
            ):
                cells.append(f'<td class="missing">{esc(missing_text)}</td>')
            else:
                cls = ' class="num"' if c in numeric else ""
                cells.append(f"<td{cls}>{esc_lines(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        ""
        if max_rows is None or len(df) <= max_rows
        else f'<p class="note">另有 {len(df) - max_rows} 行未显示。</p>'
    )
    rows = "".join(body)
    return f'<table class="gdr-t"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}'


def matrix(df: pd.DataFrame, missing_text: str = "") -> str:
    """A labelled rows × columns table (e.g. 表三) where blank cells are shown as absent."""
    if df.empty:
        return '<p class="note">无</p>'
    head = "<th></th>" + "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    body = []
    frame = df.astype(float) if _ints_become_floats(df) else df
    rows = zip(*(frame[c].tolist() for c in frame.columns)) if len(df.columns) else ()
    for idx, row in zip(df.index, rows):
        tds = "".join(
            f'<td class="num">{esc(v)}</td>'
            if v not in ("", None)
            else f'<td class="missing">{esc(missing_text)}</td>'
            for v in row
        )
        body.append(f"<tr><th>{esc(idx)}</th>{tds}</tr>")
    return (
        f'<table class="gdr-t"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def metric_tables(long: pd.DataFrame, highlight: str = "") -> str:
    """Under each cross-year chart: the highest and lowest agencies, and the figure by
    province (or place)."""
    from . import data as rd

    parts = [
        f'<p class="note">最高与最低（最近一年）</p>{table(rd.top_bottom(long, 5, highlight))}'
    ]
    regions = rd.region_table(long)
    if len(regions) > 1:
        parts.append(f'<p class="note">按省份/地区（报告最多的 40 个）</p>{table(regions)}')
    return wrap("".join(parts))


SOURCE_LABELS = {"title": "标题", "manifest": "清单（manifest.csv）", "header": "页面信息"}


def agency_header(view) -> str:  # view: analysis.reports.data.AgencyView
    """Name, years, level, place and the source files of one agency's summary."""
    r = view.reports
    years = [int(y) for y in r["report_year"].dropna()]
    span = (
        "年份不明"
        if not years
        else (str(years[0]) if len(set(years)) == 1 else f"{min(years)}–{max(years)}")
    )

    def first(col: str, labels: dict[str, str] | None = None) -> str:
        v = next((v for v in r[col] if isinstance(v, str) and v), "")
        return esc((labels or {}).get(v, v)) or "未知"

    items = [
        ("机关", esc_lines(view.agency)),
        ("报告年份", esc(span) + f"（共 {len(r)} 份报告）"),
        ("层级", first("level", LEVEL_LABELS)),
        ("地区", first("place")),
        ("机关名称来源", first("agency_source", SOURCE_LABELS)),
    ]
    meta = "".join(
        '<tr style="background:none"><th style="background:none;border:none;color:#555;'
        f'padding:1px 14px 1px 0;text-align:left;font-weight:normal">{k}</th>'
        f'<td style="border:none;padding:1px 0;text-align:left">{v}</td></tr>'
        for k, v in items
    )
    src_rows = pd.DataFrame(
        {
            "年份": r["report_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
            "文件": r["file"],
            "标题": r["title"].fillna(""),
            "发布日期": r["publish_date"].fillna(""),
            "格式": r["format"].map(
                lambda v: FORMAT_LABELS.get(v, v) if isinstance(v, str) else ""
            ),
            "字形": r["script"].map(
                lambda v: SCRIPT_LABELS.get(v, v) if isinstance(v, str) else ""
            ),
            "编码": r["encoding"].fillna(""),
            "找到的数字": r["n_metrics"],
        }
    )
    one_year = ""
    if len(set(years)) <= 1:
        one_year = (
            '<p class="note">此机关在语料中只有一年的报告，下面的图表只显示这一年；'
            "加入其他年份的报告后即可看到逐年变化。</p>"
        )
    return wrap(
        f'<h2>{esc_lines(view.agency)}</h2><table class="gdr-meta">{meta}</table>'
        "<p><b>来源报告</b></p>"
        f"{table(src_rows, numeric=['找到的数字'], missing_text='—')}{one_year}"
    )


def crops_table(rows: list[dict[str, str]]) -> str:
    """OCR'd figures with the picture of their table row (`evidence.ocr_rows`): the text is
    escaped; the picture is a PNG made here, embedded so the page opens offline."""
    if not rows:
        return '<p class="note">无</p>'
    cols = [c for c in rows[0] if c not in ("图", "说明")]
    head = "".join(f"<th>{esc(c)}</th>" for c in cols) + "<th>原图（表格行）</th>"
    body = []
    for r in rows:
        uri = r.get("图", "")
        img = (
            f'<img class="crop" alt="{esc(r["指标"])}" src="{esc(uri)}">'
            if uri.startswith("data:image/png;base64,")
            else f'<span class="note">{esc(r.get("说明", ""))}</span>'
        )
        body.append(
            "<tr>" + "".join(f"<td>{esc(r[c])}</td>" for c in cols) + f"<td>{img}</td></tr>"
        )
    return (
        f'<table class="gdr-t"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def note(text: str, warn: bool = False) -> str:
    return wrap(f'<p class="note{" warn" if warn else ""}">{esc_lines(text)}</p>')


def heading(text: str, level: int = 3) -> str:
    return wrap(f"<h{level}>{esc_lines(text)}</h{level}>")


def show(fragment: str) -> None:
    from IPython.display import HTML, display

    display(HTML(fragment))


# ---- the index page ---------------------------------------------------------------------


def href(relpath: str) -> str:
    """A relative link that survives any file name (each path segment percent-encoded)."""
    return esc("/".join(quote(part, safe="") for part in relpath.split("/")))


INDEX_SCRIPT = """<script>
(function () {
  var q = document.getElementById('gdr-q'), lv = document.getElementById('gdr-level'),
      rg = document.getElementById('gdr-region'), yr = document.getElementById('gdr-year'),
      count = document.getElementById('gdr-count');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#gdr-agencies tbody tr'));
  var keys = rows.map(function (r) { return (r.getAttribute('data-search') || '').toLowerCase(); });
  function apply() {
    var t = q.value.trim().toLowerCase(), l = lv.value, g = rg.value,
        y = yr.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!t || keys[i].indexOf(t) >= 0) && (!l || r.getAttribute('data-level') === l) &&
        (!g || r.getAttribute('data-region') === g) &&
        (!y || (' ' + r.getAttribute('data-years') + ' ').indexOf(' ' + y + ' ') >= 0);
      r.style.display = ok ? '' : 'none';
      if (ok) n++;
    }
    count.textContent = '显示 ' + n + ' / ' + rows.length + ' 个机关';
  }
  [q, lv, rg, yr].forEach(function (e) {
    e.addEventListener('input', apply); e.addEventListener('change', apply); });
  var m = /[#&?]q=([^&]*)/.exec(location.hash || '');
  if (m) { try { q.value = decodeURIComponent(m[1]); } catch (e) {} }
  apply();
})();
</script>"""
INDEX_STYLE = """<style>
body {max-width: 1100px; margin: 2em auto; padding: 0 1em;} a {color: #1d4ed8;}
.gdr-filters {display: flex; flex-wrap: wrap; gap: 0.6em 1.2em; align-items: center;
  margin: 0.6em 0; font-size: 14px;}
.gdr-filters input {font-size: 14px; padding: 3px 6px; width: 18em;}
.gdr-filters select {font-size: 14px; padding: 2px;}
td.figs {font-size: 12px; color: #333;}
td.figs .low {color: #9a3412;}
</style>"""


def _options(values: Iterable[tuple[str, str]], everything: str) -> str:
    opts = [f'<option value="">{esc(everything)}</option>']
    opts += [f'<option value="{esc(v)}">{esc(label)}</option>' for v, label in values]
    return "".join(opts)


def _figures_cell(figures: Sequence) -> str:
    """Per report of the agency: its year and how many figures it gave (few ones stand out)."""
    parts = []
    for year, n in figures or []:
        cls = ' class="low"' if int(n) < 5 else ""
        parts.append(f"<span{cls}>{esc(year)}：{esc(n)}</span>")
    return " · ".join(parts)


def index_page(
    overall: Sequence[dict], agencies: Sequence[dict], failures: Sequence[dict], summary: str
) -> str:
    """reports/index.html: links to every report, agency names readable and escaped.

    Thousands of agencies stay findable: a search box (name, province, place) and filters by
    level, province and year work in the page itself (one inline script, no external file,
    so it opens offline); without JavaScript every row is simply shown.
    """

    def link(e: dict) -> str:
        if not e.get("html"):
            return f'{esc_lines(e["title"])} <span class="warn">（未生成）</span>'
        stale = (
            ' <span class="warn">（最近一次运行失败，此为上次成功的结果）</span>'
            if e.get("failed")
            else ""
        )
        return f'<a href="{href(e["html"])}">{esc_lines(e["title"])}</a>{stale}'

    over = "".join(
        f'<li>{link(e)} <span class="note">{esc(e.get("desc", ""))}</span></li>' for e in overall
    )
    rows = []
    for e in agencies:
        region, place, level = e.get("region") or "", e.get("place") or "", e.get("level") or ""
        where = region if not place or place == region else f"{region} {place}".strip()
        years = " ".join(str(y) for y in e.get("year_list", []))
        search = " ".join(str(x) for x in (e["title"], region, place) if x)
        rows.append(
            f'<tr data-search="{esc(search)}" data-level="{esc(level)}" '
            f'data-region="{esc(region)}" data-years="{esc(years)}">'
            f"<td>{link(e)}</td><td>{esc(where)}</td>"
            f"<td>{esc(LEVEL_LABELS.get(level, level))}</td>"
            f"<td>{esc(e.get('years', ''))}</td>"
            f'<td class="figs">{_figures_cell(e.get("figures"))}</td>'
            f'<td class="num">{esc(e.get("n_reports", ""))}</td>'
            f'<td class="num">{esc(e.get("n_figures", ""))}</td></tr>'
        )
    levels = sorted({e.get("level") or "" for e in agencies} - {""}, key=_level_order)
    regions = sorted({e.get("region") or "" for e in agencies} - {""})
    all_years = sorted({int(y) for e in agencies for y in e.get("year_list", [])})
    lv_opts = _options(((v, LEVEL_LABELS.get(v, v)) for v in levels), "全部")
    rg_opts = _options(((v, v) for v in regions), "全部")
    yr_opts = _options(((str(y), str(y)) for y in all_years), "全部")
    filters = (
        '<div class="gdr-filters">'
        '<label>查找 <input id="gdr-q" type="search" placeholder="机关名称、省份或地区"></label>'
        f'<label>层级 <select id="gdr-level">{lv_opts}</select></label>'
        f'<label>省份/地区 <select id="gdr-region">{rg_opts}</select></label>'
        f'<label>年份 <select id="gdr-year">{yr_opts}</select></label>'
        f'<span id="gdr-count" class="note">共 {len(agencies)} 个机关</span></div>'
    )
    fails = ""
    if failures:
        items = "".join(
            f"<li><b>{esc(f['notebook'])}</b> {esc_lines(f.get('title', ''))}: "
            f"{esc_lines(f.get('error', ''))}"
            + (
                f' — <a href="{href(f["failed_copy"])}">出错的 notebook</a>'
                if f.get("failed_copy")
                else ""
            )
            + "</li>"
            for f in failures
        )
        fails = f'<h2 class="warn">运行失败的报告</h2><ul>{items}</ul>'
    body = "".join(rows)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>政府信息公开工作年度报告 · 报告索引</title>
{STYLE}
{font_face_css("")}
{INDEX_STYLE}
</head><body class="gdr">
<h1>政府信息公开工作年度报告 · 报告索引</h1>
<p class="note">{esc(summary)}</p>
<h2>总览</h2><ul>{over}</ul>
{fails}
<h2>各机关摘要（{len(agencies)} 个机关）</h2>
{filters}
<table class="gdr-t" id="gdr-agencies"><thead><tr><th>机关</th><th>省份/地区</th><th>层级</th>
<th>报告年份</th><th>各年报告找到的数字</th><th>报告数</th><th>数字个数</th></tr>
</thead><tbody>{body}</tbody></table>
{INDEX_SCRIPT}
</body></html>
"""


def _level_order(code: str) -> tuple[int, str]:
    """National first, county last; unknown codes after them.

    >>> sorted(["county", "national", "x", "provincial"], key=_level_order)
    ['national', 'provincial', 'county', 'x']
    """
    order = list(LEVEL_LABELS)
    return (order.index(code) if code in order else len(order), code)
