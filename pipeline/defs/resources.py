"""The resources of a deployment: the raw and marts folders and the working warehouse.

Paths come from `pipeline.core.settings` (the environment, with the repository's
defaults), so `dagster dev`, the service and the `scorecard` command agree
without any configuration. The working warehouse is a DuckDB file owned by the
pipeline alone; BI tools read the published copy in the marts folder, so they
can never block a run.

DuckDB's memory is capped (`SCORECARD_DUCKDB_MEMORY_LIMIT`, default 1GB)
because it shares the process with pandas validation: DuckDB's own default
(80% of RAM) lets its buffer cache grow with the warehouse, and a national
history run then peaked at 3.9 GB where the cap keeps it well under 4 GB at the
same speed (the models spill to disk only beyond the cap).
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.core.settings import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_MARTS_DIR,
    DEFAULT_RAW_DIR,
    default_warehouse,
)


class ScorecardPaths(dg.ConfigurableResource):
    """The raw drop folder (read only) and the published marts folder."""

    raw_dir: str = DEFAULT_RAW_DIR
    marts_dir: str = DEFAULT_MARTS_DIR

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def marts_path(self) -> Path:
        return Path(self.marts_dir)


def build_resources(
    raw_dir: str | None = None,
    marts_dir: str | None = None,
    warehouse: str | None = None,
) -> dict[str, dg.ConfigurableResource]:
    """The resources of a deployment; unset arguments come from the environment."""
    raw_dir = raw_dir or os.environ.get("SCORECARD_RAW_DIR", DEFAULT_RAW_DIR)
    marts_dir = marts_dir or os.environ.get("SCORECARD_MARTS_DIR", DEFAULT_MARTS_DIR)
    warehouse = warehouse or default_warehouse(marts_dir)
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    return {
        "paths": ScorecardPaths(raw_dir=raw_dir, marts_dir=marts_dir),
        "warehouse": DuckDBResource(
            database=warehouse,
            connection_config={
                "memory_limit": os.environ.get(
                    "SCORECARD_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT
                )
            },
        ),
    }


@dg.definitions
def resources() -> dg.Definitions:
    """This deployment's resources, read from the environment when the code location loads."""
    return dg.Definitions(resources=build_resources(), executor=dg.in_process_executor)
