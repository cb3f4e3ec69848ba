"""The sign-off lock as a Dagster asset: `mart_restatements`, built before publishing.

After the figures are computed and the blocking checks have passed, this step
compares every signed-off figure, RAG status and commentary with what the run
computed. A difference stops the run (nothing is published) unless the run was
started with `--restate --reason` (the run's tags below); then each change is
recorded in the sign-off file and the mart is rebuilt from it. The logic is
`pipeline.signoff.lock`.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.ingest import NOTICES
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
    key="mart_restatements",
    deps=["fct_indicator_quarter", "mart_rag_summary"],
    partitions_def=QUARTERS,
    backfill_policy=SINGLE_RUN,
    group_name="marts",
    kinds={"duckdb"},
)
def mart_restatements(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    """Every change made to a signed-off figure, RAG status or commentary, with its reason.

    Refuses (and so stops publishing) a run that would change what a committee
    signed off, naming each difference, unless the run restates.
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
        rows = build_restatements_mart(con, store)
    metadata: dict[str, object] = {"dagster/row_count": rows, "restated_now": len(found)}
    if found:
        metadata[NOTICES] = dg.MetadataValue.text(
            f"Restated {len(found)} signed-off cell(s), recorded in mart_restatements: "
            + "; ".join(d.describe() for d in found)
            + "."
        )
    return dg.MaterializeResult(metadata=metadata)
