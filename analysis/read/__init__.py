"""Stage 1, read: a raw file's bytes → `Loaded` (text, grids of table cells, issues).

In: the bytes of one file as published (a web page, a text file in any common Chinese
encoding, a PDF, a Word file, a page image; `sniff` tells which from the content) and its
name. Out: `load.Loaded`, the report as text with one line per block and per table row,
the tables as `grid.Grid`s whose cells know where their text stands in that text (and,
for PDF and OCR, their page and box), the page of each stretch of text, and what was
wrong with the file. A file that cannot be read raises `load.LoadError` with a message
naming it. `pdf`, `docx`, `office` and `ocr` are the document readers (`documents`
chooses among them); `compose` and `rules` build their text and grids.

Nothing here knows what a disclosure report says: that starts at `analysis.document`.
`manifest` reads data/raw/manifest.csv, the analyst's overrides for what a text cannot say.
"""
