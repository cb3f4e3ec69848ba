"""Allocates social workers to children across their whole involvement.

A child's allocations run without gaps from first contact to the end of their
last period of care (903 guidance asks for social worker episodes even while a
child is not looked after), and change at random with a reason code.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from samplegen.config import QUARTERS, WORLD_END
from samplegen.model import Child, SocialWorkerSpell

#: Natural changes of social worker per child per year, before any tuning.
CHANGE_RATE = 0.33
CHANGE_REASONS: dict[str, float] = {
    "LEFTRL": 34, "TSPROC": 20, "MANAGE": 15, "ORGRST": 10, "ABSENC": 5,
    "CHCHAN": 5, "PCCHAN": 3, "OTHERS": 8,
}  # fmt: skip


def closing_day(care_end: date | None) -> date | None:
    """The allocation closes with care, but a closure in a quarter's last five days
    is recorded after the quarter end (903 rule SW11b expects a successor then)."""
    if care_end is None:
        return None
    for quarter in QUARTERS:
        if quarter.end - timedelta(days=5) <= care_end <= quarter.end:
            return quarter.end + timedelta(days=1)
    return care_end


def clear_of_quarter_end(day: date) -> date:
    """A change of worker dated in a quarter's last five days moves a week earlier
    (903 rule SW11b reads an allocation ending then as one with no successor)."""
    for quarter in QUARTERS:
        if quarter.end - timedelta(days=5) <= day <= quarter.end:
            return quarter.end - timedelta(days=7)
    return day


class SocialWorkerPool:
    """A fixed team of social workers with Social Work England style IDs."""

    def __init__(self, rng: np.random.Generator, size: int = 140) -> None:
        self.rng = rng
        ids = rng.choice(np.arange(100000, 999999), size=size, replace=False)
        self.ids = [f"SW{int(i)}" for i in ids]
        self.horizon = WORLD_END

    def other_than(self, sw_id: str | None) -> str:
        while True:
            candidate = self.ids[int(self.rng.integers(len(self.ids)))]
            if candidate != sw_id:
                return candidate

    def reason(self) -> str:
        codes = list(CHANGE_REASONS)
        weights = np.array([CHANGE_REASONS[c] for c in codes], dtype=float)
        return codes[int(self.rng.choice(len(codes), p=weights / weights.sum()))]

    def allocate(self, child: Child) -> None:
        """Social worker spells from first contact to the child's last care end."""
        first_contact = child.first_decom
        last_end = closing_day(child.episodes[-1].dec)
        horizon = last_end or self.horizon
        spells = [SocialWorkerSpell(self.other_than(None), first_contact, None, "FCONTA")]
        self._changes(spells, first_contact, horizon)
        spells[-1].dec = last_end
        child.social_workers = spells

    def _changes(self, spells: list[SocialWorkerSpell], day: date, horizon: date) -> None:
        while True:
            day = day + timedelta(days=int(self.rng.exponential(365.25 / CHANGE_RATE)) + 2)
            day = clear_of_quarter_end(day)
            if day >= horizon or day <= spells[-1].decom:
                break
            self.change(spells, day)

    def carry_on(self, child: Child, since: date) -> None:
        """Changes of worker after ``since`` for a child whose allocation was open then
        (changes come at random, so carrying on from a day is as good as from the
        start), up to the end of care or the horizon; closes with care as ``allocate``."""
        spells = child.social_workers
        last_end = closing_day(child.episodes[-1].dec)
        self._changes(spells, since, min(last_end or self.horizon, self.horizon))
        spells[-1].dec = last_end

    def change(self, spells: list[SocialWorkerSpell], day: date, reason: str | None = None) -> None:
        """Ends the current allocation on ``day`` and starts a new one the same day."""
        current = spells[-1]
        current.dec = day
        spells.append(
            SocialWorkerSpell(self.other_than(current.sw_id), day, None, reason or self.reason())
        )
