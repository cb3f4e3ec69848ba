"""Load what the committee report needs from the published marts into plain dataclasses.

The marts (spec/marts.md) are the report's only input: `scorecard.duckdb`, opened
read-only, or — when the database is absent — the `<table>.parquet` copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipeline.core.periods import Quarter as QuarterKey
from pipeline.report.errors import (
    CommitteeNotFoundError,
    MartsNotFoundError,
    QuarterNotFoundError,
)
from pipeline.report.signals import TABLE as SIGNAL_TABLE
from pipeline.report.signals import Signal, load_signals

TREND_QUARTERS = 8
XMR_QUARTERS = 12  # spec/signals.md: the process-limit window
REPORT_TABLES = ("dim_indicator", "dim_quarter", "fct_indicator_quarter", "mart_rag_summary")


@dataclass(frozen=True)
class Quarter:
    key: str
    label: str
    long_label: str | None = None
    financial_year: str | None = None
    quarter_number: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    previous_quarter_key: str | None = None
    year_ago_quarter_key: str | None = None
    loaded: bool = True


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    committee: str
    objective: str | None
    service: str | None
    unit: str
    decimals: int
    polarity: str
    basis: str | None
    source: str | None


@dataclass(frozen=True)
class Fact:
    """One row of fct_indicator_quarter (the columns the report shows)."""

    quarter_key: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    target: Decimal | None = None
    tolerance_type: str | None = None
    tolerance: Decimal | None = None
    amber_threshold: Decimal | None = None
    rag_status: str | None = None
    previous_quarter_key: str | None = None
    previous_quarter_value: Decimal | None = None
    dot_short_term: str | None = None
    year_ago_quarter_key: str | None = None
    year_ago_value: Decimal | None = None
    dot_long_term: str | None = None
    london_average: Decimal | None = None
    london_average_period: str | None = None
    commentary: str | None = None
    corrective_action: str | None = None
    commentary_owner: str | None = None
    dq_flags: list[str] = field(default_factory=list)
    dq_notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Restatement:
    """A signed-off cell changed by a later run (mart_restatements)."""

    column_name: str
    signed_off_value: str | None
    new_value: str | None
    reason: str
    restated_at: datetime
    signed_off_at: datetime | None = None


@dataclass(frozen=True)
class TrendPoint:
    quarter: Quarter
    fact: Fact | None


@dataclass(frozen=True)
class IndicatorReport:
    indicator: Indicator
    fact: Fact  # an empty Fact when the indicator has no row for the quarter
    trend: list[TrendPoint]
    # mart_indicator_signal (None where the marts predate it): the quarter's row, and
    # the rows of the last twelve quarters for the XmR chart, oldest first.
    signal: Signal | None = None
    xmr: list[tuple[Quarter, Signal | None]] = field(default_factory=list)
    restatements: list[Restatement] = field(default_factory=list)


@dataclass(frozen=True)
class RagSummary:
    indicators_selected: int
    indicators_available: int
    indicators_with_rag: int
    green: int
    amber: int
    red: int
    green_pct: int | None
    amber_pct: int | None
    red_pct: int | None
    red_indicators: list[str]
    summary_text: str


@dataclass(frozen=True)
class CommitteeReport:
    committee: str
    quarter: Quarter
    previous_quarter: Quarter
    year_ago_quarter: Quarter
    summary: RagSummary
    indicators: list[IndicatorReport]
    objectives: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def red_indicators(self) -> list[Indicator]:
        by_code = {item.indicator.code: item.indicator for item in self.indicators}
        return [by_code[code] for code in self.summary.red_indicators if code in by_code]


def _parquet_source(marts_dir: Path, table: str) -> str | None:
    single = marts_dir / f"{table}.parquet"
    if single.is_file():
        return f"read_parquet('{single.as_posix()}')"
    for folder in (single, marts_dir / table):
        if folder.is_dir():
            pattern = (folder / "**" / "*.parquet").as_posix()
            return f"read_parquet('{pattern}', hive_partitioning = true)"
    return None


@contextmanager
def open_marts(marts_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection on which the mart tables can be queried by name."""
    database = marts_dir / "scorecard.duckdb"
    if database.is_file():
        con = duckdb.connect(str(database), read_only=True)
    else:
        sources = {table: _parquet_source(marts_dir, table) for table in REPORT_TABLES}
        missing = [table for table, source in sources.items() if source is None]
        if missing:
            raise MartsNotFoundError(
                f"No marts in {marts_dir}: scorecard.duckdb is missing and so are the "
                f"Parquet files of {', '.join(missing)}. Run the pipeline's publish step first."
            )
        con = duckdb.connect(":memory:")
        for table, source in sources.items():
            con.execute(f"create view {table} as select * from {source}")
        signals = _parquet_source(marts_dir, SIGNAL_TABLE)  # optional: added in 0.2.0
        if signals is not None:
            con.execute(f"create view {SIGNAL_TABLE} as select * from {signals}")
        restatements = _parquet_source(marts_dir, "mart_restatements")
        if restatements is not None:  # optional: marts published before 0.4.0 lack it
            con.execute(f"create view mart_restatements as select * from {restatements}")
    try:
        yield con
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [column[0].lower() for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _pick(cls: type, row: dict[str, Any]) -> Any:
    names = cls.__dataclass_fields__.keys()
    return cls(**{name: row[name] for name in names if name in row})


def load_quarters(con: duckdb.DuckDBPyConnection) -> dict[str, Quarter]:
    rows = _rows(con, "select * from dim_quarter order by start_date", [])
    return {row["quarter_key"]: _pick(Quarter, {**row, "key": row["quarter_key"]}) for row in rows}


def committees_for_quarter(con: duckdb.DuckDBPyConnection, quarter_key: str) -> list[str]:
    sql = "select committee from mart_rag_summary where quarter_key = ? order by committee"
    return [row["committee"] for row in _rows(con, sql, [quarter_key])]


def quarter_ref(quarters: dict[str, Quarter], key: str | None) -> Quarter:
    """The dim_quarter row of `key`, or a stand-in labelled from the key if not loaded."""
    if key is None:
        return Quarter(key="", label="not known", loaded=False)
    if key in quarters:
        return quarters[key]
    parsed = QuarterKey.try_parse(key)
    return Quarter(key=key, label=parsed.label if parsed else key, loaded=False)


def trend_quarters(
    quarters: dict[str, Quarter], quarter_key: str, count: int = TREND_QUARTERS
) -> list[Quarter]:
    """The `count` (eight) quarters up to and including `quarter_key`, oldest first."""
    chain: list[Quarter] = []
    key: str | None = quarter_key
    while key and len(chain) < count:
        current = quarter_ref(quarters, key)
        chain.append(current)
        parsed = QuarterKey.try_parse(key)
        key = current.previous_quarter_key or (parsed.previous().key if parsed else None)
    return list(reversed(chain))


def marts_provenance(
    con: duckdb.DuckDBPyConnection, quarter_key: str
) -> tuple[str | None, datetime | None]:
    """The run that published the quarter's figures, and when (fct_indicator_quarter)."""
    row = con.execute(
        "select max(run_id), max(loaded_at) from fct_indicator_quarter where quarter_key = ?",
        [quarter_key],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _load_summary(con: duckdb.DuckDBPyConnection, quarter_key: str, committee: str) -> RagSummary:
    sql = "select * from mart_rag_summary where quarter_key = ? and committee = ?"
    rows = _rows(con, sql, [quarter_key, committee])
    if not rows:
        known = committees_for_quarter(con, quarter_key)
        raise CommitteeNotFoundError(
            f"Committee {committee!r} has no row in mart_rag_summary for {quarter_key}; "
            f"committees reported that quarter: {', '.join(known) or 'none'}."
        )
    row = rows[0]
    row["red_indicators"] = list(row.get("red_indicators") or [])
    return _pick(RagSummary, row)


def _load_facts(
    con: duckdb.DuckDBPyConnection, keys: list[str], codes: list[str]
) -> dict[tuple[str, str], Fact]:
    if not keys or not codes:
        return {}
    sql = (
        "select * from fct_indicator_quarter "
        "where list_contains(?, quarter_key) and list_contains(?, indicator_code)"
    )
    return {
        (row["indicator_code"], row["quarter_key"]): _pick(
            Fact,
            {**row, "dq_flags": row.get("dq_flags") or [], "dq_notes": row.get("dq_notes") or []},
        )
        for row in _rows(con, sql, [keys, codes])
    }


def _load_restatements(
    con: duckdb.DuckDBPyConnection, quarter_key: str
) -> dict[str, list[Restatement]]:
    """The quarter's restatements by indicator (none from marts published before them)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where table_name = 'mart_restatements'"
        " union all select count(*) from duckdb_views() where view_name = 'mart_restatements'"
    ).fetchall()
    if not any(count for (count,) in exists):
        return {}
    sql = "select * from mart_restatements where quarter_key = ? order by restated_at"
    found: dict[str, list[Restatement]] = {}
    for row in _rows(con, sql, [quarter_key]):
        found.setdefault(row["indicator_code"], []).append(_pick(Restatement, row))
    return found


def load_committee_report(
    con: duckdb.DuckDBPyConnection, quarter_key: str, committee: str
) -> CommitteeReport:
    quarters = load_quarters(con)
    if quarter_key not in quarters:
        raise QuarterNotFoundError(
            f"Quarter {quarter_key!r} is not in dim_quarter of the marts; "
            f"quarters published: {', '.join(quarters) or 'none'}."
        )
    summary = _load_summary(con, quarter_key, committee)
    catalogue = [_pick(Indicator, row) for row in _rows(con, "select * from dim_indicator", [])]
    indicators = [item for item in catalogue if item.committee == committee]
    window = trend_quarters(quarters, quarter_key)
    facts = _load_facts(con, [q.key for q in window], [i.code for i in indicators])
    xmr_window = trend_quarters(quarters, quarter_key, XMR_QUARTERS)
    while xmr_window and not xmr_window[0].loaded:  # before the first loaded quarter
        xmr_window.pop(0)
    signals = load_signals(con, [q.key for q in xmr_window], [i.code for i in indicators])
    restated = _load_restatements(con, quarter_key)
    reports = [
        IndicatorReport(
            indicator=indicator,
            fact=facts.get((indicator.code, quarter_key), Fact(quarter_key=quarter_key)),
            trend=[TrendPoint(q, facts.get((indicator.code, q.key))) for q in window],
            signal=signals.get((indicator.code, quarter_key)),
            xmr=[(q, signals.get((indicator.code, q.key))) for q in xmr_window] if signals else [],
            restatements=restated.get(indicator.code, []),
        )
        for indicator in indicators
    ]
    ours = {i.objective for i in indicators}
    objectives = list(dict.fromkeys(i.objective for i in catalogue if i.objective))
    quarter = quarters[quarter_key]
    return CommitteeReport(
        committee=committee,
        quarter=quarter,
        previous_quarter=quarter_ref(quarters, quarter.previous_quarter_key),
        year_ago_quarter=quarter_ref(quarters, quarter.year_ago_quarter_key),
        summary=summary,
        indicators=reports,
        objectives=[(objective, objective in ours) for objective in objectives],
    )
