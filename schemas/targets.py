"""Schema of reference/targets.csv: targets and tolerances (spec/extracts.md, rules.md).

All faults are ``error``: a target decides a RAG status, and a target quarantined
or filed under a mistyped indicator code would silently drop or change one.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._catalogue import NamesAnIndicator
from schemas._common import (
    BLOCKS,
    Measure,
    Rule,
    Text,
    as_float,
    is_in,
    unique_key,
)

TOLERANCE_TYPES = ("points", "percent", "level")
SEVERITY = BLOCKS
RULES = {
    "financial_year_form": Rule(BLOCKS, "FINANCIAL_YEAR"),
    "quarter_range": Rule(BLOCKS, "QUARTER"),
    "tolerance_type_code": Rule(BLOCKS, "TOLERANCE_TYPE"),
    "tolerance_not_negative": Rule(BLOCKS, "TOLERANCE"),
    "indicator_in_catalogue": Rule(BLOCKS, "INDICATOR_CODE", "a typo would lose a RAG status"),
    "key_unique": Rule(BLOCKS, "INDICATOR_CODE, FINANCIAL_YEAR, QUARTER"),
}


def consecutive_years(year: pd.Series) -> pd.Series:
    """True for ``yyyy-yy`` where the second year follows the first (``2021-22``)."""
    parts = year.str.extract(r"^(\d{4})-(\d{2})$")
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    return year.isna() | ((first + 1) % 100 == second).fillna(False).astype(bool)


class Targets(NamesAnIndicator):
    """One target per indicator, financial year and quarter (blank = all quarters)."""

    INDICATOR_CODE: Series[Text] = pa.Field(nullable=False)
    FINANCIAL_YEAR: Series[Text] = pa.Field(nullable=False)
    QUARTER: Series[pd.Int32Dtype] = pa.Field(nullable=True)
    TARGET: Series[Measure] = pa.Field(nullable=False)
    TOLERANCE_TYPE: Series[Text] = pa.Field(nullable=False)
    TOLERANCE: Series[Measure] = pa.Field(nullable=False)

    @pa.check(
        "FINANCIAL_YEAR",
        name="financial_year_form",
        error="FINANCIAL_YEAR is not a financial year written like 2021-22",
    )
    def financial_year_form(cls, year: Series[str]) -> Series[bool]:
        return consecutive_years(year)

    @pa.check("QUARTER", name="quarter_range", error="QUARTER is not 1, 2, 3, 4 or blank")
    def quarter_range(cls, quarter: Series[int]) -> Series[bool]:
        return quarter.between(1, 4)

    @pa.check(
        "TOLERANCE_TYPE",
        name="tolerance_type_code",
        error="TOLERANCE_TYPE is not one of points, percent, level",
    )
    def tolerance_type_code(cls, kind: Series[str]) -> Series[bool]:
        return is_in(kind, TOLERANCE_TYPES)

    @pa.dataframe_check(
        name="tolerance_not_negative",
        ignore_na=False,
        error="TOLERANCE is negative, which a points or percent tolerance cannot be",
    )
    def tolerance_not_negative(cls, frame: pd.DataFrame) -> Series[bool]:
        relative = frame["TOLERANCE_TYPE"].isin(["points", "percent"])
        return ~(relative & (as_float(frame["TOLERANCE"]) < 0))

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="more than one target for the same indicator, financial year and quarter",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["INDICATOR_CODE", "FINANCIAL_YEAR", "QUARTER"])
