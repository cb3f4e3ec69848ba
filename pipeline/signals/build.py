"""mart_indicator_signal, row by row, from the published fact table and the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.signals import spc
from pipeline.signals.outlook import project
from pipeline.signals.own import NO_OWN, Own, Point, own_figures, quarter_ordinal
from pipeline.signals.stats import change_significant, interval, small_numbers

# spec/signals.md "Published", in its order.
SIGNAL_COLUMNS = (
    "quarter_key",
    "indicator_code",
    "own_numerator",
    "own_denominator",
    "own_value",
    "spc_points",
    "spc_mean",
    "spc_lower_limit",
    "spc_upper_limit",
    "spc_lower_2sigma",
    "spc_upper_2sigma",
    "spc_status",
    "special_cause_rules",
    "variation",
    "assurance",
    "interval_lower",
    "interval_upper",
    "change_short_term_significant",
    "change_long_term_significant",
    "small_numbers",
    "outlook_value",
    "outlook_lower",
    "outlook_upper",
    "outlook",
)


@dataclass(frozen=True)
class IndicatorInfo:
    """The catalogue columns the statistics need (dim_indicator)."""

    code: str
    unit: str
    polarity: str
    basis: str


class _Series:
    """One indicator's published points by quarter, and its own figures."""

    def __init__(self, info: IndicatorInfo, points: Iterable[Point]):
        self.info = info
        self.points = {quarter_ordinal(p.quarter_key): p for p in points}
        self.own = {n: self._own(n) for n in self.points}

    def _own(self, n: int) -> Own:
        this = self.points[n]
        previous = self.points.get(n - 1) if this.quarter_key[-1] != "1" else None
        return own_figures(self.info.basis, self.info.unit, this, previous)

    def own_at(self, n: int) -> Own:
        return self.own.get(n, NO_OWN)

    def trailing(self, n: int, which: str) -> list[float | None]:
        """The last WINDOW quarters' values up to n (None where missing), oldest first."""
        if which == "own":
            return [self.own_at(k).value for k in range(n - spc.WINDOW + 1, n + 1)]
        return [
            self.points[k].value if k in self.points else None
            for k in range(n - spc.WINDOW + 1, n + 1)
        ]


def build_signals(
    indicators: Iterable[IndicatorInfo],
    points: Mapping[str, Iterable[Point]],
    q4_targets: Mapping[tuple[str, str], float],
) -> list[dict[str, Any]]:
    """One row per published (quarter_key, indicator_code), as spec/signals.md says.

    `points` maps each indicator code to its fct_indicator_quarter rows (any order);
    `q4_targets` maps (indicator_code, financial year `2021-22`) to the target of Q4,
    which the outlook needs even before Q4 is loaded.
    """
    rows = [
        row
        for info in indicators
        for row in signal_rows(info, points.get(info.code, ()), q4_targets)
    ]
    return sorted(rows, key=lambda row: (row["quarter_key"], row["indicator_code"]))


def signal_rows(
    info: IndicatorInfo,
    points: Iterable[Point],
    q4_targets: Mapping[tuple[str, str], float],
) -> list[dict[str, Any]]:
    """The rows of one indicator, every quarter of `points`."""
    series = _Series(info, points)
    return [_row(series, n, q4_targets) for n in sorted(series.points)]


def _row(series: _Series, n: int, q4_targets: Mapping[tuple[str, str], float]) -> dict[str, Any]:
    info, point, own = series.info, series.points[n], series.own_at(n)
    own_series = series.trailing(n, "own")
    verdict = spc.judge(
        own_series,
        info.polarity,
        point.target,
        applicable=info.basis != "annual",
        # spec: not for a ytd count, whose target is cumulative while its points are quarterly
        assurance_applies=not (info.basis == "ytd" and info.unit == "count"),
    )
    limits = verdict.limits
    bounds = interval(info.unit, point.value, point.numerator, point.denominator)
    outlook = project(
        basis=info.basis,
        unit=info.unit,
        polarity=info.polarity,
        quarter_key=point.quarter_key,
        value=point.value,
        q4_target=q4_targets.get((info.code, point.quarter_key[:7])),
        published_window=spc.window(series.trailing(n, "published")),
        own_window=spc.window(own_series),
    )
    return {
        "quarter_key": point.quarter_key,
        "indicator_code": info.code,
        "own_numerator": own.numerator,
        "own_denominator": own.denominator,
        "own_value": own.value,
        "spc_points": verdict.points,
        "spc_mean": limits.mean if limits else None,
        "spc_lower_limit": limits.lower if limits else None,
        "spc_upper_limit": limits.upper if limits else None,
        "spc_lower_2sigma": limits.lower_2sigma if limits else None,
        "spc_upper_2sigma": limits.upper_2sigma if limits else None,
        "spc_status": verdict.status,
        "special_cause_rules": list(verdict.rules) if verdict.rules is not None else None,
        "variation": verdict.variation,
        "assurance": verdict.assurance,
        "interval_lower": bounds[0] if bounds else None,
        "interval_upper": bounds[1] if bounds else None,
        "change_short_term_significant": change_significant(info.unit, own, series.own_at(n - 1)),
        "change_long_term_significant": change_significant(info.unit, own, series.own_at(n - 4)),
        "small_numbers": small_numbers(info.unit, point.value, point.denominator),
        "outlook_value": outlook.value if outlook else None,
        "outlook_lower": outlook.lower if outlook else None,
        "outlook_upper": outlook.upper if outlook else None,
        "outlook": outlook.outlook if outlook else None,
    }
