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
    for _, row in shown.iterrows():
        cells = []
        for c in shown.columns:
            v = row[c]
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
    for idx, row in df.iterrows():
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


def index_page(
    overall: Sequence[dict], agencies: Sequence[dict], failures: Sequence[dict], summary: str
) -> str:
    """reports/index.html: links to every report, agency names readable and escaped."""

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
    rows = "".join(
        f"<tr><td>{link(e)}</td><td>{esc(e.get('years', ''))}</td>"
        f'<td class="num">{esc(e.get("n_reports", ""))}</td>'
        f'<td class="num">{esc(e.get("n_figures", ""))}</td></tr>'
        for e in agencies
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
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>政府信息公开工作年度报告 · 报告索引</title>
{STYLE}
{font_face_css("")}
<style>body {{max-width: 1000px; margin: 2em auto; padding: 0 1em;}} a {{color: #1d4ed8;}}</style>
</head><body class="gdr">
<h1>政府信息公开工作年度报告 · 报告索引</h1>
<p class="note">{esc(summary)}</p>
<h2>总览</h2><ul>{over}</ul>
<h2>各机关摘要（{len(agencies)} 个机关）</h2>
<table class="gdr-t"><thead><tr><th>机关</th><th>报告年份</th><th>报告数</th><th>数字个数</th></tr>
</thead><tbody>{rows}</tbody></table>
{fails}
</body></html>
"""
