"""Section 47 enquiries, initial conferences and child protection plans.

Roughly half of enquiries lead to an initial conference, held mostly within
15 working days; about four in five conferences start a plan, which lasts
months. The rates give about 200 children on a plan at any quarter end.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from samplegen.identity import IdRegistry
from samplegen.model import CpPlan, S47Enquiry
from samplegen.workdays import add_working_days, is_working_day

START = date(2015, 4, 1)
END = date(2023, 3, 31)
S47_PER_YEAR = 700
CONFERENCE_SHARE = 0.5
PLAN_SHARE = 0.8
CATEGORIES = {"NEG": 48, "EMO": 34, "PHY": 8, "SAB": 4, "MUL": 6}


def _conference_delay(rng: np.random.Generator) -> int:
    """Working days to conference: mostly 8–15, a few late ones."""
    if rng.random() < 0.955:
        return int(rng.integers(7, 16))
    return int(rng.integers(16, 30))


def simulate_child_protection(
    rng: np.random.Generator,
    ids: IdRegistry,
    first: date = START,
    last: date = END,
    per_year: float = S47_PER_YEAR,
) -> tuple[list[S47Enquiry], list[CpPlan]]:
    """Enquiries starting from ``first`` to ``last`` at ``per_year``, with their
    conferences and plans (which may fall after ``last``, as they would)."""
    total = (last - first).days + 1
    offsets = np.sort(rng.integers(0, total, size=int(rng.poisson(per_year * total / 365.25))))
    codes = list(CATEGORIES)
    weights = np.array([CATEGORIES[c] for c in codes], dtype=float)
    enquiries: list[S47Enquiry] = []
    plans: list[CpPlan] = []
    for offset in offsets:
        start = first + timedelta(days=int(offset))
        while not is_working_day(start):
            start += timedelta(days=1)
        child_id = ids.new()
        target = add_working_days(start, 15)
        if rng.random() >= CONFERENCE_SHARE:
            enquiries.append(S47Enquiry(child_id, start, target, None, True))
            continue
        conference = add_working_days(start, _conference_delay(rng))
        enquiries.append(S47Enquiry(child_id, start, target, conference, False))
        if rng.random() < PLAN_SHARE:
            length = 30 + int(rng.gamma(1.6, 240 / 1.6))
            category = codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
            plans.append(
                CpPlan(child_id, conference, conference + timedelta(days=length), category)
            )
    return enquiries, plans
