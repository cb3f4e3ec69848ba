"""New foster carer households approved by the fostering panel.

A handful a quarter; quarters whose counts were published are set to them
(``config.FCR_QUARTER_COUNTS``) by tuning, not here.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from samplegen.model import FosterApproval

START = date(2016, 4, 1)
END = date(2023, 3, 31)
APPROVALS_PER_YEAR = 14


def approval(rng: np.random.Generator, day: date, serial: int) -> FosterApproval:
    carer_type = "connected" if rng.random() < 0.3 else "mainstream"
    return FosterApproval(f"FH{serial:05d}", day, carer_type)


def simulate_foster_approvals(
    rng: np.random.Generator,
    first: date = START,
    last: date = END,
    taken: frozenset[str] = frozenset(),
) -> list[FosterApproval]:
    """Approvals from ``first`` to ``last``; household IDs avoid those ``taken``."""
    total = (last - first).days + 1
    offsets = np.sort(
        rng.integers(0, total, size=int(rng.poisson(APPROVALS_PER_YEAR * total / 365.25)))
    )
    serials = rng.choice(np.arange(10000, 99999), size=len(offsets) + 50, replace=False)
    serials = [int(s) for s in serials if f"FH{int(s):05d}" not in taken]
    return [
        approval(rng, first + timedelta(days=int(o)), s)
        for o, s in zip(offsets, serials[: len(offsets)], strict=True)
    ]
