"""Which files a table is written to: flat, or per year when it is too large for Excel.

A table of up to `flat_max_rows()` rows is written as today: `<table>.parquet` and
`<table>.csv` (plus its year partitions, `parquet/<table>/report_year=YYYY/part-0.parquet`).
A larger table (the cells, checks and metrics of a national corpus: millions of rows) would
give a CSV that Excel cannot open (1,048,576 rows at most, the header included), and
rewriting a flat file of several GB costs more than the rest of a one-file change. Such a
table has no flat files: its CSV is written per year, `csv/<table>/<table>_YYYY.csv` (the
same columns as the flat CSV, each rewritten only when that year's rows change), and its
Parquet is the year partitions, which `analysis.dataset` reads as one table.

Light on purpose (no pyarrow): the build's up-to-date check imports it.
"""

from __future__ import annotations

import os

EXCEL_ROWS = 1_048_576  # rows of an Excel sheet, the header row included
FLAT_ROWS_ENV = "ANALYSIS_FLAT_MAX_ROWS"  # lowers the limit (tests, small corpora)
CSV_DIR = "csv"  # data/processed/csv/<table>/<table>_YYYY.csv for the tables above the limit


def flat_max_rows() -> int:
    """The most rows a table may have and still be written as one flat CSV and Parquet file.

    >>> flat_max_rows() == EXCEL_ROWS - 1 or FLAT_ROWS_ENV in os.environ
    True
    """
    value = os.environ.get(FLAT_ROWS_ENV, "").strip()
    if value:
        try:
            return max(0, int(value))
        except ValueError:
            pass
    return EXCEL_ROWS - 1


def csv_name(table: str, year: int | None) -> str:
    """A year's CSV of a table too large to be one file, relative to `CSV_DIR`.

    >>> csv_name("cells", 2021)
    'cells/cells_2021.csv'
    >>> csv_name("cells", None)
    'cells/cells_unknown_year.csv'
    """
    return f"{table}/{table}_{'unknown_year' if year is None else int(year)}.csv"
