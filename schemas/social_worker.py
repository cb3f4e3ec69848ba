"""Schema of social_worker.csv, SSDA903 social worker episodes (spec/extracts.md).

Faults are ``error``: every row may be a change of social worker in CSC-SW2, so
quarantining one would change that indicator. IDs differing only in letter case
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
    exact_match_elsewhere,
    known_or_unchecked,
    no_case_variants,
    not_before,
    unique_key,
)
from schemas.context import current_context

SEVERITY = BLOCKS
RULES = {
    "sw_dec_not_before_sw_decom": Rule(BLOCKS, "SW_DEC"),
    "key_unique": Rule(BLOCKS, "CHILD, SW_ID, SW_DECOM"),
    "child_has_header": Rule(BLOCKS, "CHILD"),
    "child_case": Rule(QUARANTINES, "CHILD"),
    "child_case_header": Rule(QUARANTINES, "CHILD"),
    "sw_id_case": Rule(QUARANTINES, "SW_ID"),
}


class SocialWorker(pa.DataFrameModel):
    """One row per allocation of a social worker to a child."""

    CHILD: Series[Text] = pa.Field(nullable=False)
    SW_ID: Series[Text] = pa.Field(nullable=False)
    SW_DECOM: Series[pa.DateTime] = pa.Field(nullable=False)
    SW_DEC: Series[pa.DateTime] = pa.Field(nullable=True)
    SW_REASON: Series[Text] = pa.Field(nullable=True)

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
        name="child_has_header",
        ignore_na=False,
        error="CHILD has no row in the header file of this quarter",
    )
    def child_has_header(cls, frame: pd.DataFrame) -> Series[bool]:
        return known_or_unchecked(frame["CHILD"], current_context().header_children)

    @pa.dataframe_check(
        name="child_case",
        ignore_na=False,
        error="CHILD differs only in letter case from another CHILD in this file",
    )
    def child_case(cls, frame: pd.DataFrame) -> Series[bool]:
        return no_case_variants(frame["CHILD"])

    @pa.dataframe_check(
        name="child_case_header",
        ignore_na=False,
        error="CHILD differs only in letter case from a CHILD in the header file",
    )
    def child_case_header(cls, frame: pd.DataFrame) -> Series[bool]:
        return exact_match_elsewhere(frame["CHILD"], current_context().header_children)

    @pa.dataframe_check(
        name="sw_id_case",
        ignore_na=False,
        error="SW_ID differs only in letter case from another SW_ID in this file",
    )
    def sw_id_case(cls, frame: pd.DataFrame) -> Series[bool]:
        return no_case_variants(frame["SW_ID"])
