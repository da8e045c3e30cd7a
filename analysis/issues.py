"""One shape for everything worth telling an analyst about a file: errors, warnings, notes.

Every stage reports problems as `Issue`s rather than raising or printing, so a bad file
never stops a batch and every problem reaches the record, the `issues` table and the
pages. A message starts with the file's name (or, for a figure left empty, the metric's)
so it can be read on its own in a terminal or a spreadsheet.

>>> Issue("warning", "no-year", "a.txt: no report year").as_dict()
{'level': 'warning', 'code': 'no-year', 'message': 'a.txt: no report year'}
>>> Issue("warning", "ambiguous", "x: two values", metric="proactive_total").as_dict()["metric"]
'proactive_total'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Issue:
    level: Level  # error: the file cannot be used; warning: a field or figure is doubtful or empty
    code: str  # short and stable, for filtering: "no-year", "table-cut-off", …
    message: str
    metric: str | None = None  # the figure it is about, if any

    def as_dict(self) -> dict[str, str]:
        """The record's form of the issue (keys in the order the tables and JSON show them)."""
        if self.metric is None:
            return {"level": self.level, "code": self.code, "message": self.message}
        return {
            "level": self.level,
            "code": self.code,
            "metric": self.metric,
            "message": self.message,
        }
