"""How values, tolerances, RAG statuses and directions of travel are written in the report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pipeline.report.data import Fact, Indicator, Quarter

NOT_AVAILABLE = "Not available"


def _plain(number: Decimal) -> str:
    """Exact decimal without trailing zeros, with thousands separators: 52.25, 15, 1,200."""
    text = f"{number.normalize():,f}"
    return text


def _fixed(number: Decimal, decimals: int) -> str:
    exponent = Decimal(1).scaleb(-decimals)
    return f"{number.quantize(exponent, rounding=ROUND_HALF_UP):,.{decimals}f}"


def with_unit(text: str, unit: str) -> str:
    if unit == "percent":
        return f"{text}%"
    if unit == "rate":
        return f"{text} per 10,000"
    return text


def format_value(value: Decimal | None, indicator: Indicator) -> str:
    """The published value in its unit and decimals: 22.4%, 11, 41.2 per 10,000."""
    if value is None:
        return NOT_AVAILABLE
    return with_unit(_fixed(Decimal(value), indicator.decimals), indicator.unit)


def format_exact(value: Decimal | None, indicator: Indicator) -> str:
    """A target, threshold or benchmark as held (not rounded): 15%, 52.25%, 30.8025%."""
    if value is None:
        return NOT_AVAILABLE
    return with_unit(_plain(Decimal(value)), indicator.unit)


def polarity_words(polarity: str) -> str:
    return {
        "higher": "Higher is better",
        "lower": "Lower is better",
    }.get(polarity, "No preferred direction (context indicator)")


def tolerance_words(fact: Fact, indicator: Indicator) -> str:
    """The tolerance explained in words, e.g. 'Amber when within 2.5 percentage points…'."""
    if fact.target is None:
        return "No target is set for this indicator this quarter, so it has no RAG status."
    tolerance = fact.tolerance
    threshold = format_exact(fact.amber_threshold, indicator)
    if fact.tolerance_type is None or tolerance is None:
        return "No tolerance is set: the indicator is Green on target or better, otherwise Red."
    amount = _plain(Decimal(tolerance))
    if fact.tolerance_type == "points":
        unit = {"percent": "percentage points", "rate": "per 10,000"}.get(indicator.unit, "")
        distance = f"{amount} {unit}".strip()
        rule = f"within {distance} of the target (a distance from target)"
    elif fact.tolerance_type == "percent":
        rule = f"within {amount}% of the target value (a proportion of the target)"
    elif fact.tolerance_type == "level":
        level = format_exact(tolerance, indicator)
        rule = f"at the agreed tolerance level of {level} or better (a threshold level)"
    else:
        rule = f"within the agreed tolerance ({fact.tolerance_type} {amount})"
    return f"Amber when not on target but {rule}; amber threshold {threshold}."


@dataclass(frozen=True)
class Badge:
    status: str  # Green, Amber, Red or None
    label: str
    css: str
    shape: str  # circle, triangle, square, none


RAG_BADGES = {
    "Green": Badge("Green", "Green – on track", "rag-green", "circle"),
    "Amber": Badge("Amber", "Amber – within tolerance", "rag-amber", "triangle"),
    "Red": Badge("Red", "Red – off track", "rag-red", "square"),
}


def rag_badge(fact: Fact) -> Badge:
    if fact.rag_status in RAG_BADGES:
        return RAG_BADGES[fact.rag_status]
    if fact.target is not None and fact.value is None:
        return Badge("None", "No RAG status – not available", "rag-none", "none")
    return Badge("None", "No RAG status – no target", "rag-none", "none")


@dataclass(frozen=True)
class Arrow:
    symbol: str
    word: str  # Better, Worse, Same, Up, Down, n/a
    css: str
    sentence: str  # full text label


_ARROWS = {
    "better": ("↑", "Better", "dot-better", "Better than"),
    "worse": ("↓", "Worse", "dot-worse", "Worse than"),
    "up": ("↑", "Up", "dot-neutral", "Up from"),
    "down": ("↓", "Down", "dot-neutral", "Down from"),
}


def dot_arrow(
    direction: str | None,
    compared: Quarter,
    compared_value: Decimal | None,
    indicator: Indicator,
) -> Arrow:
    """The DoT arrow and its text label (spec/rules.md "Direction of travel")."""
    then = f"{compared.label} ({format_value(compared_value, indicator)})"
    if direction is None:
        reason = "not loaded" if not compared.loaded else "no value to compare"
        return Arrow("", "n/a", "dot-na", f"n/a – {compared.label}: {reason}")
    if direction == "same":
        css = "dot-neutral" if indicator.polarity == "none" else "dot-same"
        return Arrow("→", "Same", css, f"Same as {then}")
    symbol, word, css, phrase = _ARROWS.get(direction, ("", direction, "dot-na", direction))
    return Arrow(symbol, word, css, f"{phrase} {then}")
