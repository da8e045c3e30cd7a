"""Command line: `python -m analysis extract PATH... --format jsonl`, `python -m analysis build`,
`python -m analysis indicators [--format csv --out FILE]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _cmd_extract(args: argparse.Namespace) -> int:
    # imported here, not above: a build with nothing to do must not pay for the extractor
    from .extract import extract_path
    from .read.manifest import read_manifest

    paths: list[Path] = []
    for p in args.paths:
        pp = Path(p)
        if pp.is_dir():
            paths.extend(
                sorted(
                    x
                    for x in pp.iterdir()
                    if x.is_file() and x.name != "manifest.csv" and not x.name.startswith(".")
                )
            )
        else:
            paths.append(pp)
    manifests = {}
    errors = 0
    for p in paths:
        man_path = p.parent / "manifest.csv"
        if man_path not in manifests:
            manifests[man_path] = read_manifest(man_path) if args.manifest else None
        man = manifests[man_path]
        rec = extract_path(p, man.for_file(p.name) if man else None)
        # keep the source exactly as given so callers can match records to inputs
        rec["source"] = str(p)
        if not rec["ok"]:
            errors += 1
        if args.format == "jsonl":
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
        sys.stdout.flush()
        for issue in rec["issues"]:
            if issue["level"] == "error":
                print(f"error: {issue['message']}", file=sys.stderr)
    if errors:
        print(
            f"{errors} of {len(paths)} file(s) could not be read; see their records' issues",
            file=sys.stderr,
        )
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from .build.run import build

    return build(
        raw_dir=Path(args.raw),
        out_dir=Path(args.out),
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        quiet=args.quiet,
    )


def _cmd_indicators(args: argparse.Namespace) -> int:
    from . import dataset
    from .atomic import write_text
    from .reports.indicators import agency_summary

    try:
        ind = dataset.indicators(args.processed)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    summary = agency_summary(ind)
    if args.format == "csv":
        text = summary.to_csv(index=False, lineterminator="\r\n")
        if args.out:
            write_text(Path(args.out), "\ufeff" + text)
        else:
            sys.stdout.write(text)
        return 0
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.width", 200):
        sys.stdout.write(summary.to_string(index=False) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser(
        "extract", help="extract metadata and figures from report files, one JSON record per file"
    )
    ex.add_argument("paths", nargs="+", help="report files or folders")
    ex.add_argument("--format", choices=["jsonl", "json"], default="jsonl")
    ex.add_argument(
        "--no-manifest",
        dest="manifest",
        action="store_false",
        help="ignore manifest.csv next to the files",
    )
    ex.set_defaults(func=_cmd_extract)
    b = sub.add_parser(
        "build", help="read data/raw and write the processed tables to data/processed"
    )
    b.add_argument("--raw", default="data/raw")
    b.add_argument("--out", default="data/processed")
    b.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core)")
    b.add_argument("--engine", choices=["local", "dask"], default="local")
    b.add_argument(
        "--scheduler", default=None, help="dask.distributed scheduler address (with --engine dask)"
    )
    b.add_argument("--quiet", action="store_true")
    b.set_defaults(func=_cmd_build)
    ix = sub.add_parser("indicators", help="how well each agency reports: a per-agency summary")
    ix.add_argument("--processed", default="data/processed", help="the processed tables' folder")
    ix.add_argument("--format", choices=["text", "csv"], default="text")
    ix.add_argument("--out", default=None, help="write the CSV here (UTF-8 with BOM for Excel)")
    ix.set_defaults(func=_cmd_indicators)
    args = ap.parse_args(argv)
    return args.func(args)
