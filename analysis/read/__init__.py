"""Stage 1, read: a raw file's bytes → `Loaded` (text, grids of table cells, issues).

In: the bytes of one file as published (a web page, a text file; any common Chinese
encoding) and its name. Out: `load.Loaded`, the report as text with one line per block
and per table row, the tables as `grid.Grid`s whose cells know where their text stands
in that text, and what was wrong with the file. A file that cannot be read raises
`load.LoadError` with a message naming it.

Nothing here knows what a disclosure report says: that starts at `analysis.document`.
`manifest` reads data/raw/manifest.csv, the analyst's overrides for what a text cannot say.
"""
