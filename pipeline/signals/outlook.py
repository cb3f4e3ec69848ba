"""The year-end outlook: a projected Q4 value with an 80% range (spec/signals.md "Year-end
outlook"; the method is documented in the README, "The year-end outlook").

The rest of the year is assumed to behave like the recent past, with no change of
course:

- `snapshot` / `rolling12`: the value is a level that wanders. The projection is
  today's value; the range widens with the square root of the quarters left,
  by the typical quarter-on-quarter change (root mean square of the changes in
  the window).
- `ytd` ratio: the remaining quarters are assumed as large as this year's so far
  and, on average, at this year's rate. The projection is today's YTD value; each
  remaining quarter's own value varies as the window's own values do (their
  standard deviation), and the remaining quarters carry (4 − q)/4 of the year.
- `ytd` count: the projection adds this year's average per quarter for each
  quarter left; the range, the window's standard deviation of quarterly counts
  times the square root of the quarters left.

Ranges are normal (10th to 90th percentile), clipped to what the indicator can
take (0 to 100 for a percentage, never below a count already reached).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import norm

from pipeline.signals.own import quarter_number

COVERAGE = 0.80
Z = float(norm.ppf(0.5 + COVERAGE / 2))  # 1.2816: 80% of a normal lies within ±Z sd
MIN_HISTORY = 4  # values in the window before a projection is attempted
BASES = ("ytd", "snapshot", "rolling12")

LIKELY_TO_MEET, LIKELY_TO_MISS, UNCERTAIN = "likely to meet", "likely to miss", "uncertain"


@dataclass(frozen=True)
class Outlook:
    value: float
    lower: float
    upper: float
    outlook: str


def project(
    *,
    basis: str,
    unit: str,
    polarity: str,
    quarter_key: str,
    value: float | None,
    q4_target: float | None,
    published_window: Sequence[float],
    own_window: Sequence[float],
) -> Outlook | None:
    """The outlook at `quarter_key`, or None where the spec or the history gives none.

    `published_window` and `own_window` are the unbroken runs (at most 12 quarters,
    oldest first) of published and own values ending with this quarter.
    """
    quarter = quarter_number(quarter_key)
    if (
        quarter == 4
        or basis not in BASES
        or value is None
        or q4_target is None
        or polarity not in ("higher", "lower")
    ):
        return None
    left = 4 - quarter
    if basis == "ytd" and unit == "count":
        if len(own_window) < MIN_HISTORY:
            return None
        point = value + left * value / quarter
        half = Z * statistics.stdev(own_window) * math.sqrt(left)
        floor, ceiling = value, math.inf
    elif basis == "ytd":
        if len(own_window) < MIN_HISTORY:
            return None
        point = value
        half = Z * statistics.stdev(own_window) * math.sqrt(left) / 4
        floor, ceiling = _bounds(unit)
    else:
        if len(published_window) < MIN_HISTORY + 1:
            return None
        changes = [b - a for a, b in zip(published_window, published_window[1:], strict=False)]
        typical = math.sqrt(sum(c * c for c in changes) / len(changes))
        point = value
        half = Z * typical * math.sqrt(left)
        floor, ceiling = _bounds(unit)
    lower, upper = max(point - half, floor), min(point + half, ceiling)
    return Outlook(point, lower, upper, verdict(lower, upper, q4_target, polarity))


def _bounds(unit: str) -> tuple[float, float]:
    return (0.0, 100.0) if unit == "percent" else (0.0, math.inf)


def meets(value: float, target: float, polarity: str) -> bool:
    """On target or better (spec/rules.md: Green)."""
    return value >= target if polarity == "higher" else value <= target


def verdict(lower: float, upper: float, target: float, polarity: str) -> str:
    low_meets, high_meets = meets(lower, target, polarity), meets(upper, target, polarity)
    if low_meets and high_meets:
        return LIKELY_TO_MEET
    if not low_meets and not high_meets:
        return LIKELY_TO_MISS
    return UNCERTAIN
