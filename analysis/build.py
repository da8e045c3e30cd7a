"""`python -m analysis build`: data/raw → data/processed, fast, safe and repeatable.

- Extraction runs per file in worker processes and is cached by content hash (plus the
  manifest row and the extractor's own source), so an unchanged report is never re-read.
- Tables are streamed to Parquet (in batches) and to CSV for Excel (UTF-8 with BOM), each
  written to a temporary file and renamed into place; a table whose content did not change
  is not rewritten, and an unchanged corpus rewrites nothing at all.
- A bad file becomes an error row with a message naming it; the rest of the batch runs.
- Duplicates (the same bytes, or the same agency and year) are kept once and listed.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import tidy
from .atomic import atomic_path, write_text
from .extract import extract_path
from .manifest import read_manifest

SKIP_NAMES = {"manifest.csv", "README.md", "readme.md", ".gitkeep"}
BATCH_ROWS = 5000


def code_version() -> str:
    """Hash of the extractor's own source: a code change invalidates the cache by itself."""
    h = hashlib.sha1()
    pkg = Path(__file__).parent
    for p in sorted(pkg.glob("*.py")):
        if p.name in ("build.py", "reports.py", "charts.py", "dataset.py", "cli.py", "bench.py"):
            continue
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def raw_files(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.iterdir()
                  if p.is_file() and p.name not in SKIP_NAMES and not p.name.startswith(".") and not p.is_symlink())


def _file_sha(path: Path, state: dict[str, Any]) -> str:
    st = path.stat()
    prev = state.get(path.name)
    if prev and prev.get("size") == st.st_size and prev.get("mtime_ns") == st.st_mtime_ns:
        return prev["sha256"]
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Job:
    path: str
    manifest_row: dict[str, str]
    cache_file: str


def _cache_key(sha: str, name: str, row: dict[str, str], version: str) -> str:
    extra = json.dumps([Path(name).suffix.lower(), row, version], sort_keys=True, ensure_ascii=False)
    return f"{sha[:32]}-{hashlib.sha1(extra.encode()).hexdigest()[:12]}"


def _work(job: Job) -> dict[str, Any]:
    """Extract one file into the cache (worker side); returns its small summary."""
    cache = Path(job.cache_file)
    if cache.exists():
        try:
            rec = json.loads(cache.read_text(encoding="utf-8"))
            return _summary(rec, Path(job.path).name)
        except (OSError, json.JSONDecodeError):
            pass  # a damaged cache entry is simply redone
    rec = extract_path(job.path, job.manifest_row, with_text=True)
    rec.pop("source", None)
    rec.pop("file", None)
    with atomic_path(cache, keep_if_same=False) as tmp:
        tmp.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return _summary(rec, Path(job.path).name)


def _summary(rec: dict[str, Any], name: str) -> dict[str, Any]:
    m = rec.get("metrics", {})
    return {"file": name, "sha256": rec.get("sha256"), "ok": rec.get("ok"), "agency": rec.get("agency"),
            "place": rec.get("place"), "agency_source": rec.get("agency_source"), "report_year": rec.get("report_year"),
            "script": rec.get("script"), "n_metrics": sum(1 for v in m.values() if v.get("value") is not None),
            "carried_over": (m.get("applications_carried_over") or {}).get("value"),
            "carried_forward": (m.get("applications_carried_forward") or {}).get("value"),
            "errors": [i["message"] for i in rec.get("issues", []) if i.get("level") == "error"]}


def find_duplicates(summaries: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """file → (kept file, reason) for every file that repeats another report."""
    dups: dict[str, tuple[str, str]] = {}
    by_sha: dict[str, str] = {}
    for s in summaries:
        if not s["ok"]:
            continue
        if s["sha256"] in by_sha:
            dups[s["file"]] = (by_sha[s["sha256"]], "the same bytes")
        else:
            by_sha[s["sha256"]] = s["file"]
    # same agency and year: only where the name is specific (a place, or set by the manifest)
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for s in summaries:
        if s["ok"] and s["file"] not in dups and s["agency"] and s["report_year"] and (s["place"] or s["agency_source"] == "manifest"):
            groups.setdefault((s["agency"], s["report_year"]), []).append(s)
    for (agency, year), group in groups.items():
        if len(group) < 2:
            continue
        keep = max(group, key=lambda s: (s["n_metrics"], s["script"] == "simplified", [-ord(c) for c in s["file"]]))
        for s in group:
            if s is not keep:
                dups[s["file"]] = (keep["file"], f"the same agency and year ({agency}, {year})")
    return dups


class _TableWriter:
    """Streams rows of one table to Parquet (batched) and CSV (UTF-8 with BOM), atomically."""

    def __init__(self, out_dir: Path, name: str, schema: pa.Schema):
        self.name, self.schema = name, schema
        self._pq_ctx = atomic_path(out_dir / f"{name}.parquet")
        self._csv_ctx = atomic_path(out_dir / f"{name}.csv")
        self._pq_tmp = self._pq_ctx.__enter__()
        self._csv_tmp = self._csv_ctx.__enter__()
        self._writer = pq.ParquetWriter(self._pq_tmp, schema, compression="zstd")
        self._csv_fh = self._csv_tmp.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.DictWriter(self._csv_fh, fieldnames=schema.names)
        self._csv.writeheader()
        self._rows: list[dict[str, Any]] = []
        self.count = 0

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        for r in rows:
            self._rows.append(r)
            self._csv.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in self.schema.names})
            self.count += 1
        if len(self._rows) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self, ok: bool) -> None:
        self._flush()
        self._writer.close()
        self._csv_fh.close()
        exc = (None, None, None) if ok else (RuntimeError, RuntimeError("build interrupted"), None)
        self._pq_ctx.__exit__(*exc)
        self._csv_ctx.__exit__(*exc)


def _iter_results(jobs: list[Job], n_jobs: int, quiet: bool) -> Iterator[dict[str, Any]]:
    total = len(jobs)
    start = time.monotonic()
    last = 0.0
    if n_jobs <= 1 or total < 8:
        results: Iterable[dict[str, Any]] = map(_work, jobs)
        pool = None
    else:
        pool = get_context("fork").Pool(n_jobs)
        results = pool.imap(_work, jobs, chunksize=max(1, min(64, total // (n_jobs * 8) or 1)))
    try:
        for i, s in enumerate(results, start=1):
            now = time.monotonic()
            if not quiet and (now - last > 1.0 or i == total):
                last = now
                rate = i / max(now - start, 1e-9)
                print(f"\r  extracting {i}/{total} reports ({rate:,.0f}/s)", end="" if i < total else "\n", file=sys.stderr, flush=True)
            yield s
    finally:
        if pool is not None:
            pool.close()
            pool.join()


def build(raw_dir: Path = Path("data/raw"), out_dir: Path = Path("data/processed"), jobs: int = 0,
          engine: str = "local", scheduler: str | None = None, quiet: bool = False) -> int:
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        print(f"error: {raw_dir} is not a folder of reports", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    files = raw_files(raw_dir)
    manifest = read_manifest(raw_dir / "manifest.csv", {p.name for p in files})
    for problem in manifest.problems:
        print(f"manifest error: {problem}", file=sys.stderr)
    state_file = out_dir / "build-state.json"
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        state = {}
    version = code_version()
    file_state = {}
    jobs_list: list[Job] = []
    cache_dir = out_dir / ".cache" / "records"
    for p in files:
        sha = _file_sha(p, state.get("files", {}))
        st = p.stat()
        file_state[p.name] = {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        row = manifest.for_file(p.name)
        jobs_list.append(Job(str(p), row, str(cache_dir / (_cache_key(sha, p.name, row, version) + ".json"))))
    fingerprint = hashlib.sha1(json.dumps([version, {k: v["sha256"] for k, v in file_state.items()},
                                           sorted(manifest.rows.items()), manifest.problems],
                                          sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    outputs = [out_dir / f"{n}.{ext}" for n in tidy.SCHEMAS for ext in ("parquet", "csv")]
    if state.get("fingerprint") == fingerprint and all(p.exists() for p in outputs):
        if not quiet:
            print(f"data/processed is up to date ({len(files)} reports, nothing changed)", file=sys.stderr)
        write_text(state_file, json.dumps({"fingerprint": fingerprint, "files": file_state}, ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    if not quiet:
        print(f"building {out_dir} from {len(files)} files in {raw_dir}", file=sys.stderr)
    n_jobs = jobs or os.cpu_count() or 1
    if engine == "dask":
        from .dask_engine import run_jobs

        summaries = run_jobs(jobs_list, scheduler, _work)
    else:
        summaries = list(_iter_results(jobs_list, n_jobs, quiet))
    dups = find_duplicates(summaries)
    cross = _cross_year(summaries, dups)
    writers = {name: _TableWriter(out_dir, name, schema) for name, schema in tidy.SCHEMAS.items()}
    ok = False
    try:
        for job, s in zip(jobs_list, summaries):
            rec = json.loads(Path(job.cache_file).read_text(encoding="utf-8"))
            rec["file"] = s["file"]
            extra: list[dict] = []
            status, dup_of = "ok", None
            if s["file"] in dups:
                dup_of, why = dups[s["file"]]
                status = "duplicate"
                extra.append({"level": "warning", "code": "duplicate",
                              "message": f"{s['file']}: repeats {dup_of} ({why}); kept once, not counted again"})
                rec["issues"] = list(rec.get("issues", [])) + extra
                extra = []
            writers["reports"].add([tidy.report_row(rec, status, dup_of)])
            writers["issues"].add(tidy.issue_rows(rec, extra))
            if status == "duplicate" or not rec.get("ok"):
                continue
            writers["metrics"].add(tidy.metric_rows(rec))
            writers["texts"].add([{"report_id": s["file"], "script": rec.get("script"), "text": rec.get("text", "")}])
            writers["cells"].add(tidy.cell_rows(rec))
            writers["checks"].add(tidy.check_rows(rec))
        writers["checks"].add(cross)
        ok = True
    finally:
        for w in writers.values():
            w.close(ok)
    write_text(state_file, json.dumps({"fingerprint": fingerprint, "files": file_state}, ensure_ascii=False, indent=1, sort_keys=True))
    _print_summary(summaries, dups, manifest.problems, time.monotonic() - t0, quiet)
    return 0


def _cross_year(summaries: list[dict[str, Any]], dups: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    try:
        from .checks import cross_year_checks
    except ImportError:
        return []
    rows = [s for s in summaries if s["ok"] and s["file"] not in dups]
    return cross_year_checks(rows)


def _print_summary(summaries: list[dict[str, Any]], dups: dict[str, tuple[str, str]], manifest_problems: list[str],
                   seconds: float, quiet: bool) -> None:
    bad = [s for s in summaries if not s["ok"]]
    good = len(summaries) - len(bad) - len(dups)
    lines = [f"{len(summaries)} files: {good} reports extracted, {len(bad)} could not be read, {len(dups)} duplicates "
             f"({seconds:.1f} s)"]
    for s in bad:
        lines.append(f"  bad file: {s['errors'][0] if s['errors'] else s['file']}")
    for name, (kept, why) in sorted(dups.items()):
        lines.append(f"  duplicate: {name} repeats {kept} ({why}); kept once")
    for p in manifest_problems:
        lines.append(f"  manifest: {p}")
    if not quiet or bad or dups or manifest_problems:
        print("\n".join(lines), file=sys.stderr)
