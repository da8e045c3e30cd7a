"""Stage 3c, quality: how well a report meets what the Regulation and the format ask of it.

In: the normalized text of a `Document` and the record's metadata. Out: which required parts
are present (`parts`), compact sentence fingerprints for repetition and template finding
(`fingerprints`), and the publish date against its legal deadline (`timeliness`). Each
answer carries its evidence or the reason it cannot be given; nothing here guesses.
"""
