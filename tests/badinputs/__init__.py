"""A corpus of bad inputs, each made from the shipped sample by one mutation in a tmp dir.

``CASES`` lists every case with the outcome spec/extracts.md ("What bad input gets")
promises for it; ``make_raw`` copies the reference folder and two quarters of the
sample (never modified) and ``Case.build`` applies the case's mutation. No copy of
the data is kept in the repository.
"""

from badinputs import silent
from badinputs.cases import CASES as _FIRST
from badinputs.cases import Case, Fault, make_raw

# The first corpus, then the inputs issue 12 found were taken silently.
CASES = _FIRST + silent.CASES

__all__ = ["CASES", "Case", "Fault", "make_raw"]
