"""Quarter-key arithmetic for quarters that are referenced but not loaded in dim_quarter.

spec/rules.md "Periods": key `2021-22-Q2`, label `2021/22 Q2`; the previous quarter
of Q1 is Q4 of the previous financial year.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")


def parse_key(quarter_key: str) -> tuple[int, int] | None:
    """(start year of the financial year, quarter number), or None if not a quarter key."""
    match = _KEY.match(quarter_key)
    if not match:
        return None
    return int(match.group(1)), int(match.group(3))


def make_key(start_year: int, quarter_number: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}-Q{quarter_number}"


def previous_key(quarter_key: str) -> str | None:
    parsed = parse_key(quarter_key)
    if parsed is None:
        return None
    year, number = parsed
    return make_key(year - 1, 4) if number == 1 else make_key(year, number - 1)


def fallback_label(quarter_key: str) -> str:
    """`2021-22-Q1` -> `2021/22 Q1` for a quarter that dim_quarter does not hold."""
    parsed = parse_key(quarter_key)
    if parsed is None:
        return quarter_key
    year, number = parsed
    return f"{year}/{(year + 1) % 100:02d} Q{number}"


def financial_year_label(financial_year: str) -> str:
    """`2021-22` -> `2021/22` (the report's spelling)."""
    return financial_year.replace("-", "/")
