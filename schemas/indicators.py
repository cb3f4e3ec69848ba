"""Schema of reference/indicators.csv, the indicator catalogue (spec/extracts.md).

Every fault here is an ``error``: the catalogue drives every indicator, RAG
status and summary count, so a wrong row would change published figures.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import BLOCKS, Rule, Text, is_in, unique_key

UNITS = ("count", "percent", "rate")
POLARITIES = ("higher", "lower", "none")
BASES = ("snapshot", "ytd", "rolling12", "annual")
SOURCES = ("computed", "manual")

SEVERITY = BLOCKS
RULES = {
    "unit_code": Rule(BLOCKS, "UNIT"),
    "decimals_range": Rule(BLOCKS, "DECIMALS"),
    "polarity_code": Rule(BLOCKS, "POLARITY"),
    "basis_code": Rule(BLOCKS, "BASIS"),
    "source_code": Rule(BLOCKS, "SOURCE"),
    "code_unique": Rule(BLOCKS, "CODE", "two rows for one code: which title, unit, target?"),
}


class Indicators(pa.DataFrameModel):
    """One row per indicator code: how it is computed, rounded and RAG-rated."""

    CODE: Series[Text] = pa.Field(nullable=False)
    TITLE: Series[Text] = pa.Field(nullable=False)
    COMMITTEE: Series[Text] = pa.Field(nullable=False)
    OBJECTIVE: Series[Text] = pa.Field(nullable=True)
    SERVICE: Series[Text] = pa.Field(nullable=True)
    UNIT: Series[Text] = pa.Field(nullable=False)
    DECIMALS: Series[pd.Int32Dtype] = pa.Field(nullable=False)
    POLARITY: Series[Text] = pa.Field(nullable=False)
    BASIS: Series[Text] = pa.Field(nullable=False)
    SOURCE: Series[Text] = pa.Field(nullable=False)

    @pa.check("UNIT", name="unit_code", error="UNIT is not one of count, percent, rate")
    def unit_code(cls, unit: Series[str]) -> Series[bool]:
        return is_in(unit, UNITS)

    @pa.check("DECIMALS", name="decimals_range", error="DECIMALS is not a whole number 0 to 3")
    def decimals_range(cls, decimals: Series[int]) -> Series[bool]:
        return decimals.between(0, 3)

    @pa.check("POLARITY", name="polarity_code", error="POLARITY is not one of higher, lower, none")
    def polarity_code(cls, polarity: Series[str]) -> Series[bool]:
        return is_in(polarity, POLARITIES)

    @pa.check(
        "BASIS", name="basis_code", error="BASIS is not one of snapshot, ytd, rolling12, annual"
    )
    def basis_code(cls, basis: Series[str]) -> Series[bool]:
        return is_in(basis, BASES)

    @pa.check("SOURCE", name="source_code", error="SOURCE is not one of computed, manual")
    def source_code(cls, source: Series[str]) -> Series[bool]:
        return is_in(source, SOURCES)

    @pa.dataframe_check(
        name="code_unique", ignore_na=False, error="CODE appears on more than one row"
    )
    def code_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["CODE"])
