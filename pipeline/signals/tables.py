"""Read the published fact table from the warehouse, write the two signal marts back.

No Dagster here: `pipeline/defs/` calls `write_signal_marts` inside its asset.
Every loaded quarter is recomputed on every run, because a quarter's limits read
the twelve quarters before it and its outlook the ones since the year began, so
loading or correcting one quarter changes the verdicts of the quarters after it
(13 indicators x a few dozen quarters: milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline.signals.backtest import BACKTEST_COLUMNS, build_backtest
from pipeline.signals.build import SIGNAL_COLUMNS, IndicatorInfo, build_signals
from pipeline.signals.outlook import BASES
from pipeline.signals.own import Point

SIGNAL_TABLE = "mart_indicator_signal"
BACKTEST_TABLE = "mart_outlook_backtest"

_FACTS = """
select indicator_code, quarter_key, value, numerator, denominator, target
from fct_indicator_quarter
"""

# The target of Q4 of each financial year, as int_targets_applied resolves it (a row for
# Q4 wins over a blank QUARTER): the outlook needs it before Q4 is loaded.
_Q4_TARGETS = """
select indicator_code, financial_year, target
from stg_reference__targets
where (quarter_number = 4 or quarter_number is null) and target is not null
qualify row_number() over (
    partition by indicator_code, financial_year order by quarter_number nulls last
) = 1
"""

_OUTTURNS = """
select indicator_code, left(quarter_key, 7) as financial_year, value
from fct_indicator_quarter
where quarter_key like '%-Q4' and value is not null
"""

_DECIMAL = "decimal(18, 6)"
_SIGNAL_TYPES = {
    "quarter_key": "varchar",
    "indicator_code": "varchar",
    "spc_points": "integer",
    "spc_status": "varchar",
    "special_cause_rules": "varchar[]",
    "variation": "varchar",
    "assurance": "varchar",
    "change_short_term_significant": "boolean",
    "change_long_term_significant": "boolean",
    "small_numbers": "boolean",
    "outlook": "varchar",
}
_BACKTEST_TYPES = {
    "indicator_code": "varchar",
    "financial_years": "varchar",
    "projections_made": "integer",
    "outturns_in_range": "integer",
    "calibration": "varchar",
}


@dataclass(frozen=True)
class Written:
    signal_rows: int
    backtest_rows: int


def _float(value) -> float | None:
    return None if value is None else float(value)


def read_inputs(con: duckdb.DuckDBPyConnection):
    indicators = [
        IndicatorInfo(*row)
        for row in con.execute("select code, unit, polarity, basis from dim_indicator").fetchall()
    ]
    points: dict[str, list[Point]] = {}
    for code, key, value, numerator, denominator, target in con.execute(_FACTS).fetchall():
        points.setdefault(code, []).append(
            Point(key, _float(value), _float(numerator), _float(denominator), _float(target))
        )
    q4_targets = {
        (code, year): float(target) for code, year, target in con.execute(_Q4_TARGETS).fetchall()
    }
    return indicators, points, q4_targets


def _write(con, table: str, rows: list[dict], columns: tuple[str, ...], types: dict) -> int:
    frame = pd.DataFrame(rows, columns=list(columns)).astype(object)
    frame = frame.where(frame.notna(), None)
    if "special_cause_rules" in frame:
        # A Python list column would be inferred per batch; text survives, then is split.
        frame["special_cause_rules"] = [
            None if rules is None else ",".join(rules) for rules in frame["special_cause_rules"]
        ]
    selects = []
    for column in columns:
        kind = types.get(column, _DECIMAL)
        if kind == "varchar[]":
            expression = (
                f"case when {column} is null then null when {column} = '' then []::varchar[] "
                f"else string_split({column}, ',') end"
            )
        else:
            expression = f"cast({column} as {kind})"
        selects.append(f"{expression} as {column}")
    con.register("_signal_frame", frame)
    try:
        con.execute(
            f"create or replace table {table} as select {', '.join(selects)} from _signal_frame"
        )
    finally:
        con.unregister("_signal_frame")
    return len(frame)


def write_signal_marts(con: duckdb.DuckDBPyConnection) -> Written:
    """Replace mart_indicator_signal and mart_outlook_backtest from the warehouse's marts."""
    indicators, points, q4_targets = read_inputs(con)
    signals = build_signals(indicators, points, q4_targets)
    outturns = {
        (code, year): float(value) for code, year, value in con.execute(_OUTTURNS).fetchall()
    }
    # Every indicator the outlook applies to gets a row, projections or not yet.
    eligible = [
        info.code
        for info in indicators
        if info.basis in BASES
        and info.polarity in ("higher", "lower")
        and any(code == info.code for code, _ in q4_targets)
    ]
    backtest = build_backtest(signals, outturns, eligible)
    return Written(
        signal_rows=_write(con, SIGNAL_TABLE, signals, SIGNAL_COLUMNS, _SIGNAL_TYPES),
        backtest_rows=_write(con, BACKTEST_TABLE, backtest, BACKTEST_COLUMNS, _BACKTEST_TYPES),
    )
