"""Quarter keys, labels and comparison periods (spec/rules.md, "Periods")."""

from datetime import date

import pytest

from pipeline.core.periods import (
    Quarter,
    QuarterKeyError,
    last_completed_quarter,
    sort_keys,
    with_dependants,
)
from pipeline.defs.schedules import quarter_due


def test_labels_and_dates_of_a_quarter():
    q = Quarter.parse("2021-22-Q2")
    assert q.label == "2021/22 Q2"
    assert q.long_label == "Quarter 2 (July to September 2021)"
    assert (q.start_date, q.end_date) == (date(2021, 7, 1), date(2021, 9, 30))
    assert q.financial_year_start == date(2021, 4, 1)


def test_quarter_four_spans_the_new_calendar_year():
    q = Quarter.parse("2021-22-Q4")
    assert q.long_label == "Quarter 4 (January to March 2022)"
    assert (q.start_date, q.end_date) == (date(2022, 1, 1), date(2022, 3, 31))
    assert Quarter.parse("2019-20-Q4").end_date == date(2020, 3, 31)


def test_comparison_quarters():
    assert Quarter.parse("2021-22-Q1").previous().key == "2020-21-Q4"
    assert Quarter.parse("2021-22-Q2").year_ago().key == "2020-21-Q2"
    assert Quarter.parse("2020-21-Q4").next().key == "2021-22-Q1"
    assert Quarter.parse("2099-00-Q1").financial_year == "2099-00"


@pytest.mark.parametrize("text", ["2021-23-Q2", "2021-22-Q5", "2021/22 Q2", "Q2-2021", ""])
def test_malformed_keys_are_refused(text):
    with pytest.raises(QuarterKeyError):
        Quarter.parse(text)


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2021, 4, 1), "2021-22-Q1"),
        (date(2021, 9, 30), "2021-22-Q2"),
        (date(2021, 10, 1), "2021-22-Q3"),
        (date(2022, 3, 31), "2021-22-Q4"),
    ],
)
def test_quarter_containing_a_day(day, key):
    assert Quarter.containing(day).key == key


def test_last_completed_quarter_waits_for_the_offset():
    assert last_completed_quarter(date(2021, 10, 14), 14).key == "2021-22-Q2"
    assert last_completed_quarter(date(2021, 10, 13), 14).key == "2021-22-Q1"


def test_schedule_fires_once_per_quarter_on_the_offset_day():
    assert quarter_due(date(2021, 10, 14), 14).key == "2021-22-Q2"
    assert quarter_due(date(2021, 10, 15), 14) is None
    assert quarter_due(date(2022, 1, 14), 14).key == "2021-22-Q3"
    assert quarter_due(date(2022, 4, 30), 30).key == "2021-22-Q4"
    fired = [d for d in _days(date(2021, 4, 1), date(2022, 3, 31)) if quarter_due(d, 14)]
    assert len(fired) == 4


def test_keys_sort_in_time_order():
    assert sort_keys({"2021-22-Q1", "2020-21-Q4", "2019-20-Q2"}) == [
        "2019-20-Q2",
        "2020-21-Q4",
        "2021-22-Q1",
    ]


def test_rerunning_a_quarter_refreshes_the_quarters_that_compare_with_it():
    loaded = {"2020-21-Q2", "2021-22-Q1", "2021-22-Q2", "2021-22-Q3"}
    assert with_dependants(["2021-22-Q1"], loaded) == ["2021-22-Q1", "2021-22-Q2"]
    assert with_dependants(["2020-21-Q2"], loaded) == ["2020-21-Q2", "2021-22-Q2"]
    assert with_dependants(["2021-22-Q3"], loaded) == ["2021-22-Q3"]


def _days(first, last):
    from datetime import timedelta

    while first <= last:
        yield first
        first += timedelta(days=1)
