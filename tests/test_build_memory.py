"""What keeps the build's memory bounded at national scale, checked without measuring memory.

Peak memory itself is measured by `make bench` (PSS of the whole process tree); these tests
pin down the structural reasons it stays low, so that a change which would bring the old
peak back fails here: partitions are written one at a time from year-grouped pieces, a
writer holds less than one row group, the main process keeps compact summaries (tuples
sharing their repeated values) and never the cross-year check rows, and the merge's
allocator switch does not leak out of the write tasks.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import seeds_and_generated

from analysis.build import corpus as C
from analysis.build import run as R
from analysis.build import summary as S
from analysis.build import write as W
from analysis.build.corpus import cross_year_checks


def test_year_grouped_piece_holds_each_years_rows_in_corpus_order(tmp_path: Path):
    schema = pa.schema([("report_id", pa.string()), ("n", pa.int64())])
    pieces = W._Pieces(tmp_path, "reports", schema)
    years = [2021, None, 2019, 2021, 2019, 2021]
    for i, y in enumerate(years):
        pieces.add([{"report_id": f"r{i}", "n": i}], y)
    result = pieces.close()
    assert result["years"] == [2019, 2021, None]
    got = {}
    for y, (first, count, rows, _) in zip(result["years"], result["year_batches"]):
        batches = list(
            W._ipc_batches(tmp_path / "reports.years.arrow", range(first, first + count))
        )
        got[y] = [r for b in batches for r in b.column("n").to_pylist()]
        assert rows == len(got[y]) and batches[0].schema == schema  # no year column left
    assert got == {2019: [2, 4], 2021: [0, 3, 5], None: [1]}
    # each year's digest is its rows': another piece whose 2021 rows are the same (its 2019
    # rows are not) has the same digest for 2021 only
    other = tmp_path / "other"
    other.mkdir()
    again = W._Pieces(other, "reports", schema)
    for i, y in enumerate(years):
        again.add([{"report_id": f"r{i}", "n": i + (100 if y == 2019 else 0)}], y)
    digests = [span[3] for span in result["year_batches"]]
    theirs = [span[3] for span in again.close()["year_batches"]]
    assert len(set(digests)) == 3 and [a == b for a, b in zip(digests, theirs)] == [
        False,
        True,
        True,
    ]


def test_rechunker_never_holds_a_full_row_group(tmp_path: Path):
    schema = pa.schema([("x", pa.int64())])
    with pq.ParquetWriter(tmp_path / "x.parquet", schema) as w:
        rech = W._Rechunker(w, 7)
        for n in [1, 3, 20, 6, 7, 13, 2]:
            rech.add(pa.record_batch([pa.array(range(n), pa.int64())], schema=schema))
            assert rech.n < 7 and sum(b.num_rows for b in rech.batches) == rech.n
        rech.close()
    assert pq.ParquetFile(tmp_path / "x.parquet").metadata.num_row_groups == -(-52 // 7)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return seeds_and_generated(tmp_path_factory.mktemp("mem") / "raw", 60, seed=21)


def _outputs(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not str(p.relative_to(folder)).startswith(".cache")
        and p.name != "build-state.json"
    }


def test_year_partitions_are_written_one_at_a_time_and_give_the_same_bytes(
    corpus: Path, tmp_path: Path, monkeypatch
):
    assert R.build(corpus, tmp_path / "two", jobs=2, quiet=True) == 0
    open_now: list[int] = [0]
    most: list[int] = [0]
    real = W._ParquetOut

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            open_now[0] += 1
            most[0] = max(most[0], open_now[0])
            close = self.rech.close

            def closed() -> None:
                close()
                open_now[0] -= 1

            self.rech.close = closed  # type: ignore[method-assign]

    monkeypatch.setattr(W, "_ParquetOut", Counting)
    assert R.build(corpus, tmp_path / "one", jobs=1, quiet=True) == 0
    assert most[0] == 1 and open_now[0] == 0  # every partition and flat file on its own
    a, b = _outputs(tmp_path / "two"), _outputs(tmp_path / "one")
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []


def test_summaries_are_tuples_sharing_repeated_values():
    rec = {
        "sha256": "ab" * 32,
        "ok": True,
        "agency": "".join(["市", "商务局"]),
        "place": "".join(["某", "市"]),
        "agency_source": "".join(["man", "ifest"]),
        "report_year": int("2021"),
        "script": "simplified",
        "metrics": {"applications_carried_over": {"value": 3}, "x": {"value": None}},
        "issues": [{"level": "error", "message": "bad"}, {"level": "warning", "message": "meh"}],
    }
    shared = S.Interner()
    a = shared(S.summary_of(dict(rec), "a.txt"))
    b = shared(
        S.summary_of(dict(rec, agency="".join(["市", "商务局"]), report_year=int("2021")), "b.txt")
    )
    assert isinstance(a, tuple) and not hasattr(a, "__dict__")
    assert a.agency is b.agency and a.place is b.place and a.agency_source is b.agency_source
    assert a.report_year is b.report_year
    assert (a.n_metrics, a.carried_over, a.carried_forward, a.errors) == (1, 3, None, ("bad",))
    # the state file keeps the dict form it always had, and reads back to the same summary
    st = a.state()
    assert "file" not in st and st["errors"] == ["bad"]
    assert S.summary_from_state(st, "a.txt") == a
    assert sys.getsizeof(a) < sys.getsizeof({f: None for f in S.Summary._fields})


def test_cross_year_rows_are_made_from_compact_inputs_in_the_same_order():
    def s(
        file: str, agency: str, year: int, co: float | None, cf: float | None, ok: bool = True
    ) -> S.Summary:
        return S.Summary(file, file, ok, agency, "某市", "text", year, "simplified", 1, co, cf, ())

    summaries = [
        s("b1", "乙局", 2020, 1, 2),
        s("a2", "甲局", 2021, 5, 6),
        s("a1", "甲局", 2020, 4, 5),
        s("b2", "乙局", 2021, 3, None),
        s("c1", "丙局", 2019, 1, 1),
        s("bad", "甲局", 2022, 1, 1, ok=False),
        s("dup", "乙局", 2022, 1, 1),
        s("a3", "甲局", 2022, 6, 7),
    ]
    dups = {"dup": ("b2", "the same bytes")}
    inputs = C.cross_year_inputs(summaries, dups)
    assert all(isinstance(t, tuple) and len(t) == 5 for t in inputs)
    want = cross_year_checks([x._asdict() for x in summaries if x.ok and x.file not in dups])
    assert list(C.cross_year_rows(inputs)) == want and len(want) == 3
    # nothing to pair: no task at all
    assert C.cross_year_inputs([s("c1", "丙局", 2019, 1, 1), s("a1", "甲局", 2020, 4, 5)], {}) == []


def test_the_write_tasks_leave_the_default_arrow_allocator_as_they_found_it():
    before = pa.default_memory_pool().backend_name
    with W._arrow_memory_returned():
        assert pa.default_memory_pool().backend_name == "system"
        pa.array(range(1000))
    assert pa.default_memory_pool().backend_name == before
