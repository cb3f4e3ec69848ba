"""The extracts as one Dagster multi-asset: an asset per extract, one step per run.

The UI shows an asset per extract with its own lineage and materialisations,
while a run reads them in one step on one warehouse connection. Every extract is
still validated even when another has failed (all faults of a drop are reported
at once), except those whose cross-file rules depend on an extract that could
not be loaded. The reading and validating itself is `pipeline.extracts.ingest`.
"""

from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from pipeline.defs.partitions import QUARTERS, SINGLE_RUN, run_quarter_keys
from pipeline.defs.resources import ScorecardPaths
from pipeline.extracts.ingest import (
    PROBLEM_SEPARATOR,
    UPSTREAM,
    Loaded,
    cross_file_order,
    ingest_one,
    quarters_for,
    releasing_memory,
)
from pipeline.extracts.readers import ExtractError
from pipeline.extracts.registry import EXTRACTS
from pipeline.extracts.validate import QuarterBlocked

# Metadata key of the messages a person should read although the run succeeded.
NOTICES = "notices"


def _metadata(loaded: Loaded) -> dict[str, object]:
    metadata: dict[str, object] = {
        "dagster/row_count": loaded.rows,
        "rows_quarantined": loaded.warnings,
    }
    if loaded.notices:
        # Read by the command line, which prints them: nothing is dropped silently.
        metadata[NOTICES] = dg.MetadataValue.text("\n".join(loaded.notices))
    return metadata


def build_ingest_asset() -> dg.AssetsDefinition:
    """Every extract as an asset of one multi-asset, executed in cross-file order."""
    by_name = {e.name: e for e in EXTRACTS}
    ordered = cross_file_order()
    specs = [
        dg.AssetSpec(
            key=extract.table,
            deps=[by_name[u].table for u in UPSTREAM.get(extract.name, ())],
            group_name="ingest",
            kinds={"pandera", "duckdb"},
            description=(
                f"`{extract.stem}` from the {extract.kind} folder, validated against "
                "`schemas/` and loaded with faulty rows recorded in `audit_rejects`."
            ),
            skippable=True,
            # Reference files hold every year in one copy: not partitioned by quarter.
            partitions_def=None if extract.kind == "reference" else QUARTERS,
        )
        for extract in ordered
    ]

    @dg.multi_asset(
        name="ingest",
        specs=specs,
        can_subset=True,
        backfill_policy=SINGLE_RUN,
    )
    def ingest(context: AssetExecutionContext, paths: ScorecardPaths, warehouse: DuckDBResource):
        selected = {key.path[-1] for key in context.selected_asset_keys}
        rejects_dir = Path(warehouse.database).parent / "rejects"
        problems: list[str] = []
        failed: set[str] = set()
        with warehouse.get_connection() as con, releasing_memory(con):
            for extract in ordered:
                if extract.table not in selected:
                    continue
                if failed & set(UPSTREAM.get(extract.name, ())):
                    failed.add(extract.name)  # its cross-file rules have nothing to check against
                    continue
                loaded = Loaded(run_id=context.run.run_id)
                for quarter_key in quarters_for(extract, run_quarter_keys(context)):
                    try:
                        ingest_one(con, extract, paths.raw_path, quarter_key, rejects_dir, loaded)
                    except (ExtractError, QuarterBlocked) as problem:
                        problems.append(str(problem))
                        failed.add(extract.name)
                if extract.name not in failed:
                    yield dg.MaterializeResult(asset_key=extract.table, metadata=_metadata(loaded))
        if problems:
            raise dg.Failure(
                description=PROBLEM_SEPARATOR.join(problems),
                metadata={"extracts_failed": ", ".join(sorted(failed))},
            )

    return ingest


ingest = build_ingest_asset()
# The raw tables the extracts are loaded into, each the key of its own asset.
RAW_TABLES = [key.path[-1] for key in ingest.keys]
