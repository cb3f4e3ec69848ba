"""Raw tables loaded by DuckDB alone: the input of the bare-DuckDB floor.

The floor is the SQL models run with nothing around them, so its raw tables
must not cost pandas or pandera: each CSV is read by DuckDB's own reader (all
text), cast to the types of docs/architecture.md "Raw tables" in SQL (trimmed,
``1234.0`` identifiers → ``1234``, thousands separators dropped, dates in the
extract's format) and written straight into ``raw_<extract>``. Workbooks (the
manual returns and commentary of a few quarters) go through the pipeline's
reader: they are a few rows. No validation: the scaled drops are the sample's
valid rows, which ``bench/run.py`` confirms by comparing the floor's
``fct_indicator_quarter`` with the pipeline's.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipeline.core.calendar import date_dimension
from pipeline.core.periods import Quarter
from pipeline.extracts.load import AUDIT_COLUMNS, SQL_TYPES, raw_columns
from pipeline.extracts.readers import find_extract, read_extract
from pipeline.extracts.registry import QUARTER, REFERENCE, Extract
from schemas._parse import column_kinds

WHOLE_FLOAT = r"^([+-]?[0-9]+)\.0+$"
DUCKDB_DATE = {"%d/%m/%Y": "%d/%m/%Y", "%Y-%m-%d": "%Y-%m-%d"}


def _cast(name: str, kind: str, extract: Extract) -> str:
    text = f"nullif(trim(\"{name}\"), '')"
    if kind == "text" and name in extract.identifiers:
        return f"regexp_replace({text}, '{WHOLE_FLOAT}', '\\1')"
    if kind == "text":
        return text
    if kind == "date":
        return f"cast(strptime({text}, '{DUCKDB_DATE[extract.date_format]}') as date)"
    if kind == "boolean":
        return f"cast(lower({text}) as boolean)"
    return f"cast(replace({text}, ',', '') as {SQL_TYPES[kind]})"


def _source(path: Path, extract: Extract, con: duckdb.DuckDBPyConnection) -> str:
    """A relation of the file's cells as text, with its line numbers (header = 1)."""
    if path.suffix.lower() == ".csv":
        text = str(path).replace("'", "''")
        relation = f"read_csv('{text}', all_varchar = true, header = true, null_padding = true)"
        return f"(select *, cast(row_number() over () + 1 as integer) as _line from {relation})"
    frame = read_extract(path, extract)
    frame = frame.assign(_line=frame.index.astype("int32")).reset_index(drop=True)
    con.register(f"_xlsx_{extract.name}", frame)
    return f"_xlsx_{extract.name}"


def load_extract(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, extract: Extract, quarter_key: str | None
) -> int:
    """Append one file's rows to ``raw_<extract>`` (created with the architecture's types)."""
    columns = raw_columns(extract)
    body = ", ".join(f'"{n}" {t}' for n, t in columns.items())
    con.execute(f"create table if not exists {extract.table} ({body})")
    path = find_extract(extract.folder(raw_dir, quarter_key), extract)
    kinds = column_kinds(extract.schema)
    source = _source(path, extract, con)
    present = {name.lower() for name in con.sql(f"select * from {source} limit 0").columns}
    # An optional column the file leaves out (commentary's VALUE_SEEN) loads as blank.
    selects = [
        _cast(name, kinds[name], extract) if name.lower() in present else "null"
        for name in extract.loaded_columns
    ]
    if extract.kind == "quarter":
        selects = ["?::varchar", "_line", *selects]
        params = [quarter_key]
    else:
        params = []
    names = ", ".join(f'"{n}"' for n in columns)
    sql = f"insert into {extract.table} ({names}) select {', '.join(selects)} "
    sql += f"from {source}"
    return con.execute(sql, params).fetchone()[0]


def load_warehouse(con: duckdb.DuckDBPyConnection, raw_dir: Path, quarter_keys: list[str]) -> int:
    """Every raw table the models read, for ``quarter_keys``; returns rows loaded."""
    rows = 0
    for extract in REFERENCE:
        rows += load_extract(con, raw_dir, extract, None)
    for quarter_key in quarter_keys:
        for extract in QUARTER:
            rows += load_extract(con, raw_dir, extract, quarter_key)
    dates = date_dimension()  # noqa: F841 - scanned by DuckDB below
    con.execute("create or replace table raw_dates as select * from dates")
    quarters = pd.DataFrame([Quarter.parse(k).as_row() for k in quarter_keys])  # noqa: F841
    con.execute("create or replace table raw_quarters as select * from quarters")
    body = ", ".join(f'"{n}" {t}' for n, t in AUDIT_COLUMNS.items())
    con.execute(f"create table if not exists audit_rejects ({body})")
    return rows
