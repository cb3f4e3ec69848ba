"""The sign-off lock as a Dagster asset, `signoff_lock`, between the marts and publishing.

After the figures are computed and the blocking checks have passed, this step
compares every signed-off figure, RAG status and commentary with what the run
computed. A difference stops the run (nothing is published) unless the run was
started with `--restate --reason` (the run's tags below); then each change is
recorded in the sign-off file and the SQL model `mart_restatements` is rebuilt
from it, so the restating run publishes its own rows. The logic is
`pipeline.signoff.lock`. (A run started in the UI restates when given the tags
below.)
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.ingest import NOTICES
from pipeline.defs.models import run_started_at
from pipeline.defs.partitions import QUARTERS, SINGLE_RUN
from pipeline.signoff.lock import (
    SignedOffQuarterMissing,
    build_restatements_mart,
    differences,
    record_restatements,
    refusal,
)
from pipeline.signoff.store import store_path
from pipeline.signoff.tags import RESTATE_REASON_TAG, RESTATED_BY_TAG


@dg.asset(
    key="signoff_lock",
    deps=["fct_indicator_quarter", "mart_rag_summary", "mart_restatements"],
    partitions_def=QUARTERS,
    backfill_policy=SINGLE_RUN,
    group_name="marts",
    kinds={"duckdb"},
)
def signoff_lock(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    """Stops publishing a run that would change what a committee signed off, unless it restates.

    The message names each difference; a restating run records each change in the
    sign-off file and in mart_restatements.
    """
    store = store_path(warehouse.database)
    reason = (context.run.tags.get(RESTATE_REASON_TAG) or "").strip()
    restated_by = context.run.tags.get(RESTATED_BY_TAG) or "unknown"
    with warehouse.get_connection() as con:
        try:
            found = differences(con, store)
        except SignedOffQuarterMissing as problem:
            raise dg.Failure(description=str(problem)) from None
        if found and not reason:
            raise dg.Failure(description=refusal(found))
        if found:
            record_restatements(store, found, reason, restated_by, context.run.run_id)
        rows = build_restatements_mart(con, store, context.run.run_id, run_started_at(context))
    metadata: dict[str, object] = {"restatements": rows, "restated_now": len(found)}
    if found:
        metadata[NOTICES] = dg.MetadataValue.text(
            f"Restated {len(found)} signed-off cell(s), recorded in mart_restatements: "
            + "; ".join(d.describe() for d in found)
            + "."
        )
    return dg.MaterializeResult(metadata=metadata)
