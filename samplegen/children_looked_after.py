"""Simulates children's care journeys as SSDA903 episodes and social workers.

A child enters care, moves placement and changes legal status as random events,
and leaves by a route that fits their age and plan (adoption, special
guardianship, return home, independence at 18). Episodes are contiguous: each
change ends one episode with X1 and starts the next on the same day.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from samplegen.config import WORLD_END, WORLD_START
from samplegen.identity import IdRegistry, home_postcode, make_upn, pick_ethnicity
from samplegen.model import Child, Episode
from samplegen.placements import ADOPTION, FOSTER, RELATIVE_FOSTER, Placement, PlacementChooser
from samplegen.social_workers import SocialWorkerPool

ENTRIES_PER_YEAR = 134
#: Placement moves per year: unsettled in the first year, far fewer after.
MOVE_RATE_FIRST_YEAR = 1.0
MOVE_RATE_SETTLED = 0.15
CIN_CODES = {"N1": 62, "N2": 4, "N3": 4, "N4": 10, "N5": 12, "N6": 2, "N7": 1, "N8": 5}


@dataclass
class _Change:
    """A dated change within a period of care: new legal status and/or placement."""

    day: date
    ls: str | None = None
    placement: Placement | None = None
    reason: str | None = None


def _years(days: int) -> float:
    return days / 365.25


def add_years(day: date, years: int) -> date:
    """Same calendar day ``years`` later (29 February falls back to 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class JourneySimulator:
    """Builds children and their episodes from seeded random draws."""

    def __init__(self, rng: np.random.Generator, ids: IdRegistry) -> None:
        self.rng = rng
        self.ids = ids
        self.places = PlacementChooser(rng)
        self.workers = SocialWorkerPool(rng)
        #: The last day the case system has recorded: a period of care ending
        #: later is open (its planned end is kept on the child, see ``Child``).
        self.horizon = WORLD_END

    def continued(self, rng: np.random.Generator, horizon: date) -> JourneySimulator:
        """The same borough (children's homes, social work team) drawing from ``rng``,
        recording up to ``horizon``: for the quarters after WORLD_END."""
        sim = copy.copy(self)
        sim.rng, sim.horizon = rng, horizon
        sim.places = copy.copy(self.places)
        sim.places._rng = rng
        sim.workers = copy.copy(self.workers)
        sim.workers.rng, sim.workers.horizon = rng, horizon
        return sim

    def pick(self, options: dict[str, float]) -> str:
        codes = list(options)
        weights = np.array([options[c] for c in codes], dtype=float)
        return codes[int(self.rng.choice(len(codes), p=weights / weights.sum()))]

    def days(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))

    # --- people ---------------------------------------------------------
    def new_child(self, entry: date, age_days: int) -> Child:
        sex = 1 if self.rng.random() < 0.55 else 2
        dob = entry - timedelta(days=age_days)
        child = Child(
            child_id=self.ids.new(),
            sex=sex,
            dob=dob,
            ethnic=pick_ethnicity(self.rng),
            upn=self._upn(dob),
            home_post=home_postcode(self.rng),
        )
        if sex == 2:
            child.mother = 0
        return child

    def _upn(self, dob: date) -> str:
        """A UPN, or UN5 where sources disagree; UN1 (not yet of school age) is
        decided per snapshot, since a baby in one quarter is at school later."""
        if self.rng.random() < 0.02:
            return "UN5"
        return make_upn(self.rng, dob.year + 4)

    def entry_age_days(self) -> int:
        band = self.pick({"0": 19, "1-4": 14, "5-9": 18, "10-15": 38, "16-17": 11})
        low, high = {"0": (0, 364), "1-4": (365, 1825), "5-9": (1826, 3652)}.get(
            band, (3653, 5843) if band == "10-15" else (5844, 6570)
        )
        return self.days(low, high)

    def motherhood(self, child: Child) -> None:
        """A few older girls in care become mothers (903 MOTHER and MC_DOB)."""
        if child.sex != 2 or self.rng.random() > 0.06:
            return
        low = max(child.first_decom, add_years(child.dob, 15))
        high = min(child.episodes[-1].dec or self.horizon, add_years(child.dob, 18), self.horizon)
        if (high - low).days > 30:
            child.mother = 1
            child.mc_dob = low + timedelta(days=self.days(1, (high - low).days - 1))

    # --- journeys -------------------------------------------------------
    def path_for(self, age: float) -> str:
        if age < 2:
            return self.pick({"adopt": 24, "short": 28, "medium": 36, "sgo": 12})
        if age < 5:
            return self.pick({"adopt": 8, "short": 30, "medium": 38, "sgo": 12, "long": 12})
        if age < 13:
            return self.pick({"short": 34, "medium": 36, "sgo": 7, "long": 23})
        if age < 16:
            return self.pick({"short": 40, "remand": 6, "medium": 26, "long": 28})
        return self.pick({"short": 44, "remand": 8, "long": 48})

    def duration_days(self, path: str) -> int:
        mean = {"short": 110, "remand": 60, "medium": 620, "sgo": 820, "adopt": 660}.get(path)
        if mean is None:
            return 10**6  # "long": until 18
        low = {"short": 2, "remand": 3, "medium": 200, "sgo": 300, "adopt": 420}[path]
        return low + int(self.rng.gamma(2.0, (mean - low) / 2.0))

    def simulate_period(self, child: Child, start: date, path: str, cin: str) -> date | None:
        """Adds one period of care's episodes; returns its end date (None = open)."""
        eighteen = add_years(child.dob, 18)
        end = start + timedelta(days=self.duration_days(path))
        if path == "long" and self.rng.random() < 0.3:
            end = eighteen - timedelta(days=self.days(30, 600))
        end = min(end, eighteen)
        if end <= start:
            end = start + timedelta(days=1)
        changes = self.plan_changes(child, start, end, path)
        open_end = None if end > self.horizon else end
        rec = self.exit_code(child, path, end)
        self.build_episodes(child, start, changes, open_end, cin, rec)
        if open_end is None:
            child.planned_end, child.planned_rec = end, rec
        return open_end

    def initial_ls(self, age: float, path: str) -> str:
        if path == "remand":
            return self.pick({"J1": 80, "J3": 20})
        if path in ("adopt", "sgo"):
            return self.pick({"C1": 70, "L2": 15, "L1": 15})
        return self.pick({"V2": 48, "C1": 34, "L1": 10, "L2": 8})

    def plan_changes(self, child: Child, start: date, end: date, path: str) -> list[_Change]:
        age = _years((start - child.dob).days)
        ls = self.initial_ls(age, path)
        if ls in ("L1", "L2") and (end - start).days < 10:
            ls = "V2"  # police protection / EPO are days long; a stay this short is s20
        home = frozenset({child.home_post})
        first = self.places.care_placement(age, avoid=home)
        if path == "remand" and first.place != "K2":
            first = self.places.care_placement(15, avoid=home)
        changes = [_Change(start, ls=ls, placement=first)]
        self._legal_changes(changes, start, end, path)
        if path != "remand":
            self._moves(changes, child, start, end)
        if path == "adopt":
            self._adoption(changes, start, end, frozenset({child.home_post}))
        elif path == "medium" and self.rng.random() < 0.2:
            self._home_on_care_order(changes, child, end)
        return self._merge(changes, start, end)

    def _legal_changes(self, changes: list[_Change], start: date, end: date, path: str) -> None:
        ls = changes[0].ls
        day = start
        if ls in ("L1", "L2"):
            day = start + timedelta(days=self.days(1, 3) if ls == "L1" else self.days(2, 8))
            ls = "C1" if path in ("adopt", "sgo") or self.rng.random() < 0.6 else "V2"
            changes.append(_Change(day, ls=ls))
        if ls == "V2" and path in ("medium", "long") and self.rng.random() < 0.25:
            day = day + timedelta(days=self.days(40, 200))
            ls = "C1"
            changes.append(_Change(day, ls=ls))
        if ls == "C1":
            changes.append(_Change(day + timedelta(days=self.days(150, 330)), ls="C2"))

    def _moves(self, changes: list[_Change], child: Child, start: date, end: date) -> None:
        day, current = start, changes[0].placement
        while True:
            day = day + timedelta(days=int(self.rng.exponential(365.25 / MOVE_RATE_FIRST_YEAR)) + 1)
            if day >= end:
                return
            settled = (day - start).days > 365
            if settled and self.rng.random() > MOVE_RATE_SETTLED / MOVE_RATE_FIRST_YEAR:
                continue
            age = _years((day - child.dob).days)
            avoid = frozenset({child.home_post, current.pl_post if current else ""})
            current = self.places.care_placement(age, current.place if current else None, avoid)
            changes.append(_Change(day, placement=current, reason=self.places.move_reason()))

    def _adoption(
        self, changes: list[_Change], start: date, end: date, avoid: frozenset[str]
    ) -> None:
        """Placement order, then placed for adoption at least ten weeks before the order."""
        span = (end - start).days
        order_day = start + timedelta(days=max(240, int(span * 0.55)))
        placed_day = order_day + timedelta(days=self.days(0, 60))
        latest = end - timedelta(days=75)
        if placed_day > latest:
            placed_day = latest
            order_day = min(order_day, placed_day)
        # Moves after the adoption placement would break it, and the placement
        # order is the last legal status: drop later changes of either kind.
        changes[:] = [c for c in changes if c.day < placed_day or c.placement is None]
        changes[:] = [c for c in changes if c.day < order_day or c.ls is None]
        changes.append(_Change(order_day, ls="E1"))
        prior = [c.placement for c in changes if c.placement and c.day <= placed_day]
        current = prior[-1] if prior else None
        placement = self.places.adoption_placement(
            current.place if current else "U6", avoid | {current.pl_post if current else ""}
        )
        if placement.place == "A5":
            placed_day = order_day  # with current carers: an RNE U episode (903 rule 217)
        changes.append(_Change(placed_day, placement=placement, reason="PLACE"))

    def _home_on_care_order(self, changes: list[_Change], child: Child, end: date) -> None:
        """Placed with parents for the last months, which needs a care order (C1/C2)."""
        home_day = end - timedelta(days=self.days(60, 180))
        legal = [c for c in changes if c.ls and c.day <= home_day]
        if not legal or legal[-1].ls not in ("C1", "C2") or home_day <= changes[0].day:
            return
        changes[:] = [c for c in changes if c.day < home_day or c.placement is None]
        changes[:] = [c for c in changes if not (c.ls and c.day > home_day)]
        placement = self.places.with_parents(child.home_post)
        changes.append(_Change(home_day, placement=placement, reason="PLACE"))

    def _merge(self, changes: list[_Change], start: date, end: date) -> list[_Change]:
        """One change per day, all strictly inside the period (first = the start)."""
        merged: dict[date, _Change] = {}
        for change in sorted(changes, key=lambda c: (c.day, c.placement is None)):
            if change.day >= end and change.day != start:
                continue
            slot = merged.setdefault(change.day, _Change(change.day))
            slot.ls = change.ls or slot.ls
            if change.placement is not None:
                slot.placement = change.placement
                slot.reason = change.reason or slot.reason
        return [merged[d] for d in sorted(merged)]

    def exit_code(self, child: Child, path: str, end: date) -> str:
        age = _years((end - child.dob).days)
        if path == "adopt":
            return self.pick({"E11": 85, "E12": 15})
        if path == "remand":
            return "E14"
        if path == "sgo":
            return "SGO"  # resolved to E45–E48 from the final placement
        if age >= 17.99:
            return self.pick({"E17": 35, "E5": 40, "E8": 15, "E4A": 10})
        if age >= 16:
            return self.pick({"E5": 40, "E4A": 30, "E13": 10, "E8": 10, "E4B": 10})
        return self.pick({"E4A": 55, "E41": 14, "E13": 10, "E8": 7, "E3": 6, "E4B": 8})

    def build_episodes(
        self,
        child: Child,
        start: date,
        changes: list[_Change],
        end: date | None,
        cin: str,
        rec: str,
    ) -> None:
        ls, placement = changes[0].ls, changes[0].placement
        assert ls is not None and placement is not None
        episodes: list[Episode] = []
        for i, change in enumerate(changes):
            if i == 0:
                rne = "S"
            else:
                new_ls = change.ls is not None and change.ls != ls
                new_pl = change.placement is not None
                if not new_ls and not new_pl:
                    continue
                rne = "U" if new_ls and new_pl else ("L" if new_ls else "P")
                prev = episodes[-1]
                prev.dec, prev.rec = change.day, "X1"
                prev.reason_place_change = change.reason or "OTHER" if new_pl else None
                ls = change.ls if new_ls else ls
                placement = change.placement if new_pl else placement
            episodes.append(
                Episode(change.day, rne, ls, cin, placement.place, placement.provider,
                        placement.pl_post, placement.urn)
            )  # fmt: skip
        last = episodes[-1]
        if end is not None:
            last.dec = end
            last.rec = resolve_exit(rec, last.place, last.ls)
        child.episodes.extend(episodes)


def resolve_exit(rec: str, place: str, ls: str) -> str:
    """Makes the reason for leaving agree with where the child was living."""
    if rec == "SGO":
        if place in RELATIVE_FOSTER:
            return "E45"
        return "E46" if place in FOSTER else "E48"
    if rec in ("E11", "E12") and place not in ADOPTION:
        return "E4A"
    if place in ADOPTION and rec not in ("E11", "E12"):
        return "E11"
    if rec == "E17" and place not in FOSTER:
        return "E5"
    return rec


def simulate_children(
    sim: JourneySimulator, first: date = WORLD_START, last: date = WORLD_END
) -> list[Child]:
    """All children who entered care from ``first`` to ``last`` (by default the world's
    first span, WORLD_START to WORLD_END), drawn from the simulator's stream."""
    rng = sim.rng
    total_days = (last - first).days + 1
    n = int(rng.poisson(ENTRIES_PER_YEAR * total_days / 365.25))
    offsets = np.sort(rng.integers(0, total_days, size=n))
    children = []
    for offset in offsets:
        entry = first + timedelta(days=int(offset))
        age_days = sim.entry_age_days()
        child = sim.new_child(entry, age_days)
        path = sim.path_for(_years(age_days))
        cin = "N8" if path != "remand" and sim.rng.random() < 0.04 else sim.pick(CIN_CODES)
        sim.simulate_period(child, entry, path, cin)
        sim.workers.allocate(child)
        sim.motherhood(child)
        children.append(child)
    return children
