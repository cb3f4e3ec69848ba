"""The production date dimension and quarter rows, against dates a person can check.

pipeline/core/calendar.py gives every day its weekend and England bank-holiday flags
(CSC-ICPC counts working days with them); Quarter.as_row gives raw_quarters (and so
dim_quarter) its rows. Every expected value here is read off a calendar or the
gov.uk list of bank holidays, not computed.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.core.calendar import date_dimension
from pipeline.core.periods import Quarter


@pytest.fixture(scope="module")
def days():
    frame = date_dimension(date(2021, 1, 1), date(2024, 12, 31))
    return frame.set_index("date_day")


def _flags(days, day: date) -> tuple[bool, bool]:
    row = days.loc[day]
    return bool(row["is_weekend"]), bool(row["is_bank_holiday"])


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2022, 6, 2), "Spring bank holiday, moved from 30 May for the Platinum Jubilee"),
        (date(2022, 6, 3), "Platinum Jubilee bank holiday"),
        (date(2022, 9, 19), "State funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Coronation of King Charles III"),
        (date(2021, 8, 30), "Summer bank holiday, England: last Monday of August"),
        (date(2022, 4, 18), "Easter Monday: England, not Scotland"),
        (date(2021, 12, 27), "Christmas Day (a Saturday) substitute"),
        (date(2021, 12, 28), "Boxing Day (a Sunday) substitute"),
        (date(2022, 1, 3), "New Year's Day (a Saturday) substitute"),
    ],
)
def test_england_bank_holidays_are_not_working_days(days, day, why) -> None:
    assert _flags(days, day) == (False, True), why


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2022, 5, 30), "last Monday of May 2022: the holiday moved to 2 June"),
        (date(2021, 8, 2), "Scotland's summer bank holiday (first Monday of August)"),
        (date(2022, 8, 1), "Scotland's summer bank holiday"),
        (date(2024, 1, 2), "2 January: a Scottish bank holiday only"),
        (date(2021, 11, 30), "St Andrew's Day (a Tuesday): Scotland only"),
        (date(2022, 3, 17), "St Patrick's Day: Northern Ireland only"),
        (date(2022, 7, 12), "Battle of the Boyne: Northern Ireland only"),
        (date(2021, 4, 1), "the first day of the financial year, a Thursday"),
    ],
)
def test_other_nations_holidays_are_working_days_in_england(days, day, why) -> None:
    assert _flags(days, day) == (False, False), why


def test_weekends_are_flagged_and_the_jubilee_weekend_is_four_days(days) -> None:
    # Thursday 2 June to Sunday 5 June 2022: two bank holidays, then a weekend
    assert [_flags(days, date(2022, 6, d)) for d in (1, 2, 3, 4, 5, 6)] == [
        (False, False),  # Wed
        (False, True),  # Thu
        (False, True),  # Fri
        (True, False),  # Sat
        (True, False),  # Sun
        (False, False),  # Mon
    ]


def test_england_had_ten_weekday_bank_holidays_in_2022(days) -> None:
    # 3 Jan, 15 Apr (Good Friday), 18 Apr, 2 May, 2 Jun, 3 Jun, 29 Aug, 19 Sep, 26 Dec, 27 Dec;
    # New Year's Day and Christmas Day fell on a weekend (flagged too, no working day lost)
    in_2022 = days[(days.index >= date(2022, 1, 1)) & (days.index <= date(2022, 12, 31))]
    off = in_2022["is_bank_holiday"] & ~in_2022["is_weekend"]
    assert sorted(in_2022.index[off]) == [
        date(2022, 1, 3),
        date(2022, 4, 15),
        date(2022, 4, 18),
        date(2022, 5, 2),
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 8, 29),
        date(2022, 9, 19),
        date(2022, 12, 26),
        date(2022, 12, 27),
    ]
    assert int(in_2022["is_weekend"].sum()) == 105  # 2022 began on a Saturday: 53 + 52


def test_the_dimension_covers_every_day_once() -> None:
    frame = date_dimension(date(2024, 2, 1), date(2024, 3, 31))
    assert len(frame) == 29 + 31  # 2024 is a leap year
    assert frame["date_day"].is_unique


@pytest.mark.parametrize(
    ("key", "row"),
    [
        (
            "2021-22-Q1",
            ("2021-22", 1, "2021/22 Q1", "Quarter 1 (April to June 2021)",
             date(2021, 4, 1), date(2021, 6, 30), "2020-21-Q4", "2020-21-Q1"),
        ),
        (
            "2021-22-Q2",
            ("2021-22", 2, "2021/22 Q2", "Quarter 2 (July to September 2021)",
             date(2021, 7, 1), date(2021, 9, 30), "2021-22-Q1", "2020-21-Q2"),
        ),
        (
            "2023-24-Q3",
            ("2023-24", 3, "2023/24 Q3", "Quarter 3 (October to December 2023)",
             date(2023, 10, 1), date(2023, 12, 31), "2023-24-Q2", "2022-23-Q3"),
        ),
        (
            "2023-24-Q4",  # January to March of the next calendar year; 2024 is a leap year
            ("2023-24", 4, "2023/24 Q4", "Quarter 4 (January to March 2024)",
             date(2024, 1, 1), date(2024, 3, 31), "2023-24-Q3", "2022-23-Q4"),
        ),
        (
            "1999-00-Q4",  # the century in the key
            ("1999-00", 4, "1999/00 Q4", "Quarter 4 (January to March 2000)",
             date(2000, 1, 1), date(2000, 3, 31), "1999-00-Q3", "1998-99-Q4"),
        ),
    ],
)  # fmt: skip
def test_quarter_rows_of_the_production_periods(key, row) -> None:
    columns = (
        "financial_year", "quarter_number", "label", "long_label", "start_date", "end_date",
        "previous_quarter_key", "year_ago_quarter_key",
    )  # fmt: skip
    assert Quarter.parse(key).as_row() == {
        "quarter_key": key,
        **dict(zip(columns, row, strict=True)),
    }
