"""Schema of manual_returns.csv: figures services supply as numbers.

A manual return *is* the published value of its indicator, so every fault is an
``error``; even an unknown INDICATOR_CODE blocks, because it is usually a typo
that would leave the intended indicator "not available" in the report.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._catalogue import NamesAnIndicator
from schemas._common import BLOCKS, QUARANTINES, Measure, Rule, Text, as_float, unique_key
from schemas.context import current_context

SEVERITY = BLOCKS
RULES = {
    "numerator_not_negative": Rule(BLOCKS, "NUMERATOR"),
    "denominator_not_negative": Rule(BLOCKS, "DENOMINATOR"),
    "numerator_with_denominator": Rule(BLOCKS, "NUMERATOR, DENOMINATOR"),
    "has_figure": Rule(BLOCKS, "VALUE"),
    "numerator_within_denominator": Rule(BLOCKS, "NUMERATOR"),
    "percent_within_0_100": Rule(BLOCKS, "VALUE"),
    "value_agrees": Rule(BLOCKS, "VALUE"),
    "indicator_in_catalogue": Rule(BLOCKS, "INDICATOR_CODE"),
    "indicator_unique": Rule(BLOCKS, "INDICATOR_CODE"),
    "denominator_not_zero": Rule(BLOCKS, "DENOMINATOR"),
    "indicator_is_manual": Rule(BLOCKS, "INDICATOR_CODE"),
}
# A manual indicator of the catalogue with no row: published as not available, with
# this warning in the run's output and in the rejects (row_number blank).
NO_RETURN = (
    "no manual return for this manual indicator (SOURCE manual in indicators.csv) this "
    "quarter, so it is published as not available"
)


def _catalogue_column(codes: pd.Series, attribute: str) -> pd.Series:
    """The catalogue's ``unit`` or ``decimals`` for each row (None when unknown)."""
    indicators = current_context().indicators or {}
    lookup = {code: getattr(entry, attribute) for code, entry in indicators.items()}
    return codes.map(lookup)


def _agrees(numerator: Decimal, denominator: Decimal, value: Decimal, decimals: int) -> bool:
    """VALUE equals 100 × N / D once both are rounded half away from zero to ``decimals``."""
    if denominator == 0:
        return False
    step = Decimal(1).scaleb(-int(decimals))
    computed = (100 * numerator / denominator).quantize(step, ROUND_HALF_UP)
    return computed == value.quantize(step, ROUND_HALF_UP)


class ManualReturns(NamesAnIndicator):
    """One row per manually returned indicator: N and D, or VALUE, or both."""

    INDICATOR_CODE: Series[Text] = pa.Field(nullable=False)
    NUMERATOR: Series[Measure] = pa.Field(nullable=True)
    DENOMINATOR: Series[Measure] = pa.Field(nullable=True)
    VALUE: Series[Measure] = pa.Field(nullable=True)
    NOTE: Series[Text] = pa.Field(nullable=True)

    @pa.check("NUMERATOR", name="numerator_not_negative", error="NUMERATOR is negative")
    def numerator_not_negative(cls, numerator: Series) -> Series[bool]:
        return as_float(numerator) >= 0

    @pa.check("DENOMINATOR", name="denominator_not_negative", error="DENOMINATOR is negative")
    def denominator_not_negative(cls, denominator: Series) -> Series[bool]:
        return as_float(denominator) >= 0

    @pa.dataframe_check(
        name="numerator_with_denominator",
        ignore_na=False,
        error="NUMERATOR and DENOMINATOR must be given together (or both left blank)",
    )
    def numerator_with_denominator(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["NUMERATOR"].isna() == frame["DENOMINATOR"].isna()

    @pa.dataframe_check(
        name="has_figure",
        ignore_na=False,
        error="no figure: give NUMERATOR and DENOMINATOR, or VALUE, or both",
    )
    def has_figure(cls, frame: pd.DataFrame) -> Series[bool]:
        pair = frame["NUMERATOR"].notna() & frame["DENOMINATOR"].notna()
        return pair | frame["VALUE"].notna()

    @pa.dataframe_check(
        name="numerator_within_denominator",
        ignore_na=False,
        error="NUMERATOR is larger than DENOMINATOR for a percentage indicator",
    )
    def numerator_within_denominator(cls, frame: pd.DataFrame) -> Series[bool]:
        percent = _catalogue_column(frame["INDICATOR_CODE"], "unit") == "percent"
        over = as_float(frame["NUMERATOR"]) > as_float(frame["DENOMINATOR"])
        return ~(percent & over)

    @pa.dataframe_check(
        name="percent_within_0_100",
        ignore_na=False,
        error="VALUE is a percentage outside 0 to 100",
    )
    def percent_within_0_100(cls, frame: pd.DataFrame) -> Series[bool]:
        percent = _catalogue_column(frame["INDICATOR_CODE"], "unit") == "percent"
        value = as_float(frame["VALUE"])
        return ~(percent & ((value < 0) | (value > 100)))

    @pa.dataframe_check(
        name="value_agrees",
        ignore_na=False,
        error="VALUE does not agree with 100 × NUMERATOR / DENOMINATOR "
        "rounded to the indicator's decimal places",
    )
    def value_agrees(cls, frame: pd.DataFrame) -> Series[bool]:
        decimals = _catalogue_column(frame["INDICATOR_CODE"], "decimals")
        given = frame[["NUMERATOR", "DENOMINATOR", "VALUE"]].notna().all(axis=1)
        rows = frame[given & decimals.notna()]  # one row per indicator: a small loop
        verdicts = [
            _agrees(n, d, v, decimals[i])
            for i, n, d, v in zip(
                rows.index, rows.NUMERATOR, rows.DENOMINATOR, rows.VALUE, strict=True
            )
        ]
        agrees = pd.Series(verdicts, index=rows.index, dtype=bool)
        return agrees.reindex(frame.index, fill_value=True)

    @pa.check(
        "DENOMINATOR",
        name="denominator_not_zero",
        error="DENOMINATOR is 0, so 100 × NUMERATOR / DENOMINATOR is no figure (0/0 is not 0%): "
        "leave NUMERATOR and DENOMINATOR blank and give VALUE if the service has a figure, "
        "or leave the row out",
    )
    def denominator_not_zero(cls, denominator: Series) -> Series[bool]:
        return as_float(denominator) != 0

    @pa.dataframe_check(
        name="indicator_is_manual",
        ignore_na=False,
        error="INDICATOR_CODE is computed from the extracts (SOURCE computed in "
        "indicators.csv), so a manual return for it would be ignored; check the code",
    )
    def indicator_is_manual(cls, frame: pd.DataFrame) -> Series[bool]:
        return _catalogue_column(frame["INDICATOR_CODE"], "source") != "computed"

    @pa.dataframe_check(
        name="indicator_unique",
        ignore_na=False,
        error="more than one manual return for the same INDICATOR_CODE",
    )
    def indicator_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["INDICATOR_CODE"])


def file_faults(frame: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """Faults of the file as a whole: (column, value, rule, severity) with no row.

    Every manual indicator of the catalogue should have its return each quarter.
    A missing one is a warning, not an error: the quarter is still published, the
    indicator shown as not available, as a late return would be.
    """
    indicators = current_context().indicators
    if indicators is None:
        return []
    given = set(frame["INDICATOR_CODE"].dropna())
    manual = sorted(code for code, entry in indicators.items() if entry.source == "manual")
    return [
        ("INDICATOR_CODE", code, NO_RETURN, QUARANTINES) for code in manual if code not in given
    ]
