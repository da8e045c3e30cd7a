"""Every record the extractor makes of a reference set of files, for refactoring safely.

A change that should not change behaviour (a move, a split, a new seam) is checked by
comparing the records, normalized text included, of the same files before and after:

    .venv/bin/python scripts/snapshot_records.py /tmp/before.jsonl
    ... change the code ...
    .venv/bin/python scripts/snapshot_records.py /tmp/after.jsonl --compare /tmp/before.jsonl

The reference set: data/raw (the seeds, with their manifest), ../shared's labelled corpora,
the test fixtures, traditional and Big5 copies of the seeds, and a generated corpus
(`--generated N` reports made by analysis.synth into a cache folder, made once).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _files(generated: int, gen_dir: Path) -> list[tuple[str, bytes, dict[str, str]]]:
    try:
        from analysis.read.manifest import read_manifest
    except ImportError:  # before the layout change
        from analysis.manifest import read_manifest  # type: ignore[no-redef]

    folders = [
        ROOT / "data" / "raw",
        ROOT / "tests" / "fixtures" / "prose",
        ROOT / "tests" / "fixtures" / "tables",
    ]
    shared = ROOT.parent / "shared"
    folders += [
        shared / "seeds",
        shared / "corpus" / "real",
        shared / "corpus" / "real2",
        shared / "corpus" / "full" / "reports",
    ]
    if generated:
        if not (gen_dir / "manifest.csv").exists():
            try:
                from analysis.synth import generate
            except ImportError:  # before the layout change
                from analysis.corpus_gen import generate  # type: ignore[no-redef]

            generate(gen_dir, generated, seed=7, seeds_dir=ROOT / "data" / "raw")
        folders.append(gen_dir)
    out: list[tuple[str, bytes, dict[str, str]]] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        man = read_manifest(folder / "manifest.csv")
        for p in sorted(folder.iterdir()):
            if (
                p.is_file()
                and p.suffix not in (".py", ".json", ".jsonl")
                and p.name != "manifest.csv"
            ):
                out.append((f"{folder.name}/{p.name}", p.read_bytes(), man.for_file(p.name)))
    import opencc

    s2t = opencc.OpenCC("s2t")
    for p in sorted((ROOT / "data" / "raw").glob("*.txt")):
        trad = s2t.convert(p.read_text(encoding="utf-8"))
        out.append((f"trad/{p.name}", trad.encode("utf-8"), {}))
        out.append((f"big5/{p.name}", trad.encode("cp950", errors="replace"), {}))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out", help="JSONL file of records to write")
    ap.add_argument("--compare", help="an earlier snapshot: print the files whose records differ")
    ap.add_argument(
        "--generated", type=int, default=3000, help="generated reports in the set (0: none)"
    )
    ap.add_argument("--gen-dir", default="/tmp/gdr-snapshot-corpus")
    args = ap.parse_args()
    from analysis.extract import extract_bytes

    lines = []
    for name, data, row in _files(args.generated, Path(args.gen_dir)):
        rec = extract_bytes(name, data, row or None, with_text=True)
        rec.pop("traceback", None)
        lines.append(json.dumps(rec, ensure_ascii=False, sort_keys=True))
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} records -> {args.out}", file=sys.stderr)
    if not args.compare:
        return 0
    old = {
        json.loads(ln)["source"]: ln
        for ln in Path(args.compare).read_text(encoding="utf-8").splitlines()
    }
    new = {json.loads(ln)["source"]: ln for ln in lines}
    diff = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    for k in diff[:40]:
        print(f"differs: {k}")
    print(f"{len(diff)} of {len(new)} records differ", file=sys.stderr)
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
