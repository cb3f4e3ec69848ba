"""Schema of cp_plans.csv, child protection plans (CIN census layout).

Faults are ``error``: each plan may count in CSC-CPP. LAchildID case clashes are
a ``warning`` (spec).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._cin import CinChild
from schemas._common import (
    BLOCKS,
    QUARANTINES,
    Rule,
    Text,
    codes,
    exact_match_elsewhere,
    is_in,
    not_before,
    quarter_end_check,
    unique_key,
)
from schemas.context import current_context

SEVERITY = BLOCKS
RULES = {
    "category_code": Rule(BLOCKS, "InitialCategoryOfAbuse"),
    "end_not_before_start": Rule(BLOCKS, "CPPendDate"),
    "key_unique": Rule(BLOCKS, "LAchildID, CPPstartDate"),
    "child_case": Rule(QUARANTINES, "LAchildID"),
    "child_case_s47": Rule(QUARANTINES, "LAchildID"),
    "CPPstartDate_not_after_quarter_end": Rule(BLOCKS, "CPPstartDate"),
    "CPPendDate_not_after_quarter_end": Rule(BLOCKS, "CPPendDate"),
}


class CpPlans(CinChild):
    """One row per child protection plan."""

    LAchildID: Series[Text] = pa.Field(nullable=False)
    CPPstartDate: Series[pa.DateTime] = pa.Field(nullable=False)
    CPPendDate: Series[pa.DateTime] = pa.Field(nullable=True)
    InitialCategoryOfAbuse: Series[Text] = pa.Field(nullable=True)

    cppstartdate_not_after_quarter_end = quarter_end_check("CPPstartDate", "plan start")
    cppenddate_not_after_quarter_end = quarter_end_check("CPPendDate", "plan end")

    @pa.check(
        "InitialCategoryOfAbuse",
        name="category_code",
        error="InitialCategoryOfAbuse is not one of NEG, PHY, SAB, EMO, MUL",
    )
    def category_code(cls, category: Series[str]) -> Series[bool]:
        return is_in(category, codes("cp_category"))

    @pa.dataframe_check(
        name="end_not_before_start",
        ignore_na=False,
        error="CPPendDate (plan end) is before CPPstartDate (plan start)",
    )
    def end_not_before_start(cls, frame: pd.DataFrame) -> Series[bool]:
        return not_before(frame["CPPendDate"], frame["CPPstartDate"])

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="more than one plan for the same LAchildID starting on the same date",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["LAchildID", "CPPstartDate"])

    @pa.dataframe_check(
        name="child_case_s47",
        ignore_na=False,
        error="LAchildID differs only in letter case from a LAchildID in the s47_enquiries file",
    )
    def child_case_s47(cls, frame: pd.DataFrame) -> Series[bool]:
        known = current_context().ids("s47_enquiries", "LAchildID")
        return exact_match_elsewhere(frame["LAchildID"], known)
