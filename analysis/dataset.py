"""Read the processed tables: the one way notebooks and scripts get at the data.

Keeping the storage layout behind these functions lets the build change how it stores
tables (single files, year partitions) without touching any notebook.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import tidy

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "processed"


def load(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """One processed table (reports, metrics, issues, texts, cells, checks) as a DataFrame."""
    if name not in tidy.SCHEMAS:
        raise ValueError(f"unknown table {name!r}; choose from {', '.join(tidy.SCHEMAS)}")
    base = Path(processed_dir) if processed_dir else DEFAULT_DIR
    path = base / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make build` (or `python -m analysis build`) first")
    return pd.read_parquet(path)


def reports(processed_dir: str | Path | None = None, include_duplicates: bool = False) -> pd.DataFrame:
    df = load("reports", processed_dir)
    if not include_duplicates:
        df = df[df["status"] != "duplicate"]
    return df.reset_index(drop=True)


def metrics(processed_dir: str | Path | None = None) -> pd.DataFrame:
    return load("metrics", processed_dir)


def issues(processed_dir: str | Path | None = None) -> pd.DataFrame:
    return load("issues", processed_dir)


def cells(processed_dir: str | Path | None = None) -> pd.DataFrame:
    return load("cells", processed_dir)


def checks(processed_dir: str | Path | None = None) -> pd.DataFrame:
    return load("checks", processed_dir)
