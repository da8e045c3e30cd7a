"""analysis.dataset over the year partitions: the same rows and columns as the flat tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads
import pytest
from conftest import seeds_and_generated

from analysis import dataset, tidy
from analysis.build import run as R


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("ds")
    raw = seeds_and_generated(base / "raw", 30, seed=8)
    shutil.copy(raw / "004_61bfce714908b168.txt", raw / "zz_copy_of_004.txt")
    out = base / "processed"
    assert R.build(raw, out, quiet=True) == 0
    return out


@pytest.mark.parametrize("name", list(tidy.SCHEMAS))
def test_loading_some_years_gives_the_flat_rows_of_those_years(processed: Path, name: str):
    flat = dataset.load(name, processed)
    assert list(flat.columns) == tidy.SCHEMAS[name].names
    reports = dataset.load("reports", processed)
    years = sorted(reports["report_year"].dropna().astype(int).unique())[:3]
    part = dataset.load(name, processed, years=years)
    assert list(part.columns) == list(flat.columns)
    ids = set(reports.loc[reports["report_year"].isin(years), "report_id"])
    want = flat[flat["report_id"].isin(ids)]
    if name == "checks":  # cross-year checks name the year they check
        want = flat[flat["report_year"].isin(years)]
    assert len(want) > 0 or name not in ("reports", "metrics", "texts")
    key = list(flat.columns[:4])
    a = part.sort_values(key).reset_index(drop=True)
    b = want.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    for c in (
        a.columns
    ):  # dtypes agree, except an integer column that has nulls only outside these years
        assert a[c].dtype == b[c].dtype or (a[c].dtype.kind in "if" and b[c].dtype.kind in "if"), c


def test_reports_by_year_leaves_out_duplicates(processed: Path):
    y = int(
        dataset.reports(processed)
        .set_index("report_id")
        .loc["004_61bfce714908b168.txt", "report_year"]
    )
    got = dataset.reports(processed, years=[y])
    assert "004_61bfce714908b168.txt" in set(got["report_id"])
    assert "zz_copy_of_004.txt" not in set(got["report_id"])
    assert "zz_copy_of_004.txt" in set(
        dataset.reports(processed, include_duplicates=True, years=[y])["report_id"]
    )


def test_scan_is_lazy_and_typed(processed: Path):
    ds = dataset.scan("metrics", processed)
    assert ds.schema.field("report_year").type == "int64"
    assert ds.count_rows() == len(dataset.metrics(processed))
    recent = ds.to_table(
        filter=pads.field("report_year") >= 2021, columns=["report_id", "report_year"]
    )
    assert recent.num_rows and min(recent.column("report_year").to_pylist()) >= 2021


def test_texts_can_be_read_with_their_year(processed: Path):
    df = dataset.load(
        "texts", processed, years=[2015, 2016, 2017, 2018], columns=["report_id", "report_year"]
    )
    assert set(df["report_year"]) <= {2015, 2016, 2017, 2018}
    reports = dataset.reports(processed).set_index("report_id")
    assert (
        reports.loc[df["report_id"], "report_year"].to_numpy() == df["report_year"].to_numpy()
    ).all()


def test_a_missing_build_says_what_to_run(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="make build"):
        dataset.metrics(tmp_path)
    with pytest.raises(FileNotFoundError, match="make build"):
        dataset.scan("metrics", tmp_path)
    with pytest.raises(ValueError, match="unknown table"):
        dataset.load("nope", tmp_path)


def test_label_columns_read_as_sorted_categories_equal_the_strings_made_categories(tmp_path):
    import pandas as pd

    from analysis import dataset

    df = pd.DataFrame({"report_id": ["b", "a", "c"], "row_key": ["甲", None, "乙"]})
    df.to_parquet(tmp_path / "cells.parquet", index=False)
    got = dataset.load("cells", tmp_path, columns=["report_id", "row_key"], categories=["row_key"])
    want = df.astype({"row_key": "category"})
    pd.testing.assert_frame_equal(got, want)
    assert list(got["row_key"].cat.categories) == ["乙", "甲"]  # sorted, not file order
