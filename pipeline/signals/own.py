"""The quarter's own figures (spec/signals.md "The quarter's own figures").

Process limits and change tests need points that are comparable quarter by
quarter. A year-to-date figure is not: Q3's YTD holds Q1 and Q2 as well. So a
`ytd` indicator's own figures are this quarter's YTD less the previous quarter's
of the same financial year; every other basis uses the published figures.
"""

from __future__ import annotations

from dataclasses import dataclass

# The published value of a ratio is numerator × multiplier ÷ denominator.
MULTIPLIERS = {"percent": 100.0, "rate": 10_000.0}


@dataclass(frozen=True)
class Point:
    """One published row of fct_indicator_quarter (measures as floats)."""

    quarter_key: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None


@dataclass(frozen=True)
class Own:
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None


NO_OWN = Own()


def quarter_ordinal(quarter_key: str) -> int:
    """`2021-22-Q2` -> a number that rises by one from each quarter to the next."""
    return int(quarter_key[:4]) * 4 + int(quarter_key[-1]) - 1


def quarter_number(quarter_key: str) -> int:
    return int(quarter_key[-1])


def has_ratio(point: Point | Own | None) -> bool:
    return point is not None and point.numerator is not None and point.denominator is not None


def own_figures(basis: str, unit: str, this: Point | None, previous_in_year: Point | None) -> Own:
    """The quarter's own figures; `previous_in_year` is the previous quarter of the same
    financial year (ignored for Q1 and for any basis but `ytd`)."""
    if this is None or this.value is None:
        return NO_OWN
    if basis != "ytd":
        return Own(this.numerator, this.denominator, this.value)
    if quarter_number(this.quarter_key) == 1:
        return Own(this.numerator, this.denominator, _unrounded(unit, this))
    if previous_in_year is None or previous_in_year.value is None:
        return NO_OWN  # spec: where either quarter is missing, no own figures
    multiplier = MULTIPLIERS.get(unit)
    if multiplier is None:  # a count: its own value is the difference of the YTD counts
        return Own(value=this.value - previous_in_year.value)
    if not has_ratio(this) or not has_ratio(previous_in_year):
        return NO_OWN
    numerator = this.numerator - previous_in_year.numerator
    denominator = this.denominator - previous_in_year.denominator
    if denominator <= 0:
        return Own(numerator, denominator, None)
    return Own(numerator, denominator, numerator * multiplier / denominator)


def _unrounded(unit: str, point: Point) -> float | None:
    """Q1 of a `ytd` ratio: its own value is the YTD ratio itself, unrounded."""
    multiplier = MULTIPLIERS.get(unit)
    if multiplier is None or not has_ratio(point):
        return point.value
    if point.denominator <= 0:
        return None
    return point.numerator * multiplier / point.denominator
