"""Schema of episodes.csv, SSDA903 episodes of care (spec/extracts.md).

Every episode decides whether a child is in care at quarter end, so faults are
``error``: quarantining an episode would change CSC-CIC and the ratios built on
it. Only a CHILD whose spelling differs just in letter case from another is a
``warning`` (spec); it usually also fails ``child_has_header``, which blocks.
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
    not_before,
    on_uniques,
    quarter_end_check,
    unique_key,
)
from schemas.context import current_context

SEVERITY = BLOCKS
RULES = {
    "rne_code": Rule(BLOCKS, "RNE"),
    "rec_code": Rule(BLOCKS, "REC"),
    "place_code": Rule(
        BLOCKS, "PLACE", "a typo in the case system: quarantining would drop a child"
    ),
    "ls_code": Rule(BLOCKS, "LS"),
    "cin_code": Rule(BLOCKS, "CIN"),
    "place_provider_code": Rule(BLOCKS, "PLACE_PROVIDER"),
    "reason_place_change_code": Rule(BLOCKS, "REASON_PLACE_CHANGE"),
    "dec_not_before_decom": Rule(BLOCKS, "DEC"),
    "rec_iff_dec": Rule(BLOCKS, "REC", "an open episode with a REC, or a closed one without"),
    "key_unique": Rule(BLOCKS, "CHILD, DECOM"),
    "child_has_header": Rule(BLOCKS, "CHILD", "LTPS needs the child's DOB"),
    "child_case": Rule(QUARANTINES, "CHILD"),
    "child_case_header": Rule(QUARANTINES, "CHILD"),
    "DECOM_not_after_quarter_end": Rule(BLOCKS, "DECOM"),
    "DEC_not_after_quarter_end": Rule(BLOCKS, "DEC"),
    "decom_not_before_dob": Rule(BLOCKS, "DECOM", "a child in care before birth"),
}


class Episodes(ChildOfHeader):
    """One row per episode of care; HOME_POST and PL_POST are dropped before this."""

    CHILD: Series[Text] = pa.Field(nullable=False)
    DECOM: Series[pa.DateTime] = pa.Field(nullable=False)
    RNE: Series[Text] = pa.Field(nullable=False)
    LS: Series[Text] = pa.Field(nullable=True)
    CIN: Series[Text] = pa.Field(nullable=True)
    PLACE: Series[Text] = pa.Field(nullable=True)
    PLACE_PROVIDER: Series[Text] = pa.Field(nullable=True)
    DEC: Series[pa.DateTime] = pa.Field(nullable=True)
    REC: Series[Text] = pa.Field(nullable=True)
    REASON_PLACE_CHANGE: Series[Text] = pa.Field(nullable=True)
    URN: Series[Text] = pa.Field(nullable=True)

    decom_not_after_quarter_end = quarter_end_check("DECOM", "date episode commenced")
    dec_not_after_quarter_end = quarter_end_check("DEC", "date episode ceased")

    @pa.check(
        "RNE", name="rne_code", error="RNE (reason for new episode) is not an SSDA903 RNE code"
    )
    def rne_code(cls, rne: Series[str]) -> Series[bool]:
        return is_in(rne, codes("rne"))

    @pa.check(
        "REC", name="rec_code", error="REC (reason episode ceased) is not an SSDA903 REC code"
    )
    def rec_code(cls, rec: Series[str]) -> Series[bool]:
        return is_in(rec, codes("rec"))

    @pa.check(
        "PLACE",
        name="place_code",
        error="PLACE (placement type) is not an SSDA903 placement code",
    )
    def place_code(cls, place: Series[str]) -> Series[bool]:
        return is_in(place, codes("place"))

    # The other code columns, checked against the SSDA903 code lists as the DfE's rules
    # 144 (LS), 145 (CIN), 178 (PLACE_PROVIDER) and 1009 (REASON_PLACE_CHANGE) do: a
    # typo loads as a category no return knows. Blank passes (nullability decides).
    @pa.check("LS", name="ls_code", error="LS (legal status) is not an SSDA903 legal status code")
    def ls_code(cls, ls: Series[str]) -> Series[bool]:
        return is_in(ls, codes("ls"))

    @pa.check(
        "CIN", name="cin_code", error="CIN (category of need) is not an SSDA903 code N1 to N8"
    )
    def cin_code(cls, cin: Series[str]) -> Series[bool]:
        return is_in(cin, codes("cin"))

    @pa.check(
        "PLACE_PROVIDER",
        name="place_provider_code",
        error="PLACE_PROVIDER (placement provider) is not an SSDA903 code PR0 to PR5",
    )
    def place_provider_code(cls, provider: Series[str]) -> Series[bool]:
        return is_in(provider, codes("place_provider"))

    @pa.check(
        "REASON_PLACE_CHANGE",
        name="reason_place_change_code",
        error="REASON_PLACE_CHANGE is not an SSDA903 reason for placement change code",
    )
    def reason_place_change_code(cls, reason: Series[str]) -> Series[bool]:
        return is_in(reason, codes("reason_place_change"))

    @pa.dataframe_check(
        name="dec_not_before_decom",
        ignore_na=False,
        error="DEC (date episode ceased) is before DECOM (date episode commenced)",
    )
    def dec_not_before_decom(cls, frame: pd.DataFrame) -> Series[bool]:
        return not_before(frame["DEC"], frame["DECOM"])

    @pa.dataframe_check(
        name="rec_iff_dec",
        ignore_na=False,
        error="REC (reason episode ceased) must be blank exactly when DEC (date ceased) is blank",
    )
    def rec_iff_dec(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["REC"].isna() == frame["DEC"].isna()

    @pa.dataframe_check(
        name="decom_not_before_dob",
        ignore_na=False,
        error="DECOM (date episode commenced) is before the child's DOB in the header file",
    )
    def decom_not_before_dob(cls, frame: pd.DataFrame) -> Series[bool]:
        dobs = current_context().header_dobs()
        if dobs is None:
            return pd.Series(True, index=frame.index)
        dob = on_uniques(frame["CHILD"], lambda children: children.map(dobs))
        return dob.isna() | frame["DECOM"].isna() | (frame["DECOM"] >= dob)

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="more than one episode for the same CHILD starting on the same DECOM",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["CHILD", "DECOM"])
