"""The marts' published contract, read from its one source, `sql/marts/contract.yml`.

From it come the table list (`MART_TABLES`), `docs/marts.md` (`render_markdown`), the
`COMMENT ON` statements of the published database (`comment_statements`) and the
key/value metadata of each Parquet file (`parquet_metadata`). Publishing checks a
table's columns against it (`shape_mismatch`). Run this module to print docs/marts.md:

    .venv/bin/python -m pipeline.core.contract > docs/marts.md
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CONTRACT_PATH = Path(__file__).resolve().parents[2] / "sql" / "marts" / "contract.yml"
METADATA_PREFIX = "scorecard."


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    description: str
    spec: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Contract:
    version: str
    changelog: tuple[tuple[str, tuple[str, ...]], ...]
    tables: dict[str, Table]


def _text(value: object) -> str:
    return " ".join(str(value).split())


@cache
def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    """The contract file as objects; a malformed entry names the table and column."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = {}
    for name, entry in raw["tables"].items():
        columns = []
        for column in entry["columns"]:
            missing = {"name", "type", "description"} - set(column)
            if missing:
                raise ValueError(f"{path}: {name}.{column.get('name')} lacks {sorted(missing)}")
            columns.append(Column(column["name"], column["type"], _text(column["description"])))
        tables[name] = Table(
            name=name,
            grain=_text(entry["grain"]),
            description=_text(entry["description"]),
            spec=_text(entry.get("spec", "")),
            columns=tuple(columns),
        )
    changelog = tuple(
        (str(item["version"]), tuple(_text(change) for change in item["changes"]))
        for item in raw["changelog"]
    )
    return Contract(version=str(raw["version"]), changelog=changelog, tables=tables)


def shape_mismatch(table: str, columns: list[tuple[str, str]]) -> str | None:
    """Why `columns` (name, DuckDB type) differ from the contract's table, or None."""
    contract = load_contract()
    if table not in contract.tables:
        return f"{table} is not in {CONTRACT_PATH.name}: document it there before publishing it"
    expected = [(c.name, c.type) for c in contract.tables[table].columns]
    if columns == expected:
        return None
    have, want = dict(columns), dict(expected)
    parts = []
    if extra := [n for n in have if n not in want]:
        parts.append(f"not in the contract: {', '.join(extra)}")
    if absent := [n for n in want if n not in have]:
        parts.append(f"missing: {', '.join(absent)}")
    retyped = [f"{n} {have[n]} (contract {t})" for n, t in want.items() if have.get(n, t) != t]
    if retyped:
        parts.append(f"type differs: {', '.join(retyped)}")
    if not parts:
        parts.append("columns are in another order than the contract's")
    return f"{table} does not match {CONTRACT_PATH.name}: {'; '.join(parts)}"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_comment(table: Table) -> str:
    return f"{table.description} Grain: {table.grain}."


def comment_statements(table: str, qualified: str) -> list[str]:
    """COMMENT ON the table `qualified` (e.g. published.main.dim_quarter) and each column."""
    entry = load_contract().tables[table]
    statements = [f"comment on table {qualified} is {_quote(table_comment(entry))}"]
    statements += [
        f"comment on column {qualified}.{column.name} is {_quote(column.description)}"
        for column in entry.columns
    ]
    return statements


def parquet_metadata(table: str) -> dict[str, str]:
    """The key/value metadata written into `<table>.parquet`."""
    contract = load_contract()
    entry = contract.tables[table]
    metadata = {
        f"{METADATA_PREFIX}contract_version": contract.version,
        f"{METADATA_PREFIX}table": table,
        f"{METADATA_PREFIX}description": table_comment(entry),
    }
    for column in entry.columns:
        metadata[f"{METADATA_PREFIX}column.{column.name}"] = column.description
    return metadata


def kv_metadata_clause(table: str) -> str:
    """DuckDB's `kv_metadata {...}` option of COPY for the table's Parquet file."""
    pairs = ", ".join(f"{_quote(k)}: {_quote(v)}" for k, v in parquet_metadata(table).items())
    return f"kv_metadata {{{pairs}}}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(contract: Contract | None = None) -> str:
    """docs/marts.md: the contract as a reader meets it."""
    contract = contract or load_contract()
    lines = [
        "# The marts: the published contract",
        "",
        "<!-- Generated from sql/marts/contract.yml by "
        "`.venv/bin/python -m pipeline.core.contract > docs/marts.md`; edit that file, "
        "not this one. tests/test_contract.py fails when they differ. -->",
        "",
        f"Contract version **{contract.version}**. The marts folder (default `data/marts/`) "
        "holds `scorecard.duckdb` and a Parquet copy of each table (`<table>.parquet`). "
        "BI dashboards are built on these names and columns. A change to them gets a new "
        "version and a changelog entry below: a new table or column is a minor version, "
        "a renamed, removed or retyped column a major one.",
        "",
        "The same descriptions travel with the data: `COMMENT ON` each table and column of "
        "`scorecard.duckdb` (see `select table_name, comment from duckdb_tables()` and "
        "`select table_name, column_name, comment from duckdb_columns()`, or DBeaver's "
        "column comments), and key/value metadata in each Parquet file "
        "(`select decode(key), decode(value) from parquet_kv_metadata('<table>.parquet')`: "
        "`scorecard.contract_version`, `scorecard.table`, `scorecard.description`, "
        "`scorecard.column.<name>`).",
        "",
        "The marts hold aggregates only: no child identifier, date of birth or postcode. "
        "Measures are `DECIMAL(18,6)`, exact: a published 65.0 is 65.000000 and a "
        "threshold of 30.8025 is not rounded. Apply `dim_indicator.decimals` and "
        "`dim_indicator.unit` to show them, or use the `*_display` columns of "
        "`fct_indicator_quarter`, which already write each figure as the committee report "
        "does.",
        "",
        "## Tables",
        "",
    ]
    lines += [f"- [`{name}`](#{name}): {table.grain}" for name, table in contract.tables.items()]
    for name, table in contract.tables.items():
        lines += ["", f"## {name}", "", table.description, "", f"Grain: {table.grain}."]
        lines += ["", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | `{c.type}` | {_cell(c.description)} |" for c in table.columns]
    lines += ["", "## Changelog", ""]
    for version, changes in contract.changelog:
        lines += [f"### {version}", ""] + [f"- {change}" for change in changes] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
