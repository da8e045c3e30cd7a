"""Stage 3a, facts: `Document` → metadata and the figures stated in prose.

In: `analysis.document.sentences.Document`. Out: `metadata.Metadata` (agency, year covered,
publish date, level and place) and, from `figures`, one record per metric with its value,
the sentence that states it and its flags. The rules (`figures.RULES`) describe ways
reports state a figure; a figure the rules are not sure of is left empty and flagged.
"""
