"""The published marts as a Dagster asset, after the blocking checks have passed."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.core.settings import MART_TABLES
from pipeline.defs.partitions import QUARTERS, SINGLE_RUN
from pipeline.defs.resources import ScorecardPaths
from pipeline.publish.history import HistoryError
from pipeline.publish.marts import clean_stale_staging, publish_marts


class PublishConfig(dg.Config):
    """`drop_quarters`: published quarters this run may drop (`scorecard run --rebuild`)."""

    drop_quarters: list[str] = []


@dg.asset(
    # signoff_lock: a run that would change a signed-off figure never publishes
    deps=[*MART_TABLES, "signoff_lock"],
    partitions_def=QUARTERS,
    backfill_policy=SINGLE_RUN,
    group_name="publish",
    kinds={"duckdb", "parquet"},
)
def published_marts(
    context: dg.AssetExecutionContext,
    config: PublishConfig,
    paths: ScorecardPaths,
    warehouse: DuckDBResource,
) -> dg.MaterializeResult:
    """`scorecard.duckdb` and one Parquet file per mart, swapped in atomically for BI tools.

    Runs only after the blocking checks on the fact table and the summary have
    passed, so a wrong number is never published; a failed run leaves the
    previous files untouched, and so does one that would drop published quarters
    (unless they are listed in `drop_quarters`).
    """
    clean_stale_staging(paths.marts_path)
    with warehouse.get_connection() as con:
        try:
            published = publish_marts(con, paths.marts_path, config.drop_quarters)
        except HistoryError as error:
            raise dg.Failure(description=str(error)) from error
    context.log.info(f"Published marts to {published.database.parent}")
    return dg.MaterializeResult(
        metadata={
            "database": dg.MetadataValue.path(str(published.database)),
            **{f"rows/{t}": n for t, n in published.row_counts.items()},
        }
    )
