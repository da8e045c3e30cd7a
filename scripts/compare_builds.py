"""Compare two builds of the same corpus table by table: the same rows, flat and partitioned.

Usage: scripts/compare_builds.py PROCESSED_A PROCESSED_B

A change to how the build works (slicing, merging, caching) must not change what it
writes. For every table of `analysis.tidy` this compares, as DataFrames sorted by every
column: the flat Parquet file, the CSV file (read back with pandas) and the year
partitions (read as one hive-partitioned dataset). It also says which output files are
byte-identical. Exit status 0 if every table holds the same rows in both builds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import tidy  # noqa: E402
from analysis.tidy import PARTS_DIR, YEAR  # noqa: E402


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    df = df[sorted(df.columns)].astype(str)
    return df.sort_values(list(df.columns), kind="stable").reset_index(drop=True)


def _partitions(base: Path, name: str) -> pd.DataFrame | None:
    root = base / PARTS_DIR / name
    if not root.is_dir():
        return None
    part = pads.partitioning(pa.schema([(YEAR, pa.int64())]), flavor="hive")
    return pads.dataset(root, format="parquet", partitioning=part).to_table().to_pandas()


def compare(a: Path, b: Path) -> list[str]:
    """What differs between the builds in `a` and `b` (empty if they hold the same rows)."""
    problems = []
    for name in tidy.SCHEMAS:
        for label, read in (
            ("parquet", lambda d: pq.read_table(d / f"{name}.parquet").to_pandas()),
            ("csv", lambda d: pd.read_csv(d / f"{name}.csv", dtype=str, keep_default_na=False)),
            ("partitions", lambda d: _partitions(d, name)),
        ):
            x, y = read(a), read(b)
            if x is None or y is None:
                if (x is None) != (y is None):
                    problems.append(f"{name} {label}: present in one build only")
                continue
            if len(x) != len(y) or not _sorted(x).equals(_sorted(y)):
                problems.append(f"{name} {label}: {len(x)} rows against {len(y)}, or other rows")
    return problems


def identical_files(a: Path, b: Path) -> tuple[int, list[str]]:
    """(files compared, outputs whose bytes differ), outside the caches and the build state."""
    names = sorted(
        str(p.relative_to(a))
        for p in a.rglob("*")
        if p.is_file() and ".cache" not in p.parts and p.name != "build-state.json"
    )
    other = {
        str(p.relative_to(b))
        for p in b.rglob("*")
        if p.is_file() and ".cache" not in p.parts and p.name != "build-state.json"
    }
    differ = [n for n in names if n not in other or (a / n).read_bytes() != (b / n).read_bytes()]
    differ += sorted(other - set(names))
    return len(names), differ


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    a, b = Path(argv[0]), Path(argv[1])
    problems = compare(a, b)
    n, differ = identical_files(a, b)
    for p in problems:
        print(f"DIFFERENT ROWS: {p}")
    print(
        f"{len(tidy.SCHEMAS)} tables: "
        + ("the same rows (flat Parquet, CSV, partitions)" if not problems else "rows differ")
        + f"; {n - len(differ)} of {n} output files byte-identical"
        + (f" (differ: {', '.join(differ[:10])})" if differ else "")
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
