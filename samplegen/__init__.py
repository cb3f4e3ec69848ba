"""Deterministic generator of the shipped sample data (``data/raw/``).

One synthetic London borough is simulated once, tuned so that the figures the
sub-committee actually published come out exactly (``shared/reference/known-figures.md``),
and then cut at each quarter end into the extract layout of ``spec/extracts.md``.
Everything is synthetic: invented identifiers, no real child, school or carer.
"""
