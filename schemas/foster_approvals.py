"""Schema of foster_approvals.csv, new foster carer households (spec/extracts.md).

Faults are ``error``: each row may count in CSC-FCR. HOUSEHOLD_ID case clashes
are a ``warning`` (spec).
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

CARER_TYPES = ("mainstream", "connected")

SEVERITY = BLOCKS
RULES = {
    "carer_type_code": Rule(BLOCKS, "CARER_TYPE"),
    "key_unique": Rule(BLOCKS, "HOUSEHOLD_ID, APPROVAL_DATE"),
    "household_case": Rule(QUARANTINES, "HOUSEHOLD_ID"),
    "APPROVAL_DATE_not_after_quarter_end": Rule(BLOCKS, "APPROVAL_DATE"),
}


class FosterApprovals(pa.DataFrameModel):
    """One row per approval of a foster carer household."""

    HOUSEHOLD_ID: Series[Text] = pa.Field(nullable=False)
    APPROVAL_DATE: Series[pa.DateTime] = pa.Field(nullable=False)
    CARER_TYPE: Series[Text] = pa.Field(nullable=True)

    approval_date_not_after_quarter_end = quarter_end_check("APPROVAL_DATE", "date of approval")

    @pa.check(
        "CARER_TYPE", name="carer_type_code", error="CARER_TYPE is not mainstream or connected"
    )
    def carer_type_code(cls, carer_type: Series[str]) -> Series[bool]:
        return is_in(carer_type, CARER_TYPES)

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="the same HOUSEHOLD_ID is approved twice on the same APPROVAL_DATE",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["HOUSEHOLD_ID", "APPROVAL_DATE"])

    @pa.dataframe_check(
        name="household_case",
        ignore_na=False,
        error="HOUSEHOLD_ID differs only in letter case from another HOUSEHOLD_ID in this file",
    )
    def household_case(cls, frame: pd.DataFrame) -> Series[bool]:
        return no_case_variants(frame["HOUSEHOLD_ID"])
