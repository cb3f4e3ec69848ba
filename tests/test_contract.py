"""The marts' contract cannot drift: docs/marts.md, the database's comments and the
Parquet metadata all say what sql/marts/contract.yml says, and publishing refuses a
mart whose columns are not the contract's.

The display columns and rag_label are checked against the committee report's own
formatting (pipeline/report/formatting.py) on every sample row, and against figures
worked out by hand.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.core.contract import (
    load_contract,
    parquet_metadata,
    render_markdown,
    shape_mismatch,
    table_comment,
)
from pipeline.core.settings import MART_TABLES, SQL_DIR
from pipeline.publish.marts import ContractError, publish_marts
from pipeline.report.data import Fact, Indicator
from pipeline.report.formatting import format_exact, format_value, rag_badge
from pipeline.signals.tables import BACKTEST_TABLE, SIGNAL_TABLE

REPO = Path(__file__).resolve().parents[1]

# Marts written by Python, not a SQL model: statistics from statsmodels (spec/signals.md).
PYTHON_MARTS = {SIGNAL_TABLE, BACKTEST_TABLE}


def test_docs_marts_md_is_generated_from_the_contract() -> None:
    docs = (REPO / "docs" / "marts.md").read_text(encoding="utf-8")
    assert docs == render_markdown(), (
        "docs/marts.md is out of date: .venv/bin/python -m pipeline.core.contract > docs/marts.md"
    )


def test_every_contract_table_has_its_model_and_is_published() -> None:
    contract = load_contract()
    assert tuple(contract.tables) == MART_TABLES
    for table in contract.tables:
        if table in PYTHON_MARTS:
            continue
        assert (SQL_DIR / "marts" / f"{table}.sql").exists(), table
    assert contract.changelog[0][0] == contract.version


def test_the_readme_changelog_names_every_contract_version() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    changelog = readme[readme.index("## Changelog") :]
    for version, _ in load_contract().changelog:
        assert f"- {version} " in changelog, version


def _published(marts: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(marts / "scorecard.duckdb"), read_only=True)


def test_the_published_database_carries_the_contract_as_comments(sample_history) -> None:
    contract = load_contract()
    con = _published(sample_history.marts)
    try:
        tables = dict(
            con.execute(
                "select table_name, comment from duckdb_tables() "
                "where schema_name = 'main' and not internal"
            ).fetchall()
        )
        columns = con.execute(
            "select table_name, column_name, data_type, comment from duckdb_columns() "
            "where schema_name = 'main' and not internal order by table_name, column_index"
        ).fetchall()
    finally:
        con.close()
    assert tables == {name: table_comment(t) for name, t in contract.tables.items()}
    expected = sorted(
        (name, c.name, c.type, c.description)
        for name, table in contract.tables.items()
        for c in table.columns
    )
    assert sorted(columns) == expected
    # What DBeaver shows on hovering rag_status: the meaning of a null, in words.
    rag = next(c for t, n, _, c in columns if (t, n) == ("fct_indicator_quarter", "rag_status"))
    assert "null in three cases" in rag


def test_each_parquet_file_carries_the_contract_as_metadata(sample_history) -> None:
    con = duckdb.connect()
    for table in MART_TABLES:
        path = str(sample_history.marts / f"{table}.parquet")
        metadata = dict(
            con.execute(
                "select decode(key), decode(value) from parquet_kv_metadata(?)", [path]
            ).fetchall()
        )
        assert metadata == parquet_metadata(table), table
        assert metadata["scorecard.contract_version"] == load_contract().version
        rows = con.execute("describe select * from read_parquet(?)", [path]).fetchall()
        names = [row[0] for row in rows]
        assert names == [c.name for c in load_contract().tables[table].columns], table


def test_publishing_refuses_a_mart_that_is_not_the_contract_s(tmp_path) -> None:
    con = duckdb.connect()
    for table in MART_TABLES:
        columns = ", ".join(
            f"null::{c.type} as {c.name}" for c in load_contract().tables[table].columns
        )
        con.execute(f"create table {table} as select {columns}")
    con.execute("alter table fct_indicator_quarter add column value_pct double")
    con.execute("alter table dim_quarter drop column long_label")
    with pytest.raises(ContractError) as raised:
        publish_marts(con, tmp_path / "marts")
    message = str(raised.value)
    assert "fct_indicator_quarter" in message and "not in the contract: value_pct" in message
    assert "dim_quarter" in message and "missing: long_label" in message
    assert not (tmp_path / "marts").exists()  # refused before anything was written


def test_shape_mismatch_names_a_retyped_column_and_an_unknown_table() -> None:
    columns = [(c.name, c.type) for c in load_contract().tables["dim_quarter"].columns]
    assert shape_mismatch("dim_quarter", columns) is None
    columns[5] = ("start_date", "VARCHAR")
    assert "type differs: start_date VARCHAR (contract DATE)" in shape_mismatch(
        "dim_quarter", columns
    )
    assert "mart_new is not in contract.yml" in shape_mismatch("mart_new", columns)


def _fields(cls, row: dict) -> dict:
    return {f.name: row[f.name] for f in dataclasses.fields(cls) if f.name in row}


def test_display_columns_and_rag_label_are_what_the_report_prints(sample_history) -> None:
    con = _published(sample_history.marts)
    try:
        cursor = con.execute(
            "select f.*, i.* from fct_indicator_quarter f "
            "join dim_indicator i on f.indicator_code = i.code"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    assert len(rows) == 221  # 17 quarters x 13 indicators
    labels = set()
    for row in rows:
        indicator = Indicator(**_fields(Indicator, row))
        fact = Fact(**_fields(Fact, row))
        where = (row["quarter_key"], row["indicator_code"])
        assert row["value_display"] == format_value(fact.value, indicator), where
        target = format_exact(fact.target, indicator) if fact.target is not None else "No target"
        assert row["target_display"] == target, where
        for column in ("amber_threshold", "london_average"):
            want = None if row[column] is None else format_exact(row[column], indicator)
            assert row[f"{column}_display"] == want, (where, column)
        for column in ("previous_quarter_value", "year_ago_value"):
            want = None if row[column] is None else format_value(row[column], indicator)
            assert row[f"{column}_display"] == want, (where, column)
        assert row["rag_label"] == rag_badge(fact).label, where
        labels.add(row["rag_label"])
    # The sample has every kind of label but "not available" (every targeted value is there).
    assert {"Green – on track", "Amber – within tolerance", "Red – off track"} <= labels
    assert "No RAG status – no target" in labels


@pytest.mark.parametrize(
    ("value", "places", "unit", "shown"),
    [
        # the report's own examples: 22.4%, 11, 41.2 per 10,000
        (Decimal("22.4"), 1, "percent", "22.4%"),
        (Decimal("253"), 0, "count", "253"),
        (Decimal("41.2"), 1, "rate", "41.2 per 10,000"),
        # 65 with 1 dp keeps its zero; 1200.5 gets a thousands separator
        (Decimal("65"), 1, "percent", "65.0%"),
        (Decimal("1200.5"), 1, "count", "1,200.5"),
        # 64.95 to 1 dp is 65.0 (half away from zero), -0.125 to 2 dp is -0.13
        (Decimal("64.95"), 1, "percent", "65.0%"),
        (Decimal("-0.125"), 2, "count", "-0.13"),
        (Decimal("3.05"), 2, "percent", "3.05%"),
    ],
)
def test_display_fixed_writes_a_value_as_the_report_does(value, places, unit, shown) -> None:
    con = duckdb.connect()
    con.execute((SQL_DIR / "macros" / "display_number.sql").read_text(encoding="utf-8"))
    sql = "select with_unit(display_fixed(?::decimal(18,6), ?), ?)"
    assert con.execute(sql, [value, places, unit]).fetchone()[0] == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("52.25"), "52.25%"),  # a percent tolerance's threshold: 55 - 5% of 55
        (Decimal("30.8025"), "30.8025%"),  # held exactly, not rounded
        (Decimal("15"), "15%"),  # trailing zeros of 15.000000 dropped
        (Decimal("1200"), "1,200%"),
        (Decimal("-2.5"), "-2.5%"),
        (Decimal("0"), "0%"),
    ],
)
def test_display_exact_writes_a_target_as_the_report_does(value, shown) -> None:
    con = duckdb.connect()
    con.execute((SQL_DIR / "macros" / "display_number.sql").read_text(encoding="utf-8"))
    sql = "select with_unit(display_exact(?::decimal(18,6)), 'percent')"
    assert con.execute(sql, [value]).fetchone()[0] == shown
