"""Schema of social_worker.csv, SSDA903 social worker episodes (spec/extracts.md).

Faults are ``error``: every row may be a change of social worker in CSC-SW2, so
quarantining one would change that indicator. IDs differing only in letter case
are a ``warning`` (spec).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._children import ChildOfHeader
from schemas._common import (
    BLOCKS,
    QUARANTINES,
    Rule,
    Text,
    codes,
    is_in,
    no_case_variants,
    not_before,
    quarter_end_check,
    unique_key,
)

SEVERITY = BLOCKS
RULES = {
    "sw_reason_code": Rule(BLOCKS, "SW_REASON"),
    "sw_dec_not_before_sw_decom": Rule(BLOCKS, "SW_DEC"),
    "key_unique": Rule(BLOCKS, "CHILD, SW_ID, SW_DECOM"),
    "child_has_header": Rule(BLOCKS, "CHILD"),
    "child_case": Rule(QUARANTINES, "CHILD"),
    "child_case_header": Rule(QUARANTINES, "CHILD"),
    "sw_id_case": Rule(QUARANTINES, "SW_ID"),
    "SW_DECOM_not_after_quarter_end": Rule(BLOCKS, "SW_DECOM"),
    "SW_DEC_not_after_quarter_end": Rule(BLOCKS, "SW_DEC"),
}


class SocialWorker(ChildOfHeader):
    """One row per allocation of a social worker to a child."""

    CHILD: Series[Text] = pa.Field(nullable=False)
    SW_ID: Series[Text] = pa.Field(nullable=False)
    SW_DECOM: Series[pa.DateTime] = pa.Field(nullable=False)
    SW_DEC: Series[pa.DateTime] = pa.Field(nullable=True)
    SW_REASON: Series[Text] = pa.Field(nullable=True)

    sw_decom_not_after_quarter_end = quarter_end_check("SW_DECOM", "date social worker started")
    sw_dec_not_after_quarter_end = quarter_end_check("SW_DEC", "date social worker ended")

    @pa.check(
        "SW_REASON",
        name="sw_reason_code",
        error="SW_REASON (reason for change of social worker) is not an SSDA903 code",
    )
    def sw_reason_code(cls, reason: Series[str]) -> Series[bool]:
        return is_in(reason, codes("sw_reason"))  # the DfE's 2024-25 social worker rules

    @pa.dataframe_check(
        name="sw_dec_not_before_sw_decom",
        ignore_na=False,
        error="SW_DEC (social worker end date) is before SW_DECOM (social worker start date)",
    )
    def sw_dec_not_before_sw_decom(cls, frame: pd.DataFrame) -> Series[bool]:
        return not_before(frame["SW_DEC"], frame["SW_DECOM"])

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="the same CHILD, SW_ID and SW_DECOM appear on more than one row",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["CHILD", "SW_ID", "SW_DECOM"])

    @pa.dataframe_check(
        name="sw_id_case",
        ignore_na=False,
        error="SW_ID differs only in letter case from another SW_ID in this file",
    )
    def sw_id_case(cls, frame: pd.DataFrame) -> Series[bool]:
        return no_case_variants(frame["SW_ID"])
