"""Write analysis/facts/pinyin.txt: the pinyin of every division's short name, so that the
host of a report's URL (www.xiamen.gov.cn, xm.gov.cn) can name its place.

    .venv/bin/python scripts/make_pinyin.py           # regenerate (needs pypinyin)
    .venv/bin/python scripts/make_pinyin.py --check   # exit 1 if it does not match divisions.txt

pypinyin (MIT) is needed only here: the package reads the generated file, a line a unit:
`code full-pinyin initials`, e.g. `350200 xiamen xm`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "analysis" / "facts" / "pinyin.txt"


def lines() -> list[str]:
    from pypinyin import Style, lazy_pinyin

    from analysis.facts import divisions as D

    out = []
    for d in sorted(D._table()[0].values(), key=lambda u: u.code):
        full = "".join(lazy_pinyin(d.short)).lower()
        initials = "".join(lazy_pinyin(d.short, style=Style.FIRST_LETTER)).lower()
        if full.isascii() and full.isalpha():
            out.append(f"{d.code} {full} {initials}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    head = "# pinyin of each division's short name (scripts/make_pinyin.py); do not edit\n"
    text = head + "\n".join(lines()) + "\n"
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} is stale: run scripts/make_pinyin.py")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} units)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
