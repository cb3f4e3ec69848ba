"""Fixed facts of the synthetic world: quarters, sizes and the figures to hit.

Kept apart from the simulation so that a reader can see at a glance what the
sample is built to show, and change it without touching any algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

DEFAULT_SEED = 20211
AREA_CODE = "E09000016"
AREA_NAME = "Havering"
FINANCIAL_YEARS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-24")
#: The sample's last quarter: the first of 2023-24, added after the first sixteen.
LAST_QUARTER = "2023-24-Q1"

#: The simulated case system starts recording care journeys here, long
#: enough before the first quarter for the population in care to be steady
#: and for 2.5-year placement histories to exist. WORLD_END is the horizon of
#: the first simulation (the first sixteen quarters); the quarters after it,
#: to SAMPLE_END, continue it from streams of their own (continuation.py), so
#: that adding them changed no file of an earlier quarter.
WORLD_START = date(2008, 4, 1)
WORLD_END = date(2023, 3, 31)
SAMPLE_END = date(2023, 6, 30)


@dataclass(frozen=True)
class Quarter:
    """A quarter of a UK local-government financial year."""

    financial_year: str
    number: int

    @property
    def key(self) -> str:
        return f"{self.financial_year}-Q{self.number}"

    @property
    def fy_start(self) -> date:
        return date(int(self.financial_year[:4]), 4, 1)

    @property
    def start(self) -> date:
        y = int(self.financial_year[:4])
        return [date(y, 4, 1), date(y, 7, 1), date(y, 10, 1), date(y + 1, 1, 1)][self.number - 1]

    @property
    def end(self) -> date:
        y = int(self.financial_year[:4])
        ends = [date(y, 6, 30), date(y, 9, 30), date(y, 12, 31), date(y + 1, 3, 31)]
        return ends[self.number - 1]


QUARTERS: tuple[Quarter, ...] = tuple(
    q
    for q in (Quarter(fy, n) for fy in FINANCIAL_YEARS for n in (1, 2, 3, 4))
    if q.key <= LAST_QUARTER
)
QUARTER_BY_KEY = {q.key: q for q in QUARTERS}

#: Quarters whose manual returns and commentary arrive as Excel workbooks,
#: as performance teams keep them, to exercise the pipeline's xlsx reader.
XLSX_QUARTERS = frozenset({"2022-23-Q3", "2022-23-Q4"})

# --- tuning plans -----------------------------------------------------------
# (value, mode): "exact" = the published figure must come out exactly;
# "min"/"max" = a bound that keeps a published RAG status; "about" = steer
# towards a plausible series where the published figure is unknown.
D = Decimal

SW2_PLAN: dict[str, tuple[Decimal, str]] = {
    "2019-20-Q1": (D("9.6"), "about"),
    "2019-20-Q2": (D("10.4"), "about"),
    "2019-20-Q3": (D("11.0"), "about"),
    "2019-20-Q4": (D("10.8"), "about"),
    "2020-21-Q1": (D("11.2"), "about"),
    "2020-21-Q2": (D("11.7"), "exact"),
    "2020-21-Q3": (D("11.9"), "about"),
    "2020-21-Q4": (D("11.4"), "about"),
    "2021-22-Q1": (D("10.9"), "exact"),
    "2021-22-Q2": (D("22.4"), "exact"),
    "2021-22-Q3": (D("21.0"), "about"),
    "2021-22-Q4": (D("19.0"), "about"),
    "2022-23-Q1": (D("16.8"), "about"),
    "2022-23-Q2": (D("13.0"), "about"),
    "2022-23-Q3": (D("12.0"), "about"),
    "2022-23-Q4": (D("11.0"), "about"),
    "2023-24-Q1": (D("10.6"), "about"),
}

LTPS_PLAN: dict[str, tuple[Decimal, str]] = {
    "2021-22-Q1": (D("66.0"), "min"),
    "2021-22-Q2": (D("65.2"), "exact"),
}

PERM_PLAN: dict[str, tuple[Decimal, str]] = {
    "2021-22-Q1": (D("12.5"), "max"),
    "2021-22-Q2": (D("10.2"), "exact"),
}

ICPC_PLAN: dict[str, tuple[Decimal, str]] = {
    "2021-22-Q1": (D("95.0"), "min"),
    "2021-22-Q2": (D("95.0"), "min"),
}

#: Share of primary / secondary pupils in Good or Outstanding schools that
#: must hold where published ("above target in both phases", primary above London).
SCHOOLS_PLAN: dict[str, dict[str, Decimal]] = {
    "2021-22-Q1": {"Primary": D("91.5"), "Secondary": D("82.0")},
    "2021-22-Q2": {"Primary": D("91.5"), "Secondary": D("82.0")},
}

#: New foster households approved per quarter where the count is published
#: (2021-22: 4 in Q1 = Amber against 5; 11 by Q2 = more than double 5).
FCR_QUARTER_COUNTS: dict[str, int] = {"2021-22-Q1": 4, "2021-22-Q2": 7}
