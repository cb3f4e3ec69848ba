"""Checks shared by every SSDA903 file keyed by CHILD other than the header itself.

Episodes and social-worker rows both belong to a child of the quarter's header
file; the checks live once here and each schema inherits them (their severities
stay in each schema's RULES table, since what a fault costs depends on the file).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import exact_match_elsewhere, known_or_unchecked, no_case_variants
from schemas.context import current_context


class ChildOfHeader(pa.DataFrameModel):
    """CHILD must have a header row, and must not clash with another by letter case."""

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
