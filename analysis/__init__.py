"""Analysis of Chinese government information-disclosure annual reports (政府信息公开工作年度报告).

Load raw reports in any common encoding, normalize them, read their metadata and extract
their figures with the exact sentence each came from. See README.md.
"""
from .extract import extract_bytes, extract_path
from .metrics import METRICS

__all__ = ["extract_bytes", "extract_path", "METRICS"]
