"""Every SQL model in `sql/` as a Dagster asset, its upstreams read from the SQL.

The dependency graph is never written twice: `pipeline.models.runner` parses each model
with sqlglot, and this module turns a reference to another model or to a raw
table into an asset dependency. All models are one multi-asset: the UI shows an
asset per model with its own lineage, materialisations and checks, while a run
executes the selected models in dependency order in a single step on one
DuckDB connection (one step per model cost ~0.1 s each in orchestration alone).
Each model is materialised for the run's quarters (plus any loaded quarter
whose comparisons read one of them) in one set-based statement, so a backfill
of many quarters costs one query a model.
"""

import time
from datetime import UTC, datetime

import dagster as dg
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from pipeline.core.periods import with_dependants
from pipeline.core.settings import SQL_DIR
from pipeline.defs.ingest import RAW_TABLES
from pipeline.defs.partitions import QUARTERS, SINGLE_RUN, run_quarter_keys
from pipeline.models.lineage import prepare_lineage_sources
from pipeline.models.runner import (
    Model,
    discover_models,
    loaded_quarters,
    mart_preview,
    materialize_model,
    model_description,
    prepare_connection,
    topological_order,
)
from pipeline.signoff.store import copy_to_warehouse, store_path


def build_model_asset(sources: dict[str, list[str]]) -> dg.AssetsDefinition:
    """One asset per SQL model, all executed by one subsettable multi-asset.

    `sources` maps each table written by Python to the assets that write it: a raw
    table to its own ingest asset, `audit_rejects` to every ingest asset.
    """
    models = discover_models(SQL_DIR)
    producers = {name: [name] for name in models} | sources
    ordered = topological_order(models)
    specs = [_spec(model, producers) for model in ordered]

    @dg.multi_asset(
        name="sql_models",
        specs=specs,
        can_subset=True,
        backfill_policy=SINGLE_RUN,
    )
    def sql_models(context: AssetExecutionContext, warehouse: DuckDBResource):
        selected = {key.path[-1] for key in context.selected_asset_keys}
        run_id = context.run.run_id
        loaded_at = run_started_at(context)
        with warehouse.get_connection() as con:
            prepare_connection(con)
            # What each figure reads, and what was signed off (a copy of the sign-off file).
            prepare_lineage_sources(con, models)
            copy_to_warehouse(con, store_path(warehouse.database))
            keys = with_dependants(run_quarter_keys(context), loaded_quarters(con))
            for model in ordered:
                if model.name not in selected:
                    continue
                started = time.perf_counter()
                rows = materialize_model(con, model, keys, run_id, loaded_at)
                metadata = {
                    "dagster/row_count": rows,
                    "quarters": ", ".join(keys),
                    # Where a slow run spends its time, model by model, in the UI.
                    "sql_seconds": round(time.perf_counter() - started, 3),
                }
                # Only marts hold aggregates; a preview of a staging or intermediate
                # table would copy record-level data into the orchestrator's event log.
                if model.layer == "marts":
                    metadata["preview"] = dg.MetadataValue.md(mart_preview(con, model.name, keys))
                yield dg.MaterializeResult(asset_key=model.name, metadata=metadata)

    return sql_models


def _spec(model: Model, producers: dict[str, list[str]]) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=model.name,
        deps=sorted({asset for dep in model.deps for asset in producers.get(dep, [])}),
        group_name=model.layer,
        kinds={"duckdb", "sql"},
        description=model_description(model),
        code_version=model.code_version,
        skippable=True,
        # A view holds no quarter's rows of its own: it is one asset over all quarters.
        partitions_def=None if model.is_view else QUARTERS,
    )


def run_started_at(context: AssetExecutionContext) -> datetime:
    """One load time per run, so every row a run writes carries the same `loaded_at`."""
    record = context.instance.get_run_record_by_id(context.run.run_id)
    if record is not None and record.create_timestamp is not None:
        return record.create_timestamp.astimezone(UTC)
    return datetime.now(UTC)


# Each table written by Python, with the assets that write it: a raw table its own
# ingest asset, `audit_rejects` every ingest asset (each records its faults there).
_SOURCES = {table: [table] for table in [*RAW_TABLES, "raw_dates", "raw_quarters"]}
_SOURCES["audit_rejects"] = RAW_TABLES
_SOURCES["audit_files"] = RAW_TABLES

sql_models = build_model_asset(_SOURCES)
