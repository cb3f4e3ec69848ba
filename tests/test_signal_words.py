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
