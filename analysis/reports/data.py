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

import numpy as np
import pandas as pd

from .. import dataset
from ..labels import FORMAT_LABELS, LEVEL_LABELS, SCRIPT_LABELS
from ..metrics import METRICS, SCORED, label, unit
from .evidence import page_label

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


_LOADED: dict[str, tuple[tuple, Corpus]] = {}
TABLES = ("reports", "metrics", "issues", "cells", "checks")


def _signature(processed_dir: str | Path | None) -> tuple:
    """What identifies the tables on disk: each file's size and modification time, flat or
    in year partitions (`dataset.signature`: a national corpus's large tables have no flat
    file)."""
    return tuple((name, dataset.signature(name, processed_dir)) for name in TABLES)


def load(processed_dir: str | Path | None = None) -> Corpus:
    """The counted reports and their tables, read once per process while the files stay put.

    A warm kernel (analysis.reports.engine) runs many pages in one process: the second and
    later pages get the tables from memory. Each call returns its own shallow copies
    (copy-on-write), so a notebook that changes a table cannot change the next page's data.
    """
    key = str(Path(processed_dir).resolve()) if processed_dir else ""
    sig = _signature(processed_dir)
    hit = _LOADED.get(key)
    if hit is None or hit[0] != sig:
        _LOADED.pop(key, None)
        hit = (sig, _read(processed_dir))
        _LOADED[key] = hit
    base = hit[1]
    copy = Corpus(**{f.name: getattr(base, f.name).copy(deep=False) for f in fields(base)})
    _share_index(base, copy)
    return copy


# the columns the pages read of the two largest tables (a national corpus has ~100 table
# cells per report: their evidence strings alone would double what a kernel holds)
CELL_COLUMNS = [
    "report_id",
    "agency",
    "report_year",
    "table",
    "row_key",
    "col_key",
    "row_label",
    "col_label",
    "value",
    "line",
    "page",  # PDF and OCR cells: where they stand (the agency page shows an OCR'd row's crop)
    "box",
]
CHECK_COLUMNS = ["report_id", "agency", "report_year", "check", "status", "message"]
# held as categories in the corpus (a few hundred distinct labels over millions of cells: a
# national corpus's cells take a quarter of the memory); an agency's view gets them as str
CELL_CATEGORIES = ["table", "row_key", "col_key", "row_label", "col_label"]


# what the corpus pages (cross_year, corpus_overview) read of the figures: their values, not
# their evidence; they show no table cell and no check, so load_figures reads neither (a
# national corpus has ~9 M cells, most of what `load` costs)
FIGURE_COLUMNS = ["report_id", "report_year", "metric", "value", "approximate"]
_FIGURES = "figures:"  # the cache key's prefix for what load_figures holds


def load_figures(processed_dir: str | Path | None = None) -> Corpus:
    """What the corpus pages read: every report, each figure's value (FIGURE_COLUMNS) and the
    issues; `cells` and `checks` are empty. Cached like `load` (and taken from a corpus `load`
    already holds), each call returning its own shallow copies.
    """
    key = str(Path(processed_dir).resolve()) if processed_dir else ""
    sig = _signature(processed_dir)
    hit = _LOADED.get(_FIGURES + key)
    if hit is None or hit[0] != sig:
        _LOADED.pop(_FIGURES + key, None)
        full = _LOADED.get(key)
        base = _figures_of(full[1]) if full and full[0] == sig else _read_figures(processed_dir)
        hit = (sig, base)
        _LOADED[_FIGURES + key] = hit
    base = hit[1]
    return Corpus(**{f.name: getattr(base, f.name).copy(deep=False) for f in fields(base)})


def _no_rows(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _figures_of(corpus: Corpus) -> Corpus:
    return Corpus(
        reports=corpus.reports,
        all_reports=corpus.all_reports,
        metrics=corpus.metrics[[c for c in FIGURE_COLUMNS if c in corpus.metrics.columns]],
        issues=corpus.issues,
        cells=_no_rows(CELL_COLUMNS),
        checks=_no_rows(CHECK_COLUMNS),
    )


def _counted(
    d: str | Path | None, metric_columns: list[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(all reports, the counted ones, their figures): a duplicate file's figures are left out
    too; taking rows of every column costs seconds, so only when some go."""
    all_reports = dataset.reports(d, include_duplicates=True)
    reports = all_reports[all_reports["status"] != "duplicate"].reset_index(drop=True)
    metrics = dataset.load("metrics", d, columns=metric_columns)
    counted = _isin(metrics["report_id"], reports["report_id"])
    if not counted.all():
        metrics = metrics[counted].reset_index(drop=True)
    return all_reports, reports, metrics


def _read_figures(processed_dir: str | Path | None) -> Corpus:
    d = processed_dir or None
    all_reports, reports, metrics = _counted(d, FIGURE_COLUMNS)
    return Corpus(
        reports=_one_chunk(reports),
        all_reports=_one_chunk(all_reports),
        metrics=_one_chunk(metrics),
        issues=_one_chunk(dataset.issues(d)),
        cells=_no_rows(CELL_COLUMNS),
        checks=_no_rows(CHECK_COLUMNS),
    )


def _one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow-backed columns in one chunk each: taking rows from a many-chunk column is ~100×
    slower, and an agency view takes a few rows from every table."""
    for c in frame.columns:
        arr = frame[c].array
        pa_arr = getattr(arr, "_pa_array", None)
        if pa_arr is not None and getattr(pa_arr, "num_chunks", 1) > 1:
            frame[c] = pd.Series(
                pd.array(pa_arr.combine_chunks(), dtype=frame[c].dtype), index=frame.index
            )
    return frame


def _read(processed_dir: str | Path | None) -> Corpus:
    d = processed_dir or None
    all_reports, reports, metrics = _counted(d, None)
    return Corpus(
        reports=_one_chunk(reports),
        all_reports=_one_chunk(all_reports),
        metrics=_one_chunk(metrics),
        issues=_one_chunk(dataset.issues(d)),
        cells=_one_chunk(
            dataset.load("cells", d, columns=CELL_COLUMNS, categories=CELL_CATEGORIES)
        ),
        checks=_one_chunk(dataset.load("checks", d, columns=CHECK_COLUMNS)),
    )


@dataclass
class _Index:
    """Row positions by agency and by report, so one agency's view costs its own rows only."""

    shape: tuple[int, ...]
    names: list[str]
    reports: dict[str, np.ndarray]  # agency -> rows of corpus.reports
    duplicates: dict[str, np.ndarray]  # report_id of the original -> rows of all_reports
    metrics: dict[str, np.ndarray]  # report_id -> rows
    issues: dict[str, np.ndarray]
    cells: dict[str, np.ndarray]
    checks: dict[str, np.ndarray]
    checks_by_agency: dict[str, np.ndarray]
    report_ids: np.ndarray  # corpus.reports["report_id"] as an object array
    all_report_ids: np.ndarray


_INDEXES: list[tuple[tuple[int, ...], _Index]] = []  # (ids of the corpus's frames, index)
_EMPTY = np.array([], dtype=np.intp)


def _frames(corpus: Corpus) -> list[pd.DataFrame]:
    return [getattr(corpus, f.name) for f in fields(corpus)]


def _share_index(base: Corpus, copy: Corpus) -> None:
    idx = _index(base)
    _INDEXES.append((tuple(map(id, _frames(copy))), idx))
    del _INDEXES[:-8]


def _positions(frame: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    if frame.empty:
        return {}
    return {str(k): v for k, v in frame.groupby(column, sort=False).indices.items()}


def _index(corpus: Corpus) -> _Index:
    frames = _frames(corpus)
    ids, shape = tuple(map(id, frames)), tuple(len(f) for f in frames)
    for i, (key, idx) in enumerate(_INDEXES):
        if key == ids and idx.shape == shape:
            # most recently used last: the loaded corpus's own entry is used by every page,
            # so the copies of later pages must not push it out (rebuilding it cost ~2 s a
            # page at 100,000 reports, one page in eight)
            _INDEXES.append(_INDEXES.pop(i))
            return idx
    ar = corpus.all_reports
    idx = _Index(
        shape=shape,
        names=sorted(corpus.reports["agency"].dropna().astype(str).unique()),
        reports=_positions(corpus.reports, "agency"),
        duplicates={
            k: np.flatnonzero(ar["status"].to_numpy() == "duplicate")[v]
            for k, v in _positions(ar[ar["status"] == "duplicate"], "duplicate_of").items()
        },
        metrics=_positions(corpus.metrics, "report_id"),
        issues=_positions(corpus.issues, "report_id"),
        cells=_positions(corpus.cells, "report_id"),
        checks=_positions(corpus.checks, "report_id"),
        checks_by_agency=_positions(corpus.checks, "agency"),
        report_ids=corpus.reports["report_id"].to_numpy(dtype=object),
        all_report_ids=ar["report_id"].to_numpy(dtype=object),
    )
    _INDEXES.append((ids, idx))
    del _INDEXES[:-8]
    return idx


def agencies(corpus: Corpus) -> list[str]:
    """Every agency with at least one counted report, sorted; one summary is made for each."""
    return list(_index(corpus).names)


def corpus_agencies(corpus: Corpus) -> list[str]:
    """`agencies(corpus)` without building the agency index (what a corpus page needs)."""
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


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(parts)) if parts else _EMPTY


def _view_rows(idx: _Index, agency: str) -> dict[str, np.ndarray]:
    """Row positions, in table order, of everything one agency's view holds."""
    rep = idx.reports.get(agency, _EMPTY)
    ids = idx.report_ids[rep]
    dups = _cat([idx.duplicates[k] for k in ids if k in idx.duplicates])
    all_ids = list(ids) + list(idx.all_report_ids[dups])
    checks = [idx.checks[k] for k in ids if k in idx.checks]
    checks.append(idx.checks_by_agency.get(agency, _EMPTY))
    return {
        "reports": rep,
        "duplicates": dups,
        "metrics": _cat([idx.metrics[k] for k in ids if k in idx.metrics]),
        "issues": _cat([idx.issues[k] for k in all_ids if k in idx.issues]),
        "cells": _cat([idx.cells[k] for k in ids if k in idx.cells]),
        "checks": _cat(checks),
    }


_VIEW_TABLES = {
    "reports": "reports",
    "duplicates": "all_reports",
    "metrics": "metrics",
    "issues": "issues",
    "cells": "cells",
    "checks": "checks",
}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns back to str, as the tables store them."""
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype({c: "str" for c in cats}) if cats else frame


def forget() -> None:
    """Drop the tables this process holds (the planner, before its workers start)."""
    _LOADED.clear()
    _INDEXES.clear()


def agency_view(corpus: Corpus, agency: str) -> AgencyView:
    idx = _index(corpus)
    rows = _view_rows(idx, agency)
    take = {k: getattr(corpus, t).iloc[rows[k]] for k, t in _VIEW_TABLES.items()}
    return AgencyView(
        agency=agency,
        reports=take["reports"]
        .sort_values(["report_year", "report_id"], na_position="last")
        .reset_index(drop=True),
        duplicates=take["duplicates"].sort_values("report_id").reset_index(drop=True),
        metrics=take["metrics"]
        .sort_values(["report_year", "report_id", "metric"])
        .reset_index(drop=True),
        issues=take["issues"].sort_values(["report_id", "level", "code"]).reset_index(drop=True),
        cells=_plain(take["cells"]).reset_index(drop=True),
        checks=take["checks"].sort_values(["report_id", "check"]).reset_index(drop=True),
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


def _column_hash(col: pd.Series) -> np.ndarray:
    """One uint64 per value: strings are factorized first (Arrow does that in C) and only the
    distinct values hashed, which is ~10× faster than hashing every string of a long table."""
    if col.dtype.kind in "biuf":
        return pd.util.hash_array(col.to_numpy())
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    uh = pd.util.hash_array(np.asarray(uniques, dtype=object))
    uh = np.append(uh, np.uint64(0x9E3779B97F4A7C15))  # code -1 (missing) → a constant
    return uh[codes]


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One uint64 per row, from every column's value (order of columns matters)."""
    h = np.zeros(len(frame), dtype=np.uint64)
    if frame.empty:
        return h
    mult = np.uint64(1000003)
    with np.errstate(over="ignore"):
        for c in frame.columns:
            h = (h ^ _column_hash(frame[c])) * mult
            mult += np.uint64(82520 + 2 * len(frame.columns))
    return h


def _columns_hash(frames: list[pd.DataFrame]) -> bytes:
    cols = [list(map(str, f.columns)) for f in frames]
    return hashlib.sha256(json.dumps(cols, ensure_ascii=False).encode()).digest()


def agency_fingerprints(corpus: Corpus) -> dict[str, str]:
    """agency -> a hash of exactly the rows its summary reads (the rows agency_view takes).

    Row hashes are computed once per table, vectorized; each agency then hashes its own
    rows' values, so planning 10,000 pages costs seconds and a changed report changes only
    its own agency's value.
    """
    idx = _index(corpus)
    hashes = {
        k: _row_hashes(getattr(corpus, t)) for k, t in _VIEW_TABLES.items() if k != "duplicates"
    }
    hashes["duplicates"] = _row_hashes(corpus.all_reports)
    head = _columns_hash(_frames(corpus))
    out = {}
    for name in idx.names:
        h = hashlib.sha256(head)
        for k, pos in _view_rows(idx, name).items():
            h.update(k.encode())
            h.update(hashes[k][pos].tobytes())
        out[name] = h.hexdigest()
    return out


def corpus_digest(corpus: Corpus) -> str:
    """A hash of the rows and columns the corpus pages read (what `load_figures` gives: every
    report, the figures' values, the issues; not the table cells or checks, nor a figure's
    evidence, which no corpus page shows), so a change elsewhere does not re-run them."""
    frames = _frames(_figures_of(corpus))
    h = hashlib.sha256(_columns_hash(frames))
    for f in frames:
        h.update(len(f).to_bytes(8, "little"))
        h.update(_row_hashes(f).tobytes())
    return h.hexdigest()


def agency_rows(corpus: Corpus) -> list[dict]:
    """One entry per agency for the index: place, level, years and figures per report.

    `figures` is a list of (year label, figures found) in year order, so the index can show
    at a glance which reports of an agency gave little.
    """
    r = corpus.reports[corpus.reports["agency"].notna()]
    r = r.sort_values(["agency", "report_year", "report_id"], na_position="last")
    n = corpus.metrics[corpus.metrics["value"].notna()].groupby("report_id").size()
    found = r["report_id"].map(n).fillna(0).astype(int).to_numpy()
    region_col = region_column(corpus.reports)
    cols = {
        c: r[c].to_numpy(dtype=object) if c in r.columns else np.full(len(r), None, dtype=object)
        for c in ("agency", "report_year", "level", "place", region_col)
    }
    out: list[dict] = []
    cur: dict | None = None
    for i in range(len(r)):
        a = cols["agency"][i]
        if cur is None or cur["agency"] != a:
            cur = {"agency": str(a), "level": "", "place": "", "region": "", "figures": []}
            out.append(cur)
        for key, col in (("level", "level"), ("place", "place"), ("region", region_col)):
            v = cols[col][i]
            if not cur[key] and isinstance(v, str) and v:
                cur[key] = v
        y = cols["report_year"][i]
        cur["figures"].append(("年份不明" if pd.isna(y) else str(int(y)), int(found[i])))
    for e in out:
        years = sorted({int(y) for y, _ in e["figures"] if y != "年份不明"})
        e["years"] = (
            "" if not years else (str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}")
        )
        e["year_list"] = years
        e["n_reports"] = len(e["figures"])
        e["n_figures"] = sum(k for _, k in e["figures"])
    return out


def region_column(reports: pd.DataFrame) -> str:
    """The column that says where an agency is: `province` when the build gives it, else `place`.

    >>> region_column(pd.DataFrame({"place": ["福州"]}))
    'place'
    >>> region_column(pd.DataFrame({"place": ["福州"], "province": ["福建省"]}))
    'province'
    """
    if "province" in reports.columns and reports["province"].notna().any():
        return "province"
    return "place"


def report_labels(reports: pd.DataFrame) -> dict[str, str]:
    """report_id → x label: the year, made unique when an agency has two reports in a year."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for rid, year in zip(reports["report_id"], reports["report_year"]):
        y = "年份不明" if pd.isna(year) else str(int(year))
        seen[y] = seen.get(y, 0) + 1
        out[rid] = y if seen[y] == 1 else f"{y}（{seen[y]}）"
    return out


def year_frame(view: AgencyView, metric_names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, approximate): one row per report of the agency, one column per metric.

    A metric the report does not give stays NaN (drawn as missing), never 0.
    """
    labels = report_labels(view.reports)
    rids = list(view.reports["report_id"])
    at = {rid: i for i, rid in enumerate(rids)}
    values = {m: [float("nan")] * len(rids) for m in metric_names}
    approx = {m: [False] * len(rids) for m in metric_names}
    m = view.metrics
    m = m[m["metric"].isin(metric_names) & m["value"].notna()]
    for rid, metric, v, a in zip(m["report_id"], m["metric"], m["value"], m["approximate"]):
        if rid in at:
            values[metric][at[rid]] = float(v)
            approx[metric][at[rid]] = bool(a)
    idx = [labels[r] for r in rids]
    return (
        pd.DataFrame(values, index=idx, columns=metric_names, dtype=float),
        pd.DataFrame(approx, index=idx, columns=metric_names, dtype=bool),
    )


def figures_table(view: AgencyView) -> pd.DataFrame:
    """Every figure of every year: the value, its unit, the evidence sentence and flags."""
    m = view.metrics.copy()
    order = {name: i for i, name in enumerate(METRICS)}
    m["_o"] = m["metric"].map(lambda x: order.get(x, len(order)))
    m = m.sort_values(["report_year", "report_id", "_o"])
    out = pd.DataFrame(
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
    if "page" in m.columns and m["page"].notna().any():  # a PDF or OCR'd report: say the page
        out.insert(5, "页码", [page_label(p) for p in m["page"]])
    return out


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
    got: dict[str, set[str]] = {}
    flagged: dict[str, list[tuple[str, str]]] = {}
    m = view.metrics
    for rid, metric, v, flags, approx, conf, name in zip(
        m["report_id"], m["metric"], m["value"], m["flags"], m["approximate"],
        m["confidence"], m["label"],
    ):  # fmt: skip
        if pd.notna(v):
            got.setdefault(rid, set()).add(metric)
        t = _flag_text(flags, bool(approx), conf)
        if t:
            flagged.setdefault(rid, []).append((name, t))
    issues: dict[str, list[tuple[str, str, str]]] = {}
    i = view.issues
    for rid, level, code, msg in zip(i["report_id"], i["level"], i["code"], i["message"]):
        issues.setdefault(rid, []).append((level, code, msg))
    rows = []
    overrides = view.reports["overrides"] if "overrides" in view.reports else None
    for n, (rid, y) in enumerate(zip(view.reports["report_id"], view.reports["report_year"])):
        year = "" if pd.isna(y) else str(int(y))
        missing = [label(k) for k in SCORED if k not in got.get(rid, ())]
        if missing:
            rows.append(
                {"年份": year, "报告": rid, "类别": "未找到的主要数字", "说明": "、".join(missing)}
            )
        for name, t in flagged.get(rid, []):
            rows.append({"年份": year, "报告": rid, "类别": f"数字有标记：{name}", "说明": t})
        for level, code, msg in issues.get(rid, []):
            what = f"{_LEVEL.get(level, level)}（{code}）"
            rows.append({"年份": year, "报告": rid, "类别": what, "说明": msg})
        ov = overrides.iloc[n] if overrides is not None else None
        if isinstance(ov, str) and ov not in ("", "{}"):
            rows.append({"年份": year, "报告": rid, "类别": "清单（manifest）改写", "说明": ov})
    for rid, y, of in zip(
        view.duplicates["report_id"],
        view.duplicates["report_year"],
        view.duplicates["duplicate_of"],
    ):
        rows.append(
            {
                "年份": "" if pd.isna(y) else str(int(y)),
                "报告": rid,
                "类别": "重复文件（未计入）",
                "说明": f"与 {of} 相同",
            }
        )
    return pd.DataFrame(rows, columns=["年份", "报告", "类别", "说明"])


_LEVEL = {"error": "错误", "warning": "警告", "info": "提示"}


def _na_last(v: object) -> tuple[bool, object]:
    """A sort key that puts None/NaN after every value, as sort_values(na_position="last")."""
    missing = v is None or (isinstance(v, float) and math.isnan(v))
    return (missing, 0 if missing else v)


def table_cells(view: AgencyView) -> dict[str, pd.DataFrame]:
    """Each standard table a report gives (e.g. 表三 outcomes), rows × columns, blank = absent.

    Cells are placed in the order of their line, row and column keys; where two cells of a
    table share a row and a column, the later one in the table's own order wins. (Plain
    lists, not a pandas group per table: an agency of ten years has thirty tables.)
    """
    out: dict[str, pd.DataFrame] = {}
    c = view.cells
    if c.empty:
        return out
    labels = report_labels(view.reports)
    rid, tab = c["report_id"].tolist(), c["table"].tolist()
    line, rk, ck = c["line"].tolist(), c["row_key"].tolist(), c["col_key"].tolist()
    row_of = [k if lab is None or lab != lab else lab for lab, k in zip(c["row_label"], rk)]
    col_of = [k if lab is None or lab != lab else lab for lab, k in zip(c["col_label"], ck)]
    value = c["value"].tolist()
    group: dict[tuple[str, str], int] = {}
    for g in zip(rid, tab):
        group.setdefault(g, len(group))
    order = sorted(
        range(len(rid)),
        key=lambda i: (
            group[rid[i], tab[i]],
            _na_last(line[i]),
            _na_last(rk[i]),
            _na_last(ck[i]),
        ),
    )
    members: dict[tuple[str, str], list[int]] = {g: [] for g in group}
    for i in order:
        members[rid[i], tab[i]].append(i)
    for (r, table), idx in members.items():
        rows = list(dict.fromkeys(row_of[i] for i in idx))
        cols = list(dict.fromkeys(col_of[i] for i in idx))
        ri, ci = {x: n for n, x in enumerate(rows)}, {x: n for n, x in enumerate(cols)}
        grid = np.full((len(rows), len(cols)), "", dtype=object)
        for i in idx:  # a later cell wins
            grid[ri[row_of[i]], ci[col_of[i]]] = fmt_value(value[i])
        out[f"{labels.get(r, r)} · 表{table}"] = pd.DataFrame(grid, index=rows, columns=cols)
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


# ---- figures per report, counted on integer codes ------------------------------------------
# The corpus pages count figures per report, metric, year and group. On a national corpus
# (a million figures) a groupby, `isin` or `map` over the string ids costs a second each, so
# the given figures are factorized once per corpus and every count is a bincount.


@dataclass
class _Given:
    """The figures that have a value, as codes (one entry per such row of corpus.metrics)."""

    frame: pd.DataFrame  # the metrics frame these codes describe (kept: its id is the key)
    n_rows: int
    ids: pd.Index  # distinct report ids of corpus.metrics
    names: pd.Index  # distinct metric names of corpus.metrics
    row_report: np.ndarray  # every row of corpus.metrics: code into ids
    row_metric: np.ndarray  # every row: code into names
    report: np.ndarray  # the rows with a value: code into ids
    metric: np.ndarray  # the rows with a value: code into names
    year: np.ndarray  # the rows with a value: report_year (as the table holds it)
    _first: np.ndarray | None = None

    def first(self) -> np.ndarray:
        """True on the first row of each (report, metric) pair: distinct counts."""
        if self._first is None:
            key = self.report.astype(np.int64) * max(1, len(self.names)) + self.metric
            _, at = np.unique(key, return_index=True)
            self._first = np.zeros(len(key), dtype=bool)
            self._first[at] = True
        return self._first

    def of(self, metric_names: list[str] | None) -> np.ndarray:
        """Mask of the figures of these metrics (all, with None)."""
        if metric_names is None:
            return np.ones(len(self.metric), dtype=bool)
        return np.isin(self.metric, self.names.get_indexer(list(metric_names)))

    def positions(self, report_ids: pd.Series) -> np.ndarray:
        """For each report id, its code in `ids` (-1: it gives no figure)."""
        return self.ids.get_indexer(pd.Index(report_ids))


_GIVEN: list[_Given] = []


def _given(corpus: Corpus) -> _Given:
    m = corpus.metrics
    for g in _GIVEN:
        if g.frame is m and g.n_rows == len(m):
            return g
    have = m["value"].notna().to_numpy()
    report, ids = pd.factorize(m["report_id"])
    metric, names = pd.factorize(m["metric"])
    year = m["report_year"].to_numpy()
    g = _Given(
        frame=m,
        n_rows=len(m),
        ids=pd.Index(ids),
        names=pd.Index(names),
        row_report=report,
        row_metric=metric,
        report=report[have],
        metric=metric[have],
        year=year[have],
    )
    _GIVEN.append(g)
    del _GIVEN[:-4]
    return g


def _found(
    corpus: Corpus,
    report_ids: pd.Series,
    metric_names: list[str] | None = None,
    distinct: bool = True,
) -> np.ndarray:
    """For each report id: how many of these metrics it gives (distinct metrics, or every
    row with a value with `distinct=False`), 0 for a report that gives none."""
    g = _given(corpus)
    keep = g.of(metric_names)
    if distinct:
        keep &= g.first()
    per = np.bincount(g.report[keep], minlength=len(g.ids))
    pos = g.positions(report_ids)
    return np.where(pos >= 0, per[np.maximum(pos, 0)], 0)


def _isin(col: pd.Series, values: object) -> np.ndarray:
    """`col.isin(values)` as a bool array, hashed in Arrow: pandas' isin on a str column
    turns every one of the values into a Python object first."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.chunked_array(pa.array(col, from_pandas=True))
        vals = values if isinstance(values, (pd.Series, pd.Index, np.ndarray)) else list(values)
        vset = pa.array(vals, from_pandas=True)
        if isinstance(vset, pa.ChunkedArray):
            vset = vset.combine_chunks()
        vset = vset.cast(arr.type)
        return pc.is_in(arr, value_set=vset).to_numpy(zero_copy_only=False).astype(bool)
    except (pa.ArrowException, TypeError, ValueError):
        return col.isin(values).to_numpy()


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
    """One row per report in scope with the metric's value (NaN where it is not given); a
    report with two rows of the metric gets the first."""
    g = _given(corpus)
    k = g.names.get_indexer([metric])[0]
    rows = np.flatnonzero(g.row_metric == k) if k >= 0 else np.array([], dtype=np.intp)
    _, first = np.unique(g.row_report[rows], return_index=True)
    rows = rows[np.sort(first)]
    value = np.full(len(g.ids) + 1, np.nan)  # by report code; the last slot: no such report
    approx = np.zeros(len(g.ids) + 1, dtype=bool)
    value[g.row_report[rows]] = corpus.metrics["value"].to_numpy(dtype=float)[rows]
    approx[g.row_report[rows]] = corpus.metrics["approximate"].to_numpy(dtype=bool)[rows]
    pos = g.positions(reps["report_id"])
    pos = np.where(pos >= 0, pos, len(g.ids))
    cols = ["report_id", "agency", "report_year"]
    cols += [c for c in ("level", region_column(reps)) if c in reps.columns and c not in cols]
    out = reps[cols].reset_index(drop=True)
    out["value"] = value[pos]
    out["approximate"] = approx[pos]
    return out


# the scope beyond which a chart of one line per agency, or a grid of one row per agency,
# cannot be read: distributions and summaries take over
FEW_AGENCIES = 12
GRID_AGENCIES = 40
DETAIL_REPORTS = 300
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def year_distribution(long: pd.DataFrame) -> pd.DataFrame:
    """Per year: reports in scope, reports giving the figure, and its quantiles.

    >>> long = pd.DataFrame({"report_year": [2020, 2020, 2020, 2021],
    ...                      "value": [1.0, 3.0, float("nan"), 5.0]})
    >>> year_distribution(long)[["report_year", "reports", "given", "median"]].to_dict("list")
    {'report_year': [2020, 2021], 'reports': [3, 1], 'given': [2, 1], 'median': [2.0, 5.0]}
    """
    g = long.groupby("report_year")
    out = pd.DataFrame({"reports": g.size(), "given": g["value"].count()})
    q = g["value"].quantile(list(QUANTILES)).unstack()
    for p in QUANTILES:
        out[_qname(p)] = q[p] if p in q.columns else float("nan")
    out = out.reset_index()
    out["report_year"] = out["report_year"].astype(int)
    return out


def _qname(p: float) -> str:
    return {0.5: "median", 0.25: "q1", 0.75: "q3"}.get(p, f"p{int(p * 100)}")


def group_medians(long: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median of the figure per (group, year) with the number of reports giving it."""
    if column not in long.columns:
        return pd.DataFrame(columns=[column, "report_year", "median", "given"])
    g = long.dropna(subset=["value"]).groupby([column, "report_year"])["value"]
    out = pd.DataFrame({"median": g.median(), "given": g.count()}).reset_index()
    out["report_year"] = out["report_year"].astype(int)
    return out


def region_table(long: pd.DataFrame, top: int = 40) -> pd.DataFrame:
    """Per province (or place): reports, how many give the figure, its median in the latest
    year with data and over all years; the `top` regions with most reports."""
    col = region_column(long)
    if col not in long.columns or long.empty:
        return pd.DataFrame()
    key = long[col].where(long[col].notna() & (long[col] != ""), "未知")
    have = long["value"].notna()
    last = int(long.loc[have, "report_year"].max()) if have.any() else None
    g = long.groupby(key)
    out = pd.DataFrame({"报告数": g.size(), "给出该数字": g["value"].count()})
    recent = long["value"].where(long["report_year"] == last) if last else long["value"] * 0
    out[f"{last}年中位数" if last else "最近一年中位数"] = recent.groupby(key).median()
    out["历年中位数"] = g["value"].median()
    for c in out.columns[2:]:
        out[c] = out[c].map(fmt_value)
    out = out.rename_axis("省份" if col == "province" else "地区").reset_index()
    out = out.sort_values(["报告数"], ascending=False, kind="stable").head(top)
    return out.reset_index(drop=True)


def top_bottom(long: pd.DataFrame, n: int = 5, highlight: str = "") -> pd.DataFrame:
    """The n highest and n lowest agencies in the latest year with data (and the
    highlighted agency wherever it ranks); ties are ordered by name, so the table is stable."""
    have = long.dropna(subset=["value"])
    if have.empty:
        return pd.DataFrame(columns=["", "排名", "机关", "年份", "数值"])
    last = int(have["report_year"].max())
    y = have[have["report_year"] == last].groupby("agency", as_index=False)["value"].max()
    y = y.sort_values(["value", "agency"], ascending=[False, True], kind="stable")
    y["rank"] = range(1, len(y) + 1)
    parts = [("最高", y.head(n))]
    if len(y) > n:
        parts.append(("最低", y.tail(min(n, len(y) - n))))
    if (
        highlight
        and highlight in set(y["agency"])
        and highlight not in set(pd.concat([p for _, p in parts])["agency"])
    ):
        parts.append(("所选机关", y[y["agency"] == highlight]))
    rows = [
        {
            "": k,
            "排名": f"{int(r['rank'])}/{len(y)}",
            "机关": r["agency"],
            "年份": str(last),
            "数值": fmt_value(r["value"]),
        }
        for k, part in parts
        for _, r in part.iterrows()
    ]
    return pd.DataFrame(rows)


def coverage_summary(
    corpus: Corpus, reps: pd.DataFrame, metric_names: list[str], by: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(share, reports): group × year, the share of the chosen figures the reports give
    (0–1) and how many reports there are; what the coverage grid becomes at scale."""
    found = _found(corpus, reps["report_id"], metric_names)
    col = by if by in reps.columns else None
    keys = reps[col].fillna("未知") if col else pd.Series("全部", index=reps.index)
    if col == "level":
        keys = keys.map(lambda v: LEVEL_LABELS.get(v, v))
    r = pd.DataFrame(
        {
            "group": keys.to_numpy(),
            "report_year": reps["report_year"].astype(int).to_numpy(),
            "share": found / max(1, len(metric_names)),
        }
    )
    share = r.pivot_table(index="group", columns="report_year", values="share", aggfunc="mean")
    count = r.pivot_table(index="group", columns="report_year", values="share", aggfunc="size")
    if len(share.columns):
        years = list(range(int(min(share.columns)), int(max(share.columns)) + 1))
        share, count = share.reindex(columns=years), count.reindex(columns=years)
    return share.sort_index(), count.sort_index()


def coverage_by_year(corpus: Corpus, reps: pd.DataFrame, metric_names: list[str]) -> pd.DataFrame:
    """Per year: reports, agencies, and how many of the chosen figures a report gives."""
    r = reps.assign(found=_found(corpus, reps["report_id"], metric_names).astype(float))
    g = r.groupby("report_year")
    out = pd.DataFrame(
        {
            "年份": [str(int(y)) for y in g.size().index],
            "报告数": g.size().to_numpy(),
            "机关数": g["agency"].nunique().to_numpy(),
            f"平均找到（共 {len(metric_names)} 个）": [f"{v:.1f}" for v in g["found"].mean()],
            "全部找到的报告": g["found"].apply(lambda s: int((s >= len(metric_names)).sum())),
            "一个也没有的报告": g["found"].apply(lambda s: int((s == 0).sum())),
        }
    )
    return out.reset_index(drop=True)


def pick_highlight(corpus: Corpus, agency: str | None) -> str:
    """The agency a corpus page highlights: empty for none; a name not in the corpus is an
    error that lists close names, so a typo does not silently highlight nothing."""
    if not agency:
        return ""
    names = corpus_agencies(corpus)
    if agency in names:
        return agency
    close = [n for n in names if agency in n or n in agency][:10]
    raise ValueError(
        f"highlight {agency!r} is not an agency of the corpus"
        + (f"; did you mean: {', '.join(close)}" if close else "")
    )


def coverage_by_agency_year(
    corpus: Corpus, reps: pd.DataFrame, metric_names: list[str]
) -> pd.DataFrame:
    """Agencies × years: number of the chosen figures found; NaN where no report exists."""
    r = reps.assign(found=_found(corpus, reps["report_id"], metric_names).astype(float))
    grid = r.groupby(["agency", "report_year"])["found"].max().unstack("report_year")
    if len(grid.columns):
        years = range(int(min(grid.columns)), int(max(grid.columns)) + 1)
        grid = grid.reindex(columns=list(years))
    grid.columns = [int(c) for c in grid.columns]
    return grid.sort_index()


def coverage_detail(corpus: Corpus, reps: pd.DataFrame, metric_names: list[str]) -> pd.DataFrame:
    """One row per report in scope: which of the chosen figures it gives (✓) or not (—)."""
    m = corpus.metrics
    m = m[m["value"].notna() & _isin(m["report_id"], reps["report_id"])]
    got = m.groupby("report_id")["metric"].apply(set)
    rows = []
    for _, r in reps.iterrows():
        have = got.get(r["report_id"], set())
        row = {"机关": r["agency"], "年份": int(r["report_year"]), "报告": r["report_id"]}
        for m in metric_names:
            row[label(m)] = "✓" if m in have else "—"
        rows.append(row)
    return pd.DataFrame(rows)


FIGURES_TEXT_LIMIT = 5000  # lines: beyond that the page would be megabytes of numbers


def figures_text(
    corpus: Corpus, reps: pd.DataFrame | None = None, limit: int = FIGURES_TEXT_LIMIT
) -> str:
    """Every figure as plain text, sorted by report and metric: the stored nbval output.

    Deterministic by construction (sorted, values formatted exactly, no floats printed
    raw), so any change in an extracted figure changes this text and fails CI.
    """
    m = corpus.metrics
    if reps is not None:
        m = m[_isin(m["report_id"], reps["report_id"])]
    # sorted on codes of the sorted distinct values (the order sort_values gives), then only
    # the rows printed are taken
    rid, ids = pd.factorize(m["report_id"], sort=True)
    met, names = pd.factorize(m["metric"], sort=True)
    rid, met = np.where(rid < 0, len(ids), rid), np.where(met < 0, len(names), met)  # NaN last
    order = np.lexsort((np.arange(len(m)), met, rid))
    lines = [f"{len(m)} figures in {len(ids)} reports"]
    more = len(m) - limit
    m = m.iloc[order[:limit]]
    for _, r in m.iterrows():
        year = "----" if pd.isna(r["report_year"]) else str(int(r["report_year"]))
        lines.append(
            f"{r['report_id']}  {year}  {r['metric']:<32} "
            f"{fmt_value(r['value'], bool(r['approximate'])):>10} {unit(r['metric'])}"
        )
    if more > 0:
        lines.append(f"... {more} more figures (data/processed/metrics.csv has them all)")
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
    raw = corpus.reports[column].value_counts(dropna=False)  # each distinct value named once
    if column == "report_year":
        names = [("未知" if pd.isna(y) else str(int(y))) for y in raw.index]
    else:
        names = ["未知" if pd.isna(v) or v == "" else (labels or {}).get(v, v) for v in raw.index]
    c = raw.groupby(pd.Index(names, dtype=object, name=column)).sum()
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
    g = _given(corpus)
    keep = g.first() & np.isin(g.report, g.positions(ok["report_id"]))
    per = pd.Series(np.bincount(g.metric[keep], minlength=len(g.names)), index=g.names)
    per = per[per > 0]
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


def metric_year_coverage(corpus: Corpus, metric_names: list[str] | None = None) -> pd.DataFrame:
    """Metric (Chinese title) × year: the share of that year's readable reports giving it."""
    names = metric_names or list(SCORED)
    ok = corpus.reports[(corpus.reports["status"] == "ok") & corpus.reports["report_year"].notna()]
    per_year = ok.groupby("report_year").size()
    g = _given(corpus)
    keep = g.first() & g.of(names) & np.isin(g.report, g.positions(ok["report_id"]))
    got = (
        pd.DataFrame({"metric": g.names[g.metric[keep]], "report_year": g.year[keep]})
        .groupby(["metric", "report_year"])
        .size()
    )
    years = [int(y) for y in per_year.index]
    if years:
        years = list(range(min(years), max(years) + 1))
    out = pd.DataFrame(
        float("nan"), index=[f"{label(n)}（{unit(n)}）" for n in names], columns=years
    )
    for n, title in zip(names, out.index):
        for y in years:
            if y in per_year.index:
                out.loc[title, y] = got.get((n, y), 0) / per_year[y]
    return out


def coverage_by(corpus: Corpus, column: str, top: int = 40) -> pd.DataFrame:
    """Per level or per province (or place): reports, agencies, figures per report, and the
    share of reports giving each of three main figures; the `top` largest groups."""
    r = corpus.reports[corpus.reports["status"] == "ok"]
    if column not in r.columns:
        return pd.DataFrame()
    main = ["proactive_total", "applications_received", "reconsideration_cases"]
    key = r[column].where(r[column].notna() & (r[column] != ""), "未知")
    if column == "level":
        key = key.map(LEVEL_LABELS).fillna(key)
    df = pd.DataFrame(
        {
            "key": key.to_numpy(),
            "agency": r["agency"].to_numpy(),
            "n": _found(corpus, r["report_id"], distinct=False).astype(float),
        }
    )
    for m in main:
        df[m] = _found(corpus, r["report_id"], [m]) > 0
    g = df.groupby("key")
    out = pd.DataFrame(
        {
            "报告数": g.size(),
            "机关数": g["agency"].nunique(),
            "每份报告的数字（中位数）": g["n"].median().map(fmt_value),
            **{f"给出{label(m)}": g[m].mean().map(lambda x: f"{x:.0%}") for m in main},
        }
    )
    if out.empty:
        return pd.DataFrame()
    out = out.rename_axis("组").reset_index()
    out = out.sort_values(["报告数", "组"], ascending=[False, True], kind="stable").head(top)
    name = {"level": "层级", "province": "省份"}.get(column, "地区")
    return out.rename(columns={"组": name}).reset_index(drop=True)


def agency_ranking(corpus: Corpus, n: int = 10, highlight: str = "") -> pd.DataFrame:
    """Agencies by how many figures their reports give (mean per report): the n best covered,
    the n least, and the highlighted agency wherever it ranks."""
    r = corpus.reports[(corpus.reports["status"] == "ok") & corpus.reports["agency"].notna()]
    per = (
        r.assign(n=_found(corpus, r["report_id"], distinct=False).astype(float))
        .groupby("agency")
        .agg(reports=("report_id", "size"), mean=("n", "mean"))
        .reset_index()
        .sort_values(["mean", "agency"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    per["rank"] = range(1, len(per) + 1)
    parts = [("最多", per.head(n))]
    if len(per) > n:
        parts.append(("最少", per.tail(min(n, len(per) - n))))
    shown = set(pd.concat([p for _, p in parts])["agency"]) if len(per) else set()
    if highlight and highlight not in shown:
        parts.append(("所选机关", per[per["agency"] == highlight]))
    rows = [
        {
            "": k,
            "排名": f"{int(x['rank'])}/{len(per)}",
            "机关": x["agency"],
            "报告数": int(x["reports"]),
            "每份报告的数字（平均）": f"{x['mean']:.1f}",
        }
        for k, part in parts
        for _, x in part.iterrows()
    ]
    return pd.DataFrame(rows, columns=["", "排名", "机关", "报告数", "每份报告的数字（平均）"])


def info_notes(corpus: Corpus) -> pd.DataFrame:
    """Info-level notes (manifest overrides, guessed years): shown, but not problems."""
    iss = corpus.issues[corpus.issues["level"] == "info"].sort_values(["report_id", "code"])
    return pd.DataFrame(
        {"报告": iss["report_id"], "代码": iss["code"], "说明": iss["message"]}
    ).reset_index(drop=True)


def problem_reports(corpus: Corpus) -> pd.DataFrame:
    """Every report with a warning or an error (duplicates included), and why."""
    iss = corpus.issues[corpus.issues["level"].isin(["warning", "error"])]
    iss = iss.sort_values(["report_id", "level", "code"])
    a = corpus.all_reports
    agency = iss["report_id"].map(pd.Series(a["agency"].to_numpy(), index=a["report_id"]))
    cols = {
        "报告": iss["report_id"].tolist(),
        "机关": ["" if pd.isna(x) else x for x in agency],
        "级别": [_LEVEL.get(x, x) for x in iss["level"]],
        "代码": iss["code"].tolist(),
        "原因": iss["message"].tolist(),
    }
    bad = a[(a["status"] == "error").to_numpy() & ~_isin(a["report_id"], iss["report_id"])]
    for r in bad.itertuples(index=False):
        cols["报告"].append(r.report_id)
        cols["机关"].append("" if pd.isna(r.agency) else r.agency)
        cols["级别"].append("错误")
        cols["代码"].append("unreadable")
        cols["原因"].append(r.flags or "could not be read")
    rows = [dict(zip(cols, v)) for v in zip(*cols.values())]
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
