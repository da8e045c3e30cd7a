"""Stage 4, build: the records of every file → the tidy tables in data/processed.

In: a folder of raw files and its manifest. Out: the tables of `analysis.tidy` as Parquet
(flat and partitioned by year) and Excel-safe CSV, plus a per-file record cache. `run`
is the build itself (`python -m analysis build`); `jobs` extracts over processes or
dask (`dask_engine`); `corpus` finds duplicates and cross-year pairs; `write` writes and
merges the tables; `state` keeps what a build knew of each slice; `versions` fingerprints
the code so that a change re-does what it decides; `progress` prints the progress line.
"""
