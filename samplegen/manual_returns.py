"""Figures services supply as numbers: NEET, permanent exclusions, suspensions.

NEET is a quarterly snapshot (high each September, when the new cohort's
activity is not yet known). Exclusions and suspensions are annual DfE figures,
published once a year, so the same value repeats for four quarters.
"""

from __future__ import annotations

from decimal import Decimal

from samplegen.config import QUARTERS
from samplegen.measures import publish

Row = dict[str, object]
COLUMNS = ["INDICATOR_CODE", "NUMERATOR", "DENOMINATOR", "VALUE", "NOTE"]
NEET_RATES = ("4.1 5.9 3.6 3.4  4.0 6.3 3.9 3.5  3.7 6.0 3.5 3.3  3.6 5.8 3.4 3.4  3.5").split()
NEET_COHORT = (6240, 6275, 6290, 6310, 6335, 6360, 6380, 6395, 6410, 6440, 6455, 6470,
               6490, 6525, 6540, 6560, 6585)  # fmt: skip
SCHOOL_POPULATION = {"2019-20": 40310, "2020-21": 40870, "2021-22": 41420, "2022-23": 41960,
                     "2023-24": 42430}  # fmt: skip
ACADEMIC_YEAR = {
    "2019-20": "2017/18",
    "2020-21": "2018/19",
    "2021-22": "2019/20",
    "2022-23": "2020/21",
    "2023-24": "2021/22",
}
PEX_RATES = {"2019-20": "0.06", "2020-21": "0.05", "2021-22": "0.03", "2022-23": "0.04",
             "2023-24": "0.05"}  # fmt: skip
SUS_VALUES = {"2019-20": "3.21", "2020-21": "3.48", "2021-22": "2.37", "2022-23": "2.86",
              "2023-24": "3.74"}  # fmt: skip


def numerator_for(goal: str, denominator: int, decimals: int) -> int:
    """The count whose rate over ``denominator`` publishes as ``goal``."""
    target = Decimal(goal)
    n = int(target * denominator / 100)
    while publish(n, denominator, decimals=decimals) < target:
        n += 1
    assert publish(n, denominator, decimals=decimals) == target, (goal, denominator)
    return n


def manual_returns() -> dict[str, list[Row]]:
    """Rows of manual_returns per quarter key."""
    out: dict[str, list[Row]] = {}
    for i, quarter in enumerate(QUARTERS):
        fy = quarter.financial_year
        cohort = NEET_COHORT[i]
        neet = numerator_for(NEET_RATES[i], cohort, 1)
        population = SCHOOL_POPULATION[fy]
        pex = numerator_for(PEX_RATES[fy], population, 2)
        out[quarter.key] = [
            {"INDICATOR_CODE": "EDU-NEET", "NUMERATOR": neet, "DENOMINATOR": cohort,
             "VALUE": publish(neet, cohort), "NOTE": "16-17 year olds NEET or activity not known, "
             "CCIS snapshot at quarter end"},
            {"INDICATOR_CODE": "EDU-PEX", "NUMERATOR": pex, "DENOMINATOR": population,
             "VALUE": None, "NOTE": f"Academic year {ACADEMIC_YEAR[fy]}, latest DfE release"},
            {"INDICATOR_CODE": "EDU-SUS", "NUMERATOR": None, "DENOMINATOR": None,
             "VALUE": SUS_VALUES[fy], "NOTE": f"Academic year {ACADEMIC_YEAR[fy]}, latest DfE "
             "release"},
        ]  # fmt: skip
    return out
