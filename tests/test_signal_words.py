"""What the summary and the report say about signals: words, symbols, the paragraph."""

from __future__ import annotations

from decimal import Decimal

from pipeline.report.signals import (
    Signal,
    change_words,
    outlook_words,
    small_number_words,
    summary_paragraph,
)
from pipeline.report.symbols import assurance_symbol, key, variation_symbol


def test_small_numbers_say_how_far_one_child_moves_the_figure():
    small = Signal("2021-22-Q2", small_numbers=True)
    # 1 of 27 children is 100/27 = 3.7037 percentage points.
    assert small_number_words(small, "percent", Decimal(27), 1) == (
        "Small numbers: this figure rests on 27 children, so a change of one child moves it "
        "by 3.7%."
    )
    assert "below 10" in small_number_words(small, "count", None, 0)
    assert small_number_words(Signal("2021-22-Q2", small_numbers=False), "count", None, 0) is None


def test_change_words_significant_not_and_untestable():
    words = change_words(
        Signal("q", change_short_term_significant=True, change_long_term_significant=None),
        "2021/22 Q1",
        "2020/21 Q2",
    )
    assert "Against 2021/22 Q1 it is statistically significant" in words
    assert "against 2020/21 Q2 it cannot be tested" in words
    quiet = change_words(Signal("q", change_short_term_significant=False), "a", "b")
    assert "not statistically significant" in quiet


def test_outlook_words():
    signal = Signal(
        "q",
        outlook_value=Decimal("9.8"),
        outlook_lower=Decimal("7.290852"),
        outlook_upper=Decimal("12.309148"),
        outlook="likely to miss",
    )
    assert outlook_words(signal, "percent", 1) == (
        "Year-end outlook: about 9.8% at Q4 (80% range 7.3% to 12.3%); "
        "the year-end target is likely to be missed."
    )
    assert outlook_words(Signal("q"), "percent", 1) is None


def test_summary_paragraph_counts_and_names():
    ok = dict(spc_status="ok")
    rows = [
        ("A", "Alpha", Signal("q", variation="special cause concern", **ok)),
        ("B", "Beta", Signal("q", variation="special cause improvement", **ok)),
        ("C", "Gamma", Signal("q", variation="common cause", assurance="consistently fails", **ok)),
        ("D", "Delta", Signal("q", spc_status="too few points", outlook="likely to miss")),
        ("E", "Epsilon", None),
    ]
    text = summary_paragraph(rows)
    assert text.startswith(
        "Statistical process control: of the 3 indicators with process limits this quarter, "
        "1 shows special-cause concern (Alpha (A)) and 1 special-cause improvement (Beta (B))"
    )
    assert "(assurance ‘consistently fails’) for Gamma (C)." in text
    assert "unlikely to be met for Delta (D)." in text
    assert summary_paragraph([("E", "Epsilon", None)]) is None


def test_symbols_have_words_and_differ():
    up = variation_symbol("special cause improvement", "higher")
    down = variation_symbol("special cause improvement", "lower")
    assert up.short == "Improvement (high)" and down.short == "Improvement (low)"
    assert up.svg != down.svg  # the arrow points the way the number moved
    assert variation_symbol("special cause concern", "higher").short == "Concern (low)"
    assert variation_symbol("special cause high", "none").short == "Special cause (high)"
    assert variation_symbol(None, "higher") is None
    assert assurance_symbol("consistently fails").short == "Fails"
    assert assurance_symbol(None) is None
    variations, assurances = key()
    drawings = [s.svg for s in variations + assurances]
    assert len(set(drawings)) == len(drawings) == 10
    assert all('aria-hidden="true"' in svg for svg in drawings)


def test_signal_checks_find_broken_rows():
    """The three blocking checks of mart_indicator_signal, on rows broken on purpose."""
    import duckdb

    from pipeline.quality.checks import QUERY_CHECKS

    checks = {c.name: c for c in QUERY_CHECKS if c.asset == "mart_indicator_signal"}
    assert set(checks) == {
        "signal_limits_ordered",
        "signal_interval_holds_value",
        "signal_outlook_range_holds_point",
    }
    assert all(c.blocking for c in checks.values())
    con = duckdb.connect()
    con.execute("create table dim_indicator (code varchar, decimals integer)")
    con.execute("insert into dim_indicator values ('A', 1), ('B', 1), ('C', 1)")
    con.execute(
        "create table fct_indicator_quarter (quarter_key varchar, indicator_code varchar, "
        "value decimal(18,6))"
    )
    # A's value 50.0 is inside its interval; B's 50.0 is 0.06 above 49.94 (more than the
    # half-unit rounding allowance of 0.05); C's 50.0 is 0.04 above (within it).
    con.execute(
        "insert into fct_indicator_quarter values ('q', 'A', 50), ('q', 'B', 50), ('q', 'C', 50)"
    )
    con.execute(
        """create table mart_indicator_signal as select * from (values
        ('q', 'A', 'ok', 1.0, 2.0, 3.0, 4.0, 5.0, 40.0, 60.0, 'uncertain', 1.0, 2.0, 3.0),
        ('q', 'B', 'ok', 1.0, 2.5, 2.0, 4.0, 5.0, 40.0, 49.94, 'uncertain', 1.0, 4.0, 3.0),
        ('q', 'C', 'too few points', null, null, null, null, null, 40.0, 49.96, null,
         null, null, null)
        ) as t(quarter_key, indicator_code, spc_status, spc_lower_limit, spc_lower_2sigma,
               spc_mean, spc_upper_2sigma, spc_upper_limit, interval_lower, interval_upper,
               outlook, outlook_lower, outlook_value, outlook_upper)"""
    )
    found = {
        name: [row[:2] for row in con.execute(check.sql, {"keys": ["q"]}).fetchall()]
        for name, check in checks.items()
    }
    assert found == {
        "signal_limits_ordered": [("q", "B")],  # 2-sigma line above the mean
        "signal_interval_holds_value": [("q", "B")],
        "signal_outlook_range_holds_point": [("q", "B")],  # 4 above the upper end 3
    }


def test_definitions_schedule_the_signal_marts_before_publishing():
    import dagster as dg

    from pipeline.definitions import load_definitions

    defs = load_definitions()
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"mart_indicator_signal", "mart_outlook_backtest"} <= keys
    published = graph.get(dg.AssetKey("published_marts"))
    parents = {key.to_user_string() for key in published.parent_keys}
    assert {"mart_indicator_signal", "mart_outlook_backtest"} <= parents
    signal = graph.get(dg.AssetKey("mart_indicator_signal"))
    assert "fct_indicator_quarter" in {key.to_user_string() for key in signal.parent_keys}
