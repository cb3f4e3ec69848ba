"""Working days in England (Monday–Friday less bank holidays, `holidays` package).

The conference-timeliness rule counts working days, and the generator must
count them exactly as the pipeline does or its tuned figures would drift.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def _bank_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=range(2005, 2026))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays()


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_working_day(day)
    return day
