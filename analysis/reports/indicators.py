"""What the indicators page and the agency pages show of the `indicators` table.

Plain DataFrames: the per-agency summary (also printed by `python -m analysis indicators`),
the list of reports with problems, counts by year, level and province, and the repeated
passages. Labels shown to users are Chinese; the table's codes stay in the data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

INDICATOR_LABELS = {
    "timeliness": "按时发布",
    "completeness": "内容完整",
    "consistency": "数字一致",
    "repetition": "与上年重复",
    "template": "套用模板",
    "coverage": "语料缺年度",
}
STATUS_LABELS = {
    "on time": "按时",
    "late": "逾期",
    "inconsistent": "日期矛盾",
    "complete": "完整",
    "incomplete": "缺少部分",
    "passed": "通过",
    "failed": "未通过",
    "ok": "正常",
    "flagged": "标记",
    "cannot assess": "无法判断",
    "no report in the corpus": "语料中无报告",
}
PROBLEMS = ("late", "inconsistent", "incomplete", "failed", "flagged", "no report in the corpus")
# (column, indicator, status): what the summary counts per agency
_COUNTS = [
    ("late", "timeliness", "late"),
    ("on_time", "timeliness", "on time"),
    ("date_inconsistent", "timeliness", "inconsistent"),
    ("incomplete", "completeness", "incomplete"),
    ("checks_failed", "consistency", "failed"),
    ("repetition_flagged", "repetition", "flagged"),
    ("template_flagged", "template", "flagged"),
    ("years_missing", "coverage", "no report in the corpus"),
]


def agency_summary(ind: pd.DataFrame) -> pd.DataFrame:
    """One row per agency: its reports, years, and how many of them have each problem.

    >>> df = pd.DataFrame({"report_id": ["a", "a", None], "agency": ["甲局", "甲局", "甲局"],
    ...     "report_year": [2021, 2021, 2020], "indicator": ["timeliness", "template", "coverage"],
    ...     "status": ["late", "ok", "no report in the corpus"]})
    >>> agency_summary(df)[["agency", "reports", "late", "years_missing"]].to_dict("records")
    [{'agency': '甲局', 'reports': 1, 'late': 1, 'years_missing': 1}]
    """
    cols = ["agency", "reports", "first_year", "last_year"] + [c for c, _, _ in _COUNTS]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    rep = ind.loc[ind["report_id"].notna()]
    g = rep.groupby("agency", sort=True)
    out = pd.DataFrame(
        {
            "reports": g["report_id"].nunique(),
            "first_year": g["report_year"].min(),
            "last_year": g["report_year"].max(),
        }
    )
    for col, indicator, status in _COUNTS:
        hit = ind.loc[(ind["indicator"] == indicator) & (ind["status"] == status)]
        out[col] = hit.groupby("agency").size().reindex(out.index, fill_value=0)
    out = out.reset_index()
    return out[cols].astype({c: "int64" for c in cols if c != "agency"})


def problems(ind: pd.DataFrame, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every row that is a problem, with Chinese labels, and the report's level and place."""
    p = ind.loc[ind["status"].isin(PROBLEMS)].copy()
    if reports is not None and not reports.empty:
        extra = [c for c in ("level", "province", "place") if c in reports.columns]
        p = p.merge(reports[["report_id", *extra]], on="report_id", how="left")
    p["指标"] = p["indicator"].map(INDICATOR_LABELS).fillna(p["indicator"])
    p["状态"] = p["status"].map(STATUS_LABELS).fillna(p["status"])
    return p.sort_values(["agency", "report_year", "indicator"], kind="stable").reset_index(
        drop=True
    )


def distribution(
    ind: pd.DataFrame, by: str, reports: pd.DataFrame | None = None, labels: dict | None = None
) -> pd.DataFrame:
    """Rows per indicator and status (columns 指标·状态), counted by `by`: report_year, or a
    reports column such as level or province, joined on report_id (unknown: 未知)."""
    df = ind
    if by not in ind.columns:
        if reports is None or by not in reports.columns:
            return pd.DataFrame()
        df = ind.merge(reports[["report_id", by]], on="report_id", how="left")
    key = df[by].astype("object").where(df[by].notna(), "未知")
    if labels:
        key = key.map(lambda v: labels.get(v, v))
    col = df["indicator"].map(INDICATOR_LABELS).fillna(df["indicator"]) + "·"
    col = col + df["status"].map(STATUS_LABELS).fillna(df["status"])
    t = pd.crosstab(key.rename(by), col)
    order = [f"{INDICATOR_LABELS[i]}·" for i in INDICATOR_LABELS]
    cols = sorted(t.columns, key=lambda c: next(k for k, o in enumerate(order) if c.startswith(o)))
    return t[cols].reset_index()


def counts_text(ind: pd.DataFrame) -> str:
    """How many rows of each indicator have each status, as plain text (checked by nbval).

    >>> print(counts_text(pd.DataFrame({"indicator": ["timeliness"], "status": ["late"]})))
    1 indicator rows
    timeliness    late    1
    """
    lines = [f"{len(ind)} indicator rows"]
    t = ind.groupby(["indicator", "status"]).size()
    order = {k: i for i, k in enumerate(INDICATOR_LABELS)}
    for (i, s), n in sorted(t.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
        lines.append(f"{i:<13} {s:<7} {n}")
    return "\n".join(lines)


def passages(ind: pd.DataFrame) -> pd.DataFrame:
    """The repeated and shared passages of the flagged repetition and template rows."""
    sel = ind.loc[ind["indicator"].isin(["repetition", "template"]) & (ind["status"] == "flagged")]
    return sel[["report_id", "agency", "report_year", "indicator", "value", "detail", "evidence"]]


SUMMARY_LABELS = {
    "agency": "机关",
    "reports": "报告数",
    "first_year": "首年",
    "last_year": "末年",
    "late": "逾期",
    "on_time": "按时",
    "date_inconsistent": "日期矛盾",
    "incomplete": "缺少部分",
    "checks_failed": "核对未通过",
    "repetition_flagged": "与上年重复过半",
    "template_flagged": "套用模板",
    "years_missing": "语料缺年度",
}


def summary_table(ind: pd.DataFrame) -> pd.DataFrame:
    """The per-agency summary with Chinese column names, for the pages."""
    return agency_summary(ind).rename(columns=SUMMARY_LABELS)


def agency_row(ind: pd.DataFrame, agency: str) -> pd.DataFrame:
    """The one-row summary of `agency` for its page (empty if it has no indicators)."""
    return summary_table(ind.loc[ind["agency"] == agency])


def load(processed_dir: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicators table and the reports table (for level and province), duplicates out."""
    from .. import dataset

    d = processed_dir or None
    return dataset.indicators(d), dataset.reports(d)


def page_fingerprints(processed_dir: str | Path) -> dict[str, str]:
    """What decides the indicators each page shows: {"indicators": the whole table, agency:
    its rows}, so that a page runs again only when its rows changed ({} before a build)."""
    from .. import dataset
    from .data import fingerprint

    try:
        ind = dataset.indicators(processed_dir)
    except FileNotFoundError:
        return {}
    out = {"indicators": fingerprint(ind)}
    for agency, rows in ind.groupby("agency", sort=False):
        out[str(agency)] = fingerprint(rows.reset_index(drop=True))
    return out


def for_agency(processed_dir: str | None, agency: str) -> pd.DataFrame:
    """One agency's indicator rows, read from the year partitions with a filter (an agency page
    need not load a national table)."""
    import pyarrow.dataset as pads

    from .. import dataset

    names = list(dataset.tidy.INDICATORS_SCHEMA.names)
    try:
        scan = dataset.scan("indicators", processed_dir or None)
    except FileNotFoundError:  # tables built before the indicators: the page says 无, and runs
        return dataset.tidy.INDICATORS_SCHEMA.empty_table().to_pandas()[names]
    return scan.to_table(filter=pads.field("agency") == agency).to_pandas()[names]


# ---- the list of problems, sortable and filterable without any script --------------------
# Radio buttons and CSS only (the pages hold no script at all): one filter per indicator, and
# one copy of the table per sort order, the chosen one shown.
SORTS = [
    ("agency", "按机关", ["agency", "report_year", "indicator"], True),
    ("year", "按年度", ["report_year", "agency", "indicator"], True),
    ("indicator", "按指标", ["indicator", "agency", "report_year"], True),
    ("value", "按数值(从大到小)", ["value", "agency", "report_year"], False),
]
_COLUMNS = [
    ("agency", "机关"),
    ("report_year", "年度"),
    ("指标", "指标"),
    ("状态", "状态"),
    ("value", "数值"),
    ("detail", "说明"),
    ("evidence", "依据"),
    ("report_id", "报告文件"),
]


def _css(indicators: list[str]) -> str:
    rules = [
        ".gdr-pl input {margin-left: 0.8em;}",
        ".gdr-pl .gdr-sorted {display: none;}",
    ]
    for key, *_ in SORTS:
        rules.append(f"#gdr-s-{key}:checked ~ .gdr-tables .gdr-by-{key} {{display: block;}}")
    for i in indicators:
        rules.append(
            f"#gdr-f-{i}:checked ~ .gdr-tables tr.gdr-row:not(.gdr-i-{i}) {{display: none;}}"
        )
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def problems_table(p: pd.DataFrame, max_rows: int = 2000) -> str:
    """The problems as an HTML block: filter by indicator, sort by agency, year, indicator or
    value (radio buttons; no script). Every text is escaped."""
    from .html import esc, esc_lines, wrap

    if p.empty:
        return wrap('<p class="note">没有发现问题。</p>')
    shown = p.head(max_rows)
    codes = [c for c in INDICATOR_LABELS if c in set(shown["indicator"])]
    radios = [
        '<input type="radio" name="gdr-f" id="gdr-f-all" checked>'
        '<label for="gdr-f-all">全部指标</label>'
    ]
    for c in codes:
        radios.append(
            f'<input type="radio" name="gdr-f" id="gdr-f-{c}">'
            f'<label for="gdr-f-{c}">{esc(INDICATOR_LABELS[c])}</label>'
        )
    radios.append("<br>排序:")
    for i, (key, label, _, _) in enumerate(SORTS):
        checked = " checked" if i == 0 else ""
        radios.append(
            f'<input type="radio" name="gdr-s" id="gdr-s-{key}"{checked}>'
            f'<label for="gdr-s-{key}">{esc(label)}</label>'
        )
    head = "".join(f"<th>{esc(label)}</th>" for _, label in _COLUMNS)
    tables = []
    for key, _, by, asc in SORTS:
        body = []
        for _, r in shown.sort_values(
            by, ascending=asc, kind="stable", na_position="last"
        ).iterrows():
            cells = []
            for col, _ in _COLUMNS:
                v = r.get(col)
                if col == "report_year" and v is not None and v == v:
                    v = int(v)
                cls = ' class="num"' if col in ("report_year", "value") else ""
                cells.append(f"<td{cls}>{esc_lines(v)}</td>")
            body.append(f'<tr class="gdr-row gdr-i-{r["indicator"]}">' + "".join(cells) + "</tr>")
        tables.append(
            f'<div class="gdr-sorted gdr-by-{key}"><table class="gdr-t"><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table></div>"
        )
    more = (
        f'<p class="note">另有 {len(p) - max_rows} 行未显示,完整列表见 '
        "data/processed/indicators.csv。</p>"
        if len(p) > max_rows
        else ""
    )
    return wrap(
        _css(codes)
        + '<div class="gdr-pl">筛选:'
        + "".join(radios)
        + f'<div class="gdr-tables">{"".join(tables)}</div></div>'
        + more
    )
