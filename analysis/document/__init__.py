"""Stage 2, document: `Loaded` → `Document` (normalized text, lines, sentences, offsets).

In: `analysis.read.load.Loaded`. Out: `sentences.Document`: the text in one canonical form
(`normalize`: simplified script through OpenCC in `convert`, half-width forms, Chinese
numerals as digits in `numerals`), split into body lines and sentences that know their
heading, with the page header kept aside and page chrome dropped. Every step that changes
the length of the text records it (`offsets`), so any span of the normalized text maps
back to the exact characters of the original file: that is how evidence is cut.
"""
