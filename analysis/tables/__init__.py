"""Stage 3b, tables: `Document` → the cells of the standard tables, their figures, checks.

In: `analysis.document.sentences.Document` (its lines, and the grid rows the reader found).
Out: from `read.read_tables`, the layout (template2019 / template2021), the cells of tables
二, 三 and 四 with their row and column keys (`template` holds the formats' labels), the
headline figures they give, and the arithmetic checks of `checks`. Rows arrive as grid
rows from the reader or as lines of text (`tokens`, `from_text`); `two`, `three` and
`four` read one table each. `read.merge_metrics` lets table figures win over prose ones.
"""
