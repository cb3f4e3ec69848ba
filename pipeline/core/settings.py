"""Where the pipeline reads and writes, and the names every layer agrees on.

Each constant has this one home. The paths have the repository's defaults and
can be changed per deployment through the environment (`SCORECARD_RAW_DIR`,
`SCORECARD_MARTS_DIR`, `SCORECARD_WAREHOUSE`) or the command's options, so
`dagster dev`, the service and the `scorecard` command agree without any
configuration file.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.core.contract import load_contract

REPO_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = REPO_ROOT / "sql"

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_MARTS_DIR = "data/marts"
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"
# While extracts are ingested, DuckDB's memory is capped lower: what it caches then
# is blocks it has already written, which it can read back, and the room is the
# Python side's, validating the largest file (see pipeline.extracts.ingest).
INGEST_DUCKDB_MEMORY_LIMIT = "512MB"

# spec/extracts.md: reference files sit in this folder of the raw drop, quarters beside it.
REFERENCE_FOLDER = "reference"

DATABASE_NAME = "scorecard.duckdb"

# The council's own area code (ONS, e.g. E09000016) among the areas of population.csv.
# Unset, population.csv must hold one area only, which is then taken as the council's.
AREA_CODE_SETTING = "SCORECARD_AREA_CODE"


def council_area_code() -> str | None:
    """The configured area code of the council (`SCORECARD_AREA_CODE`), or None."""
    return (os.environ.get(AREA_CODE_SETTING) or "").strip() or None


# The published contract (spec/marts.md), in the order a reader meets them: the tables
# of sql/marts/contract.yml, the one place a mart is added (see its header).
MART_TABLES = tuple(load_contract().tables)

# The council's own name, for the report (its charts' line, the cover, the PDF's author).
# Configuration, not reference data: the marts and the catalogue do not carry it.
COUNCIL_NAME_VARIABLE = "SCORECARD_COUNCIL_NAME"
DEFAULT_COUNCIL_NAME = "Council"


def default_warehouse(marts_dir: str | Path) -> str:
    """The working warehouse: `$SCORECARD_WAREHOUSE`, else `work/` beside the marts folder.

    `data/marts` gives the usual `data/work/warehouse.duckdb`; another marts folder
    gets its own, so loading another council's drop cannot mix with the sample.
    """
    configured = os.environ.get("SCORECARD_WAREHOUSE")
    if configured:
        return configured
    return str(Path(marts_dir).resolve().parent / "work" / "warehouse.duckdb")


def configured_council_name() -> str | None:
    """`$SCORECARD_COUNCIL_NAME`, or None when it is not set (or blank)."""
    return os.environ.get(COUNCIL_NAME_VARIABLE, "").strip() or None
