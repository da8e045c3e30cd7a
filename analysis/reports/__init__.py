"""Stage 5, reports: the tidy tables → executed notebooks → standalone HTML pages.

In: data/processed (through `analysis.dataset`). Out: reports/, one page per agency plus
the corpus pages and an index. `run` plans and runs the notebooks of notebooks/ with
papermill (`python -m analysis.reports`); what the notebooks call lives in `data` (the
tables an analyst reads), `charts` (matplotlib, CJK font included) and `html` (tables
and page parts); `names` makes file names from agency names; `notebooks` keeps the
committed notebooks free of outputs except the ones nbval checks.
"""
