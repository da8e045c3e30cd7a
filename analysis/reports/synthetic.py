"""A processed corpus of any size for the report step's benchmark and scale tests.

Building 100,000 reports takes ten minutes; the pages only need the tidy tables. So a
small corpus is generated and built for real (analysis.synth → analysis.build), and its
counted reports serve as templates: each of N agencies × Y years gets a copy of one
template's rows (figures, table cells, checks, issues) under its own report id, name,
province, level and year, with the figures scaled by a factor of the agency so that the
distributions are spread. Nothing here is real data; it only has the real shapes.

  python -m analysis.reports.synthetic OUT --agencies 1000 --years 2014-2023
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from pathlib import Path

import pandas as pd

from .. import dataset

TABLES = ("reports", "metrics", "issues", "cells", "checks", "texts")


def _era(year: int) -> str:
    return "prose" if year < 2019 else ("template2019" if year < 2021 else "template2021")


def agency_names(n: int) -> list[tuple[str, str, str, str]]:
    """n distinct (agency, province, place, level): places × departments, like a real crawl.

    >>> agency_names(2)[0][1:], len({a for a, *_ in agency_names(500)})
    (('河北省', '河北省', 'provincial'), 500)
    """
    from ..synth import CITIES, COUNTIES, DEPARTMENTS, PROVINCES

    places = [(p, p, "provincial") for p in PROVINCES]
    places += [(c, PROVINCES[i % len(PROVINCES)], "prefecture") for i, c in enumerate(CITIES)]
    places += [(c, PROVINCES[i % len(PROVINCES)], "county") for i, c in enumerate(COUNTIES)]
    out = []
    k = 0
    while len(out) < n:
        for place, province, level in places:
            city_dept, prov_dept = DEPARTMENTS[k % len(DEPARTMENTS)]
            dept = prov_dept if level == "provincial" else city_dept
            round_ = k // len(DEPARTMENTS)
            name = place + dept + (f"第{round_}分局" if round_ else "")
            out.append((name, province, place, level))
            if len(out) == n:
                break
        k += 1
    return out


def templates(work: Path, n: int = 160, jobs: int = 2) -> Path:
    """Generate and build n realistic reports (analysis.synth); returns the processed folder."""
    from ..build.run import build
    from ..synth import generate

    raw, processed = work / "raw", work / "processed"
    seeds = Path(__file__).resolve().parent.parent.parent / "data" / "raw"
    generate(raw, n, seed=7, seeds_dir=seeds, duplicates=0.0, bad=0.0, jobs=1)
    code = build(raw_dir=raw, out_dir=processed, quiet=True, jobs=jobs)
    if code:
        raise RuntimeError(f"building the template corpus in {work} failed ({code})")
    return processed


def make(
    out_dir: str | Path,
    n_agencies: int,
    years: list[int],
    template_dir: str | Path | None = None,
    drop: float = 0.08,
) -> Path:
    """Write reports/metrics/issues/cells/checks/texts parquet files for n_agencies × years.

    `drop` is the share of agency-years left without a report, so coverage has gaps.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(template_dir) if template_dir else templates(Path(tmp))
        t = {name: dataset.load(name, src) for name in TABLES}
    reps = t["reports"][t["reports"]["status"] == "ok"].reset_index(drop=True)
    by_era: dict[str, list[int]] = {}
    for i, y in enumerate(reps["report_year"]):
        by_era.setdefault(_era(int(y)) if pd.notna(y) else "prose", []).append(i)
    names = agency_names(n_agencies)
    rows = []  # (new id, template row, agency index, year)
    for ai in range(n_agencies):
        for y in years:
            h = int(hashlib.blake2b(f"{ai}/{y}".encode(), digest_size=8).hexdigest(), 16)
            if (h % 1000) / 1000 < drop:
                continue
            pool = by_era.get(_era(y)) or list(range(len(reps)))
            rows.append((f"syn{ai:06d}_{y}.txt", pool[h % len(pool)], ai, y))
    plan = pd.DataFrame(rows, columns=["new_id", "tpl", "ai", "year"])
    plan["old_id"] = reps["report_id"].to_numpy()[plan["tpl"].to_numpy()]
    plan["agency"] = [names[a][0] for a in plan["ai"]]
    plan["province"] = [names[a][1] for a in plan["ai"]]
    plan["place"] = [names[a][2] for a in plan["ai"]]
    plan["level"] = [names[a][3] for a in plan["ai"]]
    # a factor per agency (0.3 – 3), so agencies differ while a report stays self-consistent
    plan["factor"] = 0.3 + (plan["ai"].to_numpy() * 2654435761 % 1000) / 370.0

    def clone(frame: pd.DataFrame, scale: str | None = None) -> pd.DataFrame:
        """Every row of the templates once per report that copies them, under the new ids."""
        own = [c for c in ("agency", "report_year", "place", "level", "province") if c in frame]
        keyed = frame.drop(columns=own).merge(
            plan.drop(columns=["tpl", "ai"]), left_on="report_id", right_on="old_id"
        )
        keyed = keyed.sort_values("new_id", kind="stable")
        keyed["report_id"] = keyed["new_id"]
        keyed["report_year"] = keyed["year"].astype("int64")
        if scale:
            keyed[scale] = (keyed[scale] * keyed["factor"]).round()
        cols = list(frame.columns) + (["province"] if name == "reports" else [])
        return keyed[list(dict.fromkeys(cols))].reset_index(drop=True)

    out_tables = {}
    for name, scale in (
        ("reports", None),
        ("metrics", "value"),
        ("cells", "value"),
        ("issues", None),
        ("checks", None),
    ):
        out_tables[name] = clone(reps if name == "reports" else t[name], scale)
    r = out_tables["reports"]
    r["file"] = r["report_id"]
    r["sha256"] = [hashlib.sha256(x.encode()).hexdigest() for x in r["report_id"]]
    r["duplicate_of"] = None
    out_tables["texts"] = t["texts"].iloc[0:0]
    for name, frame in out_tables.items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.reports.synthetic", description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--agencies", type=int, default=1000)
    ap.add_argument("--years", default="2014-2023", help="first-last")
    ap.add_argument("--templates", default=None, help="a built processed folder to copy from")
    args = ap.parse_args(argv)
    a, b = (int(x) for x in args.years.split("-"))
    out = make(args.out, args.agencies, list(range(a, b + 1)), args.templates)
    n = len(pd.read_parquet(out / "reports.parquet", columns=["report_id"]))
    print(f"wrote {n:,} reports of {args.agencies:,} agencies to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
