"""A small marts folder for the report tests: Children and Learning, 2019/20 Q3 to 2021/22 Q2.

Types are exactly those of spec/marts.md. The figures for 2021/22 Q1 and Q2 are the
sub-committee's published ones (reference/known-figures.md); the rest are plausible.
RAG, amber thresholds, directions of travel and the summary are derived here by the
rules of spec/rules.md so that the history is self-consistent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from pipeline.core.contract import load_contract
from pipeline.core.settings import SQL_DIR

COMMITTEE = "Children and Learning"
QUARTER = "2021-22-Q2"
PREVIOUS = "2021-22-Q1"
YEAR_AGO = "2020-21-Q2"
QUARTERS = [
    "2019-20-Q3", "2019-20-Q4", "2020-21-Q1", "2020-21-Q2",
    "2020-21-Q3", "2020-21-Q4", "2021-22-Q1", "2021-22-Q2",
]  # fmt: skip
COMMUNITIES, OPPORTUNITIES = "Communities making Havering", "Opportunities making Havering"
CSC, EDU = "Children's Services", "Education"

TITLES = {
    "CSC-CIC": "Number of children in care",
    "CSC-CICR": "Children in care per 10,000 children aged 0–17",
    "CSC-PERM": "% of children who ceased to be looked after through adoption or a special "
    "guardianship order",
    "CSC-SW2": "% of children in care with 2 or more changes of social worker in the last "
    "12 months",
    "CSC-LTPS": "% of children under 16 looked after for 2.5 years or more who have been in "
    "the same placement for 2 years",
    "CSC-FCR": "Number of new foster carer households approved",
    "CSC-ICPC": "% of initial child protection conferences held within 15 working days of the "
    "section 47 enquiry starting",
    "CSC-CPP": "Number of children subject to a child protection plan",
    "EDU-GOP": "% of primary pupils attending a school judged Good or Outstanding",
    "EDU-GOS": "% of secondary pupils attending a school judged Good or Outstanding",
    "EDU-NEET": "% of 16–17 year olds not in education, employment or training, or whose "
    "activity is not known",
    "EDU-PEX": "Permanent exclusions as a % of the school population",
    "EDU-SUS": "Suspensions as a % of the school population",
}
# code, objective, service, unit, decimals, polarity, basis, source (catalogue order)
ATTRIBUTES = [
    ("CSC-CIC", COMMUNITIES, CSC, "count", 0, "none", "snapshot", "episodes"),
    ("CSC-CICR", COMMUNITIES, CSC, "rate", 1, "none", "snapshot", "episodes, population"),
    ("CSC-PERM", COMMUNITIES, CSC, "percent", 1, "higher", "ytd", "episodes"),
    ("CSC-SW2", COMMUNITIES, CSC, "percent", 1, "lower", "rolling12", "episodes, social_worker"),
    ("CSC-LTPS", COMMUNITIES, CSC, "percent", 1, "higher", "snapshot", "episodes, header"),
    ("CSC-FCR", COMMUNITIES, CSC, "count", 0, "higher", "ytd", "foster_approvals"),
    ("CSC-ICPC", COMMUNITIES, CSC, "percent", 1, "higher", "ytd", "s47_enquiries"),
    ("CSC-CPP", COMMUNITIES, CSC, "count", 0, "none", "snapshot", "cp_plans"),
    ("EDU-GOP", OPPORTUNITIES, EDU, "percent", 1, "higher", "snapshot", "schools"),
    ("EDU-GOS", OPPORTUNITIES, EDU, "percent", 1, "higher", "snapshot", "schools"),
    ("EDU-NEET", COMMUNITIES, EDU, "percent", 1, "lower", "snapshot", "manual_returns"),
    ("EDU-PEX", OPPORTUNITIES, EDU, "percent", 2, "lower", "annual", "manual_returns"),
    ("EDU-SUS", OPPORTUNITIES, EDU, "percent", 2, "lower", "annual", "manual_returns"),
]
# code, title, objective, service, unit, decimals, polarity, basis, source
INDICATORS = [(code, TITLES[code], *rest) for code, *rest in ATTRIBUTES]

# Values for QUARTERS, oldest first (None = not available).
VALUES = {
    "CSC-CIC": [235, 241, 250, 247, 244, 238, 236, 240],
    "CSC-CICR": [40.3, 41.3, 42.9, 42.4, 41.9, 40.8, 40.5, 41.2],
    "CSC-PERM": [16.0, 15.1, 12.5, 13.0, 14.2, 15.3, 9.0, 10.2],
    "CSC-SW2": [9.8, 10.5, 12.0, 11.7, 12.4, 11.2, 10.9, 22.4],
    "CSC-LTPS": [66.0, 64.1, 63.5, 64.8, 65.9, 66.3, 67.0, 65.2],
    "CSC-FCR": [4, 6, 1, 3, 6, 9, 5, 11],
    "CSC-ICPC": [88.0, 90.5, 93.1, 94.0, 92.2, 95.6, 91.0, 96.3],
    "CSC-CPP": [198, 205, 221, 230, 214, 209, 202, 210],
    "EDU-GOP": [88.2, 88.5, 88.5, 89.9, 90.1, 90.1, 91.0, 91.5],
    "EDU-GOS": [78.0, 78.5, 79.6, 80.2, 81.0, 82.3, 83.5, 84.1],
    "EDU-NEET": [2.6, 2.4, 2.9, 3.1, 2.7, 2.3, 2.2, 2.1],
    "EDU-PEX": [0.07, 0.07, None, None, 0.05, 0.05, 0.06, 0.06],
    "EDU-SUS": [3.12, 3.12, 2.40, 2.40, 2.95, 2.95, 3.45, 3.45],
}

# code -> (target by financial year, tolerance type, tolerance); FCR's YTD target by quarter.
TARGETS = {
    "CSC-PERM": ({"2019-20": 14, "2020-21": 14, "2021-22": 14}, "percent", 10),
    "CSC-SW2": ({"2019-20": 12, "2020-21": 12, "2021-22": 15}, "points", 2.5),
    "CSC-LTPS": ({"2019-20": 65, "2020-21": 65, "2021-22": 65}, "level", 60),
    "CSC-FCR": ({"Q1": 2, "Q2": 5, "Q3": 7, "Q4": 10}, "points", 1),
    "CSC-ICPC": ({"2019-20": 90, "2020-21": 95, "2021-22": 95}, "level", 90),
    "EDU-GOP": ({"2019-20": 88, "2020-21": 88, "2021-22": 88}, "points", 2),
    "EDU-GOS": ({"2019-20": 80, "2020-21": 80, "2021-22": 80}, "percent", 5),
}

# code -> ((value, period) for the first four quarters, (value, period) for the last four)
LONDON = {
    "CSC-CICR": ((50.0, "2018/19"), (51.0, "2019/20")),
    "CSC-PERM": ((14.0, "2019/20"), (15.0, "2020/21")),
    "CSC-SW2": ((12.0, "2019/20"), (13.0, "2020/21")),
    "CSC-LTPS": ((68.0, "2019/20"), (69.0, "2020/21")),
    "EDU-GOP": ((88.0, "2020"), (89.0, "2021")),
    "EDU-GOS": ((84.0, "2020"), (84.5, "2021")),
    "EDU-NEET": ((3.6, "2020"), (3.4, "2021-22")),  # the report's own year: no period shown
}

SW2_ACTION = (
    "There was significant turnover of staff over the summer: 36 agency staff are covering "
    "posts and there are 2 vacant posts. A well established programme to recruit new social "
    "workers is in place, and frontline teams are now about two-thirds permanent."
)
PERM_ACTION = (
    "Court delays have held back special guardianship orders; the permanence panel now "
    "tracks every child with a plan for adoption or special guardianship monthly."
)
# (quarter, code) -> corrective action; a Red row not listed here has none.
CORRECTIVE = {(QUARTER, "CSC-SW2"): SW2_ACTION, (QUARTER, "CSC-PERM"): PERM_ACTION}
NO_COMMENTARY = {"EDU-PEX"}
# Who answers for the commentary (commentary.csv OWNER); EDU-SUS has commentary but no owner.
OWNERS = {"CSC": "Head of Children's Social Care", "EDU": "Head of Education"}
NO_OWNER = NO_COMMENTARY | {"EDU-SUS"}

MONTHS = ["April", "May", "June", "July", "August", "September", "October", "November",
          "December", "January", "February", "March"]  # fmt: skip
WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen"]  # fmt: skip

DDL = """
create table dim_indicator (
    code varchar, title varchar, committee varchar, objective varchar, service varchar,
    unit varchar, decimals integer, polarity varchar, basis varchar, source varchar);
create table dim_quarter (
    quarter_key varchar, financial_year varchar, quarter_number integer, label varchar,
    long_label varchar, start_date date, end_date date, previous_quarter_key varchar,
    year_ago_quarter_key varchar);
create table fct_indicator_quarter (
    quarter_key varchar, indicator_code varchar,
    numerator decimal(18,6), denominator decimal(18,6), value decimal(18,6),
    is_available boolean,
    target decimal(18,6), tolerance_type varchar, tolerance decimal(18,6),
    amber_threshold decimal(18,6), rag_status varchar,
    previous_quarter_key varchar, previous_quarter_value decimal(18,6), dot_short_term varchar,
    year_ago_quarter_key varchar, year_ago_value decimal(18,6), dot_long_term varchar,
    london_average decimal(18,6), london_average_period varchar,
    commentary varchar, corrective_action varchar, commentary_owner varchar,
    source_rows integer,
    run_id varchar, loaded_at timestamp with time zone);
create table mart_rag_summary (
    quarter_key varchar, committee varchar, indicators_selected integer,
    indicators_available integer, indicators_with_rag integer, green integer, amber integer,
    red integer, green_pct integer, amber_pct integer, red_pct integer,
    red_indicators varchar[], summary_text varchar);
"""


def quarter_row(key: str) -> tuple:
    year, number = int(key[:4]), int(key[-1])
    first_month = 3 * (number - 1)  # index into MONTHS
    start_year = year if number < 4 else year + 1
    start = date(start_year, (3 + first_month) % 12 + 1, 1)
    end_month = (3 + first_month + 2) % 12 + 1
    end = date(start_year, end_month + 1, 1) if end_month < 12 else date(start_year, 12, 31)
    if end_month < 12:
        end = date.fromordinal(end.toordinal() - 1)
    fy = f"{year}-{(year + 1) % 100:02d}"
    previous = f"{year - 1}-{year % 100:02d}-Q4" if number == 1 else f"{fy}-Q{number - 1}"
    long_label = f"Quarter {number} ({MONTHS[first_month]} to {MONTHS[first_month + 2]} {end.year})"
    year_ago = f"{year - 1}-{year % 100:02d}-Q{number}"
    label = f"{year}/{(year + 1) % 100:02d} Q{number}"
    return (key, fy, number, label, long_label, start, end, previous, year_ago)


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _target(code: str, key: str) -> tuple[Decimal, str, Decimal] | None:
    if code not in TARGETS:
        return None
    by_period, kind, tolerance = TARGETS[code]
    target = by_period.get(key[:7], by_period.get(key[-2:]))
    return _dec(target), kind, _dec(tolerance)


def _threshold(target: Decimal, kind: str, tolerance: Decimal, polarity: str) -> Decimal:
    if kind == "level":
        return tolerance
    distance = tolerance if kind == "points" else tolerance / 100 * abs(target)
    return target - distance if polarity == "higher" else target + distance


def _at_least_as_good(value: Decimal, bar: Decimal, polarity: str) -> bool:
    return value >= bar if polarity == "higher" else value <= bar


def _rag(value, target, threshold, polarity) -> str | None:
    if value is None or target is None:
        return None
    if _at_least_as_good(value, target, polarity):
        return "Green"
    return "Amber" if _at_least_as_good(value, threshold, polarity) else "Red"


def _dot(value, then, polarity) -> str | None:
    if value is None or then is None:
        return None
    if value == then:
        return "same"
    if polarity == "none":
        return "up" if value > then else "down"
    return "better" if _at_least_as_good(value, then, polarity) else "worse"


def _fact(code: str, polarity: str, index: int, loaded_at: datetime) -> tuple:
    key = QUARTERS[index]
    series = VALUES[code]
    value = _dec(series[index])
    previous = _dec(series[index - 1]) if index >= 1 else None
    year_ago = _dec(series[index - 4]) if index >= 4 else None
    target = _target(code, key)
    target_value, kind, tolerance = target if target else (None, None, None)
    threshold = _threshold(target_value, kind, tolerance, polarity) if target else None
    rag = _rag(value, target_value, threshold, polarity)
    london = LONDON.get(code, ((None, None), (None, None)))[0 if index < 4 else 1]
    commentary = None if code in NO_COMMENTARY else f"Commentary on {code} for {key}."
    owner = None if code in NO_OWNER else OWNERS[code[:3]]
    _, _, _, _, _, _, _, previous_key, year_ago_key = quarter_row(key)
    return (
        key, code, None, None, value, value is not None,
        target_value, kind, tolerance, threshold, rag,
        previous_key, previous, _dot(value, previous, polarity),
        year_ago_key, year_ago, _dot(value, year_ago, polarity),
        _dec(london[0]), london[1], commentary, CORRECTIVE.get((key, code)), owner,
        100 + index, "fixture-run", loaded_at,
    )  # fmt: skip


def _pct(part: int, whole: int) -> int | None:
    return (
        None
        if whole == 0
        else int(Decimal(100 * part / whole).quantize(Decimal(1), "ROUND_HALF_UP"))
    )


def summary_text(selected: int, available: int, with_rag: int, counts: dict[str, int]) -> str:
    avail = f"all {available}" if available == selected else str(available)
    text = (
        f"In total, {selected} performance indicators have been selected for the sub-committee "
        f"to monitor and {avail} are available for reporting this quarter. "
        f"{WORDS[with_rag].capitalize()} indicators have also been assigned a RAG status."
    )
    if with_rag == 0:
        return text
    parts = "; ".join(
        f"{counts[s]} ({_pct(counts[s], with_rag)}%) have a status of {s}"
        for s in ("Green", "Amber", "Red")
    )
    return f"{text}\nIn summary, of the {with_rag} indicators: {parts}."


def _summary(key: str, facts: list[tuple]) -> tuple:
    rows = [f for f in facts if f[0] == key]
    selected = len(rows)
    available = sum(1 for f in rows if f[5])
    rags = [f[10] for f in rows if f[10]]
    counts = {s: rags.count(s) for s in ("Green", "Amber", "Red")}
    with_rag = len(rags)
    reds = [f[1] for f in rows if f[10] == "Red"]
    return (
        key, COMMITTEE, selected, available, with_rag,
        counts["Green"], counts["Amber"], counts["Red"],
        _pct(counts["Green"], with_rag), _pct(counts["Amber"], with_rag),
        _pct(counts["Red"], with_rag), reds,
        summary_text(selected, available, with_rag, counts),
    )  # fmt: skip


# The display columns of fct_indicator_quarter, made as sql/marts/fct_indicator_quarter.sql
# makes them (the same macros), so the fixture has the published contract's shape.
_DISPLAY = {
    "value_display": "coalesce(with_unit(display_fixed(f.value, i.decimals), i.unit), "
    "'Not available')",
    "target_display": "coalesce(with_unit(display_exact(f.target), i.unit), 'No target')",
    "amber_threshold_display": "with_unit(display_exact(f.amber_threshold), i.unit)",
    "rag_label": "rag_label(f.rag_status, f.target, f.value)",
    "previous_quarter_value_display": "with_unit(display_fixed(f.previous_quarter_value, "
    "i.decimals), i.unit)",
    "year_ago_value_display": "with_unit(display_fixed(f.year_ago_value, i.decimals), i.unit)",
    "london_average_display": "with_unit(display_exact(f.london_average), i.unit)",
    # marts 0.3.0 (issue 14): no fixture figure carries a data-quality flag
    "dq_flags": "cast([] as varchar[])",
    "dq_notes": "cast([] as varchar[])",
}


def _in_contract_shape(con: duckdb.DuckDBPyConnection) -> None:
    for macro in ("display_number", "rag_label"):
        con.execute((SQL_DIR / "macros" / f"{macro}.sql").read_text(encoding="utf-8"))
    columns = ", ".join(
        f"{_DISPLAY.get(c.name, 'f.' + c.name)} as {c.name}"
        for c in load_contract().tables["fct_indicator_quarter"].columns
    )
    con.execute(
        f"create table fct_shaped as select {columns} from fct_indicator_quarter as f "
        "left join dim_indicator as i on i.code = f.indicator_code"
    )
    con.execute("drop table fct_indicator_quarter")
    con.execute("alter table fct_shaped rename to fct_indicator_quarter")


def build_marts(marts_dir: Path, *, parquet: bool = True, duckdb_file: bool = True) -> Path:
    """Write scorecard.duckdb (and/or the Parquet copies) into `marts_dir`; return it."""
    marts_dir.mkdir(parents=True, exist_ok=True)
    loaded_at = datetime(2021, 10, 20, 9, 30, tzinfo=UTC)
    polarity = {row[0]: row[6] for row in INDICATORS}
    facts = [
        _fact(code, polarity[code], index, loaded_at)
        for index in range(len(QUARTERS))
        for code in VALUES
    ]
    target = marts_dir / "scorecard.duckdb" if duckdb_file else Path(":memory:")
    con = duckdb.connect(str(target))
    con.execute(DDL)
    con.executemany(
        "insert into dim_indicator values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(c, t, COMMITTEE, *rest) for c, t, *rest in INDICATORS],
    )
    con.executemany(
        "insert into dim_quarter values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [quarter_row(key) for key in QUARTERS],
    )
    con.executemany(f"insert into fct_indicator_quarter values ({', '.join('?' * 25)})", facts)
    _in_contract_shape(con)
    con.executemany(
        f"insert into mart_rag_summary values ({', '.join('?' * 13)})",
        [_summary(key, facts) for key in QUARTERS],
    )
    # marts 0.3.0 (issue 14): no fixture figure is flagged
    con.execute("alter table mart_rag_summary add column indicators_flagged integer default 0")
    if parquet:
        for table in ("dim_indicator", "dim_quarter", "fct_indicator_quarter", "mart_rag_summary"):
            con.execute(f"copy {table} to '{(marts_dir / table).as_posix()}.parquet'")
    con.close()
    return marts_dir
