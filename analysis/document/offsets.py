"""Map positions in normalized text back to the original text, and forward again.

Figures are found in the normalized text, but the evidence we show must be the exact
sentence of the source file. Every normalization step that changes length records its
edits here, so a span in the normalized text can be traced back character-exactly
(`to_original`), and a span of the original, such as a table cell a reader located, can
be found in the normalized text (`to_normalized`).

>>> t = Tracked("申请 十件").sub(re.compile(" "), "").sub(re.compile("十"), "10")
>>> t.text, t.to_normalized(3, 5), t.to_original(2, 5)
('申请10件', (2, 5), (3, 5))
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class StepMap:
    """Edits of one step: regions [out_start, out_end) replaced [in_start, in_end)."""

    out_starts: list[int] = field(default_factory=list)
    out_ends: list[int] = field(default_factory=list)
    in_starts: list[int] = field(default_factory=list)
    in_ends: list[int] = field(default_factory=list)

    def add(self, in_start: int, in_end: int, out_start: int, out_end: int) -> None:
        self.in_starts.append(in_start)
        self.in_ends.append(in_end)
        self.out_starts.append(out_start)
        self.out_ends.append(out_end)

    def back(self, pos: int, is_end: bool) -> int:
        i = bisect.bisect_right(self.out_starts, pos) - 1
        if i < 0:
            return pos
        if pos < self.out_ends[i] or (
            is_end and pos == self.out_ends[i] and pos > self.out_starts[i]
        ):
            # inside a replaced region: a start maps to its start, an end to its end
            return self.in_ends[i] if is_end else self.in_starts[i]
        return pos - self.out_ends[i] + self.in_ends[i]

    def forward(self, pos: int, is_end: bool) -> int:
        """Where a position of the step's input stands in its output.

        A start inside a replaced region maps to the start of its replacement, an end
        inside one (or at its end) to the replacement's end; an end at the start of a
        region stays before it, a start at its end after it.
        """
        if is_end:
            i = bisect.bisect_left(self.in_starts, pos) - 1
            if i < 0:
                return pos
            if pos < self.in_ends[i]:
                return self.out_ends[i]
        else:
            i = bisect.bisect_right(self.in_starts, pos) - 1
            if i < 0:
                return pos
            if pos < self.in_ends[i]:
                return self.out_starts[i]
        return pos - self.in_ends[i] + self.out_ends[i]


class Step(Protocol):
    def back(self, pos: int, is_end: bool) -> int: ...

    def forward(self, pos: int, is_end: bool) -> int: ...


@dataclass
class Tracked:
    """Text plus the chain of step maps that lead back to the original."""

    text: str
    steps: list[Step] = field(default_factory=list)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        for step in reversed(self.steps):
            start, end = step.back(start, False), step.back(end, True)
        return start, end

    def to_normalized(self, start: int, end: int) -> tuple[int, int]:
        """The span of this text that a span of the original became."""
        for step in self.steps:
            start, end = step.forward(start, False), step.forward(end, True)
        return start, end

    def sub(
        self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str] | str
    ) -> "Tracked":
        """re.sub that records where the length changed."""
        out: list[str] = []
        step = StepMap()
        last = 0
        out_len = 0
        text = self.text
        for m in pattern.finditer(text):
            new = repl(m) if callable(repl) else m.expand(repl)
            old = m.group(0)
            if new == old:
                continue
            chunk = text[last : m.start()]
            out.append(chunk)
            out_len += len(chunk)
            if len(new) != len(old):
                step.add(m.start(), m.end(), out_len, out_len + len(new))
            out.append(new)
            out_len += len(new)
            last = m.end()
        if not out:
            return self
        out.append(text[last:])
        steps = self.steps + [step] if step.out_starts else self.steps
        return Tracked("".join(out), steps)

    def replace_aligned(self, new_text: str, aligner: Callable[[str, str], Step]) -> "Tracked":
        """Swap in a converted text of possibly different length, aligned by `aligner`."""
        if len(new_text) == len(self.text):
            return Tracked(new_text, self.steps)
        return Tracked(new_text, self.steps + [aligner(self.text, new_text)])
