"""Schema of commentary.csv: commentary and corrective action per indicator.

Faults are ``warning``: commentary is text beside a figure and changes no value
or RAG status, so an orphan or duplicate row is quarantined and reported (a Red
indicator left without corrective action is flagged downstream anyway).

VALUE_SEEN (optional) is the figure the author was looking at when writing: when
the published value differs, the figure is flagged instead of the words being
trusted to match it.
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
    "indicator_unique": Rule(QUARANTINES, "INDICATOR_CODE"),
}


class Commentary(NamesAnIndicator):
    """One row per indicator with commentary, corrective action and its owner."""

    INDICATOR_CODE: Series[Text] = pa.Field(nullable=False)
    COMMENTARY: Series[Text] = pa.Field(nullable=True)
    CORRECTIVE_ACTION: Series[Text] = pa.Field(nullable=True)
    OWNER: Series[Text] = pa.Field(nullable=True)
    VALUE_SEEN: Series[Measure] = pa.Field(nullable=True)

    @pa.dataframe_check(
        name="indicator_unique",
        ignore_na=False,
        error="more than one commentary row for the same INDICATOR_CODE",
    )
    def indicator_unique(cls, frame: pd.DataFrame) -> Series[bool]:
        return unique_key(frame, ["INDICATOR_CODE"])
