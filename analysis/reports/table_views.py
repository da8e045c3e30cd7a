"""Analyst views of the table cells and checks, for the agency summary and corpus overview.

The cells table has one row per figure (25 rows × 7 columns for table 三 alone); an
analyst asks "how did this agency's applications end, and for whom", and "which reports
do not add up". These two views answer that, so the notebooks stay a call and a chart.
"""

from __future__ import annotations

import pandas as pd

from ..tables.template import T3_GROUP_ITEMS, T3_ORGS, T3_OTHER_2019

# outcome groups of table 三, in the template's order, with the rows each one sums
OUTCOMES: list[tuple[str, str, list[str]]] = [
    ("new", "本年新收", ["new"]),
    ("carried_over", "上年结转", ["carried_over"]),
    ("granted", "予以公开", ["granted"]),
    ("partial", "部分公开", ["partial"]),
    ("denied", "不予公开", T3_GROUP_ITEMS["denied"]),
    ("unable", "无法提供", T3_GROUP_ITEMS["unable"]),
    ("not_processed", "不予处理", T3_GROUP_ITEMS["not_processed"]),
    ("other", "其他处理", T3_GROUP_ITEMS["other"] + [T3_OTHER_2019]),
    ("total", "办理结果总计", ["total"]),
    ("carried_forward", "结转下年度", ["carried_forward"]),
]
APPLICANTS = [("natural_person", "自然人"), ("legal_person", "法人或其他组织"), ("total", "总计")]


def outcome_breakdown(cells: pd.DataFrame) -> pd.DataFrame:
    """How applications ended, per report: one row per outcome group, one column per applicant kind.

    A group is the sum of its items, or empty when an item is empty (a cut-off table is
    not a table of zeros); 法人或其他组织 is the sum of its five kinds the same way.
    """
    t3 = cells[cells["table"] == "三"]
    cols = ["report_id", "agency", "report_year", "outcome", "outcome_label"] + [
        k for k, _ in APPLICANTS
    ]
    if t3.empty:
        return pd.DataFrame(columns=cols)
    kind = t3["col_key"].map(lambda c: "legal_person" if c in T3_ORGS else c)
    t3 = t3.assign(kind=kind)
    t3 = t3[t3["kind"].isin([k for k, _ in APPLICANTS])]
    frames = []
    for key, label, rows in OUTCOMES:
        part = t3[t3["row_key"].isin(rows + [f"{key}_subtotal"])]
        if part.empty:
            continue
        # a subtotal row, where the report has one, stands for its items
        has_sub = part.groupby("report_id")["row_key"].transform(
            lambda s: (s == f"{key}_subtotal").any()
        )
        part = part[~has_sub | (part["row_key"] == f"{key}_subtotal")]
        g = (
            part.groupby(["report_id", "agency", "report_year", "kind"], dropna=False)["value"]
            .agg(lambda v: v.sum() if v.notna().all() else float("nan"))
            .unstack("kind")
        )
        g = g.reset_index().assign(outcome=key, outcome_label=label)
        frames.append(g)
    out = pd.concat(frames, ignore_index=True)
    for k, _ in APPLICANTS:
        if k not in out:
            out[k] = float("nan")
    order = {k: i for i, (k, _, _) in enumerate(OUTCOMES)}
    out = out.sort_values(
        ["report_id", "outcome"], key=lambda s: s.map(order) if s.name == "outcome" else s
    )
    out = out[cols].reset_index(drop=True)
    out.columns.name = None
    return out


def check_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Per report: how many checks pass, fail or cannot be assessed, and what fails."""
    cols = ["report_id", "agency", "report_year", "pass", "fail", "cannot assess", "failing"]
    if checks.empty:
        return pd.DataFrame(columns=cols)
    counts = (
        checks.groupby(["report_id", "agency", "report_year", "status"], dropna=False)
        .size()
        .unstack("status", fill_value=0)
    )
    for s in ("pass", "fail", "cannot assess"):
        if s not in counts:
            counts[s] = 0
    failing = (
        checks[checks["status"] == "fail"]
        .groupby("report_id")["message"]
        .agg(lambda m: " | ".join(m))
    )
    out = counts.reset_index()
    out.columns.name = None
    out["failing"] = out["report_id"].map(failing).fillna("")
    return (
        out[cols].sort_values(["fail", "report_id"], ascending=[False, True]).reset_index(drop=True)
    )
