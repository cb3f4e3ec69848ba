"""Where sign-offs and restatements are kept: their own small DuckDB file.

The file is `signoffs.duckdb` beside the working warehouse (default
`data/work/signoffs.duckdb`). The pipeline never drops, replaces or rebuilds it: a
warehouse deleted and rebuilt, a failed or killed run, leave it as it was. Only
`scorecard signoff` and a run given `--restate` write to it, each in one
transaction. Every run copies its three tables into the warehouse as
`raw_signoffs`, `raw_signoff_figures` and `raw_restatements`, which the SQL models
read (the figure's "restated after sign-off" flag); those copies are disposable.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.core.errors import UserError

STORE_NAME = "signoffs.duckdb"

TABLES = {
    "signoffs": {
        "signoff_id": "VARCHAR",
        "quarter_key": "VARCHAR",
        "committee": "VARCHAR",
        "signed_off_by": "VARCHAR",
        "signed_off_at": "TIMESTAMP WITH TIME ZONE",
        "digest": "VARCHAR",
        "figures": "INTEGER",
    },
    # What was signed off, figure by figure: the published value, RAG and words.
    "signoff_figures": {
        "signoff_id": "VARCHAR",
        "quarter_key": "VARCHAR",
        "committee": "VARCHAR",
        "indicator_code": "VARCHAR",
        "decimals": "INTEGER",
        "value": "DECIMAL(18,6)",
        "rag_status": "VARCHAR",
        "commentary": "VARCHAR",
        "corrective_action": "VARCHAR",
        "signed_off_at": "TIMESTAMP WITH TIME ZONE",
    },
    "restatements": {
        "quarter_key": "VARCHAR",
        "indicator_code": "VARCHAR",
        "committee": "VARCHAR",
        "column_name": "VARCHAR",
        "signed_off_value": "VARCHAR",
        "new_value": "VARCHAR",
        "reason": "VARCHAR",
        "restated_by": "VARCHAR",
        "restated_at": "TIMESTAMP WITH TIME ZONE",
        "run_id": "VARCHAR",
        "signoff_id": "VARCHAR",
    },
}


def store_path(warehouse: str | Path) -> Path:
    """The sign-off file that belongs to a working warehouse: beside it."""
    return Path(warehouse).resolve().parent / STORE_NAME


def _create(con: duckdb.DuckDBPyConnection, prefix: str = "", schema: str = "") -> None:
    for table, columns in TABLES.items():
        body = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        con.execute(f"create table if not exists {schema}{prefix}{table} ({body})")


def open_store(path: Path) -> duckdb.DuckDBPyConnection:
    """The sign-off file opened for writing (created with its tables the first time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as error:
        raise UserError(
            f"The sign-off record {path} is in use by another process (a run or another "
            "sign-off). Wait for it to finish, then try again."
        ) from error
    _create(con)
    return con


def create_warehouse_copies(con: duckdb.DuckDBPyConnection) -> None:
    """Empty `raw_signoffs`, `raw_signoff_figures`, `raw_restatements` if absent."""
    _create(con, prefix="raw_")


def copy_to_warehouse(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Replace the warehouse's copies with the sign-off file's tables (if it exists)."""
    create_warehouse_copies(con)
    if not path.is_file():
        return
    con.execute(f"attach '{_sql_path(path)}' as signoff_store (read_only)")
    try:
        for table in TABLES:
            columns = ", ".join(TABLES[table])
            con.execute(f"delete from raw_{table}")
            con.execute(
                f"insert into raw_{table} ({columns}) "
                f"select {columns} from signoff_store.main.{table}"
            )
    finally:
        con.execute("detach signoff_store")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
