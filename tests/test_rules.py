"""spec/rules.md on hand-made data: published value, RAG, DoT, London average, summary,
and the materialisation contract (catalogue-driven, idempotent, no personal data).

Most cases use manual-return indicators, whose values the test sets directly: the
catalogue is data, so a test indicator is just a row of raw_indicators.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlfixtures import (
    CATALOGUE,
    COMMITTEE,
    MART_TABLES,
    catalogue_rows,
    d,
    fact,
    insert,
    manual_indicator,
    new_warehouse,
    rows,
    run,
    summary,
    value,
)

from pipeline.models.runner import (
    Model,
    ModelError,
    discover_models,
    materialize_model,
    prepare_connection,
    topological_order,
)

Q2, Q1, YEAR_AGO = "2021-22-Q2", "2021-22-Q1", "2020-21-Q2"
LOADED = datetime(2021, 11, 1)


def manual_return(quarter_key, code, numerator=None, denominator=None, value=None):
    return {
        "quarter_key": quarter_key,
        "INDICATOR_CODE": code,
        "NUMERATOR": None if numerator is None else Decimal(str(numerator)),
        "DENOMINATOR": None if denominator is None else Decimal(str(denominator)),
        "VALUE": None if value is None else Decimal(str(value)),
    }


def target_row(code, target, tolerance_type="points", tolerance=0, quarter=None, fy="2021-22"):
    return {
        "INDICATOR_CODE": code,
        "FINANCIAL_YEAR": fy,
        "QUARTER": quarter,
        "TARGET": Decimal(str(target)),
        "TOLERANCE_TYPE": tolerance_type,
        "TOLERANCE": Decimal(str(tolerance)),
    }


def manual_warehouse(indicators, returns, targets=(), quarter_keys=(Q2,), run_keys=None):
    con = new_warehouse(*quarter_keys, catalogue=list(indicators))
    insert(con, "raw_manual_returns", list(returns))
    insert(con, "raw_targets", list(targets))
    run(con, *(run_keys or quarter_keys))
    return con


# --- the published value ----------------------------------------------------------------


def test_values_round_half_away_from_zero_in_exact_arithmetic():
    cases = {
        # code: (decimals, numerator, denominator, value, expected)
        "R-6495": (1, 6495, 10000, None, Decimal("65.0")),  # 64.95 → 65.0
        "R-005": (1, None, None, "0.05", Decimal("0.1")),
        "R-NEG": (1, None, None, "-0.05", Decimal("-0.1")),  # away from zero
        "R-0049": (1, None, None, "0.049999", Decimal("0.0")),
        "R-RATIO005": (1, 1, 2000, None, Decimal("0.1")),  # 100 × 1/2000 = 0.05
        "R-HALF0": (0, 5, 8, None, Decimal("63")),  # 62.5 → 63, not banker's 62
        "R-THIRD": (2, 1, 3, None, Decimal("33.33")),
        "R-BOTH": (1, 1, 3, "99", Decimal("33.3")),  # both given: N and D win
        "R-ZERO": (1, 0, 0, None, None),  # denominator 0: not available
        "R-NONE": (1, None, None, None, None),  # a row with no figures
    }
    indicators = [manual_indicator(code, decimals=dp) for code, (dp, *_) in cases.items()]
    returns = [manual_return(Q2, code, n, dn, v) for code, (_, n, dn, v, _) in cases.items()]
    con = manual_warehouse(indicators, returns)
    for code, (*_, expected) in cases.items():
        assert value(con, Q2, code) == expected, code
    assert fact(con, Q2, "R-ZERO")["is_available"] is False
    assert fact(con, Q2, "R-005")["numerator"] is None  # a supplied VALUE is no ratio
    assert fact(con, Q2, "R-BOTH")["denominator"] == Decimal(3)


def test_published_value_64_95_is_green_against_65():
    con = manual_warehouse(
        [manual_indicator("X")],
        [manual_return(Q2, "X", 6495, 10000)],
        [target_row("X", 65, "points", 1)],
    )
    row = fact(con, Q2, "X")
    assert (row["value"], row["rag_status"]) == (Decimal("65.0"), "Green")


# --- RAG and tolerances -----------------------------------------------------------------

RAG_CASES = [
    # polarity, tolerance type, target, tolerance, value, amber threshold, status
    ("higher", "points", 65, 5, "65", "60", "Green"),
    ("higher", "points", 65, 5, "65.1", "60", "Green"),
    ("higher", "points", 65, 5, "60", "60", "Amber"),
    ("higher", "points", 65, 5, "59.999", "60", "Red"),
    ("lower", "points", 15, 2, "15", "17", "Green"),
    ("lower", "points", 15, 2, "14", "17", "Green"),
    ("lower", "points", 15, 2, "17", "17", "Amber"),
    ("lower", "points", 15, 2, "17.001", "17", "Red"),
    ("higher", "percent", 55, 5, "52.25", "52.25", "Amber"),  # 55 − 5% of 55
    ("higher", "percent", 55, 5, "52.249", "52.25", "Red"),
    ("higher", "percent", 55, 5, "55", "52.25", "Green"),
    ("lower", "percent", "29.5", "4.5", "30.8275", "30.8275", "Amber"),  # 29.5 + 1.3275
    ("lower", "percent", "29.5", "4.5", "30.828", "30.8275", "Red"),
    ("lower", "percent", "29.5", "4.5", "29.5", "30.8275", "Green"),
    ("higher", "level", 90, 80, "80", "80", "Amber"),
    ("higher", "level", 90, 80, "79.999", "80", "Red"),
    ("higher", "level", 90, 80, "90", "80", "Green"),
    ("lower", "level", 8, 10, "10", "10", "Amber"),
    ("lower", "level", 8, 10, "10.001", "10", "Red"),
    ("lower", "level", 8, 10, "8", "10", "Green"),
]


def test_rag_status_and_amber_threshold_for_each_tolerance_type():
    indicators, returns, targets = [], [], []
    for i, (polarity, kind, target, tolerance, val, _, _) in enumerate(RAG_CASES):
        code = f"RAG-{i:02d}"
        indicators.append(manual_indicator(code, polarity=polarity, decimals=4))
        returns.append(manual_return(Q2, code, value=val))
        targets.append(target_row(code, target, kind, tolerance))
    con = manual_warehouse(indicators, returns, targets)
    for i, (polarity, kind, target, tolerance, val, threshold, status) in enumerate(RAG_CASES):
        row = fact(con, Q2, f"RAG-{i:02d}")
        case = (polarity, kind, val)
        assert row["rag_status"] == status, case
        assert row["amber_threshold"] == Decimal(threshold), case
        assert row["target"] == Decimal(str(target)), case
        assert (row["tolerance_type"], row["tolerance"]) == (kind, Decimal(str(tolerance)))


def test_no_rag_without_target_or_value_or_for_polarity_none():
    con = manual_warehouse(
        [
            manual_indicator("NO-TARGET"),
            manual_indicator("NO-VALUE"),
            manual_indicator("NONE", polarity="none"),
        ],
        [manual_return(Q2, "NO-TARGET", value=50), manual_return(Q2, "NONE", value=50)],
        [target_row("NO-VALUE", 50, "points", 5), target_row("NONE", 40, "points", 5)],
    )
    untargeted = fact(con, Q2, "NO-TARGET")
    assert untargeted["rag_status"] is None
    assert untargeted["target"] is None and untargeted["amber_threshold"] is None
    no_value = fact(con, Q2, "NO-VALUE")
    assert (no_value["is_available"], no_value["rag_status"]) == (False, None)
    assert no_value["target"] == Decimal(50)
    assert fact(con, Q2, "NONE")["rag_status"] is None


def test_quarter_target_wins_over_blank_quarter_target():
    con = manual_warehouse(
        [manual_indicator("X")],
        [manual_return(k, "X", value=60) for k in (Q1, Q2)],
        [
            target_row("X", 50, "points", 5),  # every quarter of 2021-22
            target_row("X", 70, "points", 5, quarter=2),  # Q2 only
            target_row("X", 99, "points", 5, quarter=1, fy="2020-21"),  # another year
        ],
        quarter_keys=(Q1, Q2),
    )
    q1, q2 = fact(con, Q1, "X"), fact(con, Q2, "X")
    assert (q1["target"], q1["rag_status"]) == (Decimal(50), "Green")
    assert (q2["target"], q2["amber_threshold"], q2["rag_status"]) == (
        Decimal(70),
        Decimal(65),
        "Red",
    )


def test_target_from_another_financial_year_does_not_apply():
    con = manual_warehouse(
        [manual_indicator("X")],
        [manual_return(Q2, "X", value=60)],
        [target_row("X", 50, fy="2020-21")],
    )
    assert fact(con, Q2, "X")["target"] is None


# --- direction of travel ----------------------------------------------------------------


def test_direction_of_travel_on_published_values():
    values = {
        # code: (polarity, this quarter, previous quarter, same quarter last year)
        "HI": ("higher", "50", "40", "50"),
        "LO": ("lower", "22.4", "10.9", "11.7"),  # CSC-SW2 in 2021/22 Q2: worse, worse
        "LO2": ("lower", "10", "12", "9"),  # a fall in lower-is-better is better
        "NONE": ("none", "100", "90", "110"),
        "MISS": ("higher", "50", None, "40"),  # not available last quarter
        "NOW": ("higher", None, "50", "50"),  # not available now
        "ROUND": ("higher", "64.95", "65", "65.04"),  # both publish as 65.0
    }
    keys = (YEAR_AGO, Q1, Q2)
    con = manual_warehouse(
        [manual_indicator(c, polarity=p) for c, (p, *_) in values.items()],
        [
            manual_return(key, code, value=v)
            for code, (_, *by_quarter) in values.items()
            for key, v in zip((Q2, Q1, YEAR_AGO), by_quarter, strict=True)
            if v is not None
        ],
        quarter_keys=keys,
    )
    expected = {
        "HI": ("better", "same"),
        "LO": ("worse", "worse"),
        "LO2": ("better", "worse"),
        "NONE": ("up", "down"),
        "MISS": (None, "better"),
        "NOW": (None, None),
        "ROUND": ("same", "same"),
    }
    for code, (short, long) in expected.items():
        row = fact(con, Q2, code)
        assert (row["dot_short_term"], row["dot_long_term"]) == (short, long), code
    lo = fact(con, Q2, "LO")
    assert (lo["previous_quarter_key"], lo["previous_quarter_value"]) == (Q1, Decimal("10.9"))
    assert (lo["year_ago_quarter_key"], lo["year_ago_value"]) == (YEAR_AGO, Decimal("11.7"))


def test_no_direction_of_travel_when_comparison_quarter_not_loaded():
    con = manual_warehouse(
        [manual_indicator("X")],
        [manual_return(k, "X", value=v) for k, v in ((Q1, 10), (Q2, 20))],
        quarter_keys=(Q1, Q2),
    )
    row = fact(con, Q2, "X")
    assert row["dot_short_term"] == "better"
    assert row["year_ago_quarter_key"] == YEAR_AGO  # named, so the team can be told
    assert (row["year_ago_value"], row["dot_long_term"]) == (None, None)


def test_direction_of_travel_reads_a_quarter_loaded_by_an_earlier_run():
    con = new_warehouse(Q1, Q2, catalogue=[manual_indicator("X")])
    insert(con, "raw_manual_returns", [manual_return(k, "X", value=v) for k, v in ((Q1, 30),)])
    run(con, Q1)
    insert(con, "raw_manual_returns", [manual_return(Q2, "X", value=20)])
    run(con, Q2)
    assert fact(con, Q2, "X")["dot_short_term"] == "worse"


# --- London average, commentary ---------------------------------------------------------


def test_london_average_is_latest_london_row_on_or_before_quarter_end():
    benchmarks = [
        ("London", "2019-20", "2020-03-31", "14"),
        ("London", "2020-21", "2021-03-31", "15"),
        ("London", "2021-22", "2022-03-31", "16"),  # after QE
        ("England", "2020-21", "2021-06-30", "13"),  # not London
    ]
    con = new_warehouse(Q2, catalogue=[manual_indicator("X")])
    insert(
        con,
        "raw_benchmarks",
        [
            {
                "INDICATOR_CODE": "X",
                "AREA": area,
                "PERIOD_LABEL": label,
                "PERIOD_END": d(end),
                "VALUE": Decimal(v),
            }
            for area, label, end, v in benchmarks
        ],
    )
    run(con, Q2)
    row = fact(con, Q2, "X")
    assert (row["london_average"], row["london_average_period"]) == (Decimal(15), "2020-21")


def test_commentary_and_corrective_action_are_carried():
    con = new_warehouse(Q2, catalogue=[manual_indicator("X")])
    insert(con, "raw_manual_returns", [manual_return(Q2, "X", value=1)])
    insert(con, "raw_targets", [target_row("X", 50)])
    insert(
        con,
        "raw_commentary",
        [
            {
                "quarter_key": Q2,
                "INDICATOR_CODE": "X",
                "COMMENTARY": "Turnover of staff over the summer.",
                "CORRECTIVE_ACTION": "Recruiting social workers.",
                "OWNER": "Head of service",
            }
        ],
    )
    run(con, Q2)
    row = fact(con, Q2, "X")
    assert row["rag_status"] == "Red"
    assert row["commentary"] == "Turnover of staff over the summer."
    assert row["corrective_action"] == "Recruiting social workers."
    assert row["commentary_owner"] == "Head of service"


# --- the summary ------------------------------------------------------------------------

Q2_TEXT = (
    "In total, 13 performance indicators have been selected for the sub-committee to "
    "monitor and all 13 are available for reporting this quarter. Seven indicators have "
    "also been assigned a RAG status.\n"
    "In summary, of the 7 indicators: 5 (71%) have a status of Green; 0 (0%) have a "
    "status of Amber; 2 (29%) have a status of Red."
)


def report_quarter(available: int = 13) -> duckdb.DuckDBPyConnection:
    """13 indicators, 7 with targets: 5 Green, 2 Red (as 2021/22 Q2)."""
    codes = [f"K{i:02d}" for i in range(1, 14)]
    indicators = [manual_indicator(c, title=f"Title {c}") for c in codes]
    returns = [manual_return(Q2, c, value=50) for c in codes[:available]]
    targets = [target_row(c, 40) for c in codes[:5]] + [target_row(c, 60) for c in codes[5:7]]
    return manual_warehouse(indicators, returns, targets)


def test_summary_matches_the_committee_report():
    row = summary(report_quarter(), Q2)
    assert (row["indicators_selected"], row["indicators_available"]) == (13, 13)
    assert row["indicators_with_rag"] == 7
    assert (row["green"], row["amber"], row["red"]) == (5, 0, 2)
    assert (row["green_pct"], row["amber_pct"], row["red_pct"]) == (71, 0, 29)
    assert row["red_indicators"] == ["K06", "K07"]
    assert row["summary_text"] == (
        Q2_TEXT + "\nThe indicators rated Red are: Title K06 (K06); and Title K07 (K07)."
    )


def test_summary_when_not_all_indicators_are_available():
    row = summary(report_quarter(available=12), Q2)
    assert row["indicators_available"] == 12
    assert row["summary_text"].startswith(
        "In total, 13 performance indicators have been selected for the sub-committee to "
        "monitor and 12 of them are available for reporting this quarter. Seven indicators"
    )


def test_summary_percentages_round_half_up():
    # 8 with RAG: 1 Green (12.5 → 13), 3 Amber (37.5 → 38), 4 Red (50)
    codes = [f"P{i}" for i in range(8)]
    statuses = ["Green"] + ["Amber"] * 3 + ["Red"] * 4
    values = {"Green": 50, "Amber": 38, "Red": 10}
    con = manual_warehouse(
        [manual_indicator(c) for c in codes],
        [manual_return(Q2, c, value=values[s]) for c, s in zip(codes, statuses, strict=True)],
        [target_row(c, 40, "points", 5) for c in codes],
    )
    row = summary(con, Q2)
    assert (row["green_pct"], row["amber_pct"], row["red_pct"]) == (13, 38, 50)
    assert (
        "In summary, of the 8 indicators: 1 (13%) has a status of Green; " in (row["summary_text"])
    )
    assert "Eight indicators have also been assigned a RAG status." in row["summary_text"]


def test_summary_with_a_single_indicator():
    con = manual_warehouse(
        [manual_indicator("ONE", title="Only one")],
        [manual_return(Q2, "ONE", value=10)],
        [target_row("ONE", 40)],
    )
    row = summary(con, Q2)
    assert row["summary_text"] == (
        "In total, 1 performance indicator has been selected for the sub-committee to "
        "monitor and it is available for reporting this quarter. One indicator has also "
        "been assigned a RAG status.\n"
        "In summary, of the 1 indicator: 0 (0%) have a status of Green; 0 (0%) have a "
        "status of Amber; 1 (100%) has a status of Red.\n"
        "The indicator rated Red is: Only one (ONE)."
    )


def test_summary_with_no_rag_status():
    con = manual_warehouse(
        [manual_indicator("A"), manual_indicator("B")],
        [manual_return(Q2, "A", value=10)],
    )
    row = summary(con, Q2)
    assert (row["indicators_with_rag"], row["green_pct"], row["red_pct"]) == (0, None, None)
    assert row["red_indicators"] == []
    assert row["summary_text"] == (
        "In total, 2 performance indicators have been selected for the sub-committee to "
        "monitor and 1 of them is available for reporting this quarter. No indicators "
        "have been assigned a RAG status."
    )


# --- the catalogue drives the fact table ------------------------------------------------


def test_second_committee_and_new_manual_indicator_need_no_code():
    catalogue = catalogue_rows() + [
        manual_indicator("ADU-NEW", committee="Adults and Health", title="New adults measure"),
        manual_indicator("EDU-NEW", title="A new education return", decimals=2),
    ]
    con = new_warehouse(Q2, catalogue=catalogue)
    insert(
        con,
        "raw_manual_returns",
        [
            manual_return(Q2, "ADU-NEW", value="80"),
            manual_return(Q2, "EDU-NEW", numerator=2, denominator=3),
        ],
    )
    insert(con, "raw_targets", [target_row("ADU-NEW", 75, "level", 70)])
    run(con, Q2)
    assert value(con, Q2, "EDU-NEW") == Decimal("66.67")
    assert fact(con, Q2, "ADU-NEW")["rag_status"] == "Green"
    committees = rows(
        con, "select committee, indicators_selected, indicators_with_rag from mart_rag_summary"
    )
    assert sorted((r["committee"], r["indicators_selected"]) for r in committees) == [
        ("Adults and Health", 1),
        (COMMITTEE, len(CATALOGUE) + 1),
    ]
    (count,) = con.execute("select count(*) from fct_indicator_quarter").fetchone()
    assert count == len(CATALOGUE) + 2


# --- materialisation ----------------------------------------------------------------------


def test_rerunning_a_quarter_replaces_its_rows_only():
    con = manual_warehouse(
        [manual_indicator("X")],
        [manual_return(k, "X", value=v) for k, v in ((Q1, 10), (Q2, 20))],
        quarter_keys=(Q1, Q2),
    )
    con.execute("update raw_manual_returns set VALUE = 15 where quarter_key = ?", [Q1])
    run(con, Q1)
    run(con, Q1)
    counts = rows(
        con, "select quarter_key, count(*) as n from fct_indicator_quarter group by all order by 1"
    )
    assert counts == [{"quarter_key": Q1, "n": 1}, {"quarter_key": Q2, "n": 1}]
    assert value(con, Q1, "X") == Decimal(15)
    assert value(con, Q2, "X") == Decimal(20)
    for table in ("dim_quarter", "mart_rag_summary", "int_indicator_values"):
        (n,) = con.execute(f"select count(*) from {table}").fetchone()
        assert n == 2, table


def test_run_id_and_loaded_at_are_bound_per_run():
    con = manual_warehouse([manual_indicator("X")], [manual_return(Q2, "X", value=1)])
    row = fact(con, Q2, "X")
    assert row["run_id"] == "test-run"
    assert row["loaded_at"].isoformat().startswith("2021-11-01T09:30:00")


def test_mart_column_types_follow_the_contract():
    con = report_quarter()
    types = {
        (r["table_name"], r["column_name"]): r["data_type"]
        for r in rows(
            con, "select table_name, column_name, data_type from information_schema.columns"
        )
    }
    for column in ("numerator", "value", "target", "amber_threshold", "london_average"):
        assert types[("fct_indicator_quarter", column)] == "DECIMAL(18,6)"
    assert types[("fct_indicator_quarter", "loaded_at")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("mart_rag_summary", "green_pct")] == "INTEGER"
    assert types[("mart_rag_summary", "red_indicators")] == "VARCHAR[]"
    assert types[("dim_quarter", "end_date")] == "DATE"


def test_no_mart_holds_child_identifiers_or_dates_of_birth():
    con = new_warehouse(Q2)
    insert(
        con,
        "raw_episodes",
        [{"quarter_key": Q2, "CHILD": "SECRET-CHILD-1", "DECOM": d("2020-01-01"), "RNE": "S"}],
    )
    insert(
        con,
        "raw_header",
        [{"quarter_key": Q2, "CHILD": "SECRET-CHILD-1", "SEX": 1, "DOB": d("2011-02-03")}],
    )
    insert(
        con,
        "raw_cp_plans",
        [{"quarter_key": Q2, "LAchildID": "SECRET-CIN-2", "CPPstartDate": d("2021-01-01")}],
    )
    insert(
        con,
        "audit_rejects",
        [
            {
                "quarter_key": Q2,
                "extract": "header",
                "row_number": 3,
                "column_name": "DOB",
                "value": "2011-02-03",
                "rule": "DOB is a date",
                "severity": "warning",
                "is_personal": True,
                "run_id": "r1",
            },
            {
                "quarter_key": None,  # a reference file: kept on every run
                "extract": "targets",
                "row_number": 2,
                "column_name": "TARGET",
                "value": "abc",
                "rule": "TARGET is a number",
                "severity": "error",
                "is_personal": False,
                "run_id": "r1",
            },
        ],
    )
    run(con, Q2)
    run(con, Q2)
    forbidden = {"child", "dob", "lachildid", "la_child_id", "upn", "home_post", "pl_post"}
    for table in MART_TABLES:
        cursor = con.execute(f"select * from {table}")
        columns = [c[0].lower() for c in cursor.description]
        assert not forbidden & set(columns), table
        text = " ".join(str(v) for row in cursor.fetchall() for v in row)
        for secret in ("SECRET-CHILD-1", "SECRET-CIN-2", "2011-02-03"):
            assert secret not in text, (table, secret)
    rejects = rows(con, "select * from audit_rejected_rows order by extract")
    assert [(r["extract"], r["value"]) for r in rejects] == [
        ("header", "[redacted]"),
        ("targets", "abc"),
    ]


# --- model discovery ----------------------------------------------------------------------


def test_dependencies_are_read_from_the_sql():
    models = discover_models()
    fct = models["fct_indicator_quarter"]
    assert fct.layer == "marts"
    assert "int_indicator_values" in fct.deps
    assert "comparisons" not in fct.deps  # a CTE, not a table
    assert models["int_indicator__csc_perm"].deps >= {"ref_rec_codes", "stg_903__episodes"}
    order = [m.name for m in topological_order(models)]
    for model in models.values():
        for dep in model.deps & set(models):
            assert order.index(dep) < order.index(model.name)


def test_a_model_with_ddl_or_an_unknown_table_is_refused(tmp_path: Path):
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "stg_x.sql").write_text("create table x as select 1")
    with pytest.raises(ModelError, match="one select"):
        discover_models(tmp_path)
    (tmp_path / "staging" / "stg_x.sql").write_text("select * from somewhere_else")
    with pytest.raises(ModelError, match="somewhere_else"):
        discover_models(tmp_path)


def test_parsed_dependencies_are_cached_by_the_sql_text(tmp_path: Path, monkeypatch):
    import json
    import subprocess
    import sys

    from pipeline.models import runner

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(runner, "_DEPS_CACHE", runner._DepsCache())
    sql_dir = tmp_path / "sql"
    (sql_dir / "staging").mkdir(parents=True)
    (sql_dir / "staging" / "stg_b.sql").write_text("select 1 as k from raw_b")
    stg_c = sql_dir / "staging" / "stg_c.sql"
    stg_c.write_text("with t as (select * from raw_a) select * from t join stg_b using (k)")
    expected = {"stg_b": {"raw_b"}, "stg_c": {"raw_a", "stg_b"}}  # t is the CTE
    assert {n: set(m.deps) for n, m in discover_models(sql_dir).items()} == expected
    cache = runner._DEPS_CACHE.path
    assert sorted(map(sorted, json.loads(cache.read_text()).values())) == [
        ["raw_a", "stg_b"],
        ["raw_b"],
    ]
    # Another process reads the same dependencies from the cache, without sqlglot.
    code = (
        "import sys\nfrom pipeline.models.runner import discover_models\n"
        f"models = discover_models({str(sql_dir)!r})\n"
        "print(sorted((n, sorted(m.deps)) for n, m in models.items()))\n"
        "assert 'sqlglot' not in sys.modules\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[('stg_b', ['raw_b']), ('stg_c', ['raw_a', 'stg_b'])]"
    # An edited model is parsed again; a broken one is refused, never cached.
    stg_c.write_text("select * from raw_a")
    assert discover_models(sql_dir)["stg_c"].deps == {"raw_a"}
    stg_c.write_text("create table x as select 1")
    with pytest.raises(ModelError, match="one select"):
        discover_models(sql_dir)
    assert len(json.loads(cache.read_text())) == 3  # stg_b, and both good versions of stg_c


def test_model_without_quarter_key_is_replaced_whole():
    con = duckdb.connect()
    prepare_connection(con)
    model = Model(
        "dim_thing", "marts", Path("dim_thing.sql"), "select 1 as n", frozenset(), "table"
    )
    assert materialize_model(con, model, [Q2], "r", LOADED) == 1
    assert materialize_model(con, model, [Q2], "r", LOADED) == 1
    assert con.execute("select count(*) from dim_thing").fetchone() == (1,)
    assert con.execute("select count(*) from ref_rec_codes").fetchone()[0] >= 24


def test_a_model_that_changed_shape_is_rebuilt_for_every_quarter_it_held():
    """A release that adds a column (commentary_owner) must not leave the fact table with
    only the quarters of the first run after upgrading: 2 quarters held, 1 run, 2 rebuilt."""
    con = duckdb.connect()
    prepare_connection(con)
    con.execute(
        "create table quarters_src as select * from (values ('2021-22-Q1'), (?)) t(k)", [Q2]
    )
    old = Model(
        "fct_thing", "marts", Path("fct_thing.sql"), "select k as quarter_key from quarters_src",
        frozenset(),
    )  # fmt: skip
    assert materialize_model(con, old, ["2021-22-Q1", Q2], "r", LOADED) == 2
    new = Model(
        "fct_thing", "marts", Path("fct_thing.sql"),
        "select k as quarter_key, 'owner' as commentary_owner from quarters_src", frozenset(),
    )  # fmt: skip
    assert materialize_model(con, new, [Q2], "r", LOADED) == 2
    rows = con.execute("select quarter_key, commentary_owner from fct_thing order by 1").fetchall()
    assert rows == [("2021-22-Q1", "owner"), (Q2, "owner")]
