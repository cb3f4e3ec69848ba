"""The record-level rows behind a computed figure, from the working warehouse only.

Each model of `sql/intermediate/indicators/` has a query of the same name in
`sql/records/` whose `numerator`/`denominator` (or `value`) columns add up to the
figure. The rows hold personal data, so they go to a CSV the officer names, in the
working folder; never to the marts, the report or a log.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from pipeline.core.errors import UserError
from pipeline.core.settings import SQL_DIR

RECORDS_DIR = SQL_DIR / "records"
SUMMED = ("numerator", "denominator", "value")


@dataclass(frozen=True)
class Records:
    path: Path
    rows: int
    sums: dict[str, Decimal]  # each summed column present: its total


def records_query(model: str) -> str:
    path = RECORDS_DIR / f"{model}.sql"
    if not path.is_file():
        raise UserError(f"There is no records query {path} for the model {model}.")
    return path.read_text(encoding="utf-8")


def write_records(warehouse: Path, model: str, quarter_key: str, target: Path) -> Records:
    """Run the model's records query for the quarter and write it as CSV to `target`."""
    sql = records_query(model)
    if not warehouse.is_file():
        raise UserError(
            f"There is no working warehouse at {warehouse}: records are read from it. "
            "Give --warehouse, or run the quarter first."
        )
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as error:
        raise UserError(
            f"The working warehouse {warehouse} is in use by a run; try again when it ends."
        ) from error
    try:
        cursor = con.execute(sql, {"quarter_key": quarter_key})
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows(rows)
    sums = {
        name: sum((Decimal(row[i]) for row in rows if row[i] is not None), Decimal(0))
        for i, name in enumerate(names)
        if name in SUMMED
    }
    return Records(target, len(rows), sums)
