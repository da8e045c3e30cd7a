"""Read the processed tables: the one way notebooks and scripts get at the data.

Keeping the storage layout behind these functions lets the build change how it stores
tables (single files, year partitions) without touching any notebook. Small corpora are
read from the flat files (reports.parquet, …); for a national corpus, `years=` reads only
those years' partitions (parquet/<table>/report_year=YYYY/), and `scan()` gives a lazy
pyarrow dataset to filter before anything is loaded.

A table of more than an Excel sheet's rows has no flat files at all (the build writes its
CSV per year, `analysis.build.layout`): `load` then reads its year partitions as one
table, the same columns and types, rows year by year (file order within a year) instead
of in file order. `signature` tells whether a table's files changed, in either layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from . import tidy
from .tidy import PARTS_DIR, YEAR

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "processed"


def _base(processed_dir: str | Path | None) -> Path:
    return Path(processed_dir) if processed_dir else DEFAULT_DIR


def _check(name: str) -> None:
    if name not in tidy.SCHEMAS:
        raise ValueError(f"unknown table {name!r}; choose from {', '.join(tidy.SCHEMAS)}")


def scan(name: str, processed_dir: str | Path | None = None) -> pads.Dataset:
    """One table's year partitions as a lazy pyarrow dataset, with `report_year` from the folders.

    Filter before loading, e.g.
    `scan("metrics").to_table(filter=pads.field("report_year") >= 2020)`.
    The same folder can be read by DuckDB (`read_parquet('…/parquet/metrics/*/*.parquet',
    hive_partitioning = true)`) or Spark (`spark.read.parquet('…/parquet/metrics')`).
    """
    _check(name)
    root = _base(processed_dir) / PARTS_DIR / name
    part_schema = pa.schema([(YEAR, pa.int64())])
    schema = tidy.SCHEMAS[name]
    if YEAR in schema.names:
        schema = schema.remove(schema.get_field_index(YEAR))
    schema = schema.append(pa.field(YEAR, pa.int64()))
    if not root.is_dir():
        if not (_base(processed_dir) / f"{name}.parquet").exists():
            raise FileNotFoundError(
                f"{root} does not exist: run `make build` (or `python -m analysis build`) first"
            )
        return pads.dataset(
            pa.table({n: pa.array([], type=schema.field(n).type) for n in schema.names})
        )
    return pads.dataset(
        root,
        schema=schema,
        format="parquet",
        partitioning=pads.partitioning(part_schema, flavor="hive"),
    )


def load(
    name: str,
    processed_dir: str | Path | None = None,
    years: Iterable[int] | None = None,
    columns: list[str] | None = None,
    categories: list[str] | None = None,
) -> pd.DataFrame:
    """One processed table (reports, metrics, issues, texts, cells, checks, indicators) as a
    DataFrame.

    With `years`, only those report years are read (from the partitions): the same
    columns as the whole table (texts and issues may also ask for `report_year`), rows
    year by year and in file order within a year. `categories` columns come as pandas
    categories (sorted), read as Parquet's dictionary: a few hundred labels over millions of
    rows are never made into millions of strings.
    """
    _check(name)
    base = _base(processed_dir)
    path = base / f"{name}.parquet"
    flat = path.exists()
    if not flat and not (base / PARTS_DIR / name).is_dir():
        raise FileNotFoundError(
            f"{path} does not exist: run `make build` (or `python -m analysis build`) first"
        )
    if years is None and flat:
        if not categories:
            return pd.read_parquet(path, columns=columns)
        df = pd.read_parquet(path, columns=columns, read_dictionary=list(categories))
    else:  # the year partitions: some years, or the whole of a table too large for a flat file
        names = columns or tidy.SCHEMAS[name].names
        table = scan(name, base).to_table(
            columns=names,
            filter=None if years is None else pads.field(YEAR).isin([int(y) for y in years]),
        )
        df = table.to_pandas()
    for c in categories or []:  # in sorted order, as astype("category") gives them
        col = df[c]
        if isinstance(col.dtype, pd.CategoricalDtype) and len(col.cat.categories):
            df[c] = col.cat.reorder_categories(sorted(col.cat.categories))
        else:
            df[c] = col.astype(str if isinstance(col.dtype, pd.CategoricalDtype) else col.dtype)
            df[c] = df[c].astype("category")
    return df


def signature(name: str, processed_dir: str | Path | None = None) -> tuple:
    """What identifies a table's files on disk, flat or in year partitions: (file, size,
    modification time) of each. The build replaces a file only when its content changed
    (and keeps the files of the years that did not), so an equal signature means the same
    table. Empty when the table has not been built.
    """
    _check(name)
    base = _base(processed_dir)
    path = base / f"{name}.parquet"
    files = [path] if path.exists() else sorted((base / PARTS_DIR / name).glob("*/*.parquet"))
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f.relative_to(base)), st.st_size, st.st_mtime_ns))
    return tuple(out)


def reports(
    processed_dir: str | Path | None = None,
    include_duplicates: bool = False,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    df = load("reports", processed_dir, years)
    if not include_duplicates:
        df = df[df["status"] != "duplicate"]
    return df.reset_index(drop=True)


def metrics(
    processed_dir: str | Path | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    return load("metrics", processed_dir, years)


def issues(
    processed_dir: str | Path | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    return load("issues", processed_dir, years)


def texts(
    processed_dir: str | Path | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    return load("texts", processed_dir, years)


def cells(
    processed_dir: str | Path | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    return load("cells", processed_dir, years)


def checks(
    processed_dir: str | Path | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    return load("checks", processed_dir, years)


def indicators(
    processed_dir: str | Path | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """How well each body reports: timeliness, completeness, consistency, repetition, template
    and coverage rows (see the README's indicators section)."""
    return load("indicators", processed_dir, years)
