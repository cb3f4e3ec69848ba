"""Loading validated extracts and their faults into the DuckDB warehouse.

Raw tables follow docs/architecture.md exactly. A quarter's rows are replaced
as a whole (delete-then-insert in one transaction) so that re-running a quarter
never duplicates rows and a failure leaves the previous load in place.
Measures go to DECIMAL(18,6) through their text, never through a float.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import infer_dtype

from pipeline.core.periods import Quarter
from pipeline.extracts.registry import BY_NAME, Extract, get_extract
from pipeline.extracts.validate import FAULT_FIELDS, Fault, ValidationContext
from schemas._common import TEXT
from schemas._parse import column_kinds
from schemas.context import IdSet

SQL_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "decimal": "DECIMAL(18,6)",
    "boolean": "BOOLEAN",
}
AUDIT_TABLE = "audit_rejects"
AUDIT_COLUMNS = {
    "quarter_key": "VARCHAR",
    "extract": "VARCHAR",
    "row_number": "INTEGER",
    "column_name": "VARCHAR",
    "value": "VARCHAR",
    "rule": "VARCHAR",
    "severity": "VARCHAR",
    "is_personal": "BOOLEAN",
    "run_id": "VARCHAR",
}
# One row per file loaded (the latest load of each extract and quarter): what
# `scorecard explain` and mart_indicator_lineage say a figure was computed from.
FILES_TABLE = "audit_files"
FILES_COLUMNS = {
    "quarter_key": "VARCHAR",
    "extract": "VARCHAR",
    "file_name": "VARCHAR",
    "file_bytes": "BIGINT",
    "sha256": "VARCHAR",
    "rows_read": "INTEGER",
    "rows_rejected": "INTEGER",
    "run_id": "VARCHAR",
    "loaded_at": "TIMESTAMP WITH TIME ZONE",
}
INCOMING = "_incoming_rows"
# (table, column) → (quarter key, row count, hash sum) and the distinct IDs then read.
_ID_SETS: dict[tuple[str, str], tuple[tuple, frozenset[str]]] = {}


def raw_columns(extract: Extract | str) -> dict[str, str]:
    """Column name → DuckDB type of ``raw_<extract>``, in table order."""
    spec = get_extract(extract)
    columns = {"quarter_key": "VARCHAR", "row_number": "INTEGER"}
    if spec.kind == "reference":
        columns = {}
    kinds = column_kinds(spec.schema)
    return columns | {name: SQL_TYPES[kinds[name]] for name in spec.loaded_columns}


def create_raw_table(con: duckdb.DuckDBPyConnection, extract: Extract | str) -> None:
    """Create ``raw_<extract>`` with the architecture's types if it does not exist."""
    spec = get_extract(extract)
    columns = raw_columns(spec)
    _create(con, spec.table, columns)
    # A warehouse made before a column was added to the extract (commentary's
    # VALUE_SEEN) gets the column, empty for the quarters loaded before.
    existing = {
        name.lower()
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [spec.table]
        ).fetchall()
    }
    for name, kind in columns.items():
        if name.lower() not in existing:
            con.execute(f'ALTER TABLE {spec.table} ADD COLUMN "{name}" {kind}')


def load_raw(
    con: duckdb.DuckDBPyConnection,
    extract: Extract | str,
    quarter_key: str | None,
    valid_rows: pd.DataFrame,
) -> int:
    """Replace ``quarter_key``'s rows (or a reference table whole); return rows loaded."""
    spec = get_extract(extract)
    create_raw_table(con, spec)
    columns = raw_columns(spec)
    incoming = _incoming(spec, valid_rows)
    # The quarter's key is a parameter, not a column of millions of copies.
    selects = ", ".join(
        "CAST($quarter_key AS VARCHAR) AS quarter_key"
        if name == "quarter_key"
        else f'CAST("{name}" AS {kind}) AS "{name}"'
        for name, kind in columns.items()
    )
    names = ", ".join(f'"{name}"' for name in columns)
    if spec.kind == "reference":
        delete, params = f"DELETE FROM {spec.table}", []
        keys = {}
    else:
        delete, params = f"DELETE FROM {spec.table} WHERE quarter_key = ?", [quarter_key]
        keys = {"quarter_key": quarter_key}
    insert = f"INSERT INTO {spec.table} ({names}) SELECT {selects} FROM {INCOMING}"
    _in_transaction(con, incoming, [(delete, params), (insert, keys)])
    return incoming.num_rows


def record_faults(
    con: duckdb.DuckDBPyConnection,
    faults: Iterable[Fault] | pd.DataFrame,
    quarter_key: str | None,
    extract: Extract | str,
    run_id: str,
) -> int:
    """Replace the rejects of ``extract`` for ``quarter_key`` (NULL for reference files)."""
    spec = get_extract(extract)
    key = None if spec.kind == "reference" else quarter_key
    _create(con, AUDIT_TABLE, AUDIT_COLUMNS)
    rows = _fault_frame(faults).assign(quarter_key=key, extract=spec.name, run_id=run_id)
    rows = rows[list(AUDIT_COLUMNS)]
    delete = f"DELETE FROM {AUDIT_TABLE} WHERE extract = ? AND quarter_key IS NOT DISTINCT FROM ?"
    selects = ", ".join(f'CAST("{n}" AS {t}) AS "{n}"' for n, t in AUDIT_COLUMNS.items())
    insert = f"INSERT INTO {AUDIT_TABLE} SELECT {selects} FROM {INCOMING}"
    if len(rows):
        _in_transaction(con, rows, [(delete, [spec.name, key]), (insert, [])])
    else:  # nothing to insert: the delete alone is one atomic statement
        con.execute(delete, [spec.name, key])
    return len(rows)


def create_files_table(con: duckdb.DuckDBPyConnection) -> None:
    _create(con, FILES_TABLE, FILES_COLUMNS)


def record_file(
    con: duckdb.DuckDBPyConnection,
    extract: Extract | str,
    quarter_key: str | None,
    path: Path,
    rows_read: int,
    rows_rejected: int,
    run_id: str,
) -> None:
    """Replace the file record of ``extract`` for ``quarter_key``: name, size, SHA-256, rows.

    Only the file's name is kept (not its folder, which may name a person's home).
    """
    spec = get_extract(extract)
    key = None if spec.kind == "reference" else quarter_key
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    create_files_table(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"DELETE FROM {FILES_TABLE} WHERE extract = ? AND quarter_key IS NOT DISTINCT FROM ?",
            [spec.name, key],
        )
        con.execute(
            f"INSERT INTO {FILES_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
            [key, spec.name, Path(path).name, Path(path).stat().st_size, digest.hexdigest(),
             rows_read, rows_rejected, run_id],
        )  # fmt: skip
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def context_from_connection(
    con: duckdb.DuckDBPyConnection, quarter_key: str | None = None
) -> ValidationContext:
    """The cross-file context from tables already loaded: catalogue and quarter IDs."""
    context = ValidationContext()
    tables = _tables(con)
    if "raw_indicators" in tables:
        catalogue = con.execute(
            'SELECT "CODE", "UNIT", "DECIMALS", "SOURCE" FROM raw_indicators'
        ).df()
        context = context.with_indicators(catalogue)
    if quarter_key:
        dobs = partial(_header_dobs, con, quarter_key) if "raw_header" in tables else None
        context = context.for_quarter(Quarter.parse(quarter_key).end_date, dobs)
    for name, column in (
        ("header", "CHILD"),
        ("s47_enquiries", "LAchildID"),
        ("cp_plans", "LAchildID"),
    ):
        table = BY_NAME[name].table
        if quarter_key and table in tables:
            load = partial(_quarter_ids, con, table, column, quarter_key)
            context = context.with_ids_from(name, column, load)
    return context


def forget_id_sets() -> None:
    """Drop the quarter ID sets kept between files: the run's extracts are all loaded."""
    _ID_SETS.clear()


def _header_dobs(con: duckdb.DuckDBPyConnection, quarter_key: str) -> pd.Series:
    """The quarter's header DOB by CHILD, as datetimes (for "episode before birth")."""
    rows = con.execute(
        'SELECT "CHILD", "DOB" FROM raw_header WHERE quarter_key = ? AND "DOB" IS NOT NULL',
        [quarter_key],
    ).df()
    return pd.Series(pd.to_datetime(rows["DOB"]).to_numpy(), index=rows["CHILD"].to_numpy())


def _quarter_ids(
    con: duckdb.DuckDBPyConnection, table: str, column: str, quarter_key: str
) -> IdSet:
    """The distinct ``column`` values of the quarter's rows of ``table``.

    Every file of a quarter is validated with these sets, so the last set read
    of each table is kept and reused while the column's values are unchanged:
    their count and hash sum (one scan in DuckDB) are compared first.
    """
    where = f"FROM {table} WHERE quarter_key = ?"
    stamp = con.execute(f'SELECT count(*), sum(hash("{column}")) {where}', [quarter_key])
    stamp = (quarter_key, *stamp.fetchall()[0])  # fetched to the end: the connection is free
    cached = _ID_SETS.get((table, column))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    # Straight from DuckDB as Arrow: no Python string per ID (see schemas.context.IdSet).
    found = con.sql(f'SELECT DISTINCT "{column}" {where}', params=[quarter_key])
    ids = IdSet(found.to_arrow_table().column(0))
    _ID_SETS[(table, column)] = (stamp, ids)
    return ids


def _incoming(spec: Extract, valid_rows: pd.DataFrame) -> pa.Table:
    """The rows as DuckDB should scan them: measures as text, row numbers as a column.

    An Arrow table, which DuckDB scans natively; the text columns are the
    reader's Arrow strings, passed on without a copy.
    """
    kinds = column_kinds(spec.schema)
    data = {}
    if spec.kind == "quarter":
        data["row_number"] = pa.array(np.asarray(valid_rows.index, dtype="int64"))
    for name in spec.loaded_columns:
        column = valid_rows[name]
        if kinds[name] in ("decimal", "text") and not _all_text(column):
            column = column.astype("object").map(lambda v: None if pd.isna(v) else str(v))
            column = column.astype(TEXT)
        data[name] = pa.Array.from_pandas(column)
    return pa.table(data)


def _all_text(column: pd.Series) -> bool:
    """True when every cell is already text or blank (so ``str(v)`` would change none)."""
    if column.dtype == TEXT:
        return True
    if column.dtype != object:
        return False
    cells = column.to_numpy()
    if infer_dtype(cells, skipna=False) in ("string", "empty"):
        return True
    blank = pd.isna(cells)
    return infer_dtype(cells, skipna=True) == "string" and all(c is None for c in cells[blank])


def _fault_frame(faults: Iterable[Fault] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(faults, pd.DataFrame):
        return faults[FAULT_FIELDS].copy()
    records = [{name: getattr(fault, name) for name in FAULT_FIELDS} for fault in faults]
    return pd.DataFrame(records, columns=FAULT_FIELDS)


def _create(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
    body = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the tables (one query: each costs a millisecond or more)."""
    return {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _in_transaction(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame | pa.Table,
    statements: list[tuple[str, list | dict]],
) -> None:
    """Run ``statements`` against ``frame`` (as ``_incoming_rows``) all-or-nothing."""
    con.register(INCOMING, frame)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            for sql, params in statements:
                con.execute(sql, params)
        except Exception:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.unregister(INCOMING)
