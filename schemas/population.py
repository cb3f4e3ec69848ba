"""Schema of reference/population.csv: mid-year estimates (spec/extracts.md).

Faults are ``error``: the population is the denominator of CSC-CICR.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import BLOCKS, Rule, Text, unique_key

SEVERITY = BLOCKS
RULES = {
    "population_not_negative": Rule(BLOCKS, "POPULATION"),
    "key_unique": Rule(BLOCKS, "AREA_CODE, MID_YEAR, AGE_BAND"),
}


class Population(pa.DataFrameModel):
    """One estimate per area, mid-year and age band."""

    AREA_CODE: Series[Text] = pa.Field(nullable=False)
    MID_YEAR: Series[pd.Int32Dtype] = pa.Field(nullable=False)
    AGE_BAND: Series[Text] = pa.Field(nullable=False)
    POPULATION: Series[pd.Int64Dtype] = pa.Field(nullable=False)

    @pa.check("POPULATION", name="population_not_negative", error="POPULATION is negative")
    def population_not_negative(cls, population: Series[int]) -> Series[bool]:
        return population >= 0

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="more than one estimate for the same area, mid-year and age band",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["AREA_CODE", "MID_YEAR", "AGE_BAND"])
