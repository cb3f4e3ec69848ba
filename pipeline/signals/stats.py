"""95% intervals, whether a change is significant, small numbers (spec/signals.md).

Every interval and test is statsmodels' own implementation, not a formula typed
here: Wilson score interval for a proportion, exact Poisson (Garwood) interval for
a count, Newcombe's hybrid score interval for a difference of proportions, and
the exact conditional (binomial) test for two Poisson counts.
"""

from __future__ import annotations

import math

from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import confint_poisson, test_poisson_2indep

from pipeline.signals.own import MULTIPLIERS, Own, has_ratio

ALPHA = 0.05
SMALL_DENOMINATOR = 30
SMALL_COUNT = 10


def _whole(value: float | None) -> bool:
    return value is not None and value >= 0 and math.isclose(value, round(value))


def interval(
    unit: str, value: float | None, numerator: float | None, denominator: float | None
) -> tuple[float, float] | None:
    """The 95% interval of a published value, or None where the spec gives none."""
    if value is None:
        return None
    if unit == "count":
        if not _whole(value):
            return None
        lower, upper = confint_poisson(round(value), 1, method="exact-c", alpha=ALPHA)
        return float(lower), float(upper)
    multiplier = MULTIPLIERS.get(unit)
    if multiplier is None or numerator is None or denominator is None:
        return None  # a manual indicator supplied as a value only
    if denominator <= 0 or not 0 <= numerator <= denominator:
        return None
    lower, upper = proportion_confint(numerator, denominator, alpha=ALPHA, method="wilson")
    return float(lower) * multiplier, float(upper) * multiplier


def change_significant(unit: str, now: Own, then: Own) -> bool | None:
    """Whether the change from `then` to `now` (own figures) is significant at 5%."""
    if now.value is None or then.value is None:
        return None
    if unit == "count" and not has_ratio(now):
        if not (_whole(now.value) and _whole(then.value)):
            return None
        if now.value + then.value == 0:
            return False  # nothing either time: no change at all
        result = test_poisson_2indep(round(now.value), 1, round(then.value), 1, method="exact-cond")
        return bool(result.pvalue < ALPHA)
    if not (has_ratio(now) and has_ratio(then)):
        return None
    if now.denominator <= 0 or then.denominator <= 0:
        return None
    if not (0 <= now.numerator <= now.denominator and 0 <= then.numerator <= then.denominator):
        return None
    lower, upper = confint_proportions_2indep(
        now.numerator,
        now.denominator,
        then.numerator,
        then.denominator,
        method="newcomb",
        compare="diff",
        alpha=ALPHA,
    )
    return bool(lower > 0 or upper < 0)


def small_numbers(unit: str, value: float | None, denominator: float | None) -> bool | None:
    """Denominator below 30, or a count below 10: one child moves the figure noticeably."""
    if value is None:
        return None
    if denominator is not None:
        return denominator < SMALL_DENOMINATOR
    if unit == "count":
        return value < SMALL_COUNT
    return None  # a ratio supplied without its denominator: cannot tell
