"""Schema of schools.csv, schools with their Ofsted judgement and roll.

Faults are ``error``: each school's PUPILS and judgement feed EDU-GOP and
EDU-GOS. URN case clashes are a ``warning`` (spec).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    BLOCKS,
    QUARANTINES,
    Rule,
    Text,
    is_in,
    no_case_variants,
    quarter_end_check,
    unique_key,
)

PHASES = ("Primary", "Secondary", "Special", "Nursery", "All-through")

SEVERITY = BLOCKS
RULES = {
    "phase_code": Rule(BLOCKS, "PHASE"),
    "effectiveness_range": Rule(BLOCKS, "OVERALL_EFFECTIVENESS"),
    "pupils_not_negative": Rule(BLOCKS, "PUPILS"),
    "rated_school_has_pupils": Rule(BLOCKS, "PUPILS", "its pupils would vanish from GOP/GOS"),
    "urn_unique": Rule(BLOCKS, "URN"),
    "urn_case": Rule(QUARANTINES, "URN"),
    "INSPECTION_DATE_not_after_quarter_end": Rule(BLOCKS, "INSPECTION_DATE"),
}


class Schools(pa.DataFrameModel):
    """One row per school: phase, latest Ofsted judgement and number of pupils."""

    URN: Series[Text] = pa.Field(nullable=False)
    SCHOOL_NAME: Series[Text] = pa.Field(nullable=True)
    PHASE: Series[Text] = pa.Field(nullable=False)
    OVERALL_EFFECTIVENESS: Series[pd.Int32Dtype] = pa.Field(nullable=True)
    INSPECTION_DATE: Series[pa.DateTime] = pa.Field(nullable=True)
    PUPILS: Series[pd.Int64Dtype] = pa.Field(nullable=True)

    inspection_date_not_after_quarter_end = quarter_end_check(
        "INSPECTION_DATE", "date of the latest inspection"
    )

    @pa.check(
        "PHASE",
        name="phase_code",
        error="PHASE is not one of Primary, Secondary, Special, Nursery, All-through",
    )
    def phase_code(cls, phase: Series[str]) -> Series[bool]:
        return is_in(phase, PHASES)

    @pa.check(
        "OVERALL_EFFECTIVENESS",
        name="effectiveness_range",
        error="OVERALL_EFFECTIVENESS is not an Ofsted grade 1 to 4 (or blank)",
    )
    def effectiveness_range(cls, grade: Series[int]) -> Series[bool]:
        return grade.between(1, 4)

    @pa.check("PUPILS", name="pupils_not_negative", error="PUPILS is negative")
    def pupils_not_negative(cls, pupils: Series[int]) -> Series[bool]:
        return pupils >= 0

    @pa.dataframe_check(
        name="rated_school_has_pupils",
        ignore_na=False,
        error="PUPILS is blank for a school with an Ofsted judgement",
    )
    def rated_school_has_pupils(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~(frame["OVERALL_EFFECTIVENESS"].notna() & frame["PUPILS"].isna())

    @pa.dataframe_check(
        name="urn_unique", ignore_na=False, error="URN appears on more than one row"
    )
    def urn_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["URN"])

    @pa.dataframe_check(
        name="urn_case",
        ignore_na=False,
        error="URN differs only in letter case from another URN in this file",
    )
    def urn_case(cls, frame: pd.DataFrame) -> Series[bool]:
        return no_case_variants(frame["URN"])
