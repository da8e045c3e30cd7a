"""Report file names from agency names: safe, distinct, readable, inside reports/."""

from __future__ import annotations

import re
from pathlib import Path

from analysis.reports.names import MAX_CHARS, slug, unique_slugs

NASTY = [
    "../../etc/x",
    "a/b",
    "a_b",
    "a b",
    "<script>alert(1)</script>",
    "quote\"s'",
    "back\\slash\\",
    "new\nline",
    "tab\there",
    "😀机关",
    "局" * 300,
    "x" * 300,
    "x" * 301,
    "",
    ".",
    "..",
    ".hidden",
    "-rf",
    "CON",
    "con.txt",
    "ABC",
    "abc",
    "福州市商务局",
    "福州市商务局 ",
    "nul\x00byte",
    "%2e%2e%2f",
    "C:\\Windows",
    "~/home",
]


def test_every_name_gives_a_plain_safe_file_stem(tmp_path: Path):
    out = tmp_path / "reports" / "agency"
    out.mkdir(parents=True)
    for name in NASTY:
        s = slug(name)
        assert re.fullmatch(r"[^\W][\w.\-]*", s), (
            name,
            s,
        )  # word characters, never a leading . or -
        assert ".." not in s and "/" not in s and "\\" not in s and "\x00" not in s
        assert len(s) <= MAX_CHARS + 9 and len(s.encode("utf-8")) + len(".ipynb") < 255
        path = out / f"{s}.html"
        path.write_text("x", encoding="utf-8")  # the file system accepts it
        assert path.resolve().parent == out.resolve()


def test_names_stay_readable():
    assert slug("福州市商务局") == "福州市商务局"
    assert slug("a/b").startswith("a_b-")
    assert slug("<script>alert(1)</script>").startswith("script_alert_1_script")
    assert slug("局" * 300).startswith("局" * 50)


def test_all_names_are_distinct_even_ignoring_case():
    stems = unique_slugs(NASTY)
    assert len(stems) == len(set(NASTY))
    assert len({s.casefold() for s in stems.values()}) == len(stems)
    # a name that only differs by what cleaning removes still gets its own file
    assert stems["a/b"] != stems["a_b"] != stems["a b"]
    assert stems["x" * 300] != stems["x" * 301]


def test_a_name_keeps_its_file_when_other_names_come_and_go():
    alone = unique_slugs(["福州市商务局", "a/b"])
    more = unique_slugs(["福州市商务局", "a/b", "贵州省工商局", "../x"])
    assert alone["福州市商务局"] == more["福州市商务局"] and alone["a/b"] == more["a/b"]
