"""What the build works out across reports: duplicates and the cross-year checks.

Both need every report's summary at once, so they run in the main process (duplicates)
or in one write task (the cross-year rows), never per file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..tables.checks import CANNOT, FAIL, PASS, eq, fmt
from .summary import Summary


def find_duplicates(summaries: list[Summary]) -> dict[str, tuple[str, str]]:
    """file → (kept file, reason) for every file that repeats another report."""
    dups: dict[str, tuple[str, str]] = {}
    by_sha: dict[str, str] = {}
    for s in summaries:
        if not s.ok:
            continue
        if s.sha256 in by_sha:
            dups[s.file] = (by_sha[s.sha256], "the same bytes")
        else:
            by_sha[s.sha256] = s.file
    del by_sha
    # same agency and year: only where the name is specific (a place, or set by the manifest)
    groups: dict[tuple[str, int], list[Summary]] = {}
    for s in summaries:
        if (
            s.ok
            and s.file not in dups
            and s.agency
            and s.report_year
            and (s.place or s.agency_source == "manifest")
        ):
            groups.setdefault((s.agency, s.report_year), []).append(s)
    for (agency, year), group in groups.items():
        if len(group) < 2:
            continue
        keep = max(
            group, key=lambda s: (s.n_metrics, s.script == "simplified", [-ord(c) for c in s.file])
        )
        for s in group:
            if s is not keep:
                dups[s.file] = (keep.file, f"the same agency and year ({agency}, {year})")
    return dups


CrossInput = tuple[str, str, int, Any, Any]  # file, agency, report year, 上年结转, 结转下年度


def cross_year_inputs(
    summaries: list[Summary], dups: dict[str, tuple[str, str]]
) -> list[CrossInput]:
    """What the cross-year checks read of each counted report; empty if no agency has two
    consecutive years.

    The rows themselves are made by a write worker (`cross_year_rows`): as dicts in the
    main process they cost ~35 MB at 100,000 reports, held through the whole write phase.
    """
    inputs = [
        (s.file, s.agency, int(s.report_year), s.carried_over, s.carried_forward)
        for s in summaries
        if s.ok and s.file not in dups and s.agency and s.report_year is not None
    ]
    seen = {(a, y) for _, a, y, _, _ in inputs}
    return inputs if any((a, y - 1) in seen for a, y in seen) else []


def cross_year_rows(inputs: list[CrossInput]) -> Iterator[dict[str, Any]]:
    """cross_year_checks over `inputs`, one agency at a time so that only one agency's rows
    exist at once.

    The checks pair reports of the same agency only and list them by (agency, year), so
    agency by agency in sorted order gives the same rows in the same order.
    """
    by_agency: dict[str, list[CrossInput]] = {}
    for t in inputs:
        by_agency.setdefault(t[1], []).append(t)
    for agency in sorted(by_agency):
        yield from cross_year_checks(
            {
                "file": f,
                "ok": True,
                "agency": a,
                "report_year": y,
                "carried_over": co,
                "carried_forward": cf,
            }
            for f, a, y, co, cf in by_agency[agency]
        )


def cross_year_checks(summaries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """This year's 上年结转 against last year's 结转下年度, for each agency with consecutive
    reports.

    Rows follow analysis.tidy.CHECKS_SCHEMA. Only agencies with a report for the year
    before are checked; two reports for one agency-year make the pair ambiguous.
    """
    by_key: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for s in summaries:
        if s.get("ok") is False or not s.get("agency") or s.get("report_year") is None:
            continue
        by_key.setdefault((s["agency"], int(s["report_year"])), []).append(s)
    out = []
    for (agency, year), group in sorted(by_key.items()):
        prev = by_key.get((agency, year - 1))
        if not prev:
            continue
        for s in group:
            cells = [f"{s['file']}:三:carried_over:total"] + [
                f"{p['file']}:三:carried_forward:total" for p in prev
            ]
            values: dict[str, Any] = {cells[0]: s.get("carried_over")}
            values.update({c: p.get("carried_forward") for c, p in zip(cells[1:], prev)})
            if len(prev) > 1:
                status = CANNOT
                msg = (
                    f"{agency}: {year - 1} has {len(prev)} reports "
                    f"({', '.join(p['file'] for p in prev)}); "
                    f"cannot tell which one {s['file']} follows"
                )
            elif s.get("carried_over") is None or prev[0].get("carried_forward") is None:
                status = CANNOT
                msg = (
                    f"{agency}: {year} 上年结转 = {fmt(s.get('carried_over'))}, "
                    f"{year - 1} 结转下年度 = "
                    f"{fmt(prev[0].get('carried_forward'))}; cannot assess"
                )
            else:
                a, b = float(s["carried_over"]), float(prev[0]["carried_forward"])
                status = PASS if eq(a, b) else FAIL
                msg = (
                    f"{agency}: {year} 上年结转 {fmt(a)} {'=' if status == PASS else '≠'} "
                    f"{year - 1} 结转下年度 "
                    f"{fmt(b)} ({prev[0]['file']})"
                )
            out.append(
                {
                    "report_id": s["file"],
                    "agency": agency,
                    "report_year": year,
                    "check": "cross_year_carryover",
                    "status": status,
                    "cells": json.dumps(cells, ensure_ascii=False),
                    "values": json.dumps(values, ensure_ascii=False),
                    "message": msg,
                }
            )
    return out
