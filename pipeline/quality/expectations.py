"""Great Expectations on the marts: a blocking check after each build, and Data Docs.

Three frames are read from the warehouse for the run's quarters and validated, each by
its own suite: the fact table, the RAG summary, and a reconciliation of the summary
with the fact table. Rules that span columns or tables (spec/rules.md) are computed in
SQL as derived columns (`rag_consistent`, `mismatch`, ...) so each expectation only has
to expect them true or false, and the arithmetic stays exact DECIMAL in DuckDB.

The suites are written once, below, as Great Expectations expectations (class name,
arguments, meaning). They are used twice:

- `check_marts` evaluates them on DuckDB's result directly, with GX's semantics (nulls
  ignored except by the not-null expectations, a pair of blanks ignored, pandas' dtype
  names for DuckDB's types) and GX's failure sentences. It imports no GX and takes
  milliseconds, so the blocking check that guards publishing costs nothing;
- `validate_marts` runs them through GX itself on the same frames and writes the Data
  Docs site. `great_expectations` takes seconds to import, so the asset check hands
  this to a background process (`request_data_docs`, `python -m
  pipeline.quality.data_docs`) off the run's critical path: the site appears seconds
  after the check, for failed runs as well. tests/test_expectations.py asserts that both
  give the same verdict and the same sentences for every break it knows.

GX runs in an ephemeral context: suites, results and checkpoints live in memory, so no
GX project files exist anywhere, and nothing can go stale between runs. Its only
output is a filesystem Data Docs site, built in a temporary folder beside
`data_docs_dir` and then swapped in, so a reader never sees half a site. The site shows
the latest validation; the history is the asset check's history in Dagster. The site
works offline: the CSS, scripts and fonts its pages load are bundled into it
(`offline_docs.py`), and anything still loaded from outside is reported.
"""

import dataclasses
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipeline.core.contract import load_contract
from pipeline.quality.offline_docs import external_resources, make_offline

SITE_NAME = "marts"
RAG_STATUSES = ["Green", "Amber", "Red"]
DOT_VALUES = ["better", "worse", "same", "up", "down"]
TOLERANCE_TYPES = ["points", "percent", "level"]
# DuckDB hands DECIMAL(18,6) to pandas as float64 and INTEGER as int32 (Int32 with nulls):
# the type expectations catch a measure or count published as text.
NUMBER_TYPES = ["float64", "Float64"]
COUNT_TYPES = ["int32", "Int32", "int64", "Int64"]
FLAG_TYPES = ["bool", "boolean"]

# The fact rows of the run's quarters, with the rules of spec/rules.md recomputed beside
# them from the stored value, target and amber threshold ("so a reader can check the
# status by hand"). No RAG without a target and a value, nor for polarity none; a
# non-Green status needs the threshold it was judged against.
_FACT_FRAME = """
with facts as (
    select * from fct_indicator_quarter where quarter_key in (select unnest($keys))
),
judged as (
    select
        facts.*,
        case
            when facts.target is null or facts.value is null
                or i.polarity is null or i.polarity not in ('higher', 'lower') then null
            when (i.polarity = 'higher' and facts.value >= facts.target)
                or (i.polarity = 'lower' and facts.value <= facts.target) then 'Green'
            when facts.amber_threshold is null then null
            when (i.polarity = 'higher' and facts.value >= facts.amber_threshold)
                or (i.polarity = 'lower' and facts.value <= facts.amber_threshold) then 'Amber'
            else 'Red'
        end as expected_rag_status,
    from facts
    left join dim_indicator as i on i.code = facts.indicator_code
)
select
    *,
    value is not null as has_value,
    rag_status is not distinct from expected_rag_status as rag_consistent,
from judged
order by quarter_key, indicator_code
"""

_SUMMARY_FRAME = """
select
    *,
    green + amber + red as rag_total,
    len(red_indicators) as red_listed,
    -- A summary with no RAG status (targets not yet set for the year) has blank
    -- percentages: their SQL type is checked here, because GX's type check fails on
    -- pandas' nullable integers ("observed 'int32'") whenever a value is blank.
    concat_ws(',', typeof(green_pct), typeof(amber_pct), typeof(red_pct)) as pct_types,
    case when indicators_with_rag = 0
        then green_pct is null and amber_pct is null and red_pct is null
        else green_pct is not null and amber_pct is not null and red_pct is not null
    end as pcts_blank_only_without_rag,
from mart_rag_summary
where quarter_key in (select unnest($keys))
order by quarter_key, committee
"""

# spec/rules.md "The summary": selected = the committee's catalogue indicators; the other
# counts from the fact table; percentages of "with RAG" rounded half up, none when 0.
_RECONCILIATION_FRAME = """
with summary as (
    select * from mart_rag_summary where quarter_key in (select unnest($keys))
),
catalogue as (
    select committee, count(*) as indicators_selected from dim_indicator group by committee
),
fact_counts as (
    select
        f.quarter_key,
        i.committee,
        count(*) filter (where f.value is not null) as indicators_available,
        count(f.rag_status) as indicators_with_rag,
        count(*) filter (where f.rag_status = 'Green') as green,
        count(*) filter (where f.rag_status = 'Amber') as amber,
        count(*) filter (where f.rag_status = 'Red') as red,
    from fct_indicator_quarter as f
    join dim_indicator as i on i.code = f.indicator_code
    where f.quarter_key in (select unnest($keys))
    group by all
),
recount as (
    select
        fact_counts.*,
        catalogue.indicators_selected,
        {pct_columns},
    from fact_counts
    join catalogue using (committee)
),
compared as (
    select
        coalesce(s.quarter_key, r.quarter_key) as quarter_key,
        coalesce(s.committee, r.committee) as committee,
        s.quarter_key is not null as in_summary,
        r.quarter_key is not null as in_fact_table,
        concat_ws(', ', {differences}) as mismatched,
    from summary as s
    full join recount as r on s.quarter_key = r.quarter_key and s.committee = r.committee
)
select *, not (in_summary and in_fact_table and mismatched = '') as mismatch,
from compared
order by quarter_key, committee
"""
_COUNTS = [
    "indicators_selected",
    "indicators_available",
    "indicators_with_rag",
    "green",
    "amber",
    "red",
]
_PCTS = ["green_pct", "amber_pct", "red_pct"]


def _reconciliation_sql() -> str:
    # Whole-number percentage rounded half up, in integers: (200·n + d) // (2·d).
    pct_columns = ",\n        ".join(
        f"case when indicators_with_rag > 0 then (200 * {c} + indicators_with_rag)"
        f" // (2 * indicators_with_rag) end as {c}_pct"
        for c in ("green", "amber", "red")
    )
    differences = ", ".join(
        f"case when s.{c} is distinct from r.{c} then '{c}' end" for c in _COUNTS + _PCTS
    )
    return _RECONCILIATION_FRAME.format(pct_columns=pct_columns, differences=differences)


# The published columns are the contract's (sql/marts/contract.yml), the one list of them.
FACT_COLUMNS = [c.name for c in load_contract().tables["fct_indicator_quarter"].columns]
FACT_MEASURES = [
    "numerator", "denominator", "value", "target", "tolerance", "amber_threshold",
    "previous_quarter_value", "year_ago_value", "london_average",
]  # fmt: skip
SUMMARY_COLUMNS = [c.name for c in load_contract().tables["mart_rag_summary"].columns]
# The report's RAG labels (pipeline/report/formatting.py rag_badge), published as rag_label.
RAG_LABELS = [
    "Green – on track", "Amber – within tolerance", "Red – off track",
    "No RAG status – not available", "No RAG status – no target",
]  # fmt: skip

# An expectation as data: (GX class name, its arguments, what it means to a reader).
Spec = tuple[str, dict[str, Any], str]


def _fact_suite() -> list[Spec]:
    return [
        ("ExpectTableColumnsToMatchSet",
         {"column_set": [*FACT_COLUMNS, "expected_rag_status", "has_value", "rag_consistent"],
          "exact_match": True},
         "The fact table has exactly the published columns (docs/marts.md)."),
        ("ExpectTableRowCountToBeBetween", {"min_value": 1},
         "The fact table has rows for the quarters checked."),
        ("ExpectCompoundColumnsToBeUnique", {"column_list": ["quarter_key", "indicator_code"]},
         "One row per quarter and indicator."),
        ("ExpectColumnValuesToNotBeNull", {"column": "quarter_key"}, "Every row has a quarter."),
        ("ExpectColumnValuesToNotBeNull", {"column": "indicator_code"},
         "Every row has an indicator code."),
        *[("ExpectColumnValuesToBeInTypeList", {"column": c, "type_list": NUMBER_TYPES},
           f"{c} is a number.") for c in FACT_MEASURES],
        ("ExpectColumnValuesToBeInTypeList", {"column": "source_rows", "type_list": COUNT_TYPES},
         "source_rows is a whole number."),
        ("ExpectColumnValuesToBeBetween", {"column": "source_rows", "min_value": 0},
         "source_rows is not negative."),
        ("ExpectColumnValuesToBeInTypeList", {"column": "is_available", "type_list": FLAG_TYPES},
         "is_available is true or false."),
        ("ExpectColumnValuesToNotBeNull", {"column": "is_available"},
         "is_available is never blank."),
        ("ExpectColumnPairValuesToBeEqual", {"column_A": "is_available", "column_B": "has_value"},
         "is_available is true exactly when there is a value."),
        ("ExpectColumnValuesToBeInSet", {"column": "rag_status", "value_set": RAG_STATUSES},
         "rag_status is Green, Amber, Red or blank."),
        ("ExpectColumnValuesToNotBeNull", {"column": "rag_label"}, "rag_label is never blank."),
        ("ExpectColumnValuesToBeInSet", {"column": "rag_label", "value_set": RAG_LABELS},
         "rag_label is one of the report's five RAG labels."),
        ("ExpectColumnValuesToNotBeNull", {"column": "value_display"},
         "value_display is never blank (Not available when there is no value)."),
        ("ExpectColumnValuesToBeInSet", {"column": "tolerance_type", "value_set": TOLERANCE_TYPES},
         "tolerance_type is points, percent, level or blank."),
        ("ExpectColumnValuesToBeInSet", {"column": "dot_short_term", "value_set": DOT_VALUES},
         "Short-term direction of travel is better/worse/same/up/down or blank."),
        ("ExpectColumnValuesToBeInSet", {"column": "dot_long_term", "value_set": DOT_VALUES},
         "Long-term direction of travel is better/worse/same/up/down or blank."),
        ("ExpectColumnValuesToBeInSet", {"column": "rag_consistent", "value_set": [True]},
         "RAG status follows value, target and amber threshold by polarity (spec/rules.md)."),
    ]  # fmt: skip


def _summary_suite() -> list[Spec]:
    return [
        ("ExpectTableColumnsToMatchSet",
         {"column_set": [*SUMMARY_COLUMNS, "rag_total", "red_listed", "pct_types",
                         "pcts_blank_only_without_rag"], "exact_match": True},
         "The summary has exactly the published columns (docs/marts.md)."),
        ("ExpectTableRowCountToBeBetween", {"min_value": 1},
         "The summary has rows for the quarters checked."),
        ("ExpectCompoundColumnsToBeUnique", {"column_list": ["quarter_key", "committee"]},
         "One row per quarter and committee."),
        ("ExpectColumnValuesToNotBeNull", {"column": "quarter_key"}, "Every row has a quarter."),
        ("ExpectColumnValuesToNotBeNull", {"column": "committee"}, "Every row has a committee."),
        *[("ExpectColumnValuesToBeInTypeList", {"column": c, "type_list": COUNT_TYPES},
           f"{c} is a whole number.") for c in _COUNTS],
        ("ExpectColumnValuesToBeInSet",
         {"column": "pct_types", "value_set": ["INTEGER,INTEGER,INTEGER"]},
         "green_pct, amber_pct and red_pct are whole numbers (INTEGER)."),
        ("ExpectColumnValuesToBeInSet",
         {"column": "pcts_blank_only_without_rag", "value_set": [True]},
         "The percentages are blank exactly when no indicator has a RAG status."),
        *[("ExpectColumnValuesToNotBeNull", {"column": c}, f"{c} is never blank.")
          for c in _COUNTS],
        *[("ExpectColumnValuesToBeBetween", {"column": c, "min_value": 0},
           f"{c} is not negative.") for c in _COUNTS],
        *[("ExpectColumnValuesToBeBetween", {"column": c, "min_value": 0, "max_value": 100},
           f"{c} is a percentage between 0 and 100.") for c in _PCTS],
        ("ExpectColumnPairValuesToBeEqual",
         {"column_A": "rag_total", "column_B": "indicators_with_rag"},
         "Green + Amber + Red = indicators with a RAG status."),
        ("ExpectColumnPairValuesAToBeGreaterThanB",
         {"column_A": "indicators_available", "column_B": "indicators_with_rag",
          "or_equal": True},
         "Indicators with a RAG status are no more than those available."),
        ("ExpectColumnPairValuesAToBeGreaterThanB",
         {"column_A": "indicators_selected", "column_B": "indicators_available",
          "or_equal": True},
         "Indicators available are no more than those selected."),
        ("ExpectColumnPairValuesToBeEqual", {"column_A": "red_listed", "column_B": "red"},
         "Every Red indicator is named in red_indicators, and no other."),
    ]  # fmt: skip


def _reconciliation_suite() -> list[Spec]:
    return [
        (
            "ExpectColumnValuesToBeInSet",
            {"column": "mismatch", "value_set": [False]},
            "The summary's counts and percentages equal those recomputed from the fact table "
            "and dim_indicator, for every quarter and committee in either.",
        ),
    ]


@dataclass(frozen=True)
class _Batch:
    name: str
    sql: str
    suite: list[Spec]
    keys: list[str]  # name a failing row in a failure message
    # a derived flag -> the columns that explain it, shown instead of the flag
    explained_by: dict[str, list[str]] = field(default_factory=dict)

    @property
    def index_columns(self) -> list[str]:
        return self.keys + [c for cs in self.explained_by.values() for c in cs]


BATCHES = [
    _Batch(
        "fct_indicator_quarter",
        _FACT_FRAME,
        _fact_suite(),
        ["quarter_key", "indicator_code"],
        {"rag_consistent": ["rag_status", "expected_rag_status"]},
    ),
    _Batch("mart_rag_summary", _SUMMARY_FRAME, _summary_suite(), ["quarter_key", "committee"]),
    _Batch(
        "mart_rag_summary_reconciliation",
        _reconciliation_sql(),
        _reconciliation_suite(),
        ["quarter_key", "committee"],
        {"mismatch": ["in_summary", "in_fact_table", "mismatched"]},
    ),
]


@dataclass(frozen=True)
class MartsValidation:
    """The outcome of `validate_marts`: failures read as sentences, and where the docs are."""

    success: bool
    statistics: dict[str, int | float]
    failures: list[str] = field(default_factory=list)
    data_docs_index: Path | None = None
    # What the Data Docs would still load from outside the site (none: they work offline).
    data_docs_external: list[str] = field(default_factory=list)


# The background builder's process id, written into its request folder.
BUILDER_PID = "builder.pid"
# How long a request folder without a builder is taken to be still being written.
REQUEST_GRACE_SECONDS = 600


def validate_marts(
    con: duckdb.DuckDBPyConnection, quarter_keys: list[str], data_docs_dir: Path
) -> MartsValidation:
    """Validate the marts of `quarter_keys` on `con`; write Data Docs to `data_docs_dir`."""
    keys = {"keys": list(quarter_keys)}
    frames = {batch.name: con.execute(batch.sql, keys).df() for batch in BATCHES}
    data_docs_dir = Path(data_docs_dir).resolve()  # GX wants an absolute site path
    data_docs_dir.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(data_docs_dir)
    building = data_docs_dir.with_name(
        f".{data_docs_dir.name}-building-{os.getpid()}-{uuid.uuid4().hex}"
    )
    try:
        results = _run_suites(frames, building)
        make_offline(building)
        external = external_resources(building)
        _swap_in(building, data_docs_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return dataclasses.replace(
        _summarise(results, data_docs_dir / "index.html"), data_docs_external=external
    )


def check_marts(con: duckdb.DuckDBPyConnection, quarter_keys: list[str]) -> MartsValidation:
    """The suites' verdict on the marts of `quarter_keys`, evaluated without GX (milliseconds).

    Each expectation is evaluated on DuckDB's result for its batch with Great
    Expectations' semantics and described in GX's words (`_describe`), so the check
    says what `validate_marts` and the Data Docs say. The marts are aggregates (one
    row per quarter and indicator or committee), so the frames are small at any scale.
    """
    results = []
    for batch in BATCHES:
        frame = _Frame.read(con, batch.sql, list(quarter_keys))
        for kind, kwargs, meaning in batch.suite:
            config = _Config(_snake(kind), kwargs, meaning)
            try:
                success, result = _EVALUATORS[kind](frame, batch, **kwargs)
                results.append((batch.name, _Outcome(config, success, result)))
            except KeyError as missing:
                error = {"raised_exception": True, "exception_message": f"no column {missing}"}
                results.append((batch.name, _Outcome(config, False, {}, error)))
    return _statistics(
        [
            f"{name}: {_describe(outcome, batch_of(name))}"
            for name, outcome in results
            if not outcome.success
        ],
        len(results),
        None,
    )


def batch_of(name: str) -> _Batch:
    return next(batch for batch in BATCHES if batch.name == name)


def _snake(kind: str) -> str:
    """GX's name of an expectation class: ExpectColumnPairValuesAToBeGreaterThanB ->
    expect_column_pair_values_a_to_be_greater_than_b."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


@dataclass(frozen=True)
class _Config:
    type: str
    kwargs: dict[str, Any]
    description: str


@dataclass(frozen=True)
class _Outcome:
    """What `_describe` reads of a GX validation result, for an expectation evaluated here."""

    expectation_config: _Config
    success: bool
    result: dict[str, Any]
    exception_info: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Frame:
    """A batch as DuckDB returns it: column names, DuckDB types and rows, in the batch's order."""

    columns: list[str]
    types: list[str]
    rows: list[tuple]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, sql: str, keys: list[str]) -> "_Frame":
        cursor = con.execute(sql, {"keys": keys})
        rows = cursor.fetchall()
        return cls(
            [d[0] for d in cursor.description], [str(d[1]) for d in cursor.description], rows
        )

    def values(self, column: str) -> list[Any]:
        i = self.columns.index(column) if column in self.columns else None
        if i is None:
            raise KeyError(column)
        return [row[i] for row in self.rows]

    def row(self, i: int) -> dict[str, Any]:
        """A row as GX lists an unexpected one: values as they are in DuckDB's pandas frame."""
        return {
            c: _as_in_pandas(v, t)
            for c, t, v in zip(self.columns, self.types, self.rows[i], strict=True)
        }

    def pandas_dtype(self, column: str) -> str:
        """The dtype name of the column in DuckDB's pandas frame (`.df()`), which GX checks."""
        duckdb_type = self.types[self.columns.index(column)] if column in self.columns else None
        if duckdb_type is None:
            raise KeyError(column)
        nullable = any(v is None for v in self.values(column))
        integers = {"TINYINT": 8, "SMALLINT": 16, "INTEGER": 32, "BIGINT": 64}
        if duckdb_type.startswith("DECIMAL") or duckdb_type == "DOUBLE":
            return "float64"
        if duckdb_type in integers:
            return f"{'I' if nullable else 'i'}nt{integers[duckdb_type]}"
        if duckdb_type == "BOOLEAN":
            return "boolean" if nullable else "bool"
        return "object" if duckdb_type == "VARCHAR" else duckdb_type.lower()


def _as_in_pandas(value: Any, duckdb_type: str) -> Any:
    """DECIMAL as float64; a blank number or flag as pandas shows it (NaN, <NA>)."""
    number = duckdb_type.startswith("DECIMAL") or duckdb_type == "DOUBLE"
    if value is None and number:
        return float("nan")
    if value is None and (duckdb_type.endswith("INT") or duckdb_type in ("INTEGER", "BOOLEAN")):
        return "<NA>"
    return float(value) if isinstance(value, Decimal) else value


# Up to how many unexpected rows GX's SUMMARY result format lists.
_PARTIAL_LIMIT = 20


def _map_result(frame: _Frame, unexpected: list[int]) -> tuple[bool, dict[str, Any]]:
    return not unexpected, {
        "element_count": len(frame.rows),
        "unexpected_count": len(unexpected),
        "partial_unexpected_index_list": [frame.row(i) for i in unexpected[:_PARTIAL_LIMIT]],
    }


def _not_null(frame: _Frame, batch: _Batch, column: str) -> tuple[bool, dict]:
    return _map_result(frame, [i for i, v in enumerate(frame.values(column)) if v is None])


def _in_set(frame: _Frame, batch: _Batch, column: str, value_set: list) -> tuple[bool, dict]:
    values = frame.values(column)
    return _map_result(
        frame, [i for i, v in enumerate(values) if v is not None and v not in value_set]
    )


def _between(
    frame: _Frame, batch: _Batch, column: str, min_value=None, max_value=None
) -> tuple[bool, dict]:
    def outside(v: Any) -> bool:
        return (min_value is not None and v < min_value) or (
            max_value is not None and v > max_value
        )

    values = frame.values(column)
    return _map_result(frame, [i for i, v in enumerate(values) if v is not None and outside(v)])


def _pair(frame: _Frame, column_a: str, column_b: str, holds) -> tuple[bool, dict]:
    """A pair expectation; rows where both are blank are ignored (GX's default), one blank fails."""
    pairs = zip(frame.values(column_a), frame.values(column_b), strict=True)
    unexpected = [
        i
        for i, (a, b) in enumerate(pairs)
        if not (a is None and b is None) and (a is None or b is None or not holds(a, b))
    ]
    return _map_result(frame, unexpected)


def _pair_equal(frame: _Frame, batch: _Batch, column_A: str, column_B: str) -> tuple[bool, dict]:  # noqa: N803 - GX's argument names
    return _pair(frame, column_A, column_B, lambda a, b: a == b)


def _a_greater_than_b(
    frame: _Frame,
    batch: _Batch,
    column_A: str,
    column_B: str,
    or_equal: bool = False,  # noqa: N803
) -> tuple[bool, dict]:
    return _pair(
        frame, column_A, column_B, (lambda a, b: a >= b) if or_equal else (lambda a, b: a > b)
    )


def _compound_unique(frame: _Frame, batch: _Batch, column_list: list[str]) -> tuple[bool, dict]:
    keys = list(zip(*(frame.values(c) for c in column_list), strict=True))
    counted = Counter(k for k in keys if any(v is not None for v in k))
    return _map_result(frame, [i for i, k in enumerate(keys) if counted[k] > 1])


def _in_type_list(
    frame: _Frame, batch: _Batch, column: str, type_list: list[str]
) -> tuple[bool, dict]:
    dtype = frame.pandas_dtype(column)
    return dtype in type_list, {"observed_value": dtype}


def _columns_match(
    frame: _Frame, batch: _Batch, column_set: list[str], exact_match: bool = True
) -> tuple[bool, dict]:
    found, wanted = set(frame.columns), set(column_set)
    success = found == wanted if exact_match else wanted <= found
    return success, {"observed_value": sorted(frame.columns)}


def _row_count(frame: _Frame, batch: _Batch, min_value=None, max_value=None) -> tuple[bool, dict]:
    n = len(frame.rows)
    success = (min_value is None or n >= min_value) and (max_value is None or n <= max_value)
    return success, {"observed_value": n}


# Each kind of expectation the suites use; a suite with any other kind fails loudly here.
_EVALUATORS = {
    "ExpectColumnValuesToNotBeNull": _not_null,
    "ExpectColumnValuesToBeInSet": _in_set,
    "ExpectColumnValuesToBeBetween": _between,
    "ExpectColumnPairValuesToBeEqual": _pair_equal,
    "ExpectColumnPairValuesAToBeGreaterThanB": _a_greater_than_b,
    "ExpectCompoundColumnsToBeUnique": _compound_unique,
    "ExpectColumnValuesToBeInTypeList": _in_type_list,
    "ExpectTableColumnsToMatchSet": _columns_match,
    "ExpectTableRowCountToBeBetween": _row_count,
}


def request_data_docs(
    con: duckdb.DuckDBPyConnection, quarter_keys: list[str], data_docs_dir: Path
) -> Path:
    """Start building the Data Docs of `quarter_keys` in a background process; its index.

    The batches are written to Parquet in a private folder beside the site (the
    background process cannot open the warehouse while the run holds it), and
    `python -m pipeline.quality.data_docs` validates them with GX, swaps the new
    site in and removes the folder, seconds later. `wait_for_data_docs` waits for it.
    """
    data_docs_dir = Path(data_docs_dir).resolve()
    data_docs_dir.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(data_docs_dir)
    # Named by the time of the request, so an older build never replaces a newer site.
    request = data_docs_dir.with_name(
        f".{data_docs_dir.name}-building-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
    )
    request.mkdir()
    try:
        for batch in BATCHES:
            relation = con.sql(batch.sql, params={"keys": list(quarter_keys)})
            relation.write_parquet(str(request / f"{batch.name}.parquet"))
        with open(request / "build.log", "w") as log:
            builder = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pipeline.quality.data_docs",
                    str(request),
                    str(data_docs_dir),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives the run's process; not killed with it
            )
        # Tells a later run whether this half-built site still has a builder (_clean_leftovers).
        (request / BUILDER_PID).write_text(str(builder.pid))
    except BaseException:
        shutil.rmtree(request, ignore_errors=True)
        raise
    return data_docs_dir / "index.html"


def build_requested_data_docs(request: Path, data_docs_dir: Path) -> None:
    """The background half of `request_data_docs`: GX on the written batches, then the swap.

    When GX cannot build the site, a one-page site saying so and why takes its place,
    so the reader of the Data Docs is never shown an older validation as if it were
    the latest.
    """
    requested_at = _requested_at(request.name)
    site = request / "site"
    try:
        reader = duckdb.connect()
        frames = {
            batch.name: reader.execute(
                "select * from read_parquet(?)", [str(request / f"{batch.name}.parquet")]
            ).df()
            for batch in BATCHES
        }
        reader.close()
        _run_suites(frames, site)
        make_offline(site)
        _note_external_resources(site, external_resources(site))
    except Exception as error:  # noqa: BLE001 - shown on the page a reader opens instead
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir()
        (site / "index.html").write_text(_failed_site_page(error))
    (site / REQUESTED_AT).write_text(str(requested_at))
    if _site_requested_at(data_docs_dir) <= requested_at:
        _swap_in(site, data_docs_dir)


def _note_external_resources(site: Path, external: list[str]) -> None:
    """Say at the top of the index what the site would still load from outside (normally
    nothing): the check has finished by now, so its metadata cannot carry it."""
    if not external:
        return
    from html import escape

    index = site / "index.html"
    items = "".join(f"<li><code>{escape(e)}</code></li>" for e in external)
    note = (
        "<div class='alert alert-warning'>These pages still load from outside the site "
        f"and may show unstyled where the internet is blocked:<ul>{items}</ul></div>"
    )
    html = index.read_text(encoding="utf-8")
    html = re.sub(r"<body[^>]*>", lambda body: body.group(0) + note, html, count=1)
    index.write_text(html, encoding="utf-8")


# A file in the site holding when its build was requested (ns since the epoch).
REQUESTED_AT = ".requested_at"


def _requested_at(name: str) -> int:
    return int(name.split("-building-")[1].split("-")[0])


def _site_requested_at(data_docs_dir: Path) -> int:
    try:
        return int((data_docs_dir / REQUESTED_AT).read_text())
    except (OSError, ValueError):
        return 0


def _failed_site_page(error: Exception) -> str:
    from html import escape

    return (
        "<!doctype html><meta charset='utf-8'><title>Data Docs not built</title>"
        "<h1>Data Docs could not be built for the latest run</h1>"
        f"<p>Great Expectations stopped with: <code>{escape(type(error).__name__)}: "
        f"{escape(str(error))}</code></p><p>The run's check <code>marts_meet_expectations</code> "
        "was evaluated regardless; its result is in the run's output and in Dagster.</p>"
    )


def wait_for_data_docs(data_docs_dir: Path, timeout: float = 300) -> bool:
    """Wait until no requested build of the site is under way; False on timeout."""
    data_docs_dir = Path(data_docs_dir).resolve()
    deadline = time.monotonic() + timeout
    while any(data_docs_dir.parent.glob(f".{data_docs_dir.name}-building-*")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _run_suites(frames: dict[str, Any], site_dir: Path) -> list[Any]:
    """Run each batch's suite through a checkpoint that writes Data Docs to `site_dir`."""
    import great_expectations as gx  # seconds to import: only when validating
    from great_expectations.core.run_identifier import RunIdentifier

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral", project_config=_context_config(site_dir))
    source = context.data_sources.add_pandas("marts")
    run_id = RunIdentifier(run_name="marts")
    results = []
    for batch in BATCHES:
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=batch.name,
                expectations=[
                    getattr(gx.expectations, kind)(**kwargs, description=meaning)
                    for kind, kwargs, meaning in batch.suite
                ],
            )
        )
        data = source.add_dataframe_asset(batch.name).add_batch_definition_whole_dataframe("all")
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=batch.name, data=data, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=batch.name,
                validation_definitions=[validation],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=[SITE_NAME])],
                result_format={
                    "result_format": "SUMMARY",
                    "unexpected_index_column_names": batch.index_columns,
                },
            )
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": frames[batch.name]}, run_id=run_id)
        results.extend(outcome.run_results.values())
    return results


def _context_config(site_dir: Path) -> Any:
    """In-memory stores, one filesystem Data Docs site, no analytics, no progress bars."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    return DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )


def _summarise(results: list[Any], index: Path) -> MartsValidation:
    failures = [
        f"{result.suite_name}: {_describe(outcome, batch_of(result.suite_name))}"
        for result in results
        for outcome in result.results
        if not outcome.success
    ]
    return _statistics(failures, sum(len(result.results) for result in results), index)


def _statistics(failures: list[str], evaluated: int, index: Path | None) -> MartsValidation:
    passed = evaluated - len(failures)
    statistics = {
        "evaluated_expectations": evaluated,
        "successful_expectations": passed,
        "unsuccessful_expectations": len(failures),
        "success_percent": round(100 * passed / evaluated, 1) if evaluated else 100.0,
    }
    return MartsValidation(not failures, statistics, failures, index)


def _describe(outcome: Any, batch: _Batch, limit: int = 5) -> str:
    """One failed expectation as a sentence: what should hold, and which rows break it."""
    config = outcome.expectation_config
    args = config.kwargs
    columns = args.get("column_list") or [
        args[k] for k in ("column", "column_A", "column_B") if k in args
    ]
    text = f"{config.description} [{config.type}{' on ' if columns else ''}{', '.join(columns)}]"
    if outcome.exception_info and outcome.exception_info.get("raised_exception"):
        return f"{text} could not be evaluated: {outcome.exception_info['exception_message']}"
    result = outcome.result or {}
    if "unexpected_count" not in result:
        return f"{text}: observed {result.get('observed_value')!r}"
    shown = [c for column in columns for c in batch.explained_by.get(column, [column])]
    rows = [
        _row(row, batch.keys, shown) for row in result.get("partial_unexpected_index_list") or []
    ]
    examples = f", e.g. {'; '.join(rows[:limit])}" if rows else ""
    return f"{text}: {result['unexpected_count']} of {result['element_count']} rows{examples}"


def _row(row: dict[str, Any], keys: list[str], shown: list[str]) -> str:
    """A failing row as its key and the values that explain it: `2021-22-Q2 CSC-SW2 (x=1)`."""
    where = " ".join(str(row.get(k)) for k in keys)
    values = ", ".join(f"{c}={row[c]}" for c in shown if c in row and c not in keys)
    return f"{where} ({values})" if values else where


def _swap_in(building: Path, target: Path) -> None:
    """Put the new site in place by renames: a reader sees a whole old or new site.

    A folder cannot be renamed over a non-empty one, so the old site is renamed aside
    first; between the two renames (microseconds) there is no site, never half of one.
    """
    retired = target.with_name(f".{target.name}-old-{uuid.uuid4().hex}")
    for _ in range(3):  # another run may swap its site in between our two renames
        if target.exists():
            os.rename(target, retired)
        try:
            os.rename(building, target)
            break
        except OSError:
            shutil.rmtree(retired, ignore_errors=True)
    else:
        raise OSError(f"could not put the Data Docs site in place at {target}")
    shutil.rmtree(retired, ignore_errors=True)


def _clean_leftovers(target: Path) -> None:
    """Remove old sites renamed aside, and half-built ones of runs that were killed.

    A half-built site is named after the process building it, or (a background
    build) holds its builder's process id in ``builder.pid``: one whose process is
    gone (killed while building the docs) is removed at once, never left for good.
    """
    for leftover in target.parent.glob(f".{target.name}-*"):
        if leftover.name.startswith(f".{target.name}-old-") or not _builder_alive(leftover):
            shutil.rmtree(leftover, ignore_errors=True)


def _builder_alive(folder: Path) -> bool:
    """True while the process building a half-built site may still be at work."""
    try:
        pid = int((folder / BUILDER_PID).read_text())
    except (OSError, ValueError):
        parts = folder.name.split("-building-", 1)[-1].split("-")
        if len(parts) != 2 or not parts[0].isdigit():
            return False  # an older run's folder, named without its process
        if len(parts[0]) > 10:
            # A background request (named by its time) whose builder has not started
            # yet: the run that asked for it is still writing its batches.
            return time.time() - folder.stat().st_mtime < REQUEST_GRACE_SECONDS
        pid = int(parts[0])
    if pid == os.getpid():
        return False  # this process builds one site at a time: a leftover of it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
    return True
