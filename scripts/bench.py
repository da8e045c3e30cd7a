"""`make bench`: how fast the extraction and the reports are on this machine, measured,
not assumed.

Generates a realistic corpus (analysis.synth: seeds varied, template and prose
reports, traditional script, GBK/Big5, web pages, mirrors, broken files) in a temporary
folder, then measures and prints as tables:

- two reference points of this machine: the raw cost of reading the files, and OpenCC's
  conversion speed on the same texts;
- extraction in one process, stage by stage (load, normalize, metadata, figures, tables)
  on the seeds and on a sample of the corpus, against the 1,000 reports/s/core target;
- the full build of the corpus on all cores (reports/s, MB/s, extract and write phases,
  peak memory of the whole process tree), a warm re-run and a one-file change;
- `make reports` on the seeds, cold and warm (in temporary folders: data/processed and
  reports/ of the working tree are left alone);
- the hottest functions of the extractor (cProfile).

Timings are wall-clock on a machine that may be shared: the load average is printed
with the results. The package and notebooks are copied first and every measurement runs
that copy, so an edit to the working tree during the run cannot mix two versions.
Nothing here is a pass/fail test; targets are shown next to the figures.
Usage: scripts/bench.py [--n 20000] [--large] [--sample 2000] [--jobs 0]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT  # replaced by the snapshot in main()

import psutil  # noqa: E402

TARGET_PER_CORE = 1000  # reports/s/core for load+normalize+extract on seed-sized reports
TARGET_MEM_MB = 1024  # for 100,000 reports
TARGET_WARM_S = 5.0
TARGET_COLD_S = 60.0


# ---------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import opencc
    import pyarrow

    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": f"{psutil.virtual_memory().total / 2**30:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pyarrow": pyarrow.__version__,
        "opencc": getattr(opencc, "__version__", "?"),
        "disk": _disk(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _disk() -> str:
    try:
        out = subprocess.run(
            ["df", "-hT", tempfile.gettempdir()], capture_output=True, text=True, timeout=5
        ).stdout.splitlines()
        parts = out[1].split()
        return f"{parts[1]} ({tempfile.gettempdir()})"
    except Exception:  # noqa: BLE001 - only for the description
        return "?"


class TreeMemory:
    """Peak memory of a process and all its children, sampled: RSS (counts shared pages once per
    process, so it overstates forked workers) and PSS (shares them out: the honest total)."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            rss = pss = 0
            for p in procs:
                try:
                    mi = p.memory_full_info()
                    rss += mi.rss
                    pss += getattr(mi, "pss", mi.rss)
                except psutil.Error:
                    pass
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop.wait(self.interval)


def run_measured(
    cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> dict[str, Any]:
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": time.perf_counter() - t,
        # CPU of the process and its workers (user + system): steadier than wall on a shared
        # machine, where other load only ever slows a run down
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "code": proc.returncode,
        "peak_rss": mem.peak_rss,
        "peak_pss": mem.peak_pss,
        "stdout": out,
        "stderr": err,
    }


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in r] for r in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)
    ]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    out = [f"\n### {title}\n", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    return "\n".join(out)


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_file() and p.name != "manifest.csv")


def reference_read(files: list[Path]) -> dict[str, float]:
    t = time.perf_counter()
    total = 0
    for p in files:
        with p.open("rb") as fh:
            total += len(fh.read())
    s = time.perf_counter() - t
    return {"seconds": s, "bytes": total, "files": len(files)}


def reference_opencc(texts: list[str], nbytes: int) -> dict[str, float]:
    """OpenCC's C++ converter alone, on the decoded texts: the floor for any t→s normalization."""
    import opencc

    conv = opencc.OpenCC("t2s")  # created once, as the extractor does
    conv.convert("預熱")
    t = time.perf_counter()
    for s in texts:
        conv.convert(s)
    return {"seconds": time.perf_counter() - t, "files": len(texts), "bytes": nbytes}


def seeds_by_script(
    seeds: list[tuple[str, bytes]], rounds: int = 40, repeats: int = 5
) -> dict[str, Any]:
    """Extraction of the simplified and the traditional seeds apart, and OpenCC's part in the
    latter.

    Traditional reports must be converted (OpenCC tw2sp, with Taiwan phrases), which costs
    about as much as everything else the extractor does to a report; this shows that floor.
    """
    from analysis.document import convert
    from analysis.extract import extract_bytes
    from analysis.read.load import load_bytes

    groups: dict[str, list[tuple[str, bytes]]] = {"simplified": [], "traditional": []}
    conv_texts = []
    for name, data in seeds:
        text = load_bytes(name, data).text
        script = convert.detect_script(text)
        groups["traditional" if script == "traditional" else "simplified"].append((name, data))
        if script == "traditional":
            conv_texts.append(text)
    out: dict[str, Any] = {}
    for label, items in groups.items():
        if not items:
            continue
        for name, data in items:
            extract_bytes(name, data)
        secs = _best_of(
            repeats,
            lambda: [extract_bytes(name, data) for _ in range(rounds) for name, data in items],
        )
        out[label] = {"n": rounds * len(items), "seconds": secs, "files": len(items)}
    if conv_texts:
        convert.tw2sp(conv_texts[0])
        secs = _best_of(
            repeats, lambda: [convert.tw2sp(text) for _ in range(rounds) for text in conv_texts]
        )
        out["tw2sp"] = {"n": rounds * len(conv_texts), "seconds": secs}
    return out


def _best_of(repeats: int, run: Any) -> float:
    """The fastest of `repeats` timed runs: other load on a shared machine only ever slows a
    run down, so the fastest is the closest to what the code itself costs."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t)
    return best


def stage_times(
    items: list[tuple[str, bytes]], rounds: int = 1, repeats: int = 1
) -> dict[str, Any]:
    """Each stage of analysis.extract timed on its own, in one process (the whole: best of
    `repeats`).

    The stages are called as analysis.extract.extract_loaded calls them; if their
    signatures change, the stage breakdown is skipped and only the whole is timed.
    """
    from analysis.extract import extract_bytes

    for name, data in items[:5]:  # warm-up: OpenCC converters, lazily built regexes
        extract_bytes(name, data)
    n = rounds * len(items)
    whole = _best_of(
        repeats, lambda: [extract_bytes(name, data) for _ in range(rounds) for name, data in items]
    )
    res: dict[str, Any] = {
        "n": n,
        "repeats": repeats,
        "bytes": sum(len(d) for _, d in items) * rounds,
        "whole": whole,
        "stages": None,
    }
    try:
        from analysis.document.sentences import build_document
        from analysis.facts.figures import extract_figures
        from analysis.facts.metadata import read_metadata
        from analysis.read.load import LoadError, load_bytes
        from analysis.tables import read as tbl

        acc = dict.fromkeys(["load", "normalize+document", "metadata", "figures", "tables"], 0.0)
        pc = time.perf_counter
        for _ in range(rounds):
            for name, data in items:
                t0 = pc()
                try:
                    loaded = load_bytes(name, data)
                except LoadError:
                    acc["load"] += pc() - t0
                    continue
                t1 = pc()
                doc = build_document(loaded)
                t2 = pc()
                md = read_metadata(doc)
                t3 = pc()
                extract_figures(doc, md.report_year)
                t4 = pc()
                tables = tbl.read_tables(doc)
                tbl.merge_metrics({}, tables)
                t5 = pc()
                acc["load"] += t1 - t0
                acc["normalize+document"] += t2 - t1
                acc["metadata"] += t3 - t2
                acc["figures"] += t4 - t3
                acc["tables"] += t5 - t4
        res["stages"] = acc
    except Exception as e:  # noqa: BLE001 - the extractor's internals are changing; report, don't fail
        res["stage_error"] = repr(e)
    return res


def profile(items: list[tuple[str, bytes]], top: int = 15) -> str:
    from analysis.extract import extract_bytes

    for name, data in items[:5]:
        extract_bytes(name, data)
    prof = cProfile.Profile()
    prof.enable()
    for name, data in items:
        extract_bytes(name, data)
    prof.disable()
    st = pstats.Stats(prof)
    total = st.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _) in sorted(
        st.stats.items(), key=lambda kv: -kv[1][2]
    )[:top]:  # type: ignore[attr-defined]
        where = f"{Path(file).name}:{line}" if file != "~" else "builtin"
        rows.append(
            [
                f"{func}",
                where,
                f"{nc:,}",
                f"{tt / len(items) * 1000:.2f}",
                f"{tt / total * 100:.0f}%",
                f"{ct / len(items) * 1000:.2f}",
            ]
        )
    return table(
        f"Hottest functions (cProfile, {len(items)} reports, one process; profiling adds overhead)",
        ["function", "where", "calls", "own ms/report", "own share", "cumulative ms/report"],
        rows,
    )


def build_cmd(raw: Path, out: Path, jobs: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "analysis",
        "build",
        "--raw",
        str(raw),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--quiet",
    ]


def timed_build(raw: Path, out: Path, jobs: int, stats_file: Path) -> dict[str, Any]:
    env = dict(os.environ, ANALYSIS_BUILD_STATS=str(stats_file), PYTHONPATH=str(CODE))
    r = run_measured(build_cmd(raw, out, jobs), env=env, cwd=CODE)
    try:
        r["stats"] = json.loads(stats_file.read_text())
    except (OSError, json.JSONDecodeError):
        r["stats"] = {}
    if r["code"]:
        say(f"build failed ({r['code']}):\n{r['stderr'][-2000:]}")
    return r


TARGET_BUILD_SHARE = 0.70  # cold build rate against cores x the one-process extraction rate
TARGET_ONE_CHANGED_S = 5.0  # one changed file in 100,000
# nothing changed: `make reports` under 5 s at 100,000 reports, of which the build's own check
# may take 2-3 s (the report step's check is the rest)
TARGET_WARM_BUILD_S = 3.0
TARGET_BUILD_MEM_MB = 1024


def build_targets(
    n: int,
    jobs: int,
    cold: dict[str, Any] | None,
    inc: dict[str, Any],
    st_seeds: dict[str, Any],
    st_sample: dict[str, Any],
    warm: dict[str, Any] | None = None,
) -> str:
    """The build's rows of issue 15: the cold build's rate against what its cores extract
    one process each (on the corpus sample, the same kind of files, and on the seeds, the
    issue's reference), nothing changed, one changed file, peak memory."""
    at_n = "" if n >= 100_000 else " (at this N; run --large)"
    rows = []
    if warm is not None:
        rows.append(
            [
                f"nothing changed, {n:,} reports (the build's part of make reports)",
                f"< {TARGET_WARM_BUILD_S:.0f} s at 100,000",
                f"{warm['seconds']:.2f} s ({warm.get('cpu_s', 0):.2f} s CPU"
                + (", quick check" if warm["stats"].get("quick") else "")
                + ")",
                ("met" if warm["seconds"] < TARGET_WARM_BUILD_S else "NOT MET") + at_n,
            ]
        )
    if cold is None:  # --build-only on an existing build: no cold run
        cold = {"seconds": 0.0, "stats": {}, "peak_pss": 0}
    files = cold["stats"].get("files", 0)
    cold_rate = files / cold["seconds"] if cold["seconds"] else 0.0
    for label, st in (("corpus sample", st_sample), ("seeds", st_seeds)):
        if not cold["seconds"]:
            break
        one = st["n"] / st["whole"] if st.get("whole") else 0.0
        share = cold_rate / (jobs * one) if one else 0.0
        rows.append(
            [
                f"cold build against {jobs} cores x one process ({label})",
                f">= {TARGET_BUILD_SHARE:.0%}",
                f"{share:.0%} ({cold_rate:,.0f} reports/s against {jobs} x {one:,.0f})",
                "met" if share >= TARGET_BUILD_SHARE else "NOT MET",
            ]
        )
    st = inc["stats"]
    rows.append(
        [
            f"one file changed, {n:,} reports",
            f"< {TARGET_ONE_CHANGED_S:.0f} s at 100,000",
            f"{inc['seconds']:.1f} s ({inc.get('cpu_s', 0):.1f} s CPU; scan "
            f"{st.get('scan_s', 0):.1f}, extract {st.get('extract_s', 0):.1f}, write "
            f"{st.get('write_s', 0):.1f}; {st.get('partitions_written', '?')} partitions, "
            f"{st.get('year_csvs_written', 0)} per-year CSVs written)",
            ("met" if inc["seconds"] < TARGET_ONE_CHANGED_S else "NOT MET") + at_n,
        ]
    )
    if cold["seconds"]:
        rows.append(
            [
                f"build peak memory, {n:,} reports",
                f"< {TARGET_BUILD_MEM_MB:,} MB at 100,000",
                f"{mb(cold['peak_pss'])} PSS",
                ("met" if cold["peak_pss"] < TARGET_BUILD_MEM_MB * 2**20 else "NOT MET") + at_n,
            ]
        )
    return table("Targets (issue 15, build)", ["target", "wanted", "measured", ""], rows)


def one_changed(corpus_dir: Path, files: list[Path], out: Path, jobs: int, stats: Path) -> dict:
    """Build after appending a newline to one text report (new bytes, the same report),
    then put the file back."""
    victim = next(
        p
        for p in files
        if p.suffix == ".txt" and "_broken" not in p.name and "_mirror" not in p.name
    )
    original = victim.read_bytes()
    victim.write_bytes(original + b"\n")  # exactly one file to re-extract
    try:
        return timed_build(corpus_dir, out, jobs, stats)
    finally:
        victim.write_bytes(original)


def build_only(
    args: Any, corpus_dir: Path, files: list[Path], n: int, jobs: int, info: dict, tmp: Path
) -> int:
    """`--build-only`: the build's targets of issue 15 without the other rows."""
    out = Path(args.out) if args.out else tmp / "processed"
    sample_files = files[:: max(1, len(files) // args.sample)][: args.sample]
    sample = [(str(p), p.read_bytes()) for p in sample_files]
    seeds = [(str(p), p.read_bytes()) for p in sorted((ROOT / "data" / "raw").glob("0*.txt"))]
    say("extraction in one process (seeds, the sample) ...")
    st_seeds = stage_times(seeds, rounds=max(1, 200 // max(1, len(seeds))), repeats=5)
    st_sample = stage_times(sample)
    cold = None
    if not (out / "build-state.json").exists():
        say(f"build of the whole corpus on {jobs} processes (cold) ...")
        cold = timed_build(corpus_dir, out, jobs, tmp / "stats-cold.json")
    else:
        say(f"{out} holds a build: no cold run; bringing it up to date ...")
        timed_build(corpus_dir, out, jobs, tmp / "stats-prep.json")
    say("nothing changed ...")
    before = snapshot(out)
    warm = timed_build(corpus_dir, out, jobs, tmp / "stats-warm.json")
    rewritten = sum(1 for k, v in snapshot(out).items() if before.get(k) != v)
    say("one file changed ...")
    inc = one_changed(corpus_dir, files, out, jobs, tmp / "stats-inc.json")
    info["load"] += " → " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = []
    if cold is not None:
        cs = cold["stats"]
        rows.append(
            [
                "build: total, cold",
                f"{cs.get('files', 0):,}",
                f"{cold['seconds']:.1f} ({cold['cpu_s']:.0f} CPU)",
                f"extract {cs.get('extract_s', 0):.1f} s, write {cs.get('write_s', 0):.1f} s; "
                f"peak {mb(cold['peak_pss'])} PSS / {mb(cold['peak_rss'])} RSS",
            ]
        )
    rows.append(
        [
            "build: warm, nothing changed",
            f"{len(files):,}",
            f"{warm['seconds']:.2f} ({warm['cpu_s']:.2f} CPU)",
            f"{rewritten} files rewritten"
            + (", quick check" if warm["stats"].get("quick") else ""),
        ]
    )
    st = inc["stats"]
    rows.append(
        [
            "build: one file changed",
            f"{st.get('extracted', '?')} re-extracted",
            f"{inc['seconds']:.1f} ({inc['cpu_s']:.1f} CPU)",
            f"scan {st.get('scan_s', 0):.1f}, extract {st.get('extract_s', 0):.1f}, write "
            f"{st.get('write_s', 0):.1f} s",
        ]
    )
    print(table("Machine", ["", ""], [[k, v] for k, v in info.items()]))
    print(table("Build (issue 15)", ["what", "reports", "seconds (wall, CPU)", "note"], rows))
    print(build_targets(n, jobs, cold, inc, st_seeds, st_sample, warm))
    if args.json:
        from analysis.atomic import write_text

        keep = {"cold": cold, "warm": warm, "one_changed": inc}
        write_text(
            Path(args.json),
            json.dumps(
                {
                    k: {x: y for x, y in (v or {}).items() if x not in ("stdout", "stderr")}
                    for k, v in keep.items()
                },
                indent=1,
                default=str,
            ),
        )
    return 0


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p): (p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.rglob("*") if p.is_file()
    }


def reports_timing(work: Path) -> dict[str, Any]:
    """`make reports` on the seeds (build + analysis.reports), cold then warm, in temporary
    folders."""
    if not (CODE / "analysis" / "reports.py").exists():
        return {"available": False, "why": "analysis/reports.py does not exist yet"}
    processed, reports = work / "processed", work / "reports"
    env = dict(os.environ, PYTHONPATH=str(CODE), MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    out: dict[str, Any] = {"available": True}
    for label in ("cold", "warm"):
        t = time.perf_counter()
        b = run_measured(
            [
                sys.executable,
                "-m",
                "analysis",
                "build",
                "--raw",
                str(ROOT / "data" / "raw"),
                "--out",
                str(processed),
                "--quiet",
            ],
            env=env,
            cwd=CODE,
        )
        r = run_measured(
            [
                sys.executable,
                "-m",
                "analysis.reports",
                "--raw",
                str(ROOT / "data" / "raw"),
                "--processed",
                str(processed),
                "--out",
                str(reports),
                "--notebooks",
                str(CODE / "notebooks"),
                "--no-build",
                "--quiet",
            ],
            env=env,
            cwd=CODE,
        )
        out[label] = {
            "seconds": time.perf_counter() - t,
            "build": b["seconds"],
            "reports": r["seconds"],
            "ok": b["code"] == 0 and r["code"] == 0,
            "peak_pss": max(b["peak_pss"], r["peak_pss"]),
            "error": (b["stderr"] + r["stderr"])[-600:] if b["code"] or r["code"] else "",
        }
    return out


# ---------------------------------------------------------------------------------------
def snapshot_code(tmp: Path) -> Path:
    """A copy of analysis/ and notebooks/ that the whole run uses (imports and subprocesses)."""
    code = tmp / "code"
    shutil.copytree(
        ROOT / "analysis", code / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    if (ROOT / "notebooks").is_dir():
        shutil.copytree(
            ROOT / "notebooks",
            code / "notebooks",
            ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
        )
    sys.path.insert(0, str(code))
    return code


def _cpu_of(run: Any) -> float:
    """The CPU seconds one run takes (the rate per core, whatever else shares the machine)."""
    t = time.process_time()
    run()
    return time.process_time() - t


def documents_table(tmp: Path) -> str:
    """Reading speed of PDF, Word and OCR (issue 13), on documents made as the tests make
    them: the 2021 report printed five times over by Chromium (a text PDF), as a .docx,
    and as a page image read by OCR, cold and again from its cache."""
    sys.path.insert(0, str(ROOT / "tests"))
    import docmaker

    from analysis.read import ocr
    from analysis.read.load import load_bytes

    work = tmp / "documents"
    work.mkdir(exist_ok=True)
    html = docmaker.report_html()
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    pdf = docmaker.print_pdf(html.replace(body, body * 5), work)
    docx = docmaker.make_docx(html)
    png = docmaker.screenshot(html, work, 900, 4000)
    rows = []
    n_pages = len(load_bytes("r.pdf", pdf).pages)
    t = _best_of(3, lambda: load_bytes("r.pdf", pdf))
    cpu = min(_cpu_of(lambda: load_bytes("r.pdf", pdf)) for _ in range(3))
    rows.append(
        [
            "text PDF (pypdfium2)",
            f"{n_pages} pages",
            f"{t:.2f}",
            f"{n_pages / t:.1f} pages/s ({n_pages / cpu:.1f} per CPU-second)",
        ]
    )
    t = _best_of(3, lambda: load_bytes("r.docx", docx))
    rows.append(["DOCX (mammoth)", "1 report", f"{t:.2f}", f"{1 / t:.1f} reports/s"])
    shutil.rmtree(work / "ocr-cache", ignore_errors=True)  # cold: nothing cached yet
    os.environ["ANALYSIS_OCR_CACHE"] = str(work / "ocr-cache")
    ocr._memo.clear()
    ocr.engine()  # (loading the models is once per process, not per page)
    t0 = time.perf_counter()
    loaded = load_bytes("r.png", png)
    t = time.perf_counter() - t0
    n = len(loaded.pages) or 1
    rows.append(["OCR page image (RapidOCR)", "900x4000 px", f"{t:.1f}", f"{t / n:.1f} s/page"])
    ocr._memo.clear()
    t0 = time.perf_counter()
    load_bytes("r.png", png)
    t = time.perf_counter() - t0
    rows.append(["OCR, unchanged image again", "from the cache", f"{t:.2f}", "no OCR run"])
    return table("Documents (issue 13)", ["reader", "input", "seconds", "rate"], rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--n", type=int, default=20000, help="reports in the generated corpus (default 20,000)"
    )
    ap.add_argument(
        "--large",
        action="store_true",
        help="100,000 reports (the memory target's size; ~15-25 min here)",
    )
    ap.add_argument(
        "--sample", type=int, default=2000, help="reports timed stage by stage in one process"
    )
    ap.add_argument("--jobs", type=int, default=0, help="build processes (0: one per core)")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed")
    ap.add_argument(
        "--corpus",
        help="use (or keep) the generated corpus in this folder instead of a temporary one",
    )
    ap.add_argument("--skip-reports", action="store_true", help="do not time make reports")
    ap.add_argument("--json", help="also write every figure to this JSON file")
    ap.add_argument(  # the report step at scale: scripts/bench_reports.py
        "--reports-scale",
        default="1000,10000",
        help="agency counts for the report step at scale (scripts/bench_reports.py); '' skips",
    )
    ap.add_argument(
        "--reports-scale-only", action="store_true", help="only the report step at scale"
    )
    ap.add_argument(
        "--build-only",
        action="store_true",
        help="only the build's rows of issue 15: cold (unless --out holds a build already), "
        "nothing changed, one file changed, against the one-process rates",
    )
    ap.add_argument(
        "--out", help="with --build-only: the processed folder to build into (kept afterwards)"
    )
    args = ap.parse_args(argv)
    if args.reports_scale_only:
        import bench_reports

        return bench_reports.main(["--sizes", args.reports_scale, "--jobs", str(args.jobs)])
    n = 100_000 if args.large else args.n
    jobs = args.jobs or len(os.sched_getaffinity(0))
    info = machine()
    results: dict[str, Any] = {"machine": info, "n": n}
    tmp = Path(tempfile.mkdtemp(prefix="gdr-bench-"))
    try:
        global CODE
        CODE = snapshot_code(tmp)
        from analysis import synth
        from analysis.build.versions import code_version

        info["extractor version"] = code_version()
        corpus_dir = Path(args.corpus) if args.corpus else tmp / "corpus"
        t = time.perf_counter()
        if corpus_dir.is_dir() and len(list(corpus_dir.iterdir())) == n + 1:
            say(f"using the corpus in {corpus_dir}")
            corpus = None
        else:
            if corpus_dir.exists():
                shutil.rmtree(corpus_dir)
            say(f"generating {n:,} reports into {corpus_dir} ...")
            corpus = synth.generate(
                corpus_dir, n, seed=args.seed, seeds_dir=ROOT / "data" / "raw", jobs=jobs
            )
        gen_s = time.perf_counter() - t
        files = corpus_files(corpus_dir)
        total_bytes = sum(p.stat().st_size for p in files)
        say(f"  {len(files):,} files, {mb(total_bytes)} ({gen_s:.0f} s)")
        if args.build_only:
            return build_only(args, corpus_dir, files, n, jobs, info, tmp)

        # --- reference points
        say("reference: reading the files, OpenCC on the same texts ...")
        read = reference_read(files)
        sample_files = files[:: max(1, len(files) // args.sample)][: args.sample]
        sample = [(str(p), p.read_bytes()) for p in sample_files]
        from analysis.read.load import LoadError, load_bytes

        texts = []
        for name, data in sample:
            try:
                texts.append(load_bytes(name, data).text)
            except LoadError:
                pass
        cc = reference_opencc(texts, sum(len(d) for _, d in sample))
        seeds = [(str(p), p.read_bytes()) for p in sorted((ROOT / "data" / "raw").glob("0*.txt"))]

        # --- one process, stage by stage
        say("extraction in one process, stage by stage (seeds, then the sample) ...")
        st_seeds = stage_times(seeds, rounds=max(1, 200 // max(1, len(seeds))), repeats=5)
        st_sample = stage_times(sample)
        by_script = seeds_by_script(seeds)

        # --- the full build on all cores
        say(f"build of the whole corpus on {jobs} processes (cold) ...")
        out = tmp / "processed"
        cold = timed_build(corpus_dir, out, jobs, tmp / "stats-cold.json")
        say(f"  {cold['seconds']:.0f} s; warm re-run ...")
        before = snapshot(out)
        warm = timed_build(corpus_dir, out, jobs, tmp / "stats-warm.json")
        rewritten = sum(1 for k, v in snapshot(out).items() if before.get(k) != v)
        say("  one file changed ...")
        inc = one_changed(corpus_dir, files, out, jobs, tmp / "stats-inc.json")
        processed_bytes = sum(
            p.stat().st_size for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts
        )

        rep: dict[str, Any] = {"available": False, "why": "--skip-reports"}
        if not args.skip_reports:
            say("make reports on the seeds, cold and warm ...")
            rep = reports_timing(tmp / "reports-run")

        say("profiling the extractor ...")
        prof = profile(sample[: min(300, len(sample))] + seeds * 10)
        info["load"] += " → " + " ".join(f"{x:.2f}" for x in os.getloadavg())

        # --- tables
        lines: list[str] = [
            f"\n## Benchmark: {n:,} generated reports ({mb(total_bytes)}), "
            f"{time.strftime('%Y-%m-%d %H:%M')}"
        ]
        lines.append(table("Machine", ["", ""], [[k, v] for k, v in info.items()]))
        if corpus is not None:
            mix = [
                ["kinds", ", ".join(f"{k} {v:,}" for k, v in corpus.kinds.most_common())],
                ["scripts", ", ".join(f"{k} {v:,}" for k, v in corpus.scripts.most_common())],
                ["encodings", ", ".join(f"{k} {v:,}" for k, v in corpus.encodings.most_common())],
                ["formats", ", ".join(f"{k} {v:,}" for k, v in corpus.formats.most_common())],
                ["manifest rows", f"{corpus.manifest_rows:,}"],
                ["generated in", f"{gen_s:.0f} s"],
            ]
            lines.append(table("Corpus", ["", ""], mix))

        def rate(nrep: float, secs: float) -> str:
            return f"{nrep / secs:,.0f}" if secs > 0 else "-"

        def mbs(nb: float, secs: float) -> str:
            return f"{nb / 2**20 / secs:,.1f}" if secs > 0 else "-"

        tw_ms = (
            by_script["tw2sp"]["seconds"] / by_script["tw2sp"]["n"] * 1000
            if "tw2sp" in by_script
            else 0.0
        )
        cs = cold["stats"]
        ext_s = cs.get("extract_s", 0.0)
        n_ext = cs.get("extracted", 0)
        rows = (
            [
                [
                    "reference: read the files (page cache warm)",
                    f"{read['files']:,}",
                    f"{read['seconds']:.2f}",
                    rate(read["files"], read["seconds"]),
                    mbs(read["bytes"], read["seconds"]),
                    "1 process",
                ],
                [
                    "reference: OpenCC t2s on the same texts",
                    f"{cc['files']:,}",
                    f"{cc['seconds']:.2f}",
                    rate(cc["files"], cc["seconds"]),
                    mbs(cc["bytes"], cc["seconds"]),
                    "1 process, sample",
                ],
                [
                    "extract, seeds",
                    f"{st_seeds['n']:,}",
                    f"{st_seeds['whole']:.2f}",
                    rate(st_seeds["n"], st_seeds["whole"]),
                    mbs(st_seeds["bytes"], st_seeds["whole"]),
                    f"1 process, fastest of {st_seeds['repeats']} runs",
                ],
            ]
            + [
                [
                    f"extract, {label} seeds only ({r['files']} of {len(seeds)})",
                    f"{r['n']:,}",
                    f"{r['seconds']:.2f}",
                    rate(r["n"], r["seconds"]),
                    "",
                    f"1 process, {r['seconds'] / r['n'] * 1000:.2f} ms each (fastest of 5 runs)",
                ]
                for label, r in by_script.items()
                if label != "tw2sp"
            ]
            + (
                [
                    [
                        "reference: OpenCC tw2sp alone on the traditional seeds",
                        f"{by_script['tw2sp']['n']:,}",
                        f"{by_script['tw2sp']['seconds']:.2f}",
                        rate(by_script["tw2sp"]["n"], by_script["tw2sp"]["seconds"]),
                        "",
                        f"{tw_ms:.2f} ms each, "
                        f"{tw_ms * by_script['traditional']['files'] / len(seeds):.2f} ms per seed "
                        "on average",
                    ]
                ]
                if "tw2sp" in by_script
                else []
            )
            + [
                [
                    "extract, corpus sample",
                    f"{st_sample['n']:,}",
                    f"{st_sample['whole']:.2f}",
                    rate(st_sample["n"], st_sample["whole"]),
                    mbs(st_sample["bytes"], st_sample["whole"]),
                    "1 process",
                ],
                [
                    f"build: extract phase (cold, {jobs} processes)",
                    f"{n_ext:,}",
                    f"{ext_s:.1f}",
                    rate(n_ext, ext_s),
                    mbs(total_bytes, ext_s),
                    f"{rate(n_ext, ext_s * jobs)} /s/core",
                ],
                [
                    "build: write phase (7 tables: flat or per-year CSV, year partitions)",
                    f"{cs.get('files', 0):,}",
                    f"{cs.get('write_s', 0):.1f}",
                    rate(cs.get("files", 0), cs.get("write_s", 0)),
                    mbs(processed_bytes, cs.get("write_s", 0)),
                    f"{jobs} processes",
                ],
                [
                    "build: corpus indicators (repetition, templates, coverage)",
                    f"{cs.get('files', 0):,}",
                    f"{cs.get('indicators_s', 0):.2f}",
                    rate(cs.get("files", 0), cs.get("indicators_s", 0)),
                    "-",
                    "part of the write phase; 1 process",
                ],
                [
                    "build: total, cold",
                    f"{cs.get('files', 0):,}",
                    f"{cold['seconds']:.1f}",
                    rate(cs.get("files", 0), cold["seconds"]),
                    mbs(total_bytes, cold["seconds"]),
                    f"peak memory {mb(cold['peak_pss'])} PSS / {mb(cold['peak_rss'])} RSS",
                ],
                [
                    "build: warm, nothing changed",
                    f"{cs.get('files', 0):,}",
                    f"{warm['seconds']:.2f}",
                    "-",
                    "-",
                    f"{rewritten} files rewritten, {warm.get('cpu_s', 0):.2f} s CPU"
                    + (
                        ""
                        if warm["stats"].get("up_to_date")
                        else " (NOT warm: the extractor's source changed during the run)"
                    ),
                ],
                [
                    "build: one file changed",
                    f"{inc['stats'].get('extracted', '?')} re-extracted",
                    f"{inc['seconds']:.1f}",
                    "-",
                    "-",
                    f"write {inc['stats'].get('write_s', 0):.1f} s, "
                    f"{inc.get('cpu_s', 0):.1f} s CPU",
                ],
            ]
        )
        lines.append(
            table("Throughput", ["what", "reports", "seconds", "reports/s", "MB/s", "note"], rows)
        )

        srows = []
        for label, st in (("seeds", st_seeds), ("corpus sample", st_sample)):
            if st.get("stages"):
                tot = sum(st["stages"].values())
                for k, v in st["stages"].items():
                    srows.append([label, k, f"{v / st['n'] * 1000:.2f}", f"{v / tot * 100:.0f}%"])
                srows.append(
                    [
                        label,
                        "sum of stages",
                        f"{tot / st['n'] * 1000:.2f}",
                        f"{st['n'] / tot:,.0f} reports/s",
                    ]
                )
            else:
                srows.append([label, "stage breakdown unavailable", st.get("stage_error", ""), ""])
        if n_ext:
            srows.append(
                [
                    "build (all cores)",
                    "extract phase, wall per report",
                    f"{ext_s / n_ext * 1000:.2f}",
                    "",
                ]
            )
        if cs.get("files"):
            srows.append(
                [
                    "build (all cores)",
                    "write phase, wall per report",
                    f"{cs['write_s'] / cs['files'] * 1000:.2f}",
                    "",
                ]
            )
        lines.append(
            table(
                "Time per stage (one process unless said)",
                ["corpus", "stage", "ms/report", "share"],
                srows,
            )
        )

        trows = []
        per_core = st_seeds["n"] / st_seeds["whole"]
        trows.append(
            [
                "load+normalize+extract, seeds, per core",
                f">= {TARGET_PER_CORE:,} reports/s",
                f"{per_core:,.0f} reports/s",
                "met" if per_core >= TARGET_PER_CORE else "NOT MET",
            ]
        )
        mem_note = f"{mb(cold['peak_pss'])} for {n:,} reports"
        trows.append(
            [
                f"peak memory, {n:,} reports",
                f"< {TARGET_MEM_MB:,} MB for 100,000",
                mem_note,
                ("met" if cold["peak_pss"] < TARGET_MEM_MB * 2**20 else "NOT MET")
                + ("" if n >= 100_000 else " (at this N; run --large)"),
            ]
        )
        if rep.get("available"):
            for label, target in (("cold", TARGET_COLD_S), ("warm", TARGET_WARM_S)):
                r = rep[label]
                trows.append(
                    [
                        f"make reports on the seeds, {label}",
                        f"< {target:.0f} s",
                        f"{r['seconds']:.1f} s (build {r['build']:.1f} "
                        f"+ reports {r['reports']:.1f})" + ("" if r["ok"] else " FAILED"),
                        "met" if r["ok"] and r["seconds"] < target else "NOT MET",
                    ]
                )
        else:
            trows.append(
                [
                    "make reports on the seeds, cold / warm",
                    f"< {TARGET_COLD_S:.0f} s / < {TARGET_WARM_S:.0f} s",
                    f"not available ({rep.get('why')})",
                    "-",
                ]
            )
        lines.append(table("Targets (issue 6)", ["target", "wanted", "measured", ""], trows))
        lines.append(build_targets(n, jobs, cold, inc, st_seeds, st_sample, warm))
        lines.append(prof)
        try:
            lines.append(documents_table(tmp))
        except Exception as e:  # (Chromium missing: the other rows still stand)
            lines.append(f"Documents (issue 13): not measured ({e!r})")
        if args.reports_scale:
            import bench_reports

            say(f"report step at {args.reports_scale} agencies ...")
            rows = bench_reports.bench(
                [int(x) for x in args.reports_scale.split(",")], jobs, work=tmp
            )
            lines.append(
                table("Report step at scale (issue 15)", ["what", "wanted", "measured", ""], rows)
            )
        print("\n".join(lines))
        results.update(
            read=read,
            opencc=cc,
            stages_seeds=st_seeds,
            stages_sample=st_sample,
            build_cold={k: v for k, v in cold.items() if k not in ("stdout", "stderr")},
            build_warm={k: v for k, v in warm.items() if k not in ("stdout", "stderr")},
            rewritten_warm=rewritten,
            build_one_changed={k: v for k, v in inc.items() if k not in ("stdout", "stderr")},
            make_reports=rep,
            seeds_by_script=by_script,
        )
        if args.json:
            from analysis.atomic import write_text

            write_text(Path(args.json), json.dumps(results, indent=1, default=str))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
