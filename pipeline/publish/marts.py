"""Publishing the marts: a fresh copy beside the old one, swapped in atomically.

spec/marts.md: a BI tool that has `scorecard.duckdb` or a Parquet file open keeps
reading the previous complete version, never sees a half-written one, and never
blocks the pipeline; a failed run leaves the previous version in place. So the
pipeline never opens the published files for writing. It writes every file under
a temporary name in the marts folder, flushes it to disk, and only then renames
each over the old one (`os.replace` is atomic on POSIX; an open reader keeps the
old inode until it closes it).
"""

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.core.settings import DATABASE_NAME, MART_TABLES


@dataclass(frozen=True)
class PublishedMarts:
    database: Path
    parquet: dict[str, Path]
    row_counts: dict[str, int]


def publish_marts(con: duckdb.DuckDBPyConnection, marts_dir: Path) -> PublishedMarts:
    """Copy the warehouse's mart tables to `marts_dir`, replacing the old files atomically."""
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


def _write_database(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    alias = "published"
    con.execute(f"attach '{_sql_path(path)}' as {alias}")
    try:
        counts = {}
        for table in MART_TABLES:
            con.execute(f"create table {alias}.main.{table} as select * from main.{table}")
            counts[table] = con.execute(f"select count(*) from {alias}.main.{table}").fetchone()[0]
        con.execute(f"checkpoint {alias}")
    finally:
        con.execute(f"detach {alias}")
    return counts


def _copy_to_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    con.execute(f"copy main.{table} to '{_sql_path(path)}' (format parquet, compression zstd)")


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
