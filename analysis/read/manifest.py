"""data/raw/manifest.csv: what an analyst knows about a file that its text does not say.

A row can set or override agency, report_year, publish_date, place and level for one
file (002 calls itself only 市商务局; the analyst knows it is Hohhot's). Every override is
reported on the record, never applied silently, and a malformed manifest is reported with
the line number of each problem. A `url` (where the report was published) is no override:
its host may name the place a short name leaves out (facts/url_place.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..labels import LEVELS

COLUMNS = ["file", "agency", "report_year", "publish_date", "place", "level", "url", "note"]
REQUIRED = {"file"}


@dataclass
class Manifest:
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def for_file(self, name: str) -> dict[str, str]:
        return self.rows.get(name, {})


def read_manifest(path: Path, known_files: set[str] | None = None) -> Manifest:
    """Parse and check the manifest; problems are listed, good rows still apply."""
    man = Manifest()
    if not path.exists():
        return man
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        man.problems.append(f"{path.name}: not UTF-8; save it as UTF-8 (Excel: 'CSV UTF-8')")
        return man
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return man
    unknown = [h for h in header if h not in COLUMNS]
    missing = REQUIRED - set(header)
    if missing or unknown:
        man.problems.append(
            f"{path.name} line 1: "
            + "; ".join(
                ([f"missing column(s) {', '.join(sorted(missing))}"] if missing else [])
                + (
                    [f"unknown column(s) {', '.join(unknown)} (allowed: {', '.join(COLUMNS)})"]
                    if unknown
                    else []
                )
            )
        )
        if missing:
            return man
    seen: dict[str, int] = {}
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            man.problems.append(
                f"{path.name} line {line_no}: {len(values)} fields, expected {len(header)}"
            )
            continue
        row = {h: v.strip() for h, v in zip(header, values) if h in COLUMNS}
        name = row.get("file", "")
        bad = []
        if not name:
            bad.append("empty 'file'")
        elif "/" in name or "\\" in name or name.startswith("."):
            bad.append(f"'file' must be a plain file name in data/raw, not {name!r}")
        elif known_files is not None and name not in known_files:
            bad.append(f"no file named {name!r} in data/raw")
        if name in seen:
            bad.append(f"duplicate row for {name!r} (first on line {seen[name]})")
        y = row.get("report_year", "")
        if y:
            if not y.isdigit() or not 1990 <= int(y) <= dt.date.today().year + 1:
                bad.append(
                    f"report_year {y!r} is not a year between 1990 and {dt.date.today().year + 1}"
                )
        d = row.get("publish_date", "")
        if d:
            try:
                dt.date.fromisoformat(d)
            except ValueError:
                bad.append(f"publish_date {d!r} is not a date like 2015-01-23")
        lv = row.get("level", "")
        if lv and lv not in LEVELS:
            bad.append(f"level {lv!r} is not one of {', '.join(sorted(LEVELS))}")
        if bad:
            man.problems.append(f"{path.name} line {line_no}: " + "; ".join(bad))
            continue
        seen[name] = line_no
        man.rows[name] = {k: v for k, v in row.items() if v and k != "file"}
    return man
