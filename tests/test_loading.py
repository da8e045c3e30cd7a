"""Reading reports in every encoding and shape they arrive in, and refusing what is not a report."""

from __future__ import annotations

import zlib
from pathlib import Path

import opencc
import pytest
from conftest import RAW, value

from analysis.document.sentences import build_document
from analysis.extract import extract_bytes, extract_path
from analysis.read.encoding import UndecodableError, decode
from analysis.read.load import LoadError, load_bytes

SIMPLIFIED = (
    "某县商务局2019年政府信息公开工作年度报告\n"
    "一、主动公开政府信息情况\n2019年,我局主动公开政府信息120条。\n"
    "二、依申请公开情况\n全年共受理政府信息公开申请5件,其中予以公开3件。\n"
    "三、行政复议和行政诉讼\n本年度未发生因政府信息公开引起的行政复议和行政诉讼。\n"
)
# the same report in traditional characters, every one of them in Big5
TRADITIONAL = (
    "某縣商務局2019年政府信息公開工作年度報告\n"
    "一、主動公開政府信息情況\n2019年,我局主動公開政府信息120條。\n"
    "二、依申請公開情況\n全年共受理政府信息公開申請5件,其中予以公開3件。\n"
    "三、行政複議和行政訴訟\n本年度未發生因政府信息公開引起的行政複議和行政訴訟。\n"
)


def summary(rec: dict) -> tuple:
    return (
        rec["agency"],
        rec["report_year"],
        rec["publish_date"],
        {k: v["value"] for k, v in rec["metrics"].items()},
    )


@pytest.mark.parametrize(
    "encoding,expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8 (BOM)"),
        ("gbk", "gbk"),
        ("gb18030", "gbk"),
        ("utf-16", "utf-16 (BOM, LE)"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_simplified_in_every_encoding_gives_the_same_record(encoding, expected):
    base = extract_bytes("a.txt", SIMPLIFIED.encode("utf-8"))
    rec = extract_bytes("a.txt", SIMPLIFIED.encode(encoding))
    assert rec["ok"], rec["issues"]
    assert rec["encoding"] == expected
    assert summary(rec) == summary(base)
    assert value(rec, "proactive_total") == 120 and value(rec, "applications_received") == 5


def test_gb18030_only_characters_are_read():
    text = SIMPLIFIED.replace("某县", "𠀾县")  # a character outside GBK, four bytes in GB18030
    rec = extract_bytes("a.txt", text.encode("gb18030"))
    assert rec["encoding"] == "gb18030"
    assert rec["agency"].startswith("𠀾县")


@pytest.mark.parametrize("encoding", ["big5", "utf-8"])
def test_traditional_copy_gives_identical_results(encoding):
    simp = extract_bytes("s.txt", SIMPLIFIED.encode("utf-8"))
    trad = extract_bytes("t.txt", TRADITIONAL.encode(encoding))
    assert trad["script"] == "traditional" and simp["script"] == "simplified"
    assert trad["encoding"] == ("big5" if encoding == "big5" else "utf-8")
    assert summary(trad) == summary(simp)


@pytest.mark.parametrize("config", ["s2t", "s2twp", "s2hk"])
def test_seed_converted_to_traditional_gives_identical_results(config):
    for seed in ("001_fc4f34c734b4c5a9.txt", "004_61bfce714908b168.txt"):
        text = (RAW / seed).read_text(encoding="utf-8")
        trad = opencc.OpenCC(config).convert(text)
        assert trad != text
        a = extract_bytes(seed, text.encode())
        b = extract_bytes(seed, trad.encode())
        assert b["script"] == "traditional"
        assert summary(a) == summary(b)


def test_taiwan_vocabulary_and_gateway_words_are_mainland_after_normalizing():
    text = (
        "某市工商局2016年政府信息公開工作年度報告\n"
        "通過入口網站和網際網路發布政府資訊,整合套用系統與程式。\n"
    )
    rec = extract_bytes("tw.txt", text.encode(), None, with_text=True)
    body = rec["text"]
    for word in ("门户网站", "互联网", "政府信息", "应用系统", "程序"):
        assert word in body, word
    for word in ("入口网站", "网际网路", "资讯", "套用"):
        assert word not in body, word


def test_lossless_mojibake_is_repaired_and_said():
    damaged = SIMPLIFIED.encode("utf-8").decode("latin-1").encode("utf-8")
    rec = extract_bytes("moji.txt", damaged)
    assert rec["ok"]
    assert any(i["code"] == "mojibake" and "repaired" in i["message"] for i in rec["issues"])
    assert value(rec, "proactive_total") == 120
    assert rec["agency"] == "某县商务局"


def test_lossy_mojibake_is_refused_not_guessed():
    damaged = SIMPLIFIED.encode("utf-8").decode("gbk", errors="replace").encode("utf-8")
    rec = extract_bytes("moji.txt", damaged)
    assert rec["ok"] is False
    (issue,) = rec["issues"]
    assert issue["code"] == "mojibake"
    assert (
        issue["message"].startswith("moji.txt:")
        and "GBK" in issue["message"]
        and "original" in issue["message"]
    )


@pytest.mark.parametrize(
    "data,code,words",
    [
        (b"", "empty", "empty"),
        (b"   \n\t \n", "empty", "white space"),
        # (documents and images are read now: damaged ones say what they are)
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "corrupt-image", "PNG image"),
        (b"PK\x03\x04" + zlib.compress(b"x" * 5000), "zip", "ZIP"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "corrupt-pdf", "PDF"),
        (bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 400, "bad-bytes", "not valid"),
    ],
)
def test_unreadable_files_get_a_clear_error_naming_the_file(data, code, words):
    rec = extract_bytes("dir/bad_file.txt", data)
    assert rec["ok"] is False
    (issue,) = rec["issues"]
    assert issue["level"] == "error" and issue["code"] == code
    assert issue["message"].startswith("bad_file.txt:")
    assert words in issue["message"]


def test_decode_refuses_random_bytes():
    with pytest.raises(UndecodableError):
        decode(bytes([0x81, 0x20, 0xFD, 0x00, 0x81]) * 100 + b"\x00\x01\x02" * 100)
    # a UTF-16 byte-order mark in front of garbage does not make it text
    with pytest.raises(UndecodableError):
        decode(b"\xff\xfe" + bytes([0x01, 0x00, 0x02, 0xD8, 0x03, 0x00, 0x1F, 0x00]) * 200)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.write(SIMPLIFIED.encode() * 10)
        fh.seek(50 * 2**20)
        fh.write(b"\n")
    rec = extract_path(big)
    assert rec["ok"] is False
    assert rec["issues"][0]["code"] == "too-large"
    assert "huge.txt" in rec["issues"][0]["message"] and "MB" in rec["issues"][0]["message"]


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="gbk">\
<title>某县商务局2019年政府信息公开工作年度报告</title>
<style>.a{color:red} 主动公开政府信息999条</style>\
<script>var x = "主动公开政府信息888条";</script></head>
<body><div class="nav">首页 &gt; 政务公开 &gt; 年度报告</div>
<div class="content"><h1>某县商务局2019年政府信息公开工作年度报告</h1>
<p>字号:大 中 小</p>
<p>一、主动公开政府信息情况</p><p>2019年,我局主动公开政府信息120条。</p>
<table><tr><td colspan="2">表格</td></tr>\
<tr><td rowspan="2">行政复议</td><td>0</td></tr><tr><td>0</td></tr></table>
<p>全年共受理政府信息公开申请5件,其中予以公开3件。</p></div>
<footer>版权所有 主动公开政府信息777条</footer></body></html>"""


def test_html_page_keeps_text_and_drops_scripts_styles_navigation():
    rec = extract_bytes("page.html", HTML_PAGE.encode("gbk"), None, with_text=True)
    assert rec["ok"] and rec["file_format"] == "html" and rec["encoding"] == "gbk"
    assert value(rec, "proactive_total") == 120
    assert value(rec, "applications_received") == 5
    for gone in ("999", "888", "777", "首页", "字号"):
        assert gone not in rec["text"], gone
    # table cells come out as a pipe row with the spanned cell repeated
    assert "| 行政复议 | 0 |" in rec["text"]


def test_html_saved_as_txt_is_read_as_html_and_said():
    rec = extract_bytes("page.txt", HTML_PAGE.encode("utf-8"))
    assert rec["file_format"] == "html"
    assert any(i["code"] == "html-page" for i in rec["issues"])
    assert value(rec, "proactive_total") == 120


def test_page_chrome_is_dropped_and_header_fields_kept():
    loaded = load_bytes("seed.txt", (RAW / "001_fc4f34c734b4c5a9.txt").read_bytes())
    rec = extract_bytes("seed.txt", loaded.text.encode(), None, with_text=True)
    assert rec["header"]["发文日期"] == "2018-03-28"
    assert rec["header"]["发布机构"] == "张店区商务局"
    assert rec["header"]["索引号"].startswith("11370303004217100M")
    assert "字号" not in rec["text"] and "打印" not in rec["text"]
    assert rec["publish_date"] == "2018-03-28"


def test_navigation_trails_of_a_saved_page_are_dropped():
    trails = [
        "首页 > 政务公开 > 政府信息公开年报",
        "当前位置:首页>信息公开>年报",
        "您的位置: 首页 / 年度报告",
        "您当前的位置:年报",
        "主页 » 年度报告",
    ]
    body = "本机关2023年主动公开政府信息120条。"
    doc = build_document(load_bytes("page.txt", ("\n".join(trails) + "\n" + body + "\n").encode()))
    assert doc.dropped == trails
    assert doc.text == body


def test_load_error_carries_the_hash_and_size():
    with pytest.raises(LoadError) as e:
        load_bytes("x.txt", b"")
    assert e.value.code == "empty"


def test_mainland_words_in_traditional_characters_survive_normalizing():
    from analysis.document.normalize import normalize

    text = normalize("清理規範性文件12件,提供查詢服務,本年收費金額(單位:萬元)").text
    assert "规范性文件" in text and "查询" in text
    assert "(单位:万元)" in text  # a bare 万 is a unit, not ten thousand
