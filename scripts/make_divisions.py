"""Regenerate analysis/facts/divisions.txt and towns.txt: China's divisions (GB/T 2260 codes).

The place part of an agency name (贵州省, 济宁市兖州区, 邹城市唐村镇) is checked against the
official division table, so that a fragment of a sentence is never taken for a place. The
table comes from jionlp 1.5.31, which ships it as package data (dictionary/china_location.zip:
province, city and county with their 6-digit codes and short names, towns and streets without
codes; its change list ends with the renamings of 2023-04, so the codes are those in force
in 2023).

jionlp itself is not imported and is not a dependency of the project: importing it loads all
of its NLP modules, and it requires jiojio, which is GPL-3.0 and an 85 MB wheel. jionlp is
Apache-2.0; only its data file is read here, straight out of the pinned wheel, and written
out as two compact text files that the extractor reads lazily. Plain text, not a Python
module: compiling a 550 KB string literal costs ~0.1 s in every process that runs without
bytecode caches (the Makefile sets PYTHONDONTWRITEBYTECODE), reading the file ~1 ms.

    .venv/bin/python scripts/make_divisions.py                 # fetch the pinned wheel, rewrite
    .venv/bin/python scripts/make_divisions.py --wheel W.whl   # from a wheel already at hand
    .venv/bin/python scripts/make_divisions.py --check         # exit 1 if the module is stale

Without --wheel the wheel is fetched with `pip download jionlp==1.5.31 --no-deps` (PyPI).
--check without a wheel only verifies that the module's body still matches its recorded
digest (nothing was edited by hand); with --wheel it regenerates and compares.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "analysis" / "facts" / "divisions.txt"
TOWNS_TARGET = ROOT / "analysis" / "facts" / "towns.txt"
PACKAGE, VERSION = "jionlp", "1.5.31"
WHEEL_SHA256 = "688ba3793c5c0888b166ae1b11aaf6161db661a162019e77ffcf5951427e528f"
MEMBER = "jionlp/dictionary/china_location.zip"
TOWN_WIDTH = 96  # columns of a line of town names (a CJK character is 2 columns wide)


def fetch_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(dest)]
        + [f"{PACKAGE}=={VERSION}"],
        check=True,
    )
    return next(dest.glob(f"{PACKAGE}-{VERSION}-*.whl"))


def read_location(wheel: Path) -> str:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest} is not the pinned {PACKAGE} {VERSION} wheel")
    with zipfile.ZipFile(wheel) as whl:
        inner = zipfile.ZipFile(io.BytesIO(whl.read(MEMBER)))
        return inner.read("china_location.txt").decode("utf-8")


def parse(text: str) -> tuple[list[tuple[str, str, str, str]], dict[str, list[str]]]:
    """(code, name, short, parent code) for province, city and county; towns per county code.

    Municipalities and the SARs repeat the province as their city (same code): the repeat is
    dropped, so 北京市朝阳区's parent is 北京市. The pseudo-units 省直辖行政区划 and
    市直辖行政区划 are dropped too, their members hang from the unit above (仙桃市 under
    湖北省, the towns of 东莞市 under 东莞市).
    """
    rows: list[tuple[str, str, str, str]] = []
    towns: dict[str, list[str]] = {}
    stack: dict[int, str] = {}  # depth -> code of the unit in force at that depth
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if not parts[0]:
            continue
        if depth == 3:
            towns.setdefault(stack[2], []).append(parts[0])
            continue
        if depth > 3 or len(parts) != 3:
            continue
        name, code, short = parts
        parent = stack.get(depth - 1, "")
        if name.endswith("直辖行政区划") or code == parent:
            stack[depth] = parent  # not a unit of its own
            continue
        stack[depth] = code
        rows.append((code, name, short, parent))
    return rows, towns


def _width(s: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in s)


def _town_lines(towns: dict[str, list[str]]) -> list[str]:
    """One county's towns a line, wrapped under 100 columns (a line starting with + goes on)."""
    out: list[str] = []
    for code in sorted(towns):
        line = code + ":"
        for name in towns[code]:
            sep = "" if line.endswith(":") or line == "+" else " "
            if _width(line + sep + name) > TOWN_WIDTH:
                out.append(line)
                line, sep = "+", ""
            line += sep + name
        out.append(line)
    return out


def _datafile(doc: str, lines: list[str]) -> str:
    """A header of # lines (what, where from, the digest of the body), then the body."""
    body = "\n".join(lines) + "\n"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return (
        f"# {doc}\n"
        f"# generated by scripts/make_divisions.py from {PACKAGE} {VERSION}'s package data\n"
        "# (dictionary/china_location.zip, GB/T 2260 codes as in force in 2023); do not edit\n"
        f"# body-sha256 {digest}\n" + body
    )


def render(rows: list[tuple[str, str, str, str]], towns: dict[str, list[str]]) -> dict[Path, str]:
    divisions = [" ".join((c, n, s, p or "-")) for c, n, s, p in sorted(rows)]
    return {
        TARGET: _datafile(
            "China's provinces, cities and counties: one a line, code name short-name parent",
            divisions,
        ),
        TOWNS_TARGET: _datafile(
            "towns and streets of each county (no codes): county-code:name name … (+ goes on)",
            _town_lines(towns),
        ),
    }


def body_digest_ok(text: str) -> bool:
    """The file's data is what the generator wrote (its recorded digest matches)."""
    lines = text.splitlines(keepends=True)
    head = [ln for ln in lines if ln.startswith("#")]
    recorded = next((ln.split()[2] for ln in head if ln.startswith("# body-sha256 ")), "")
    body = "".join(lines[len(head) :])
    return hashlib.sha256(body.encode("utf-8")).hexdigest() == recorded


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--wheel", type=Path, help=f"a {PACKAGE}-{VERSION} wheel already downloaded")
    ap.add_argument("--check", action="store_true", help="only say whether the module is current")
    args = ap.parse_args()
    targets = (TARGET, TOWNS_TARGET)
    if args.check and not args.wheel:
        ok = all(t.exists() and body_digest_ok(t.read_text(encoding="utf-8")) for t in targets)
        print(f"the division files {'match' if ok else 'do not match'} their digests")
        return 0 if ok else 1
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        texts = render(*parse(read_location(wheel)))
    if args.check:
        ok = all(t.exists() and t.read_text(encoding="utf-8") == texts[t] for t in targets)
        print(f"the division files are {'up to date' if ok else 'out of date'}")
        return 0 if ok else 1
    for target, text in texts.items():
        tmp_target = target.with_suffix(".tmp")
        tmp_target.write_text(text, encoding="utf-8")
        tmp_target.replace(target)
        size = len(text.encode()) // 1024
        print(f"wrote {target.relative_to(ROOT)} ({size} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
