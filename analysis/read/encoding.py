"""Decide how a report's bytes are encoded, and say so.

Reports come from government sites, Big5 gateways, wiki mirrors and PDF converters, so
the same text may arrive as UTF-8 (with or without BOM), GBK/GB18030, Big5 or UTF-16, and
sometimes as mojibake (UTF-8 that was once read as GBK and saved again). Several of these
decode each other's bytes without error, so the choice is made by how much of the result
is ordinary Chinese, not by which decoder happens not to fail first.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .chardata import COMMON_CHARS


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str = ""  # e.g. "mojibake repaired"


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we support, or not text at all."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document (convert it to text first)"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"BM", None),  # too short to be sure; checked with control bytes below
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
]

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\uffff\ufffe]|[^\x00-\uffff]")
# (counted as runs: the engine costs ~0.2 µs a match, and a run of characters is one match)
_CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff\ue000-\uf8ff\ufffd]+")
# common characters, counted as runs like _CJK_RE
_COMMON_RE = re.compile("[" + "".join(sorted(COMMON_CHARS)) + "]+")
# UTF-8 Chinese read as Latin-1/cp1252: runs like 'æ”¿åºœ' with no CJK at all
_LATIN_MOJIBAKE = re.compile("[\u00e4-\u00e9][\u0080-\u00bf\u0152-\u2122]{2}")


def _counts(head: str) -> tuple[int, int]:
    """CJK-looking characters in `head`, and how many of them are common ones."""
    cjk = sum(map(len, _CJK_RE.findall(head)))
    return cjk, (sum(map(len, _COMMON_RE.findall(head))) if cjk else 0)


def chinese_score(text: str, sample: int = 20000) -> float:
    """Share of CJK-looking characters that are common ones (0..1); -1 if no CJK at all."""
    cjk, common = _counts(text[:sample])
    return common / cjk if cjk else -1.0


def _clearly_chinese(head: str) -> bool:
    """Mostly common Chinese characters, and plenty of them: not mojibake."""
    cjk, common = _counts(head)
    return cjk >= 60 and common / cjk >= 0.6


def _looks_utf16(data: bytes) -> str | None:
    head = data[:4096]
    if len(head) < 4:
        return None
    even = head[0::2]
    odd = head[1::2]
    z_even = even.count(0) / len(even)
    z_odd = odd.count(0) / len(odd)
    # ASCII-heavy UTF-16 has zeros in one half; CJK-heavy UTF-16 has few zeros but
    # high bytes in 0x4E..0x9F in one half.
    if z_odd > 0.2 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.2 and z_odd < 0.05:
        return "utf-16-be"
    hi_odd = sum(1 for b in odd if 0x4E <= b <= 0x9F) / len(odd)
    hi_even = sum(1 for b in even if 0x4E <= b <= 0x9F) / len(even)
    if hi_odd > 0.6 and hi_even < 0.3:
        return "utf-16-le"
    if hi_even > 0.6 and hi_odd < 0.3:
        return "utf-16-be"
    return None


_TEXT_BYTES = bytes(range(9, 14)) + bytes([27]) + bytes(range(32, 256))


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if kind and data.startswith(magic):
            return kind
    sample = data[:8192]
    control = len(sample.translate(None, _TEXT_BYTES))  # bytes that text never contains
    if control / max(len(sample), 1) > 0.02:
        return "binary data, not text"
    return None


def _repair_mojibake(text: str) -> tuple[str, str, float] | None:
    """Undo UTF-8 that was once decoded as GBK or Latin-1 and saved again.

    Returns (repaired text, the wrong codec, share of characters lost), or None when no
    round trip reads as Chinese. Latin-1 round trips are lossless; GBK ones lose the
    bytes the wrong decoder replaced, which the caller must not paper over.
    """
    best: tuple[str, str, float] | None = None
    for wrong in ("gbk", "cp1252", "latin-1"):
        try:
            raw = text.encode(wrong, errors="strict")
            lost = 0
        except UnicodeEncodeError:
            raw = text.encode(wrong, errors="ignore")
            lost = 1
        fixed = raw.decode("utf-8", errors="replace")
        share = (fixed.count("\ufffd") + lost) / max(len(fixed), 1)
        if chinese_score(fixed, 2000) > 0.6 and (best is None or share < best[2]):
            best = (fixed, wrong, share)
    return best


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode report bytes; raise UndecodableError with a plain reason when we cannot."""
    if not data.strip():
        raise UndecodableError(
            "empty", "the file is empty" if not data else "the file holds only white space"
        )
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise UndecodableError(
                    "bad-bytes",
                    f"starts with a {enc} byte-order mark but is not valid {enc}: "
                    f"{e.reason} at byte {e.start}",
                ) from e
            if (
                enc == "utf-16"
                and chinese_score(text, 2000) < 0.2
                and len(_CONTROL.findall(text[:2000])) > 0.02 * min(len(text), 2000)
            ):
                raise UndecodableError(
                    "bad-bytes",
                    "starts with a UTF-16 byte-order mark but the rest is not UTF-16 text",
                )
            return Decoded(
                text,
                "utf-8 (BOM)"
                if enc == "utf-8-sig"
                else enc + (" (BOM, LE)" if bom == codecs.BOM_UTF16_LE else " (BOM, BE)"),
            )
    u16 = _looks_utf16(data) if b"\x00" in data[:4096] else None
    if u16:
        try:
            text = data.decode(u16)
            if chinese_score(text) != 0:
                return Decoded(text, u16)
        except UnicodeDecodeError:
            pass
    kind = _binary_kind(data)
    if kind:
        raise UndecodableError("binary", f"this is {kind}")

    candidates: list[tuple[float, Decoded]] = []
    try:
        text = data.decode("utf-8")
        # a clean opening of ordinary Chinese settles it; scoring costs ~0.3 µs a character
        score = chinese_score(text, 800) if not _clearly_chinese(text[:240]) else 1.0
        if score < 0.45 and (score != -1 or _LATIN_MOJIBAKE.search(text[:2000])):
            repaired = _repair_mojibake(text)
            if repaired is not None:
                fixed, wrong, lost = repaired
                if lost <= 0.01:
                    return Decoded(
                        fixed,
                        "utf-8",
                        f"mojibake repaired: the text had been decoded as {wrong} once "
                        "and saved as UTF-8",
                    )
                raise UndecodableError(
                    "mojibake",
                    f"the text is mojibake (UTF-8 that was decoded as {wrong.upper()} and "
                    f"saved again); {lost:.0%} of its characters are lost and cannot be "
                    "restored: fetch the original file",
                )
        return Decoded(text, "utf-8")
    except UnicodeDecodeError:
        pass
    order = ["gbk", "gb18030", "cp950", "big5hkscs"]
    if declared:
        d = declared.lower().replace("_", "-")
        alias = {"gb2312": "gbk", "big5": "cp950", "x-gbk": "gbk"}.get(d, d)
        if alias in order:
            order.remove(alias)
            order.insert(0, alias)
    for enc in order:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        name = {"cp950": "big5", "big5hkscs": "big5-hkscs"}.get(enc, enc)
        candidates.append((chinese_score(text), Decoded(text, name)))
        if enc == "gbk":
            # gb18030 decodes whatever gbk decodes, identically
            order = [e for e in order if e != "gb18030"]
    if not candidates:
        u16 = _looks_utf16(data)
        if u16:
            try:
                return Decoded(data.decode(u16), u16)
            except UnicodeDecodeError:
                pass
        raise UndecodableError(
            "bad-bytes",
            "its bytes are not valid UTF-8, GBK/GB18030, Big5 or UTF-16 "
            "(damaged or not a text file)",
        )
    best_score, best = max(candidates, key=lambda c: c[0])
    if best_score < 0.2 and best_score != -1:
        raise UndecodableError(
            "bad-bytes",
            f"no encoding gives readable Chinese (best guess {best.encoding} makes mostly "
            "rare characters)",
        )
    return best
