"""Shared helpers: run the real extractor on short texts written like real reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.extract import extract_bytes

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"


def extract_text(
    text: str, name: str = "t.txt", encoding: str = "utf-8", manifest_row: dict | None = None
) -> dict:
    return extract_bytes(name, text.encode(encoding), manifest_row)


def value(rec: dict, metric: str):
    m = rec["metrics"].get(metric)
    return None if m is None else m.get("value")


@pytest.fixture
def ex():
    return extract_text


def seeds_and_generated(folder: Path, n: int, seed: int) -> Path:
    """A raw folder holding the seeds (with their manifest) and `n` generated reports
    (without theirs)."""
    from analysis.synth import generate

    shutil.copytree(RAW, folder)
    gen = folder.parent / f"{folder.name}-gen"
    generate(gen, n, seed=seed, seeds_dir=RAW)
    for p in gen.iterdir():
        if p.name != "manifest.csv":
            shutil.copy2(p, folder / p.name)
    return folder
