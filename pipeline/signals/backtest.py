"""The outlook's back-test (spec/signals.md "Year-end outlook"): how often the 80% range
held the actual Q4 outturn, and how far the projection was from it.

Every outlook in mart_indicator_signal was made from the quarters up to its own,
so the projections of Q1 to Q3 of a finished year are exactly what the method
would have said at the time; this compares them with that year's published Q4.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scipy.stats import binomtest

from pipeline.signals.outlook import COVERAGE

BACKTEST_COLUMNS = (
    "indicator_code",
    "financial_years",
    "projections_made",
    "outturns_in_range",
    "share_in_range",
    "mean_absolute_error",
    "calibration",
)


def calibration(made: int, inside: int) -> str:
    """Whether the share inside is consistent with 80% (exact binomial test, 5%)."""
    if made == 0:
        return "no outturn yet"
    if binomtest(inside, made, COVERAGE).pvalue >= 0.05:
        return "consistent with 80%"
    return "range too narrow" if inside / made < COVERAGE else "range too wide"


def build_backtest(
    signals: Iterable[Mapping[str, Any]],
    outturns: Mapping[tuple[str, str], float],
    eligible: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """One row per indicator that has had an outlook, or could have one (`eligible`).

    `outturns` maps (indicator_code, financial year) to the published Q4 value.
    """
    tested: dict[str, list[tuple[str, float, bool]]] = {code: [] for code in eligible}
    for row in signals:
        if row["outlook_value"] is None:
            continue
        code, year = row["indicator_code"], row["quarter_key"][:7]
        results = tested.setdefault(code, [])
        actual = outturns.get((code, year))
        if actual is None:
            continue
        inside = row["outlook_lower"] <= actual <= row["outlook_upper"]
        results.append((year, abs(row["outlook_value"] - actual), inside))
    rows = []
    for code in sorted(tested):
        results = tested[code]
        years = sorted({year for year, _, _ in results})
        made, inside = len(results), sum(1 for _, _, hit in results if hit)
        rows.append(
            {
                "indicator_code": code,
                "financial_years": f"{years[0]} to {years[-1]}" if years else None,
                "projections_made": made,
                "outturns_in_range": inside,
                "share_in_range": inside / made if made else None,
                "mean_absolute_error": sum(e for _, e, _ in results) / made if made else None,
                "calibration": calibration(made, inside),
            }
        )
    return rows
