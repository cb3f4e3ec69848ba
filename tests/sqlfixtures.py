"""Builders for small hand-made warehouses: the raw tables of docs/architecture.md.

Tests create an in-memory DuckDB with every raw table, add the rows a case needs
(the column names are the spec's own; any column not given is NULL) and run the SQL
models with `pipeline.models.runner.run_models`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from pipeline.core.calendar import date_dimension
from pipeline.core.periods import Quarter
from pipeline.models.runner import run_models

D = "DECIMAL(18,6)"
QUARTER_COLUMNS = [("quarter_key", "VARCHAR"), ("row_number", "INTEGER")]

# docs/architecture.md "Raw tables" and "Written by Python, not from an extract".
RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    "raw_indicators": [
        ("CODE", "VARCHAR"),
        ("TITLE", "VARCHAR"),
        ("COMMITTEE", "VARCHAR"),
        ("OBJECTIVE", "VARCHAR"),
        ("SERVICE", "VARCHAR"),
        ("UNIT", "VARCHAR"),
        ("DECIMALS", "INTEGER"),
        ("POLARITY", "VARCHAR"),
        ("BASIS", "VARCHAR"),
        ("SOURCE", "VARCHAR"),
    ],
    "raw_targets": [
        ("INDICATOR_CODE", "VARCHAR"),
        ("FINANCIAL_YEAR", "VARCHAR"),
        ("QUARTER", "INTEGER"),
        ("TARGET", D),
        ("TOLERANCE_TYPE", "VARCHAR"),
        ("TOLERANCE", D),
    ],
    "raw_benchmarks": [
        ("INDICATOR_CODE", "VARCHAR"),
        ("AREA", "VARCHAR"),
        ("PERIOD_LABEL", "VARCHAR"),
        ("PERIOD_END", "DATE"),
        ("VALUE", D),
        ("SOURCE", "VARCHAR"),
    ],
    "raw_population": [
        ("AREA_CODE", "VARCHAR"),
        ("MID_YEAR", "INTEGER"),
        ("AGE_BAND", "VARCHAR"),
        ("POPULATION", "BIGINT"),
    ],
    "raw_header": QUARTER_COLUMNS
    + [
        ("CHILD", "VARCHAR"),
        ("SEX", "INTEGER"),
        ("DOB", "DATE"),
        ("ETHNIC", "VARCHAR"),
        ("UPN", "VARCHAR"),
        ("MOTHER", "INTEGER"),
        ("MC_DOB", "DATE"),
    ],
    "raw_episodes": QUARTER_COLUMNS
    + [
        ("CHILD", "VARCHAR"),
        ("DECOM", "DATE"),
        ("RNE", "VARCHAR"),
        ("LS", "VARCHAR"),
        ("CIN", "VARCHAR"),
        ("PLACE", "VARCHAR"),
        ("PLACE_PROVIDER", "VARCHAR"),
        ("DEC", "DATE"),
        ("REC", "VARCHAR"),
        ("REASON_PLACE_CHANGE", "VARCHAR"),
        ("URN", "VARCHAR"),
    ],
    "raw_social_worker": QUARTER_COLUMNS
    + [
        ("CHILD", "VARCHAR"),
        ("SW_ID", "VARCHAR"),
        ("SW_DECOM", "DATE"),
        ("SW_DEC", "DATE"),
        ("SW_REASON", "VARCHAR"),
    ],
    "raw_s47_enquiries": QUARTER_COLUMNS
    + [
        ("LAchildID", "VARCHAR"),
        ("S47ActualStartDate", "DATE"),
        ("InitialCPCtarget", "DATE"),
        ("DateOfInitialCPC", "DATE"),
        ("ICPCnotRequired", "BOOLEAN"),
    ],
    "raw_cp_plans": QUARTER_COLUMNS
    + [
        ("LAchildID", "VARCHAR"),
        ("CPPstartDate", "DATE"),
        ("CPPendDate", "DATE"),
        ("InitialCategoryOfAbuse", "VARCHAR"),
    ],
    "raw_foster_approvals": QUARTER_COLUMNS
    + [("HOUSEHOLD_ID", "VARCHAR"), ("APPROVAL_DATE", "DATE"), ("CARER_TYPE", "VARCHAR")],
    "raw_schools": QUARTER_COLUMNS
    + [
        ("URN", "VARCHAR"),
        ("SCHOOL_NAME", "VARCHAR"),
        ("PHASE", "VARCHAR"),
        ("OVERALL_EFFECTIVENESS", "INTEGER"),
        ("INSPECTION_DATE", "DATE"),
        ("PUPILS", "BIGINT"),
    ],
    "raw_manual_returns": QUARTER_COLUMNS
    + [
        ("INDICATOR_CODE", "VARCHAR"),
        ("NUMERATOR", D),
        ("DENOMINATOR", D),
        ("VALUE", D),
        ("NOTE", "VARCHAR"),
    ],
    "raw_commentary": QUARTER_COLUMNS
    + [
        ("INDICATOR_CODE", "VARCHAR"),
        ("COMMENTARY", "VARCHAR"),
        ("CORRECTIVE_ACTION", "VARCHAR"),
        ("OWNER", "VARCHAR"),
        ("VALUE_SEEN", "DECIMAL(18,6)"),
    ],
    "raw_quarters": [
        ("quarter_key", "VARCHAR"),
        ("financial_year", "VARCHAR"),
        ("quarter_number", "INTEGER"),
        ("label", "VARCHAR"),
        ("long_label", "VARCHAR"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
        ("previous_quarter_key", "VARCHAR"),
        ("year_ago_quarter_key", "VARCHAR"),
    ],
    "raw_dates": [
        ("date_day", "DATE"),
        ("is_weekend", "BOOLEAN"),
        ("is_bank_holiday", "BOOLEAN"),
        ("bank_holiday_name", "VARCHAR"),
    ],
    "audit_rejects": [
        ("quarter_key", "VARCHAR"),
        ("extract", "VARCHAR"),
        ("row_number", "INTEGER"),
        ("column_name", "VARCHAR"),
        ("value", "VARCHAR"),
        ("rule", "VARCHAR"),
        ("severity", "VARCHAR"),
        ("is_personal", "BOOLEAN"),
        ("run_id", "VARCHAR"),
    ],
}

MART_TABLES = (
    "dim_indicator",
    "dim_quarter",
    "fct_indicator_quarter",
    "mart_rag_summary",
    "audit_rejected_rows",
)

COMMITTEE = "Children and Learning"
COMMUNITIES = "Communities making Havering"
OPPORTUNITIES = "Opportunities making Havering"

# spec/indicators.md: the thirteen indicators (code, title, unit, dp, polarity, basis).
CATALOGUE = [
    ("CSC-CIC", "Number of children in care", "count", 0, "none", "snapshot"),
    ("CSC-CICR", "Children in care per 10,000 children aged 0-17", "rate", 1, "none", "snapshot"),
    (
        "CSC-PERM",
        "% of children who ceased to be looked after through adoption or a special "
        "guardianship order",
        "percent",
        1,
        "higher",
        "ytd",
    ),
    (
        "CSC-SW2",
        "% of children in care with 2 or more changes of social worker in the last 12 months",
        "percent",
        1,
        "lower",
        "rolling12",
    ),
    (
        "CSC-LTPS",
        "% of children under 16 looked after for 2.5 years or more who have been in "
        "the same placement for 2 years",
        "percent",
        1,
        "higher",
        "snapshot",
    ),
    ("CSC-FCR", "Number of new foster carer households approved", "count", 0, "higher", "ytd"),
    (
        "CSC-ICPC",
        "% of initial child protection conferences held within 15 working days of "
        "the section 47 enquiry starting",
        "percent",
        1,
        "higher",
        "ytd",
    ),
    (
        "CSC-CPP",
        "Number of children subject to a child protection plan",
        "count",
        0,
        "none",
        "snapshot",
    ),
    (
        "EDU-GOP",
        "% of primary pupils attending a school judged Good or Outstanding",
        "percent",
        1,
        "higher",
        "snapshot",
    ),
    (
        "EDU-GOS",
        "% of secondary pupils attending a school judged Good or Outstanding",
        "percent",
        1,
        "higher",
        "snapshot",
    ),
    (
        "EDU-NEET",
        "% of 16-17 year olds not in education, employment or training, or whose "
        "activity is not known",
        "percent",
        1,
        "lower",
        "snapshot",
    ),
    (
        "EDU-PEX",
        "Permanent exclusions as a % of the school population",
        "percent",
        2,
        "lower",
        "annual",
    ),
    ("EDU-SUS", "Suspensions as a % of the school population", "percent", 2, "lower", "annual"),
]
MANUAL_CODES = {"EDU-NEET", "EDU-PEX", "EDU-SUS"}
RUN_ID = "test-run"
LOADED_AT = datetime(2021, 11, 1, 9, 30, tzinfo=UTC)


def d(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in RAW_TABLES.items():
        column_sql = ", ".join(f'"{name}" {kind}' for name, kind in columns)
        con.execute(f"create or replace table {table} ({column_sql})")


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {column: value}; columns left out are NULL.

    Quarter tables get `row_number` = line number in the file (header = line 1).
    """
    if not rows:
        return
    names = [name for name, _ in RAW_TABLES[table]]
    lower = {name.lower(): name for name in names}
    for line, row in enumerate(rows, start=2):
        values = {lower[key.lower()]: value for key, value in row.items()}
        if "row_number" in names:
            values.setdefault("row_number", line)
        cols = list(values)
        column_list = ", ".join(f'"{c}"' for c in cols)
        con.execute(
            f"insert into {table} ({column_list}) values ({', '.join('?' for _ in cols)})",
            [values[c] for c in cols],
        )


def add_quarters(con: duckdb.DuckDBPyConnection, *keys: str) -> None:
    """raw_quarters as the pipeline writes it (pipeline/core/periods.py; its rows are
    checked against hand-written ones in tests/test_calendar.py)."""
    insert(con, "raw_quarters", [Quarter.parse(k).as_row() for k in keys])


def load_dates(con: duckdb.DuckDBPyConnection, first: int = 2014, last: int = 2026) -> None:
    """raw_dates for whole years from the production date dimension (England bank
    holidays; checked against a calendar in tests/test_calendar.py), so every working-day
    test here exercises the real calendar, not one of its own."""
    con.register("fixture_dates", date_dimension(date(first, 1, 1), date(last, 12, 31)))
    con.execute(
        "insert into raw_dates select date_day::date, is_weekend, is_bank_holiday, "
        "bank_holiday_name from fixture_dates"
    )
    con.unregister("fixture_dates")


def catalogue_rows(
    entries: list[tuple[str, str, str, int, str, str]] | None = None,
    committee: str = COMMITTEE,
    manual: set[str] | None = None,
) -> list[dict[str, Any]]:
    manual = MANUAL_CODES if manual is None else manual
    return [
        {
            "CODE": code,
            "TITLE": title,
            "COMMITTEE": committee,
            "OBJECTIVE": OPPORTUNITIES if code.startswith("EDU-") else COMMUNITIES,
            "SERVICE": "Education" if code.startswith("EDU-") else "Children's Social Care",
            "UNIT": unit,
            "DECIMALS": dp,
            "POLARITY": polarity,
            "BASIS": basis,
            "SOURCE": "manual" if code in manual else "computed",
        }
        for code, title, unit, dp, polarity, basis in (entries or CATALOGUE)
    ]


def manual_indicator(
    code: str,
    polarity: str = "higher",
    decimals: int = 1,
    committee: str = COMMITTEE,
    title: str | None = None,
    unit: str = "percent",
) -> dict[str, Any]:
    """A catalogue row for a manual-return indicator (spec: added by a row, no code)."""
    return {
        "CODE": code,
        "TITLE": title or f"Indicator {code}",
        "COMMITTEE": committee,
        "OBJECTIVE": COMMUNITIES,
        "SERVICE": "Test service",
        "UNIT": unit,
        "DECIMALS": decimals,
        "POLARITY": polarity,
        "BASIS": "snapshot",
        "SOURCE": "manual",
    }


def new_warehouse(
    *quarter_keys: str, catalogue: list[dict[str, Any]] | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with all raw tables, the date dimension and the quarters."""
    con = duckdb.connect()
    create_raw_tables(con)
    load_dates(con)
    add_quarters(con, *quarter_keys)
    insert(con, "raw_indicators", catalogue_rows() if catalogue is None else catalogue)
    return con


def run(con: duckdb.DuckDBPyConnection, *quarter_keys: str) -> dict[str, int]:
    return run_models(con, list(quarter_keys), RUN_ID, LOADED_AT)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def fact(con: duckdb.DuckDBPyConnection, quarter_key: str, code: str) -> dict[str, Any]:
    (row,) = rows(
        con,
        "select * from fct_indicator_quarter where quarter_key = ? and indicator_code = ?",
        [quarter_key, code],
    )
    return row


def value(con: duckdb.DuckDBPyConnection, quarter_key: str, code: str) -> Decimal | None:
    return fact(con, quarter_key, code)["value"]


def summary(con: duckdb.DuckDBPyConnection, quarter_key: str, committee: str = COMMITTEE) -> dict:
    (row,) = rows(
        con,
        "select * from mart_rag_summary where quarter_key = ? and committee = ?",
        [quarter_key, committee],
    )
    return row
