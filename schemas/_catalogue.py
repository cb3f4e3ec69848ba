"""The check every extract keyed by INDICATOR_CODE shares: the code is in the catalogue.

Targets, benchmarks, manual returns and commentary all name indicators; the
check lives once here and each schema inherits it (its severity stays in each
schema's RULES table: an unknown code blocks a target, only quarantines a comment).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import known_or_unchecked
from schemas.context import current_context


class NamesAnIndicator(pa.DataFrameModel):
    """INDICATOR_CODE must be a CODE of indicators.csv."""

    @pa.dataframe_check(
        name="indicator_in_catalogue",
        ignore_na=False,
        error="INDICATOR_CODE is not an indicator in the catalogue (indicators.csv)",
    )
    def indicator_in_catalogue(cls, frame: pd.DataFrame) -> Series[bool]:
        return known_or_unchecked(frame["INDICATOR_CODE"], current_context().indicator_codes)
