"""The report step at 1,000 and 10,000 agencies: pages/s cold and warm, the corpus pages,
nothing changed, one report changed (`make bench`, or alone:
`.venv/bin/python scripts/bench_reports.py --sizes 1000,10000`).

The processed tables come from scripts/synthetic_processed.py: a small corpus generated and
built for real, its rows copied to N agencies × 10 years (2014–2023), so the pages see the
shapes of a national corpus (≈14 figures, ≈95 table cells per report) without a ten-minute
build. Every run is `python -m analysis.reports --no-build`, timed from outside, in
temporary folders. Above 1,000 agencies the agency pages are timed on a sample (the first 80
agencies of one province, their kernels loading the whole corpus) and the rest extrapolated
at that rate; everything else runs in full. The CPU row counts the CPU seconds of the run,
its workers and their kernels: on a shared machine it tells what two idle cores would do.
The first row is the issue's own test: three seed reports copied under 300 agency names, one
a year, built and every page made by one `python -m analysis.reports` (`--seeds 0` skips it).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
YEARS = list(range(2014, 2024))
FULL_PAGES_UP_TO = 1000  # agencies; above, a sample of pages is timed and extrapolated
SAMPLE_PAGES = 80
TARGET_PAGES_S = 5.0
TARGET_CORPUS_S = 60.0
TARGET_NOTHING_S = 5.0
TARGET_ONE_S = {300: 20.0, 10_000: 60.0}


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(processed: Path, out: Path, *extra: str, build: bool = False) -> dict[str, Any]:
    """One `python -m analysis.reports` run: wall seconds, and the CPU seconds of it and its
    workers and kernels (waited-for children), which other load on the machine hardly moves."""
    cmd = [sys.executable, "-m", "analysis.reports"] + ([] if build else ["--no-build"])
    cmd += ["--processed", str(processed), "--out", str(out), *extra]
    t, cpu = time.perf_counter(), _child_cpu()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    secs = time.perf_counter() - t
    pages = {
        m.group(1): float(m.group(2)) for m in re.finditer(r"\] (.+?): ok \(([\d.]+) s\)", p.stderr)
    }
    if p.returncode:
        say(p.stderr[-3000:])
    return {
        "seconds": secs,
        "cpu": _child_cpu() - cpu,
        "ok": p.returncode == 0,
        "pages": pages,
        "stderr": p.stderr,
    }


def _rate(n: int, secs: float) -> str:
    return f"{n / secs:.1f} pages/s" if secs else "-"


def change_one_report(processed: Path) -> str:
    """Add 1 to one figure of the first report and rewrite metrics.parquet; its agency."""
    import pandas as pd

    m = pd.read_parquet(processed / "metrics.parquet")
    rid = m["report_id"].iloc[0]
    i = m.index[(m["report_id"] == rid) & m["value"].notna()][0]
    m.loc[i, "value"] = m.loc[i, "value"] + 1
    m.to_parquet(processed / "metrics.parquet", index=False)
    return str(m.loc[i, "agency"])


def make_templates(work: Path, n: int = 160, jobs: int = 2) -> Path:
    """Generate and build n realistic reports (analysis.synth); the processed folder."""
    from analysis.build.run import build
    from analysis.synth import generate

    raw, processed = work / "raw", work / "processed"
    generate(raw, n, seed=7, seeds_dir=ROOT / "data" / "raw", duplicates=0.0, bad=0.0)
    if build(raw_dir=raw, out_dir=processed, quiet=True, jobs=jobs):
        raise RuntimeError(f"building the template corpus in {work} failed")
    return processed


def measure(n: int, templates: Path, work: Path, jobs: int) -> dict[str, Any]:
    import synthetic_processed as synthetic

    processed, out = work / f"processed-{n}", work / f"reports-{n}"
    say(f"report step at {n:,} agencies: tables ...")
    synthetic.make(processed, n, YEARS, templates)
    import pandas as pd

    reps = pd.read_parquet(processed / "reports.parquet", columns=["agency", "province"])
    res: dict[str, Any] = {"agencies": n, "reports": len(reps)}
    j = ["--jobs", str(jobs)]
    say("  corpus pages (cross_year + corpus_overview) ...")
    c = run(processed, out, "--only", "cross_year", "--only", "corpus_overview", *j)
    res["corpus"] = c
    sel: list[str] = []
    if n > FULL_PAGES_UP_TO:  # a sample: the first agencies of the largest province
        province = reps["province"].value_counts().index[0]
        names = reps.loc[reps["province"] == province, "agency"].drop_duplicates()
        for name in names.head(SAMPLE_PAGES):
            sel += ["--agencies", name]
    say(f"  agency pages ({'all' if not sel else 'a sample'}), cold ...")
    cold = run(processed, out, "--only", "agency_summary", *sel, *j)
    per = sorted(v for k, v in cold["pages"].items() if k.startswith("agency_summary"))
    pages = len(per)
    # steady state: the page time once a worker's kernel is warm (its first page excluded)
    steady = per[jobs:] if len(per) > jobs else per
    res["pages"] = {
        "n": pages,
        "cold_s": cold["seconds"],
        "cpu_s": cold["cpu"],
        "mean_page_s": sum(steady) / max(1, len(steady)),
        "ok": cold["ok"] and len(per) == pages,
    }
    if n <= FULL_PAGES_UP_TO:
        say("  nothing changed ...")
        res["nothing"] = run(processed, out, *j)  # completes the state (index written)
        res["nothing"] = run(processed, out, *j)
    else:
        say("  nothing changed (the skip check over every page) ...")
        complete_from_sample(processed, out)
        res["nothing"] = run(processed, out, *j)
        res["nothing_note"] = " (the check only: pages not in the sample are copies)"
    agency = change_one_report(processed)
    say(f"  one report changed ({agency}) ...")
    # a one-character class makes the pattern a wildcard over the whole name: exactly this one
    extra = [] if n <= FULL_PAGES_UP_TO else ["--agencies", f"[{agency[0]}]{agency[1:]}"]
    one = run(processed, out, *extra, *j)
    res["one"] = one
    res["one_ran"] = sorted(one["pages"])
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(processed, ignore_errors=True)
    return res


def complete_from_sample(processed: Path, out: Path) -> None:
    """Make `out` look like a complete run of every page, so that the nothing-changed check
    can be timed at a size whose pages were only sampled: each page not made is a copy of a
    made one, and the state lists every page with its real fingerprint."""
    import json

    from analysis.reports import run as rr

    jobs, _ = rr.plan(processed, ROOT / "notebooks")
    made = next(j for j in jobs if (out / f"{j.out_stem}.html").exists() and "/" in j.out_stem)
    state = {"jobs": {}, "inputs": rr.inputs_signature(processed, ROOT / "notebooks")}
    for j in jobs:
        for ext in (".ipynb", ".html"):
            target = out / f"{j.out_stem}{ext}"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(out / f"{made.out_stem}{ext}", target)
        state["jobs"][j.key] = {"fingerprint": j.fingerprint, "out": j.out_stem}
    (out / rr.STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def rows(results: list[dict[str, Any]], jobs: int) -> list[list[str]]:
    out = []
    for r in results:
        n, p = r["agencies"], r["pages"]
        where = f"{n:,} agencies / {r['reports']:,} reports"
        sample = "" if p["n"] == n else f" (a sample of {p['n']:,} pages)"
        out.append(
            [
                f"agency pages, cold, {where}{sample}",
                f">= {TARGET_PAGES_S:.0f} pages/s",
                f"{_rate(p['n'], p['cold_s'])} ({p['cold_s']:.0f} s incl. planning, kernel start)",
                "met" if p["ok"] and p["n"] / p["cold_s"] >= TARGET_PAGES_S else "NOT MET",
            ]
        )
        idle = p["n"] / (p["cpu_s"] / jobs) if p["cpu_s"] else 0.0
        out.append(
            [
                f"agency pages, CPU time, {where}",
                f">= {TARGET_PAGES_S:.0f} pages/s",
                f"{p['cpu_s'] / max(1, p['n']):.2f} CPU s a page incl. start-up: "
                f"{idle:.1f} pages/s on {jobs} idle cores",
                "met" if p["ok"] and idle >= TARGET_PAGES_S else "NOT MET",
            ]
        )
        warm = jobs / p["mean_page_s"] if p["mean_page_s"] else 0.0
        out.append(
            [
                f"agency pages, warm kernels, {where}",
                f">= {TARGET_PAGES_S:.0f} pages/s",
                f"{warm:.1f} pages/s ({p['mean_page_s']:.2f} s a page × {jobs} workers)",
                "met" if warm >= TARGET_PAGES_S else "NOT MET",
            ]
        )
        if p["n"] != n:
            est = n / (p["n"] / p["cold_s"]) / 60
            out.append([f"all {n:,} agency pages (extrapolated)", "~35 min", f"~{est:.0f} min", ""])
        c = r["corpus"]
        each = ", ".join(f"{k} {v:.0f} s" for k, v in sorted(c["pages"].items()))
        out.append(
            [
                f"cross_year + corpus_overview, {where}",
                f"< {TARGET_CORPUS_S:.0f} s",
                f"{c['seconds']:.0f} s ({each})",
                "met" if c["ok"] and c["seconds"] < TARGET_CORPUS_S else "NOT MET",
            ]
        )
        if "nothing" in r:
            t = r["nothing"]["seconds"]
            out.append(
                [
                    f"nothing changed, {where}" + r.get("nothing_note", ""),
                    f"< {TARGET_NOTHING_S:.0f} s",
                    f"{t:.1f} s",
                    "met" if t < TARGET_NOTHING_S else "NOT MET",
                ]
            )
        o = r["one"]
        target = TARGET_ONE_S.get(n)
        out.append(
            [
                f"one report changed, {where}",
                f"< {target:.0f} s" if target else "-",
                f"{o['seconds']:.0f} s, ran: {', '.join(r['one_ran'])}",
                ("met" if o["ok"] and o["seconds"] < target else "NOT MET") if target else "",
            ]
        )
    return out


SEED_FILES = ("000_5c8a14d5fa55ccf4.txt", "001_fc4f34c734b4c5a9.txt", "004_61bfce714908b168.txt")
SEEDS_TARGET_S = 240.0


def seeds_corpus(raw: Path, agencies: int = 300, years: tuple[int, ...] = (2019, 2020, 2021)):
    """The issue's test corpus: three seed reports copied under each of `agencies` names, one
    a year, the names and years given by the manifest. Each copy ends with its own line, so
    no two files are byte-identical (identical files would count once, as duplicates)."""
    import csv

    import synthetic_processed as synthetic

    raw.mkdir(parents=True)
    seeds = [(ROOT / "data" / "raw" / f).read_bytes() for f in SEED_FILES]
    with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "agency", "report_year"])
        for i, (name, *_rest) in enumerate(synthetic.agency_names(agencies)):
            for j, year in enumerate(years):
                f = f"a{i:05d}_{year}.txt"
                (raw / f).write_bytes(seeds[j % len(seeds)] + f"\n（副本 {i}-{year}）\n".encode())
                w.writerow([f, name, year])


def seeds_row(work: Path, jobs: int, agencies: int = 300) -> list[str]:
    """`python -m analysis.reports` (build included) on seeds_corpus: every page, cold."""
    raw = work / "seeds-raw"
    seeds_corpus(raw, agencies)
    say(f"  the seeds under {agencies} agencies × 3 years, build and every page ...")
    r = run(
        work / "seeds-processed",
        work / "seeds-reports",
        "--raw",
        str(raw),
        "--jobs",
        str(jobs),
        build=True,
    )
    n = len(r["pages"])
    want = agencies + 3
    return [
        f"every page from the seeds, {agencies} agencies × 3 years ({agencies * 3} reports), "
        "build included, cold",
        f"{want} pages < {SEEDS_TARGET_S / 60:.0f} min",
        f"{n} pages in {r['seconds']:.0f} s ({r['cpu']:.0f} CPU s)",
        "met" if r["ok"] and n >= want and r["seconds"] < SEEDS_TARGET_S else "NOT MET",
    ]


def bench(
    sizes: list[int], jobs: int, work: Path | None = None, seeds: int = 300
) -> list[list[str]]:
    tmp = Path(tempfile.mkdtemp(prefix="gdr-bench-reports-", dir=work))
    try:
        results = []
        if sizes:
            say("report step: generating and building the template corpus ...")
            templates = make_templates(tmp / "templates", jobs=jobs)
            results = [measure(n, templates, tmp, jobs) for n in sizes]
        extra = [seeds_row(tmp, jobs, seeds)] if seeds else []
        return extra + rows(results, jobs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="agency counts, comma separated")
    ap.add_argument("--jobs", type=int, default=0, help="workers (0: one per core)")
    ap.add_argument(
        "--seeds", type=int, default=300, help="agencies of the seeds corpus row (0: skip it)"
    )
    args = ap.parse_args(argv)
    jobs = args.jobs or len(os.sched_getaffinity(0))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    table = bench(sizes, jobs, seeds=args.seeds)
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import table as fmt

    print(fmt("Report step at scale (issue 15)", ["what", "wanted", "measured", ""], table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
