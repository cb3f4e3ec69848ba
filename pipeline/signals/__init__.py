"""Signal or noise (spec/signals.md): process limits, intervals, change tests, year-end outlook.

Plain statistics over the published fact table, no Dagster and no database: the
asset in `pipeline/defs/` reads `fct_indicator_quarter` and the catalogue, hands
them to `build_signals`, and writes what comes back as `mart_indicator_signal`.
Intervals and tests come from statsmodels; the XmR limits and the four rules are
the spec's own arithmetic.
"""

from pipeline.signals.backtest import BACKTEST_COLUMNS, build_backtest
from pipeline.signals.build import SIGNAL_COLUMNS, IndicatorInfo, Point, build_signals

__all__ = [
    "BACKTEST_COLUMNS",
    "SIGNAL_COLUMNS",
    "IndicatorInfo",
    "Point",
    "build_backtest",
    "build_signals",
]
