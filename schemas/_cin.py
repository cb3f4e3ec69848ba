"""The check shared by the two CIN census files keyed by LAchildID.

s47_enquiries and cp_plans each hold rows of children identified by LAchildID;
two identifiers that differ only in letter case are one child typed twice. The
check lives once here and each schema inherits it (its severity stays in each
schema's RULES table). The cross-file version differs by file and stays there.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import no_case_variants


class CinChild(pa.DataFrameModel):
    """LAchildID must not clash with another LAchildID of the same file by letter case."""

    @pa.dataframe_check(
        name="child_case",
        ignore_na=False,
        error="LAchildID differs only in letter case from another LAchildID in this file",
    )
    def child_case(cls, frame: pd.DataFrame) -> Series[bool]:
        return no_case_variants(frame["LAchildID"])
