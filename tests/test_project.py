"""Promises of the project's own files: pinned environment, data dictionary, CI entry point."""

from __future__ import annotations

import re

from conftest import ROOT

from analysis.metrics import METRICS


def pins(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2)
        for m in re.finditer(r"^\s*(?:-\s*)?([A-Za-z0-9_.\-]+)==([^\s#]+)", text, re.M)
    }


def test_environment_yml_names_the_same_pinned_packages():
    req = pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    env = pins((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert req and env == req


def test_lock_agrees_with_requirements_and_leaves_out_rfc3987_syntax():
    req = pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    lock = pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    for name, version in req.items():
        assert lock.get(name) == version, name
    assert "rfc3987-syntax" not in lock
    assert "opencc-python-reimplemented" not in lock


def test_readme_data_dictionary_lists_every_metric_with_its_label():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for m in METRICS.values():
        assert re.search(
            rf"\|\s*`{m.name}`\s*\|\s*{re.escape(m.label)}\s*\|\s*{re.escape(m.unit)}\s*\|", readme
        ), m.name


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert [
        ln
        for ln in ci.splitlines()
        if ln and not ln.startswith("#") and not ln.startswith(("set ", "cd "))
    ] == ["make test"]
