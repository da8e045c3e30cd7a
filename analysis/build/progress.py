"""A progress line on stderr for the long steps of a run (extraction, writing, pages)."""

from __future__ import annotations

import sys
import time


class Progress:
    """`what done/total (rate/s)`, rewritten in place at most once a second; silent if `quiet`."""

    def __init__(self, what: str, total: int, quiet: bool):
        self.what, self.total, self.quiet = what, total, quiet
        self.start = self.last = time.monotonic()
        self.done = 0

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if not self.quiet and (now - self.last > 1.0 or self.done == self.total):
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            end = "\n" if self.done == self.total else ""
            print(
                f"\r  {self.what} {self.done}/{self.total} ({rate:,.0f}/s)",
                end=end,
                file=sys.stderr,
                flush=True,
            )
