"""What the build keeps of one report after extraction, in memory and in its state (`state`).

Enough for duplicates, the cross-year checks, the state file and the closing summary,
and small: the main process holds one per report for the whole write phase.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Summary(NamedTuple):
    """What the build keeps of one report after extraction: enough for duplicates, the
    cross-year checks, the state file and the closing summary.

    A tuple rather than a dict because the main process holds one per report for the
    whole write phase: at 100,000 reports, 12-key dicts cost ~70 MB more than this.
    """

    file: str
    sha256: str | None
    ok: bool | None
    agency: str | None
    place: str | None
    agency_source: str | None
    report_year: int | None
    script: str | None
    n_metrics: int
    carried_over: float | None
    carried_forward: float | None
    errors: tuple[str, ...]

    def state(self) -> dict[str, Any]:
        """The summary as a state of format 1 stored it (keyed by cache key, so without the
        file name)."""
        d = self._asdict()
        del d["file"]
        d["errors"] = list(self.errors)
        return d


def summary_of(rec: dict[str, Any], name: str) -> Summary:
    m = rec.get("metrics", {})
    return Summary(
        name,
        rec.get("sha256"),
        rec.get("ok"),
        rec.get("agency"),
        rec.get("place"),
        rec.get("agency_source"),
        rec.get("report_year"),
        rec.get("script"),
        sum(1 for v in m.values() if v.get("value") is not None),
        (m.get("applications_carried_over") or {}).get("value"),
        (m.get("applications_carried_forward") or {}).get("value"),
        tuple(i["message"] for i in rec.get("issues", []) if i.get("level") == "error"),
    )


ROW_LENGTH = len(Summary._fields)


def summary_from_row(row: list[Any], name: str) -> Summary | None:
    """A summary read back from a row of a format-2 state, [cache key, the fields but the
    file name...] (None if the row is not one)."""
    if not isinstance(row, list) or len(row) != ROW_LENGTH:
        return None
    return Summary(name, *row[1:-1], tuple(row[-1] or ()))


def summary_from_state(d: dict[str, Any], name: str) -> Summary:
    """A summary read back from build-state.json (older states may lack a field: it is then
    empty)."""
    return Summary(
        name,
        d.get("sha256"),
        d.get("ok"),
        d.get("agency"),
        d.get("place"),
        d.get("agency_source"),
        d.get("report_year"),
        d.get("script"),
        d.get("n_metrics") or 0,
        d.get("carried_over"),
        d.get("carried_forward"),
        tuple(d.get("errors") or ()),
    )


class Interner:
    """Shares equal values between summaries: an agency, place or year repeats across
    thousands of reports, and each summary arriving from a worker brings its own copy."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, s: Summary) -> Summary:
        seen = self._seen  # keyed with the type too: a year 2021.0 must not become the int 2021

        def one(v: Any) -> Any:
            return v if v is None else seen.setdefault((type(v), v), v)

        # built directly (a national corpus has 100,000 summaries; _replace is 3x slower)
        return Summary(
            s.file,
            s.sha256,
            s.ok,
            one(s.agency),
            one(s.place),
            one(s.agency_source),
            one(s.report_year),
            one(s.script),
            s.n_metrics,
            s.carried_over,
            s.carried_forward,
            s.errors,
        )
