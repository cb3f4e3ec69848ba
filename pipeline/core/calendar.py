"""The date dimension: every day with its weekend and England bank-holiday flags.

Working days for CSC-ICPC need England's bank holidays. They come from the
maintained `holidays` package (spec/indicators.md, "Working days"), never from a
hand-typed list, and are written as `raw_dates` so the SQL counts working days
with a join rather than a Python loop.
"""

from datetime import date

import holidays
import pandas as pd

FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2060, 12, 31)


def date_dimension(first: date = FIRST_DAY, last: date = LAST_DAY) -> pd.DataFrame:
    """Every day in [first, last] with its weekend and England bank-holiday flags."""
    days = pd.date_range(first, last, freq="D")
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(first.year, last.year + 1)
    )
    # A plain dict of the few hundred holidays: looking each of the ~26,000 days up in
    # the HolidayBase itself (which parses and may expand on every `get`) took 0.3 s.
    by_day = dict(bank_holidays.items())
    names = [by_day.get(day) for day in days.date]
    return pd.DataFrame(
        {
            "date_day": days.date,
            "is_weekend": days.dayofweek >= 5,
            "is_bank_holiday": [n is not None for n in names],
            "bank_holiday_name": names,
        }
    )
