"""The generated benchmark corpus looks like the national one: checked on the files themselves."""

from __future__ import annotations

import re

import opencc
from conftest import RAW

from analysis import synth as G

_T2S = opencc.OpenCC("t2s")


def test_reports_are_reproducible_and_differ_by_seed():
    a = [G.make_report(i, 3, str(RAW)) for i in range(30)]
    b = [G.make_report(i, 3, str(RAW)) for i in range(30)]
    c = [G.make_report(i, 4, str(RAW)) for i in range(30)]
    assert [x[1] for x in a] == [x[1] for x in b]
    assert sum(x[1] != y[1] for x, y in zip(a, c)) > 25


def test_no_two_reports_share_agency_and_year():
    seen = {G.agency_year(i)[1:] for i in range(30000)}
    assert len(seen) == 30000
    years = {y for _, _, y in (G.agency_year(i) for i in range(2000))}
    assert years == set(range(2009, 2026))


def test_the_mix_has_every_kind_script_encoding_and_format():
    facts = [G.make_report(i, 0, str(RAW))[2] for i in range(400)]
    assert {f["kind"].split(" (")[0] for f in facts} == {"prose", "template", "seed variant"}
    assert {f["format"] for f in facts} == {"prose", "template2019", "template2021"}
    assert {f["encoding"] for f in facts} >= {"utf-8", "gbk", "big5"}
    trad = sum(f["script"].startswith("traditional") for f in facts)
    assert 0.08 < trad / len(facts) < 0.4


def _decoded(name: str, data: bytes, enc: str) -> str:
    return data.decode("utf-8-sig" if enc == "utf-8" else enc)


def test_files_are_in_their_encoding_and_script():
    for i in range(300):
        name, data, f = G.make_report(i, 1, str(RAW))
        text = _decoded(name, data, f["encoding"])
        if f["encoding"] != "utf-8":
            assert not _is_utf8(data), name
        if f["script"].startswith("traditional"):
            assert _T2S.convert(text) != text, name  # there is something to convert back
        elif not f["kind"].startswith(
            "seed variant (002"
        ):  # 002 names only 市商务局, as the seed does
            assert f["agency"] in text
        if name.endswith(".html"):
            assert "<table" in text or f["kind"] == "prose"
            assert f"charset={f['encoding']}" in text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _numbers(line: str) -> list[int]:
    return [
        int(c)
        for c in (x.strip() for x in line.strip().strip("|").split("|"))
        if re.fullmatch(r"\d+", c)
    ]


def test_template_table_three_keeps_the_identities_of_the_format():
    checked = 0
    for i in range(200):
        name, data, f = G.make_report(i, 2, str(RAW))
        if f["kind"] != "template" or name.endswith(".html") or f["script"] != "simplified":
            continue
        lines = _decoded(name, data, f["encoding"]).splitlines()
        row = {
            key: _numbers(next(ln for ln in lines if ln.startswith(f"| {key}")))
            for key in ("一、本年新收", "二、上年结转", "四、结转下年度")
        }
        total = _numbers(next(ln for ln in lines if "(七)总计" in ln))
        for vals in (*row.values(), total):
            assert len(vals) == 7 and sum(vals[:6]) == vals[6]
        for c in range(7):
            assert (
                row["一、本年新收"][c] + row["二、上年结转"][c]
                == total[c] + row["四、结转下年度"][c]
            )
        assert f["truth"]["applications_received"] == row["一、本年新收"][6]
        n_rows = sum(
            1 for ln in lines if ln.startswith("| 三、本年度办理结果") and "(七)" not in ln
        )
        assert n_rows + 4 == (
            25 if f["format"] == "template2021" else 23
        )  # + 一, 二, (七), 四: the format's row count
        checked += 1
    assert checked >= 20


def test_generate_writes_mirrors_broken_files_and_a_valid_manifest(tmp_path):
    corpus = G.generate(
        tmp_path / "c", 600, seed=9, seeds_dir=RAW, duplicates=0.02, bad=0.01, jobs=2
    )
    files = [p for p in (tmp_path / "c").iterdir() if p.name != "manifest.csv"]
    assert corpus.files == len(files) == 600
    assert corpus.kinds["exact copy"] > 0 and corpus.kinds["unreadable"] > 0
    from analysis.read.manifest import read_manifest

    man = read_manifest(tmp_path / "c" / "manifest.csv", {p.name for p in files})
    assert man.problems == [] and len(man.rows) == corpus.manifest_rows > 0
    assert corpus.bytes == sum(p.stat().st_size for p in files)
