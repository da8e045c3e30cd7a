"""What each report notebook shows, as plain DataFrames: the logic behind the notebooks.

Notebooks stay thin (load, call, show); everything they compute lives here so it is
tested like any other code, and so `analysis.reports` can fingerprint exactly the data a
notebook will read and skip it when that data did not change.
All reading goes through analysis.dataset, so the storage layout can change underneath.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from .. import dataset
from ..labels import FORMAT_LABELS, LEVEL_LABELS, SCRIPT_LABELS
from ..metrics import METRICS, SCORED, label, unit

APPLICATION_OUTCOMES = [
    "applications_granted",
    "applications_partially_granted",
    "applications_denied",
    "applications_unable_to_provide",
    "applications_not_processed",
    "applications_other_handling",
]
REVIEW = ["reconsideration_cases", "litigation_cases"]
DEFAULT_CROSS_YEAR = [
    "proactive_total",
    "applications_received",
    "applications_granted",
    "reconsideration_cases",
    "litigation_cases",
    "fees_collected_yuan",
    "policy_interpretations",
    "npc_suggestions",
    "cppcc_proposals",
]
NO_AGENCY = "（未识别机关）"
MISSING_TEXT = "缺失"  # what every table and chart shows for a figure the report does not give


def fmt_value(value: float, approximate: bool = False) -> str:
    """A figure as pages show it: thousands separated, ≈ for an approximate one.

    >>> fmt_value(12345), fmt_value(2.5), fmt_value(30, approximate=True), fmt_value(None)
    ('12,345', '2.5', '≈30', '缺失')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT
    v = float(value)
    s = f"{int(v):,}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
    return ("≈" if approximate else "") + s


@dataclass
class Corpus:
    reports: pd.DataFrame  # one row per report, duplicates left out (never counted twice)
    all_reports: pd.DataFrame  # duplicates included, for the overview's list of them
    metrics: pd.DataFrame
    issues: pd.DataFrame
    cells: pd.DataFrame
    checks: pd.DataFrame


def load(processed_dir: str | Path | None = None) -> Corpus:
    d = processed_dir or None
    all_reports = dataset.reports(d, include_duplicates=True)
    reports = all_reports[all_reports["status"] != "duplicate"].reset_index(drop=True)
    keep = set(reports["report_id"])
    metrics = dataset.metrics(d)
    metrics = metrics[metrics["report_id"].isin(keep)].reset_index(drop=True)
    return Corpus(
        reports=reports,
        all_reports=all_reports,
        metrics=metrics,
        issues=dataset.issues(d),
        cells=dataset.cells(d),
        checks=dataset.checks(d),
    )


def agencies(corpus: Corpus) -> list[str]:
    """Every agency with at least one counted report, sorted; one summary is made for each."""
    return sorted(corpus.reports["agency"].dropna().astype(str).unique())


def pick_agency(corpus: Corpus, agency: str | None) -> str:
    """The agency asked for, or the first one when the parameter is left empty (for Lab)."""
    names = agencies(corpus)
    if not agency:
        if not names:
            raise ValueError("the corpus has no report with a known agency")
        return names[0]
    if agency not in names:
        raise ValueError(
            f"agency {agency!r} is not in the corpus; known: {', '.join(names[:20])}"
            + (" …" if len(names) > 20 else "")
        )
    return agency


@dataclass
class AgencyView:
    agency: str
    reports: pd.DataFrame  # its counted reports, by year
    duplicates: pd.DataFrame  # files that repeat one of them
    metrics: pd.DataFrame
    issues: pd.DataFrame
    cells: pd.DataFrame
    checks: pd.DataFrame


def agency_view(corpus: Corpus, agency: str) -> AgencyView:
    reps = corpus.reports[corpus.reports["agency"] == agency].sort_values(
        ["report_year", "report_id"], na_position="last"
    )
    ids = set(reps["report_id"])
    dups = corpus.all_reports[
        (corpus.all_reports["status"] == "duplicate") & corpus.all_reports["duplicate_of"].isin(ids)
    ]
    ids_all = ids | set(dups["report_id"])
    checks = corpus.checks[
        corpus.checks["report_id"].isin(ids) | (corpus.checks["agency"] == agency)
    ]
    return AgencyView(
        agency=agency,
        reports=reps.reset_index(drop=True),
        duplicates=dups.sort_values("report_id").reset_index(drop=True),
        metrics=corpus.metrics[corpus.metrics["report_id"].isin(ids)]
        .sort_values(["report_year", "report_id", "metric"])
        .reset_index(drop=True),
        issues=corpus.issues[corpus.issues["report_id"].isin(ids_all)]
        .sort_values(["report_id", "level", "code"])
        .reset_index(drop=True),
        cells=corpus.cells[corpus.cells["report_id"].isin(ids)].reset_index(drop=True),
        checks=checks.sort_values(["report_id", "check"]).reset_index(drop=True),
    )


def fingerprint(*frames: pd.DataFrame) -> str:
    """A stable hash of table contents (order-sensitive), for skipping unchanged reports."""
    h = hashlib.sha256()
    for f in frames:
        h.update(json.dumps(list(map(str, f.columns)), ensure_ascii=False).encode())
        h.update(f.to_csv(index=False).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def view_fingerprint(view: AgencyView) -> str:
    return fingerprint(*(getattr(view, f.name) for f in fields(view) if f.name != "agency"))


def corpus_fingerprint(corpus: Corpus) -> str:
    return fingerprint(*(getattr(corpus, f.name) for f in fields(corpus)))


def report_labels(reports: pd.DataFrame) -> dict[str, str]:
    """report_id → x label: the year, made unique when an agency has two reports in a year."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for _, r in reports.iterrows():
        y = "年份不明" if pd.isna(r["report_year"]) else str(int(r["report_year"]))
        seen[y] = seen.get(y, 0) + 1
        out[r["report_id"]] = y if seen[y] == 1 else f"{y}（{seen[y]}）"
    return out


def year_frame(view: AgencyView, metric_names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, approximate): one row per report of the agency, one column per metric.

    A metric the report does not give stays NaN (drawn as missing), never 0.
    """
    labels = report_labels(view.reports)
    idx = [labels[r] for r in view.reports["report_id"]]
    values = pd.DataFrame(float("nan"), index=idx, columns=metric_names, dtype=float)
    approx = pd.DataFrame(False, index=idx, columns=metric_names, dtype=bool)
    for _, m in view.metrics[view.metrics["metric"].isin(metric_names)].iterrows():
        if pd.notna(m["value"]):
            values.loc[labels[m["report_id"]], m["metric"]] = float(m["value"])
            approx.loc[labels[m["report_id"]], m["metric"]] = bool(m["approximate"])
    return values, approx


def figures_table(view: AgencyView) -> pd.DataFrame:
    """Every figure of every year: the value, its unit, the evidence sentence and flags."""
    m = view.metrics.copy()
    order = {name: i for i, name in enumerate(METRICS)}
    m["_o"] = m["metric"].map(lambda x: order.get(x, len(order)))
    m = m.sort_values(["report_year", "report_id", "_o"])
    return pd.DataFrame(
        {
            "年份": m["report_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
            "指标": m["label"].fillna(m["metric"]),
            "数值": [fmt_value(v, a) for v, a in zip(m["value"], m["approximate"])],
            "单位": m["unit"].fillna(""),
            "原文依据": m["evidence"].fillna(""),
            "标记": [
                _flag_text(f, a, c)
                for f, a, c in zip(m["flags"], m["approximate"], m["confidence"])
            ],
            "报告": m["report_id"],
        }
    ).reset_index(drop=True)


def _flag_text(flags: object, approximate: bool, confidence: object) -> str:
    parts = []
    if approximate:
        parts.append("约数")
    if isinstance(flags, str) and flags.strip():
        parts.append(flags.strip())
    if pd.notna(confidence) and float(confidence) < 0.7:
        parts.append(f"置信度低（{float(confidence):.2f}）")
    return "；".join(parts)


def missing_and_flagged(view: AgencyView) -> pd.DataFrame:
    """Per report: the main figures it does not give, flagged figures, and its issues."""
    rows = []
    for _, r in view.reports.iterrows():
        rid = r["report_id"]
        year = "" if pd.isna(r["report_year"]) else str(int(r["report_year"]))
        got = set(
            view.metrics[(view.metrics["report_id"] == rid) & view.metrics["value"].notna()][
                "metric"
            ]
        )
        missing = [label(m) for m in SCORED if m not in got]
        if missing:
            rows.append(
                {"年份": year, "报告": rid, "类别": "未找到的主要数字", "说明": "、".join(missing)}
            )
        mm = view.metrics[view.metrics["report_id"] == rid]
        for _, m in mm.iterrows():
            t = _flag_text(m["flags"], bool(m["approximate"]), m["confidence"])
            if t:
                rows.append(
                    {"年份": year, "报告": rid, "类别": f"数字有标记：{m['label']}", "说明": t}
                )
        for _, i in view.issues[view.issues["report_id"] == rid].iterrows():
            rows.append(
                {
                    "年份": year,
                    "报告": rid,
                    "类别": f"{_LEVEL.get(i['level'], i['level'])}（{i['code']}）",
                    "说明": i["message"],
                }
            )
        ov = r.get("overrides")
        if isinstance(ov, str) and ov not in ("", "{}"):
            rows.append({"年份": year, "报告": rid, "类别": "清单（manifest）改写", "说明": ov})
    for _, d in view.duplicates.iterrows():
        rows.append(
            {
                "年份": "" if pd.isna(d["report_year"]) else str(int(d["report_year"])),
                "报告": d["report_id"],
                "类别": "重复文件（未计入）",
                "说明": f"与 {d['duplicate_of']} 相同",
            }
        )
    return pd.DataFrame(rows, columns=["年份", "报告", "类别", "说明"])


_LEVEL = {"error": "错误", "warning": "警告", "info": "提示"}


def table_cells(view: AgencyView) -> dict[str, pd.DataFrame]:
    """Each standard table a report gives (e.g. 表三 outcomes), rows × columns, blank = absent."""
    out: dict[str, pd.DataFrame] = {}
    if view.cells.empty:
        return out
    labels = report_labels(view.reports)
    for (rid, table), g in view.cells.groupby(["report_id", "table"], sort=False):
        g = g.sort_values(["line", "row_key", "col_key"], na_position="last")
        rows = list(dict.fromkeys(g["row_label"].fillna(g["row_key"])))
        cols = list(dict.fromkeys(g["col_label"].fillna(g["col_key"])))
        p = pd.DataFrame("", index=rows, columns=cols, dtype=object)
        for _, c in g.iterrows():
            p.loc[
                c["row_label"] if pd.notna(c["row_label"]) else c["row_key"],
                c["col_label"] if pd.notna(c["col_label"]) else c["col_key"],
            ] = fmt_value(c["value"])
        out[f"{labels.get(rid, rid)} · 表{table}"] = p
    return dict(sorted(out.items(), key=lambda kv: ("三" not in kv[0], kv[0])))


def checks_table(view: AgencyView) -> pd.DataFrame:
    c = view.checks
    return pd.DataFrame(
        {
            "报告": c["report_id"],
            "检查": c["check"],
            "结果": c["status"],
            "说明": c["message"].fillna(""),
        }
    )


# ---- cross-year -------------------------------------------------------------------------


def scope(corpus: Corpus, agency_filter: list[str] | str | None) -> pd.DataFrame:
    """The counted reports in scope: all, or those of the agencies named in the filter."""
    reps = corpus.reports[corpus.reports["agency"].notna() & corpus.reports["report_year"].notna()]
    if agency_filter:
        wanted = [agency_filter] if isinstance(agency_filter, str) else list(agency_filter)
        unknown = sorted(set(wanted) - set(reps["agency"]))
        if unknown:
            raise ValueError(f"not in the corpus: {', '.join(map(repr, unknown))}")
        reps = reps[reps["agency"].isin(wanted)]
    return reps.sort_values(["agency", "report_year", "report_id"]).reset_index(drop=True)


def scope_text(reps: pd.DataFrame, metric_names: list[str]) -> str:
    if reps.empty:
        return "范围内没有报告。"
    years = reps["report_year"].astype(int)
    span = str(years.min()) if years.min() == years.max() else f"{years.min()}–{years.max()}"
    return (
        f"范围：{reps['agency'].nunique()} 个机关、{len(reps)} 份报告，{span} 年；"
        f"{len(metric_names)} 个指标。颜色按机关固定。"
    )


def metric_long(corpus: Corpus, reps: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per report in scope with the metric's value (NaN where it is not given)."""
    m = corpus.metrics[corpus.metrics["metric"] == metric][["report_id", "value", "approximate"]]
    out = reps[["report_id", "agency", "report_year"]].merge(m, on="report_id", how="left")
    out["approximate"] = out["approximate"].fillna(False).astype(bool)
    return out


def coverage_by_agency_year(
    corpus: Corpus, reps: pd.DataFrame, metric_names: list[str]
) -> pd.DataFrame:
    """Agencies × years: number of the chosen figures found; NaN where no report exists."""
    m = corpus.metrics[
        corpus.metrics["metric"].isin(metric_names) & corpus.metrics["value"].notna()
    ]
    n = m.groupby("report_id")["metric"].nunique()
    r = reps.assign(found=reps["report_id"].map(n).fillna(0))
    grid = r.groupby(["agency", "report_year"])["found"].max().unstack("report_year")
    if len(grid.columns):
        years = range(int(min(grid.columns)), int(max(grid.columns)) + 1)
        grid = grid.reindex(columns=list(years))
    grid.columns = [int(c) for c in grid.columns]
    return grid.sort_index()


def coverage_detail(corpus: Corpus, reps: pd.DataFrame, metric_names: list[str]) -> pd.DataFrame:
    """One row per report in scope: which of the chosen figures it gives (✓) or not (—)."""
    got = corpus.metrics[corpus.metrics["value"].notna()].groupby("report_id")["metric"].apply(set)
    rows = []
    for _, r in reps.iterrows():
        have = got.get(r["report_id"], set())
        row = {"机关": r["agency"], "年份": int(r["report_year"]), "报告": r["report_id"]}
        for m in metric_names:
            row[label(m)] = "✓" if m in have else "—"
        rows.append(row)
    return pd.DataFrame(rows)


def figures_text(corpus: Corpus, reps: pd.DataFrame | None = None) -> str:
    """Every figure as plain text, sorted by report and metric: the stored nbval output.

    Deterministic by construction (sorted, values formatted exactly, no floats printed
    raw), so any change in an extracted figure changes this text and fails CI.
    """
    m = corpus.metrics
    if reps is not None:
        m = m[m["report_id"].isin(set(reps["report_id"]))]
    m = m.sort_values(["report_id", "metric"])
    lines = [f"{len(m)} figures in {m['report_id'].nunique()} reports"]
    for _, r in m.iterrows():
        year = "----" if pd.isna(r["report_year"]) else str(int(r["report_year"]))
        lines.append(
            f"{r['report_id']}  {year}  {r['metric']:<32} "
            f"{fmt_value(r['value'], bool(r['approximate'])):>10} {unit(r['metric'])}"
        )
    return "\n".join(lines)


# ---- corpus overview ----------------------------------------------------------------------


OVERVIEW_COUNTS = [
    ("report_year", "按报告年份", None),
    ("script", "按字形（原文）", SCRIPT_LABELS),
    ("format", "按报告格式", FORMAT_LABELS),
    ("level", "按行政层级", LEVEL_LABELS),
    ("place", "按地区", None),
]


def counts(
    corpus: Corpus, column: str, labels: dict[str, str] | None = None, top: int | None = None
) -> pd.Series:
    """Counted reports per value of a column; unknown values are counted as 未知, not dropped.

    With `top`, the rarer values are summed into one 其他（N 个） entry so a chart stays readable.
    """
    s = corpus.reports[column]
    if column == "report_year":
        s = s.map(lambda y: "未知" if pd.isna(y) else str(int(y)))
    else:
        s = s.map(lambda v: "未知" if pd.isna(v) or v == "" else (labels or {}).get(v, v))
    c = s.value_counts()
    c = c.reindex(sorted(c.index, key=lambda k: (k == "未知", k)))
    if top and len(c) > top:
        keep = c.sort_values(ascending=False, kind="stable").index[:top]
        rest = c.drop(keep)
        c = pd.concat(
            [c[c.index.isin(keep)], pd.Series({f"其他（{len(rest)} 个）": int(rest.sum())})]
        )
    return c.rename("报告数")


def metric_coverage(corpus: Corpus) -> pd.DataFrame:
    """Per metric: how many readable, counted reports give it, of how many."""
    ok = corpus.reports[corpus.reports["status"] == "ok"]
    n = len(ok)
    found = corpus.metrics[
        corpus.metrics["value"].notna() & corpus.metrics["report_id"].isin(set(ok["report_id"]))
    ]
    per = found.groupby("metric")["report_id"].nunique()
    rows = [
        {
            "metric": m,
            "title": f"{label(m)}（{unit(m)}）",
            "found": int(per.get(m, 0)),
            "reports": n,
            "share": (per.get(m, 0) / n) if n else 0.0,
        }
        for m in METRICS
    ]
    extra = sorted(set(per.index) - set(METRICS))
    rows += [
        {"metric": m, "title": m, "found": int(per[m]), "reports": n, "share": per[m] / n}
        for m in extra
    ]
    return pd.DataFrame(rows)


def coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "指标": coverage["title"],
            "规范名": coverage["metric"],
            "找到": coverage["found"],
            "报告数": coverage["reports"],
            "占比": coverage["share"].map(lambda x: f"{x:.0%}"),
        }
    )


def info_notes(corpus: Corpus) -> pd.DataFrame:
    """Info-level notes (manifest overrides, guessed years): shown, but not problems."""
    iss = corpus.issues[corpus.issues["level"] == "info"].sort_values(["report_id", "code"])
    return pd.DataFrame(
        {"报告": iss["report_id"], "代码": iss["code"], "说明": iss["message"]}
    ).reset_index(drop=True)


def problem_reports(corpus: Corpus) -> pd.DataFrame:
    """Every report with a warning or an error (duplicates included), and why."""
    iss = corpus.issues[corpus.issues["level"].isin(["warning", "error"])]
    meta = corpus.all_reports.set_index("report_id")
    rows = []
    for _, i in iss.sort_values(["report_id", "level", "code"]).iterrows():
        rid = i["report_id"]
        agency = meta["agency"].get(rid) if rid in meta.index else None
        rows.append(
            {
                "报告": rid,
                "机关": "" if pd.isna(agency) else agency,
                "级别": _LEVEL.get(i["level"], i["level"]),
                "代码": i["code"],
                "原因": i["message"],
            }
        )
    bad = corpus.all_reports[corpus.all_reports["status"] == "error"]
    for _, r in bad.iterrows():
        if r["report_id"] not in set(iss["report_id"]):
            rows.append(
                {
                    "报告": r["report_id"],
                    "机关": "" if pd.isna(r["agency"]) else r["agency"],
                    "级别": "错误",
                    "代码": "unreadable",
                    "原因": r["flags"] or "could not be read",
                }
            )
    return pd.DataFrame(rows, columns=["报告", "机关", "级别", "代码", "原因"])


def overview_summary(corpus: Corpus) -> str:
    """One sentence for the top of the overview page."""
    a = corpus.all_reports
    return (
        f"共 {len(a)} 个文件：{len(corpus.reports)} 份报告计入（{len(agencies(corpus))} 个机关），"
        f"{int((a['status'] == 'duplicate').sum())} 个重复文件未计入，"
        f"{int((corpus.reports['status'] == 'error').sum())} 个文件无法读取。"
    )


def overview_text(corpus: Corpus) -> str:
    """The corpus in numbers as plain text (stored nbval output: deterministic)."""
    lines = [
        f"reports: {len(corpus.all_reports)} files, {len(corpus.reports)} counted, "
        f"{int((corpus.all_reports['status'] == 'duplicate').sum())} duplicates, "
        f"{int((corpus.reports['status'] == 'error').sum())} unreadable"
    ]
    for col, labels in [
        ("report_year", None),
        ("script", SCRIPT_LABELS),
        ("format", FORMAT_LABELS),
        ("level", LEVEL_LABELS),
        ("place", None),
    ]:
        c = counts(corpus, col, labels)
        lines.append(f"{col}: " + ", ".join(f"{k}={v}" for k, v in c.items()))
    lines.append("coverage (reports giving the figure):")
    for _, r in metric_coverage(corpus).iterrows():
        if r["found"]:
            lines.append(f"  {r['metric']:<32} {r['found']}/{r['reports']}")
    return "\n".join(lines)


def check_metrics(names: list[str] | str | None) -> list[str]:
    """The metrics a notebook was asked for, or the default set; unknown names are an error."""
    if not names:
        return list(DEFAULT_CROSS_YEAR)
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(
            f"unknown metric(s) {', '.join(map(repr, unknown))}; see analysis/metrics.py"
        )
    return names
