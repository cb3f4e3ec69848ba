"""Schema of header.csv, the SSDA903 header: one row per child (spec/extracts.md).

Faults are ``error`` because a quarantined child changes CSC-LTPS (DOB) and
leaves their episodes without a header. Two CHILD IDs differing only in letter
case are a ``warning``, as the spec says.
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
    codes,
    is_in,
    no_case_variants,
    quarter_end_check,
    unique_key,
)

SEX_CODES = (1, 2)

SEVERITY = BLOCKS
RULES = {
    "sex_code": Rule(BLOCKS, "SEX"),
    "ethnic_code": Rule(BLOCKS, "ETHNIC", "quarantining a header row would drop a child"),
    "child_unique": Rule(BLOCKS, "CHILD", "a child counted twice"),
    "child_case": Rule(QUARANTINES, "CHILD", "spec: IDs differing only in case are a warning"),
    "DOB_not_after_quarter_end": Rule(BLOCKS, "DOB"),
    "MC_DOB_not_after_quarter_end": Rule(BLOCKS, "MC_DOB"),
}


class Header(pa.DataFrameModel):
    """One row per child looked after, with their date of birth."""

    CHILD: Series[Text] = pa.Field(nullable=False)
    SEX: Series[pd.Int32Dtype] = pa.Field(nullable=False)
    DOB: Series[pa.DateTime] = pa.Field(nullable=False)
    ETHNIC: Series[Text] = pa.Field(nullable=True)
    UPN: Series[Text] = pa.Field(nullable=True)
    MOTHER: Series[pd.Int32Dtype] = pa.Field(nullable=True)
    MC_DOB: Series[pa.DateTime] = pa.Field(nullable=True)

    dob_not_after_quarter_end = quarter_end_check("DOB", "date of birth")
    mc_dob_not_after_quarter_end = quarter_end_check(
        "MC_DOB", "date of birth of the mother's child"
    )

    @pa.check("SEX", name="sex_code", error="SEX is not 1 (male) or 2 (female)")
    def sex_code(cls, sex: Series[int]) -> Series[bool]:
        return is_in(sex, SEX_CODES)

    @pa.check("ETHNIC", name="ethnic_code", error="ETHNIC is not an SSDA903 ethnic origin code")
    def ethnic_code(cls, ethnic: Series[str]) -> Series[bool]:
        return is_in(ethnic, codes("ethnic"))  # the DfE's rule 103

    @pa.dataframe_check(
        name="child_unique", ignore_na=False, error="CHILD appears on more than one header row"
    )
    def child_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["CHILD"])

    @pa.dataframe_check(
        name="child_case",
        ignore_na=False,
        error="CHILD differs only in letter case from another CHILD in this file",
    )
    def child_case(cls, frame: pd.DataFrame) -> Series[bool]:
        return no_case_variants(frame["CHILD"])
