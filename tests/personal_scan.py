"""Looking for record-level personal data in typed values, not in their repr.

A DATE read from DuckDB is `datetime.date(2007, 11, 7)`: its repr contains neither
`07/11/2007` nor `2007-11-07`, so a scan of `str(row)` would pass a leaked date of
birth (issue 16). `forms` gives every way a value is written (a date as ISO and as
dd/mm/yyyy, a number as its digits, text as itself and its words), and `leaks` looks
for each needle among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

import duckdb

# A whole word, not the digits after a decimal point (SVG coordinates are full of them).
WORD = re.compile(r"(?<![\w.])[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)*")

# Columns made from the quarter key alone (dim_quarter's first and last day): a child
# born on 1 July 2021 is not leaked by the quarter that starts that day.
CALENDAR_COLUMNS = {("dim_quarter", "start_date"), ("dim_quarter", "end_date")}


def forms(value: object) -> set[str]:
    """Every text a reader could find `value` written as."""
    if value is None:
        return set()
    if isinstance(value, datetime):
        return {value.isoformat(), *forms(value.date())}
    if isinstance(value, date):
        return {value.isoformat(), value.strftime("%d/%m/%Y")}
    if isinstance(value, list | tuple | set):
        return set().union(*(forms(item) for item in value))
    if isinstance(value, dict):
        return forms(list(value.values()))
    text = str(value)
    return {text, *WORD.findall(text)}


def leaks(values: Iterable[object], needles: set[str]) -> list[str]:
    """The needles found among the forms of `values`, sorted."""
    seen: set[str] = set()
    for value in values:
        seen |= forms(value)
    spaced = [n for n in needles if " " in n]  # a postcode inside a longer text
    return sorted(
        {n for n in needles if n in seen} | {n for n in spaced if any(n in s for s in seen)}
    )


def table_values(con: duckdb.DuckDBPyConnection, table: str, source: str | None = None) -> list:
    """Every typed value of `table` (read from `source`, default the table itself)."""
    cursor = con.execute(f"select * from {source or table}")
    names = [column[0] for column in cursor.description]
    keep = [i for i, name in enumerate(names) if (table, name) not in CALENDAR_COLUMNS]
    return [row[i] for row in cursor.fetchall() for i in keep]
