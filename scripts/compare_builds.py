"""Compare two builds of the same corpus table by table: the same rows, flat and partitioned.

Usage: scripts/compare_builds.py PROCESSED_A PROCESSED_B

A change to how the build works (slicing, merging, caching) must not change what it
writes. For every table of `analysis.tidy` this compares, as DataFrames sorted by every
column: the table as `analysis.dataset.load` reads it (the flat Parquet file, or the year
partitions of a table too large for one, `analysis.build.layout`), its CSV (the flat
file, or the per-year CSVs together, read back with pandas) and the year partitions
(read as one hive-partitioned dataset). So two builds of either layout can be compared.
It also says which output files are byte-identical. Exit status 0 if every table holds
the same rows in both builds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import dataset, tidy  # noqa: E402
from analysis.build.layout import CSV_DIR  # noqa: E402
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


def _csv(base: Path, name: str) -> pd.DataFrame | None:
    """The flat CSV, or the per-year CSVs of a table too large for one, as one frame."""

    def read(p: Path) -> pd.DataFrame:
        return pd.read_csv(p, dtype=str, keep_default_na=False)

    if (base / f"{name}.csv").exists():
        return read(base / f"{name}.csv")
    years = sorted((base / CSV_DIR / name).glob("*.csv"))
    return pd.concat([read(p) for p in years], ignore_index=True) if years else None


def _table(base: Path, name: str) -> pd.DataFrame | None:
    try:
        return dataset.load(name, base)
    except FileNotFoundError:
        return None


def compare(a: Path, b: Path) -> list[str]:
    """What differs between the builds in `a` and `b` (empty if they hold the same rows)."""
    problems = []
    for name in tidy.SCHEMAS:
        for label, read in (
            ("table", lambda d: _table(d, name)),
            ("csv", lambda d: _csv(d, name)),
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
        + ("the same rows (tables, CSV, partitions)" if not problems else "rows differ")
        + f"; {n - len(differ)} of {n} output files byte-identical"
        + (f" (differ: {', '.join(differ[:10])})" if differ else "")
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
