"""Arithmetic checks on the tables, and 上年结转 against last year's 结转下年度 across reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from analysis.build.corpus import cross_year_checks
from analysis.tables import checks
from analysis.tables.template import T3_ROWS_2021, t3_columns

FIX = Path(__file__).resolve().parent / "fixtures" / "tables"


def test_identity_pass_fail_and_cannot_assess_name_their_cells():
    ok = checks.identity("x", [("a", 3)], [("b", 1), ("c", 2)], "a = b + c")
    assert (
        ok["status"] == "pass"
        and ok["cells"] == ["a", "b", "c"]
        and ok["values"] == {"a": 3, "b": 1, "c": 2}
    )
    bad = checks.identity("x", [("a", 4)], [("b", 1), ("c", 2)], "a = b + c")
    assert (
        bad["status"] == "fail"
        and "a=4" in bad["message"]
        and "b=1" in bad["message"]
        and "off by 1" in bad["message"]
    )
    gap = checks.identity("x", [("a", 4)], [("b", None), ("c", 2)], "a = b + c")
    assert gap["status"] == "cannot assess" and "b" in gap["message"] and gap["values"]["b"] is None
    # fees in 万元 carry decimals
    assert checks.identity("x", [("a", 0.3)], [("b", 0.1), ("c", 0.2)], "")["status"] == "pass"


def _grid(total_col_off: int = 0) -> dict[str, list]:
    """A small 2021 table 三 that balances: 3 applications, 1 granted, 1 partial, 1 carried
    forward."""
    g = {k: [0] * 7 for k in T3_ROWS_2021}
    g["new"] = [2, 1, 0, 0, 0, 0, 3]
    g["granted"] = [1, 0, 0, 0, 0, 0, 1]
    g["partial"] = [0, 1, 0, 0, 0, 0, 1 + total_col_off]
    g["total"] = [1, 1, 0, 0, 0, 0, 2]
    g["carried_forward"] = [1, 0, 0, 0, 0, 0, 1]
    return g


def test_table3_identities_per_row_and_column():
    cols = t3_columns(None)
    out = checks.table3_checks(_grid(), T3_ROWS_2021, cols)
    assert {c["status"] for c in out} == {"pass"}
    kinds = {c["check"] for c in out}
    assert kinds == {"t3_row_total", "t3_balance", "t3_total_parts"}
    assert len([c for c in out if c["check"] == "t3_row_total"]) == 25
    assert len([c for c in out if c["check"] == "t3_balance"]) == 7
    bad = checks.table3_checks(_grid(1), T3_ROWS_2021, cols)
    failed = [c for c in bad if c["status"] == "fail"]
    # the 部分公开 总计 is off: its row total and the 总计 column's (七) sum both fail
    assert {c["check"] for c in failed} == {"t3_row_total", "t3_total_parts"}
    assert all("三:partial:total" in c["cells"] for c in failed)


def test_table4_totals():
    grid = {
        "reconsideration": [1, 1, 0, 0, 2],
        "litigation_direct": [0, 0, 0, 1, 2],
        "litigation_after_reconsideration": [None, 0, 0, 0, 0],
    }
    out = {c["cells"][0]: c["status"] for c in checks.table4_checks(grid)}
    assert out == {
        "四:reconsideration:total": "pass",
        "四:litigation_direct:total": "fail",
        "四:litigation_after_reconsideration:total": "cannot assess",
    }


def test_prose_against_table():
    table = {"value": 85, "cells": ["三:new:total"]}
    assert checks.prose_vs_table("applications_received", {"value": 85}, table)["status"] == "pass"
    c = checks.prose_vs_table(
        "applications_received", {"value": 91, "evidence": "收到申请91件"}, table
    )
    assert (
        c["status"] == "fail"
        and c["values"]["prose"] == 91
        and "91" in c["message"]
        and "85" in c["message"]
    )
    approx = checks.prose_vs_table(
        "applications_received", {"value": 80, "approximate": True}, table
    )
    assert approx["status"] == "cannot assess"


def _s(file, agency, year, over, fwd):
    return {
        "file": file,
        "agency": agency,
        "report_year": year,
        "carried_over": over,
        "carried_forward": fwd,
        "place": None,
        "ok": True,
    }


def test_cross_year_carry_over():
    rows = cross_year_checks(
        [
            _s("a20.html", "甲局", 2020, 1, 4),
            _s("a21.html", "甲局", 2021, 4, 2),
            _s("a22.html", "甲局", 2022, 3, 0),
            _s("a24.html", "甲局", 2024, 0, 0),  # no 2023 report: nothing to compare
            _s("b21.html", "乙局", 2021, None, 5),
            _s("b22.html", "乙局", 2022, 5, 1),
            _s("c21.html", "丙局", 2021, 0, 2),
            _s("c22a.html", "丙局", 2022, 2, 0),
            _s("c22b.html", "丙局", 2022, 2, 0),
            _s("d21.html", "丁局", 2021, 0, None),
            _s("d22.html", "丁局", 2022, 3, 0),
        ]
    )
    by = {r["report_id"]: r for r in rows}
    assert set(by) == {"a21.html", "a22.html", "b22.html", "c22a.html", "c22b.html", "d22.html"}
    assert by["a21.html"]["status"] == "pass"
    assert (
        by["a22.html"]["status"] == "fail"
        and "≠" in by["a22.html"]["message"]
        and "a21.html" in by["a22.html"]["message"]
    )
    assert json.loads(by["a22.html"]["values"]) == {
        "a22.html:三:carried_over:total": 3,
        "a21.html:三:carried_forward:total": 2,
    }
    assert by["b22.html"]["status"] == "pass"
    assert by["d22.html"]["status"] == "cannot assess"
    assert {r["check"] for r in rows} == {"cross_year_carryover"}
    assert set(rows[0]) == {
        "report_id",
        "agency",
        "report_year",
        "check",
        "status",
        "cells",
        "values",
        "message",
    }
    # two reports for 丙局 2021? no: one 2021 report, two 2022 reports, each checked against it
    assert by["c22a.html"]["status"] == by["c22b.html"]["status"] == "pass"
    ambiguous = cross_year_checks(
        [_s("x1", "戊局", 2021, 0, 2), _s("x2", "戊局", 2021, 0, 3), _s("y", "戊局", 2022, 2, 0)]
    )
    assert [r["status"] for r in ambiguous] == ["cannot assess"] and "2 reports" in ambiguous[0][
        "message"
    ]


def test_build_writes_cells_and_checks_with_the_cross_year_row(tmp_path):
    from analysis.build.run import build

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FIX / "report_2019.html", raw / "a2020.html")
    shutil.copy(FIX / "report_2021.html", raw / "a2021.html")
    shutil.copy(FIX / "report_2021_wrong.html", raw / "b2021.html")
    (raw / "manifest.csv").write_text(
        "file,agency,report_year\nb2021.html,另一市生态环境局,\n", encoding="utf-8"
    )
    out = tmp_path / "processed"
    assert build(raw_dir=raw, out_dir=out, jobs=1, quiet=True) == 0
    cells = pq.read_table(out / "cells.parquet").to_pandas()
    assert len(cells[cells.report_id == "a2021.html"]) == 200
    row = cells[
        (cells.report_id == "a2021.html") & (cells.row_key == "new") & (cells.col_key == "total")
    ].iloc[0]
    assert (
        row.value == 85
        and row.table == "三"
        and row.layout == "template2021"
        and "本年新收" in row.evidence
    )
    chk = pq.read_table(out / "checks.parquet").to_pandas()
    cross = chk[chk.check == "cross_year_carryover"]
    # 2021 上年结转 6 against 2020 结转下年度 4
    assert list(cross.report_id) == ["a2021.html"] and list(cross.status) == ["fail"]
    failed = chk[(chk.report_id == "b2021.html") & (chk.status == "fail")]
    assert set(failed.check) == {"t3_row_total", "t3_total_parts"}
    assert any("三:granted:natural_person" in json.loads(c) for c in failed.cells)


def test_views_for_the_agency_summary():
    import pandas as pd

    from analysis import tidy
    from analysis.extract import extract_path
    from analysis.reports.table_views import check_summary, outcome_breakdown

    cells, chks = [], []
    for name in ("report_2021.html", "report_2021_cut.txt", "report_2021_wrong.html"):
        rec = extract_path(FIX / name)
        rec["file"] = name
        cells += tidy.cell_rows(rec)
        chks += tidy.check_rows(rec)
    ob = outcome_breakdown(pd.DataFrame(cells)).set_index(["report_id", "outcome"])
    full = ob.loc["report_2021.html"]
    assert list(full.index) == [
        "new",
        "carried_over",
        "granted",
        "partial",
        "denied",
        "unable",
        "not_processed",
        "other",
        "total",
        "carried_forward",
    ]
    assert full.loc["denied", ["natural_person", "legal_person", "total"]].tolist() == [9, 4, 13]
    assert full.loc["new", "legal_person"] == 27
    # a cut-off table's groups are unknown, not zero
    assert pd.isna(ob.loc[("report_2021_cut.txt", "denied"), "total"])
    assert ob.loc[("report_2021_cut.txt", "granted"), "total"] == 32
    cs = check_summary(pd.DataFrame(chks)).set_index("report_id")
    assert (
        cs.loc["report_2021_wrong.html", "fail"] == 2
        and "三:granted:natural_person=22" in cs.loc["report_2021_wrong.html", "failing"]
    )
    assert cs.loc["report_2021.html", "fail"] == 0 and cs.loc["report_2021.html", "pass"] == 44
    assert cs.loc["report_2021_cut.txt", "cannot assess"] > 0
