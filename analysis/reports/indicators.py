"""What the indicators page and the agency pages show of the `indicators` table.

Plain DataFrames: the per-agency summary (also printed by `python -m analysis indicators`),
the list of reports with problems, counts by year, level and province, and the repeated
passages. Labels shown to users are Chinese; the table's codes stay in the data.
"""

from __future__ import annotations

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


def distribution(ind: pd.DataFrame, by: pd.Series | str, reports: pd.DataFrame | None = None):
    """Rows per indicator and status, counted by `by` (report_year, or a reports column such as
    level or province joined on report_id)."""
    df = ind
    if isinstance(by, str) and by not in ind.columns and reports is not None:
        df = ind.merge(reports[["report_id", by]], on="report_id", how="left")
    key = by if isinstance(by, str) else by.name
    df = df.assign(**{key: df[key].fillna("未知")}) if key in df.columns else df
    t = df.groupby([key, "indicator", "status"], dropna=False).size().rename("n").reset_index()
    t["指标"] = t["indicator"].map(INDICATOR_LABELS).fillna(t["indicator"])
    t["状态"] = t["status"].map(STATUS_LABELS).fillna(t["status"])
    return t.pivot_table(index=key, columns=["指标", "状态"], values="n", fill_value=0)


def passages(ind: pd.DataFrame) -> pd.DataFrame:
    """The repeated and shared passages of the flagged repetition and template rows."""
    sel = ind.loc[ind["indicator"].isin(["repetition", "template"]) & (ind["status"] == "flagged")]
    return sel[["report_id", "agency", "report_year", "indicator", "value", "detail", "evidence"]]


def agency_row(ind: pd.DataFrame, agency: str) -> pd.DataFrame:
    """The one-row summary of `agency` for its page (empty if it has no indicators)."""
    s = agency_summary(ind.loc[ind["agency"] == agency])
    return s.rename(
        columns={
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
    )
