"""The indicator definitions of spec/indicators.md, evaluated on the world itself.

Tuning needs to know where each figure stands while it edits the world, and the
commentary needs the final figures; both read them here. The independent check
on the written files is ``bench/pandas_baseline.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from samplegen.children_looked_after import add_years
from samplegen.model import Child, CpPlan, Episode, S47Enquiry, School
from samplegen.workdays import working_days_between

PERMANENCE = frozenset({"E11", "E12", "E43", "E44", "E45", "E46", "E47", "E48"})


def publish(
    numerator: int, denominator: int, scale: int = 100, decimals: int = 1
) -> Decimal | None:
    """100 × n / d rounded half away from zero (None when d is 0)."""
    if denominator == 0:
        return None
    exact = Decimal(numerator * scale) / Decimal(denominator)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def open_episode(child: Child, qe: date) -> Episode | None:
    for episode in child.episodes:
        if episode.decom <= qe and (episode.dec is None or episode.dec > qe):
            return episode
    return None


def in_care(children: list[Child], qe: date) -> list[Child]:
    return [c for c in children if open_episode(c, qe) is not None]


def sw_changes(child: Child, qe: date) -> int:
    """Changes of social worker in the rolling-12 window ending ``qe``."""
    window_start = add_years(qe, -1) + timedelta(days=1)
    rows = sorted(child.social_workers, key=lambda s: (s.decom, s.sw_id))
    return sum(1 for s in rows[1:] if window_start <= s.decom <= qe)


def sw2(children: list[Child], qe: date) -> tuple[int, int]:
    cohort = in_care(children, qe)
    return sum(1 for c in cohort if sw_changes(c, qe) >= 2), len(cohort)


def minus_months(day: date, months: int) -> date:
    """Calendar-month arithmetic: same day ``months`` earlier, clipped to month end."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise ValueError(day)


def period_and_placement_start(child: Child, qe: date) -> tuple[date, date] | None:
    """Start of the current period of care and of the current placement at ``qe``."""
    episodes = [e for e in child.episodes if e.decom <= qe]
    current = open_episode(child, qe)
    if current is None:
        return None
    i = episodes.index(current)
    placement_start = None
    while True:
        episode = episodes[i]
        if placement_start is None and episode.rne in ("S", "P", "U"):
            placement_start = episode.decom
        starts_period = episode.rne == "S" or i == 0 or episodes[i - 1].dec != episode.decom
        if starts_period:
            return episode.decom, placement_start or episode.decom
        i -= 1


def ltps_status(child: Child, qe: date) -> str:
    """'out' (not in the cohort), 'num' (stable) or 'den' (cohort, not stable)."""
    if open_episode(child, qe) is None or add_years(child.dob, 16) <= qe:
        return "out"
    starts = period_and_placement_start(child, qe)
    assert starts is not None
    period_start, placement_start = starts
    if period_start > minus_months(qe, 30):
        return "out"
    return "num" if placement_start <= minus_months(qe, 24) else "den"


def ltps(children: list[Child], qe: date) -> tuple[int, int]:
    status = [ltps_status(c, qe) for c in children]
    return status.count("num"), status.count("num") + status.count("den")


def care_leavers(children: list[Child], start: date, qe: date) -> dict[str, Episode]:
    """Latest non-X1 ending episode per child with DEC in [start, qe]."""
    latest: dict[str, Episode] = {}
    for child in children:
        for episode in child.episodes:
            if episode.dec and start <= episode.dec <= qe and episode.rec != "X1":
                if child.child_id not in latest or episode.dec > latest[child.child_id].dec:
                    latest[child.child_id] = episode
    return latest


def perm(children: list[Child], start: date, qe: date) -> tuple[int, int]:
    leavers = care_leavers(children, start, qe)
    return sum(1 for e in leavers.values() if e.rec in PERMANENCE), len(leavers)


def icpc(enquiries: list[S47Enquiry], start: date, qe: date) -> tuple[int, int]:
    held = [s for s in enquiries if s.conference and start <= s.conference <= qe]
    timely = sum(1 for s in held if working_days_between(s.start, s.conference) <= 15)
    return timely, len(held)


def cpp(plans: list[CpPlan], qe: date) -> int:
    return len({p.child_id for p in plans if p.start <= qe and (p.end is None or p.end > qe)})


def judgement_at(school: School, qe: date) -> int | None:
    known = [i for i in school.inspections if i.published <= qe]
    return known[-1].judgement if known else None


def roll_at(school: School, qe: date) -> int:
    """Roll from the latest January census on or before QE."""
    year = max(y for y in school.rolls if y <= qe.year)
    return school.rolls[year]


def good_or_outstanding(schools: list[School], phase: str, qe: date) -> tuple[int, int]:
    numerator = denominator = 0
    for school in schools:
        if school.phase != phase or school.opened > qe:
            continue
        judgement = judgement_at(school, qe)
        if judgement is None:
            continue
        pupils = roll_at(school, qe)
        denominator += pupils
        numerator += pupils if judgement <= 2 else 0
    return numerator, denominator
