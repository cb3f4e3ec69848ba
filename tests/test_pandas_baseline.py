"""The pipeline agrees with bench/pandas_baseline.py on all 208 sample figures.

The baseline is a separate implementation of every indicator and of RAG, written from
the spec with pandas, sharing no code with the pipeline or the sample generator (it
takes England's bank holidays from the `holidays` package itself). Here the direction
of travel is worked out from its values too, by the rule in words: compare published
values, better/worse by polarity, up/down for polarity none, nothing when the other
quarter is not loaded. A change to a window, a calendar, a rounding or a RAG rule in
either implementation shows as a named disagreement.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from benchfixtures import load_pandas_baseline

from pipeline.core.periods import Quarter

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "raw"


def _direction(now: Decimal | None, then: Decimal | None, polarity: str) -> str | None:
    if now is None or then is None:
        return None
    if now == then:
        return "same"
    if polarity == "none":
        return "up" if now > then else "down"
    improved = now > then if polarity == "higher" else now < then
    return "better" if improved else "worse"


@pytest.fixture(scope="module")
def baseline() -> dict[tuple[str, str], dict]:
    """(quarter, code) -> the baseline's figures, RAG and directions of travel."""
    module = load_pandas_baseline()
    keys = sorted(p.name for p in SAMPLE.iterdir() if Quarter.is_key(p.name))
    catalogue = module.read_extract(SAMPLE / "reference", "indicators").set_index("CODE")
    figures = {
        (key, code): figure
        for key in keys
        for code, figure in module.scorecard(SAMPLE, key).items()
    }
    for (key, code), figure in figures.items():
        polarity = catalogue.loc[code, "POLARITY"]
        quarter = Quarter.parse(key)
        previous = figures.get((quarter.previous().key, code), {}).get("value")
        year_ago = figures.get((quarter.year_ago().key, code), {}).get("value")
        figure["dot_short_term"] = _direction(figure["value"], previous, polarity)
        figure["dot_long_term"] = _direction(figure["value"], year_ago, polarity)
        if polarity == "none":  # no better or worse, so no RAG (rules.md)
            figure["rag"] = None
    return figures


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def test_the_pipeline_agrees_with_the_pandas_baseline_on_every_sample_figure(
    sample_history, baseline
) -> None:
    con = duckdb.connect(str(sample_history.marts / "scorecard.duckdb"), read_only=True)
    try:
        published = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                "select quarter_key, indicator_code, numerator, denominator, value, target, "
                "tolerance_type, rag_status, dot_short_term, dot_long_term "
                "from fct_indicator_quarter"
            ).fetchall()
        }
    finally:
        con.close()
    assert len(published) == len(baseline) == 221  # 17 quarters x 13 indicators
    disagreements = []
    for key, figure in sorted(baseline.items()):
        expected = (
            _number(figure["numerator"]),
            _number(figure["denominator"]),
            figure["value"],
            figure["target"],
            figure["tolerance_type"],
            figure["rag"],
            figure["dot_short_term"],
            figure["dot_long_term"],
        )
        if published[key] != expected:
            disagreements.append(f"{key}: pipeline {published[key]} baseline {expected}")
    assert disagreements == []
    # The comparison is not vacuous: the sample has every status and direction.
    statuses = {f["rag"] for f in baseline.values()}
    directions = {f["dot_short_term"] for f in baseline.values()}
    assert {"Green", "Amber", "Red", None} <= statuses
    assert {"better", "worse", "same", "up", "down", None} <= directions
