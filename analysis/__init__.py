"""Analysis of Chinese government information-disclosure annual reports (政府信息公开工作年度报告).

Load raw reports in any common encoding, normalize them, read their metadata and extract
their figures with the exact sentence each came from. See README.md, and
docs/architecture.md for the stages (read → document → facts/tables → build → reports).

The names below are loaded on first use (PEP 562), so that `from analysis.reports import
charts` in a notebook does not load the extractor and OpenCC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .extract import extract_bytes, extract_path
    from .metrics import METRICS

__all__ = ["extract_bytes", "extract_path", "METRICS"]


def __getattr__(name: str) -> Any:
    if name in ("extract_bytes", "extract_path"):
        from . import extract

        return getattr(extract, name)
    if name == "METRICS":
        from .metrics import METRICS

        return METRICS
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
