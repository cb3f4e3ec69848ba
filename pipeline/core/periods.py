"""Financial-year quarters: keys, labels, dates and comparison periods.

UK local-government financial years run 1 April to 31 March (spec/rules.md,
"Periods"). Everything that needs to know what `2021-22-Q2` means asks this
module — the runner, the schedule, the SQL calendar and the report alike — so
the quarter arithmetic exists once and the SQL models read quarter dates from
`raw_quarters` instead of re-deriving them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER_KEY = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})-Q(?P<q>[1-4])$")

_MONTH_NAMES = list(calendar.month_name)


class QuarterKeyError(ValueError):
    """A folder or argument is not a quarter key such as `2021-22-Q2`."""


@dataclass(frozen=True, order=True)
class Quarter:
    """One financial-year quarter, ordered in time."""

    start_year: int
    number: int

    @classmethod
    def parse(cls, key: str) -> Quarter:
        match = QUARTER_KEY.match(key.strip())
        if not match:
            raise QuarterKeyError(
                f"'{key}' is not a quarter key: expected the financial year and quarter "
                "as in 2021-22-Q2"
            )
        start = int(match["start"])
        if int(match["end"]) != (start + 1) % 100:
            raise QuarterKeyError(
                f"'{key}' is not a quarter key: {match['start']}-{match['end']} is not a "
                "financial year (the two years must be consecutive, as in 2021-22)"
            )
        return cls(start, int(match["q"]))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        """The quarter whose three months include `day`."""
        start_year = day.year if day.month >= 4 else day.year - 1
        return cls(start_year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def is_key(cls, text: str) -> bool:
        return cls.try_parse(text) is not None

    @classmethod
    def try_parse(cls, text: str) -> Quarter | None:
        """The quarter of `text`, or None where it is not a quarter key (a label stays as is)."""
        try:
            return cls.parse(text)
        except QuarterKeyError:
            return None

    @property
    def financial_year(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def key(self) -> str:
        return f"{self.financial_year}-Q{self.number}"

    @property
    def year_label(self) -> str:
        """`2021/22`: the financial year as the report spells it."""
        return financial_year_label(self.financial_year)

    @property
    def label(self) -> str:
        return f"{self.year_label} Q{self.number}"

    @property
    def start_date(self) -> date:
        month = 4 + 3 * (self.number - 1)
        year = self.start_year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1)

    @property
    def end_date(self) -> date:
        return self.next().start_date - timedelta(days=1)

    @property
    def long_label(self) -> str:
        first, last = self.start_date, self.end_date
        return (
            f"Quarter {self.number} ({_MONTH_NAMES[first.month]} to "
            f"{_MONTH_NAMES[last.month]} {last.year})"
        )

    @property
    def financial_year_start(self) -> date:
        return date(self.start_year, 4, 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.start_year - 1, 4)
        return Quarter(self.start_year, self.number - 1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.start_year + 1, 1)
        return Quarter(self.start_year, self.number + 1)

    def year_ago(self) -> Quarter:
        return Quarter(self.start_year - 1, self.number)

    def year_later(self) -> Quarter:
        return Quarter(self.start_year + 1, self.number)

    def __str__(self) -> str:
        return self.key

    def as_row(self) -> dict[str, object]:
        """The quarter's columns of `raw_quarters` (and so of `dim_quarter`)."""
        return {
            "quarter_key": self.key,
            "financial_year": self.financial_year,
            "quarter_number": self.number,
            "label": self.label,
            "long_label": self.long_label,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "previous_quarter_key": self.previous().key,
            "year_ago_quarter_key": self.year_ago().key,
        }


def financial_year_label(financial_year: str) -> str:
    """`2021-22` -> `2021/22` (the report's spelling)."""
    return financial_year.replace("-", "/")


def last_completed_quarter(today: date, days_after_end: int = 0) -> Quarter:
    """The latest quarter that ended at least `days_after_end` days before `today`."""
    cutoff = today - timedelta(days=days_after_end)
    quarter = Quarter.containing(cutoff)
    return quarter if quarter.end_date == cutoff else quarter.previous()


def sort_keys(keys: list[str] | set[str]) -> list[str]:
    """Quarter keys oldest first."""
    return [q.key for q in sorted(Quarter.parse(k) for k in keys)]


def with_dependants(run_keys: list[str], loaded_keys: set[str]) -> list[str]:
    """The run's quarters plus loaded quarters that compare themselves with one of them.

    A quarter's direction of travel reads the previous quarter and the same
    quarter last year; re-running either must refresh the later quarter's
    comparison too, or the fact table would go on showing the old figure.
    """
    quarters = {Quarter.parse(k) for k in run_keys}
    dependants = {
        later for q in quarters for later in (q.next(), q.year_later()) if later.key in loaded_keys
    }
    return sort_keys({q.key for q in quarters | dependants})
