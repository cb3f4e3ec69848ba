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

A run holds the warehouse for its whole length (`WarehouseResource`, the lock
file of `pipeline.core.warehouse_lock`), not only while a step has it open: two
runs of one warehouse never interleave their steps, whoever started them.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipeline.core.settings import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_MARTS_DIR,
    DEFAULT_RAW_DIR,
    configured_council_name,
    default_warehouse,
)
from pipeline.core.warehouse_lock import warehouse_lock

# A run started by the service waits this long for a `scorecard run` on the same
# warehouse to finish (the run queue already keeps service runs apart).
LOCK_WAIT_SECONDS = 6 * 3600


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


class WarehouseResource(DuckDBResource):
    """The working warehouse, held by one run at a time for the whole run."""

    lock_wait_seconds: int = LOCK_WAIT_SECONDS
    _held = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # The folder is made when a run starts, not when the definitions load:
        # `scorecard run --marts-dir elsewhere` left an empty data/work/ in the current folder.
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        log = context.log.info if context.log else None
        held = warehouse_lock(self.database, self.lock_wait_seconds, on_wait=log)
        held.__enter__()
        self._held = held

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.__exit__(None, None, None)
            self._held = None


def configured_paths(
    raw_dir: str | None = None,
    marts_dir: str | None = None,
    warehouse: str | None = None,
) -> tuple[str, str, str]:
    """Raw folder, marts folder and warehouse: the arguments, else the environment."""
    raw_dir = raw_dir or os.environ.get("SCORECARD_RAW_DIR", DEFAULT_RAW_DIR)
    marts_dir = marts_dir or os.environ.get("SCORECARD_MARTS_DIR", DEFAULT_MARTS_DIR)
    return raw_dir, marts_dir, warehouse or default_warehouse(marts_dir)


class ReportSettings(dg.ConfigurableResource):
    """What the committee report needs beyond the marts: the council's own name."""

    council_name: str = ""  # blank: the charts say "Council" and a warning says so


def build_resources(
    raw_dir: str | None = None,
    marts_dir: str | None = None,
    warehouse: str | None = None,
) -> dict[str, dg.ConfigurableResource]:
    """The resources of a deployment; unset arguments come from the environment."""
    raw_dir, marts_dir, warehouse = configured_paths(raw_dir, marts_dir, warehouse)
    return {
        "paths": ScorecardPaths(raw_dir=raw_dir, marts_dir=marts_dir),
        "report_settings": ReportSettings(council_name=configured_council_name() or ""),
        "warehouse": WarehouseResource(
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
