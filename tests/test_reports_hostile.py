"""Hostile agency names end to end: safe distinct files inside reports/, escaped pages,
running notebooks.

Names such as `../../etc/x`, `a/b` next to `a_b`, `<script>`, quotes, backslashes, a newline,
emoji, `$…$` and a 300-character name are set through the manifest on copies of a seed.
"""

from __future__ import annotations

import ast
import csv
import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import unquote

import nbformat
from conftest import RAW, ROOT

from analysis.reports import html as rh

SEED = "001_fc4f34c734b4c5a9.txt"


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(page: str) -> str:
    p = _TextOnly()
    p.feed(page)
    return "".join(p.parts)


HOSTILE = [
    "../../etc/x",
    "a/b",
    "a_b",
    "<script>alert(1)</script> quote\"s' back\\slash\\ 😀$x$\n第二行",
    "局" * 300,
]


def test_hostile_agency_names_give_safe_distinct_files_escaped_pages_and_running_notebooks(
    tmp_path,
):
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = (RAW / SEED).read_bytes()
    manifest = {}
    for i, name in enumerate(HOSTILE):
        (raw / f"r{i}.txt").write_bytes(seed + f"\n副本{i}\n".encode())
        manifest[f"r{i}.txt"] = name
    with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "agency"])
        w.writerows(manifest.items())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.reports",
            "--raw",
            str(raw),
            "--processed",
            str(tmp_path / "processed"),
            "--out",
            str(tmp_path / "reports"),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "reports").resolve()
    for p in tmp_path.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".ipynb"):
            assert out in p.resolve().parents, p  # nothing escaped the reports folder
    agency_pages = sorted((out / "agency").glob("*.html"))
    assert len(agency_pages) == len(HOSTILE)
    for p in out.rglob("*.html"):
        page = p.read_text(encoding="utf-8")
        if p.name == "index.html":  # the index's own search code, fixed text, and nothing else
            assert page.count(rh.INDEX_SCRIPT) == 1
            page = page.replace(rh.INDEX_SCRIPT, "")
        assert not re.search(r"<script|onerror=|javascript:", page, re.I), p
    # the executed notebook got the exact name as data; its page shows the name as text
    seen = set()
    for nb_path in (out / "agency").glob("*.ipynb"):
        nb = nbformat.read(str(nb_path), as_version=4)
        injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        params = {
            t.id: ast.literal_eval(n.value)
            for n in ast.parse(injected.source).body
            if isinstance(n, ast.Assign)
            for t in n.targets
        }
        name = params["agency"]
        seen.add(name)
        text = _text(nb_path.with_suffix(".html").read_text(encoding="utf-8"))
        assert all(line in text for line in name.split("\n"))
    assert seen == set(HOSTILE)
    # every link on the index leads to a page that exists, inside reports/
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert len(links) == len(HOSTILE) + 3
    for href in links:
        target = (out / unquote(html.unescape(href))).resolve()
        assert target.is_file() and out in target.parents
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in index and "局" * 300 in index and "😀" in index
    )
    assert [
        p for p in out.rglob("*") if p.name.startswith(".run.") or p.name.endswith(".tmp")
    ] == []
