"""Publishing the marts: a fresh copy beside the old one, swapped in atomically.

spec/marts.md: a BI tool that has `scorecard.duckdb` or a Parquet file open keeps
reading the previous complete version, never sees a half-written one, and never
blocks the pipeline; a failed run leaves the previous version in place. So the
pipeline never opens the published files for writing. It writes every file under
a temporary name in the marts folder, flushes it to disk, and only then renames
each over the old one (`os.replace` is atomic on POSIX; an open reader keeps the
old inode until it closes it).

The contract (sql/marts/contract.yml) travels with the data: each table and column of
the database carries its description as a DuckDB comment, and each Parquet file the
same descriptions as key/value metadata. A table whose columns or types differ from
the contract is refused (`ContractError`) before anything is swapped in, so the
published files and docs/marts.md cannot drift apart.
"""

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.core.contract import comment_statements, kv_metadata_clause, shape_mismatch
from pipeline.core.settings import DATABASE_NAME, MART_TABLES
from pipeline.publish.history import check_not_shrinking


class ContractError(Exception):
    """A mart's columns differ from sql/marts/contract.yml: a developer's mistake."""


@dataclass(frozen=True)
class PublishedMarts:
    database: Path
    parquet: dict[str, Path]
    row_counts: dict[str, int]


def publish_marts(
    con: duckdb.DuckDBPyConnection, marts_dir: Path, drop_quarters: list[str] | tuple = ()
) -> PublishedMarts:
    """Copy the warehouse's mart tables to `marts_dir`, replacing the old files atomically.

    Raises `HistoryError` (publishing nothing) when the published marts hold a quarter
    the warehouse does not, unless it is in `drop_quarters`.
    """
    check_contract(con)
    check_not_shrinking(con, marts_dir, drop_quarters)
    marts_dir.mkdir(parents=True, exist_ok=True)
    staging = marts_dir / f".publishing-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        row_counts = _write_database(con, staging / DATABASE_NAME)
        for table in MART_TABLES:
            _copy_to_parquet(con, table, staging / f"{table}.parquet")
        for path in staging.iterdir():
            _fsync(path)
        parquet = {}
        for table in MART_TABLES:
            target = marts_dir / f"{table}.parquet"
            os.replace(staging / f"{table}.parquet", target)
            parquet[table] = target
        # The database goes last: a reader who sees the new database can rely on the
        # Parquet files being at least as new.
        database = marts_dir / DATABASE_NAME
        os.replace(staging / DATABASE_NAME, database)
        _fsync(marts_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PublishedMarts(database=database, parquet=parquet, row_counts=row_counts)


def check_contract(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse to publish a mart whose columns or types are not the contract's."""
    problems = []
    for table in MART_TABLES:
        columns = con.execute(
            "select column_name, data_type from duckdb_columns() "
            "where database_name = current_database() and schema_name = 'main' and not internal "
            "and table_name = ? order by column_index",
            [table],
        ).fetchall()
        if columns and (problem := shape_mismatch(table, columns)):
            problems.append(problem)
    if problems:
        raise ContractError(" ".join(problems))


def _write_database(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    alias = "published"
    con.execute(f"attach '{_sql_path(path)}' as {alias}")
    try:
        counts = {}
        for table in MART_TABLES:
            con.execute(f"create table {alias}.main.{table} as select * from main.{table}")
            for statement in comment_statements(table, f"{alias}.main.{table}"):
                con.execute(statement)
            counts[table] = con.execute(f"select count(*) from {alias}.main.{table}").fetchone()[0]
        con.execute(f"checkpoint {alias}")
    finally:
        con.execute(f"detach {alias}")
    return counts


def _copy_to_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    con.execute(
        f"copy main.{table} to '{_sql_path(path)}' "
        f"(format parquet, compression zstd, {kv_metadata_clause(table)})"
    )


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk so a crash cannot publish a torn file."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_stale_staging(marts_dir: Path) -> None:
    """Remove staging folders left by a run that was killed while publishing."""
    for leftover in marts_dir.glob(".publishing-*"):
        shutil.rmtree(leftover, ignore_errors=True)
