"""Every SQL model in `sql/` as a Dagster asset, its upstreams read from the SQL.

The dependency graph is never written twice: `pipeline.models` parses each model
with sqlglot, and this module turns a reference to another model or to a raw
table into an asset dependency. All models are one multi-asset: the UI shows an
asset per model with its own lineage, materialisations and checks, while a run
executes the selected models in dependency order in a single step on one
DuckDB connection (one step per model cost ~0.1 s each in orchestration alone).
Each model is materialised for the run's quarters (plus any loaded quarter
whose comparisons read one of them) in one set-based statement, so a backfill
of many quarters costs one query a model.
"""

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from pipeline.models import (
    VIEW_LAYERS,
    Model,
    discover_models,
    materialize_model,
    prepare_connection,
    topological_order,
)
from pipeline.partitions import QUARTERS, SINGLE_RUN, run_quarter_keys
from pipeline.periods import with_dependants

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def build_model_assets(sources: dict[str, list[str]]) -> list[dg.AssetsDefinition]:
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
                    metadata["preview"] = dg.MetadataValue.md(_preview(con, model.name, keys))
                yield dg.MaterializeResult(asset_key=model.name, metadata=metadata)

    return [sql_models]


def _spec(model: Model, producers: dict[str, list[str]]) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=model.name,
        deps=sorted({asset for dep in model.deps for asset in producers.get(dep, [])}),
        group_name=model.layer,
        kinds={"duckdb", "sql"},
        description=_description(model),
        code_version=hashlib.sha256(model.sql.encode()).hexdigest()[:16],
        skippable=True,
        # A view holds no quarter's rows of its own: it is one asset over all quarters.
        partitions_def=None if model.layer in VIEW_LAYERS else QUARTERS,
    )


def _description(model: Model) -> str:
    """The model's leading comment block, which says why it exists."""
    lines = []
    for line in model.sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return "\n".join(lines) or f"SQL model `{model.path.name}`"


def loaded_quarters(con) -> set[str]:
    """Quarters the warehouse holds a calendar row for (loaded at least once)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'raw_quarters'"
    ).fetchone()[0]
    if not exists:
        return set()
    return {row[0] for row in con.execute("select quarter_key from raw_quarters").fetchall()}


def run_started_at(context: AssetExecutionContext) -> datetime:
    """One load time per run, so every row a run writes carries the same `loaded_at`."""
    record = context.instance.get_run_record_by_id(context.run.run_id)
    if record is not None and record.create_timestamp is not None:
        return record.create_timestamp.astimezone(UTC)
    return datetime.now(UTC)


def _preview(con, table: str, keys: list[str], limit: int = 5) -> str:
    """A few rows of what was written, as markdown for the Dagster UI."""
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    where = "where quarter_key in (select unnest($keys))" if "quarter_key" in columns else ""
    params = {"keys": keys} if where else {}
    frame = con.execute(f"select * from {table} {where} limit {limit}", params).df()
    return frame.to_markdown(index=False)
