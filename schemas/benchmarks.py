"""Schema of reference/benchmarks.csv: London and other averages (spec/rules.md).

Faults are ``warning``: a benchmark is shown beside an indicator but never
changes its value or RAG status, so a bad row is quarantined and reported
instead of stopping the quarter.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._catalogue import NamesAnIndicator
from schemas._common import QUARANTINES, Measure, Rule, Text, unique_key

SEVERITY = QUARANTINES
RULES = {
    "indicator_in_catalogue": Rule(QUARANTINES, "INDICATOR_CODE"),
    "key_unique": Rule(QUARANTINES, "INDICATOR_CODE, AREA, PERIOD_END"),
}


class Benchmarks(NamesAnIndicator):
    """One comparison value per indicator, area and period end."""

    INDICATOR_CODE: Series[Text] = pa.Field(nullable=False)
    AREA: Series[Text] = pa.Field(nullable=False)
    PERIOD_LABEL: Series[Text] = pa.Field(nullable=True)
    PERIOD_END: Series[pa.DateTime] = pa.Field(nullable=False)
    VALUE: Series[Measure] = pa.Field(nullable=False)
    SOURCE: Series[Text] = pa.Field(nullable=True)

    @pa.dataframe_check(
        name="key_unique",
        ignore_na=False,
        error="more than one benchmark for the same indicator, area and period end",
    )
    def key_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["INDICATOR_CODE", "AREA", "PERIOD_END"])
