"""Schema of s47_enquiries.csv, section 47 enquiries (CIN census layout).

Faults are ``error``: each row may enter CSC-ICPC's denominator, so quarantining
one would change it. LAchildID case clashes are a ``warning`` (spec).
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
    exact_match_elsewhere,
    not_before,
    quarter_end_check,
    unique_key,
)
from schemas.context import current_context

SEVERITY = BLOCKS
RULES = {
    "not_required_has_no_conference": Rule(BLOCKS, "DateOfInitialCPC"),
    "conference_not_before_start": Rule(BLOCKS, "DateOfInitialCPC"),
    "key_unique": Rule(BLOCKS, "LAchildID, S47ActualStartDate"),
    "child_case": Rule(QUARANTINES, "LAchildID"),
    "child_case_cp_plans": Rule(QUARANTINES, "LAchildID"),
    "S47ActualStartDate_not_after_quarter_end": Rule(BLOCKS, "S47ActualStartDate"),
    "DateOfInitialCPC_not_after_quarter_end": Rule(BLOCKS, "DateOfInitialCPC"),
}


class S47Enquiries(CinChild):
    """One row per section 47 enquiry, with its initial conference if held."""

    LAchildID: Series[Text] = pa.Field(nullable=False)
    S47ActualStartDate: Series[pa.DateTime] = pa.Field(nullable=False)
    InitialCPCtarget: Series[pa.DateTime] = pa.Field(nullable=True)
    DateOfInitialCPC: Series[pa.DateTime] = pa.Field(nullable=True)
    ICPCnotRequired: Series[pd.BooleanDtype] = pa.Field(nullable=True)

    s47actualstartdate_not_after_quarter_end = quarter_end_check(
        "S47ActualStartDate", "date the enquiry started"
    )
    dateofinitialcpc_not_after_quarter_end = quarter_end_check(
        "DateOfInitialCPC", "date of the initial conference"
    )

    @pa.dataframe_check(
        name="not_required_has_no_conference",
        ignore_na=False,
        error="ICPCnotRequired is true but a DateOfInitialCPC (conference date) is given",
    )
    def not_required_has_no_conference(cls, frame: pd.DataFrame) -> Series[bool]:
        not_required = frame["ICPCnotRequired"].fillna(False).astype(bool)
        return ~(not_required & frame["DateOfInitialCPC"].notna())

    @pa.dataframe_check(
        name="conference_not_before_start",
        ignore_na=False,
        error="DateOfInitialCPC (conference date) is before S47ActualStartDate (enquiry start)",
    )
    def conference_not_before_start(cls, frame: pd.DataFrame) -> Series[bool]:
        return not_before(frame["DateOfInitialCPC"], frame["S47ActualStartDate"])

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="more than one enquiry for the same LAchildID starting on the same date",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["LAchildID", "S47ActualStartDate"])

    @pa.dataframe_check(
        name="child_case_cp_plans",
        ignore_na=False,
        error="LAchildID differs only in letter case from a LAchildID in the cp_plans file",
    )
    def child_case_cp_plans(cls, frame: pd.DataFrame) -> Series[bool]:
        known = current_context().ids("cp_plans", "LAchildID")
        return exact_match_elsewhere(frame["LAchildID"], known)
