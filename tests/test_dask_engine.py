"""`--engine dask`: the same per-file extraction on a dask.distributed cluster, the same bytes out.

The cluster here is a real one (a LocalCluster of two worker processes), not a stand-in;
the test is skipped only where the optional extra is not installed
(`.venv/bin/pip install --no-deps -r requirements-dask.txt`).
"""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest
from conftest import RAW, seeds_and_generated

from analysis.build import run as R
from analysis.build import versions as V
from analysis.build import write as W


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_dask_engine_needs_a_scheduler_address(tmp_path: Path, capsys):
    assert R.build(RAW, tmp_path / "out", engine="dask", scheduler=None) == 2
    err = capsys.readouterr().err
    assert "--engine dask needs" in err
    assert not (tmp_path / "out").exists()


def test_dask_engine_gives_byte_identical_tables(tmp_path: Path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from analysis.build import dask_engine

    raw = seeds_and_generated(tmp_path / "raw", 24, seed=21)
    (raw / "empty.txt").write_bytes(b"")  # an error record, made on the client
    shutil.copy(raw / "001_fc4f34c734b4c5a9.txt", raw / "mirror_001.txt")
    code, writer = (
        V.code_version(),
        V.writer_version(),
    )  # hold the source hash still while comparing
    monkeypatch.setattr(R, "code_version", lambda: code)
    monkeypatch.setattr(R, "writer_version", lambda: writer)
    monkeypatch.setattr(W, "writer_version", lambda: writer)
    # small batches and a short window: several round trips, results out of order
    monkeypatch.setattr(dask_engine, "BATCH_FILES", 3)
    monkeypatch.setattr(dask_engine, "IN_FLIGHT_PER_THREAD", 1)
    local, remote = tmp_path / "local", tmp_path / "dask"
    assert R.build(raw, local, jobs=2, quiet=True) == 0
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        assert (
            R.build(raw, remote, engine="dask", scheduler=cluster.scheduler_address, quiet=True)
            == 0
        )
        # the extraction really ran on the workers (the scheduler timed their batches)
        assert cluster.scheduler.task_prefixes["run_batch"].all_durations["compute"] > 0
    a, b = tree(local), tree(remote)
    assert sorted(a) == sorted(b)
    # the cached records hold the same objects; marshal's bytes also say which of them were
    # shared in the process that made them, so they are compared once read (and so is what
    # the build keeps of each slice)
    records = [k for k in a if k.startswith(".cache/records/")] + [".cache/slices.marshal"]
    assert len(records) >= 7
    assert [k for k in records if marshal.loads(a[k]) != marshal.loads(b[k])] == []
    assert [k for k in a if a[k] != b[k] and k not in records] == []
    assert any(k.startswith("parquet/texts/report_year=") for k in a)
