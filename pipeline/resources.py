"""Where the pipeline reads and writes, configured once per deployment.

Paths come from the environment (`SCORECARD_RAW_DIR`, `SCORECARD_MARTS_DIR`,
`SCORECARD_WAREHOUSE`) with the repository's defaults, so `dagster dev` and the
`scorecard` command agree without any configuration. The working warehouse is a
DuckDB file owned by the pipeline alone; BI tools read the published copy in
the marts folder, so they can never block a run.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_MARTS_DIR = "data/marts"
DEFAULT_WAREHOUSE = "data/work/warehouse.duckdb"


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
    warehouse = warehouse or os.environ.get("SCORECARD_WAREHOUSE", DEFAULT_WAREHOUSE)
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    return {
        "paths": ScorecardPaths(
            raw_dir=raw_dir or os.environ.get("SCORECARD_RAW_DIR", DEFAULT_RAW_DIR),
            marts_dir=marts_dir or os.environ.get("SCORECARD_MARTS_DIR", DEFAULT_MARTS_DIR),
        ),
        "warehouse": DuckDBResource(database=warehouse),
    }
