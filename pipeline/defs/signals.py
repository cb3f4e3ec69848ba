"""The signal marts as a Dagster asset after the fact table, and their asset checks.

spec/signals.md. The statistics are plain Python in `pipeline/signals/`; this
module only schedules them: after `fct_indicator_quarter` (and the catalogue and
targets it reads), before `published_marts`.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.partitions import QUARTERS, SINGLE_RUN
from pipeline.signals.tables import BACKTEST_TABLE, SIGNAL_TABLE, write_signal_marts


@dg.multi_asset(
    name="signal_marts",
    specs=[
        dg.AssetSpec(
            SIGNAL_TABLE,
            deps=["fct_indicator_quarter", "dim_indicator", "stg_reference__targets"],
            group_name="marts",
            kinds={"duckdb", "python"},
            partitions_def=QUARTERS,
            description="Process limits, special causes, assurance, intervals, significant "
            "change and the year-end outlook per indicator and quarter (spec/signals.md).",
        ),
        dg.AssetSpec(
            BACKTEST_TABLE,
            deps=[SIGNAL_TABLE],
            group_name="marts",
            kinds={"duckdb", "python"},
            partitions_def=QUARTERS,
            description="How well the year-end outlook's 80% range held past outturns.",
        ),
    ],
    backfill_policy=SINGLE_RUN,
)
def signal_marts(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """Recomputes every loaded quarter: a quarter's limits read the twelve before it."""
    with warehouse.get_connection() as con:
        written = write_signal_marts(con)
    yield dg.MaterializeResult(
        asset_key=SIGNAL_TABLE, metadata={"dagster/row_count": written.signal_rows}
    )
    yield dg.MaterializeResult(
        asset_key=BACKTEST_TABLE, metadata={"dagster/row_count": written.backtest_rows}
    )
