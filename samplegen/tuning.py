"""Constructive tuning: edit the simulated world until the published figures hold.

Quarters are processed in order. Each edit is dated inside the quarter being
tuned (after the previous quarter end), so it cannot disturb a quarter already
tuned, only later ones, which are tuned after it. For each figure we search the
smallest set of plausible edits (a placement move, a child going home, a new
social worker, a brief stay in care) that makes the rounded value come out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from samplegen import care_edits, config, measures
from samplegen.children_looked_after import JourneySimulator
from samplegen.config import Quarter
from samplegen.fostering import approval
from samplegen.model import Child, S47Enquiry, World
from samplegen.placements import FOSTER
from samplegen.social_workers import closing_day
from samplegen.workdays import add_working_days, working_days_between


class TuningError(RuntimeError):
    """A published figure cannot be reached with the edits tuning allows."""


def satisfies(value: Decimal | None, goal: Decimal, mode: str) -> bool:
    if value is None:
        return False
    return {"exact": value == goal, "min": value >= goal, "max": value <= goal}.get(mode, True)


class Tuner:
    """Applies the plans of ``config`` to one world, quarter by quarter."""

    def __init__(self, world: World, sim: JourneySimulator, rng: np.random.Generator) -> None:
        self.world = world
        self.sim = sim
        self.rng = rng

    def day_in(
        self, quarter: Quarter, after: date | None = None, before: date | None = None
    ) -> date:
        """A random day in the quarter, strictly after ``after``, on or before ``before``."""
        low = quarter.start if after is None else max(quarter.start, after + timedelta(days=1))
        high = quarter.end if before is None else min(quarter.end, before)
        if low > high:
            raise TuningError(f"no day available in {quarter.key}")
        return low + timedelta(days=int(self.rng.integers(0, (high - low).days + 1)))

    def shuffled(self, items: list) -> list:
        return [items[i] for i in self.rng.permutation(len(items))]

    def run(self, quarters: tuple[Quarter, ...] = config.QUARTERS) -> None:
        for quarter in quarters:
            self.ltps(quarter)
            self.perm(quarter)
            self.sw2(quarter)
            self.icpc(quarter)
            self.fcr(quarter)
            self.schools(quarter)

    # --- CSC-LTPS -------------------------------------------------------
    def ltps(self, quarter: Quarter) -> None:
        if quarter.key not in config.LTPS_PLAN:
            return
        goal, mode = config.LTPS_PLAN[quarter.key]
        qe = quarter.end
        status = {c.child_id: measures.ltps_status(c, qe) for c in self.world.children}
        numerator, denominator = measures.ltps(self.world.children, qe)

        def movable(kind: str) -> list[Child]:
            found = []
            for child in self.world.children:
                episode = measures.open_episode(child, qe)
                if status[child.child_id] == kind and episode and episode.place in FOSTER + ("K2",):
                    found.append(child)
            return self.shuffled(found)

        unsettled, settled = movable("den"), movable("num")
        stays = self.postponable(quarter)
        stay_num = [c for c, kind in stays if kind == "num"]
        stay_den = [c for c, kind in stays if kind == "den"]
        # Unsettled children going home raise the figure, settled children moving
        # lower it; a child whose leaving slips past QE joins the cohort (which
        # is how a denominator that admits the exact figure is reached).
        best = None
        for total in range(0, 25):
            for xn in range(0, min(total, len(stay_num)) + 1):
                for xd in range(0, min(total - xn, len(stay_den)) + 1):
                    for leavers in range(0, min(total - xn - xd, len(unsettled)) + 1):
                        movers = total - xn - xd - leavers
                        value = measures.publish(
                            numerator + xn - movers, denominator + xn + xd - leavers
                        )
                        if best is None and movers <= len(settled) and satisfies(value, goal, mode):
                            best = (xn, xd, leavers, movers)
            if best:
                break
        if best is None:
            raise TuningError(f"{quarter.key} CSC-LTPS cannot reach {goal}")
        xn, xd, leavers, movers = best
        for child in stay_num[:xn] + stay_den[:xd]:
            last = child.episodes[-1]
            last.dec = quarter.end + timedelta(days=int(self.rng.integers(10, 60)))
            child.social_workers[-1].dec = closing_day(last.dec)
        for child in unsettled[:leavers]:
            episode = measures.open_episode(child, qe)
            care_edits.leave_care(child, self.day_in(quarter, after=episode.decom), "E4A")
        for child in settled[:movers]:
            episode = measures.open_episode(child, qe)
            day = self.day_in(quarter, after=episode.decom)
            avoid = frozenset({child.home_post, measures.open_episode(child, day).pl_post})
            care_edits.move_placement(
                child, day, self.sim.places.foster_placement(avoid), self.sim.places.move_reason()
            )
        self.check(
            quarter,
            "CSC-LTPS",
            measures.publish(*measures.ltps(self.world.children, qe)),
            goal,
            mode,
        )

    def postponable(self, quarter: Quarter) -> list[tuple[Child, str]]:
        """Children who left care this quarter and would be in the LTPS cohort at QE."""
        found = []
        for child in self.world.children:
            last = child.episodes[-1]
            if last.dec is None or not quarter.start <= last.dec <= quarter.end:
                continue
            if (
                last.rec not in ("E4A", "E41", "E13", "E8")
                or last.dec + timedelta(days=60) > config.WORLD_END
            ):
                continue
            saved, last.dec = last.dec, None
            kind = measures.ltps_status(child, quarter.end)
            last.dec = saved
            if kind != "out":
                found.append((child, kind))
        return self.shuffled(found)

    def search(
        self,
        value: Callable[[int, int], Decimal | None],
        max_a: int,
        max_b: int,
        goal: Decimal,
        mode: str,
    ) -> tuple[int, int]:
        """Smallest (a, b) with a + b least whose value meets the goal."""
        for total in range(0, 41):
            for a in range(0, min(total, max_a) + 1):
                b = total - a
                if b <= max_b and satisfies(value(a, b), goal, mode):
                    return a, b
        raise TuningError(f"cannot reach {goal} ({mode})")

    @staticmethod
    def check(quarter: Quarter, code: str, value: Decimal | None, goal: Decimal, mode: str) -> None:
        if mode != "about" and not satisfies(value, goal, mode):
            raise TuningError(f"{quarter.key} {code}: got {value}, wanted {goal} ({mode})")

    # --- CSC-PERM -------------------------------------------------------
    def perm(self, quarter: Quarter) -> None:
        if quarter.key not in config.PERM_PLAN:
            return
        goal, mode = config.PERM_PLAN[quarter.key]
        children = self.world.children
        numerator, denominator = measures.perm(children, quarter.fy_start, quarter.end)
        leavers = measures.care_leavers(children, quarter.start, quarter.end)
        in_slice = list(leavers.values())
        to_sgo = self.shuffled(
            [e for e in in_slice if e.place in FOSTER and e.rec in ("E4A", "E41", "E8")]
        )
        to_home = self.shuffled([e for e in in_slice if e.rec in ("E45", "E46", "E47", "E48")])

        def value(changes: int, added: int) -> Decimal | None:
            return measures.publish(numerator + changes, denominator + added)

        best = None
        for total in range(0, 41):
            for added in range(0, total + 1):
                rest = total - added
                for changes in (rest, -rest):
                    fits = changes <= len(to_sgo) and -changes <= len(to_home)
                    if best is None and fits and satisfies(value(changes, added), goal, mode):
                        best = (changes, added)
        if best is None:
            raise TuningError(f"{quarter.key} CSC-PERM cannot reach {goal}")
        changes, added = best
        for episode in to_sgo[: max(changes, 0)]:
            episode.rec = "E45" if episode.place in ("U1", "U3") else "E46"
        for episode in to_home[: max(-changes, 0)]:
            episode.rec = "E41"
        for _ in range(added):
            entry = self.day_in(quarter, before=quarter.end - timedelta(days=10))
            leave = self.day_in(quarter, after=entry + timedelta(days=2))
            children.append(care_edits.short_stay(self.sim, entry, leave, "E4A"))
        value_now = measures.publish(*measures.perm(children, quarter.fy_start, quarter.end))
        self.check(quarter, "CSC-PERM", value_now, goal, mode)

    # --- CSC-SW2 --------------------------------------------------------
    def sw2(self, quarter: Quarter) -> None:
        goal, mode = config.SW2_PLAN[quarter.key]
        qe = quarter.end
        children = self.world.children
        numerator, denominator = measures.sw2(children, qe)
        wanted = self.sw2_numerator(goal, mode, denominator)
        while wanted is None:
            entry = self.day_in(quarter, before=qe - timedelta(days=5))
            leave = qe + timedelta(days=int(self.rng.integers(7, 60)))
            children.append(care_edits.short_stay(self.sim, entry, leave, "E4A"))
            numerator, denominator = measures.sw2(children, qe)
            wanted = self.sw2_numerator(goal, mode, denominator)
        if wanted > numerator:
            self.raise_sw2(quarter, wanted - numerator)
        elif wanted < numerator:
            self.lower_sw2(quarter, numerator - wanted)
        self.check(quarter, "CSC-SW2", measures.publish(*measures.sw2(children, qe)), goal, mode)

    @staticmethod
    def sw2_numerator(goal: Decimal, mode: str, denominator: int) -> int | None:
        if mode != "exact":
            return int((goal * denominator / 100).to_integral_value())
        for n in range(denominator + 1):
            if measures.publish(n, denominator) == goal:
                return n
        return None

    def raise_sw2(self, quarter: Quarter, needed: int) -> None:
        qe = quarter.end
        cohort = [
            c for c in measures.in_care(self.world.children, qe)
            if max(s.decom for s in c.social_workers if s.decom <= qe) < qe - timedelta(days=16)
        ]  # fmt: skip
        one = [c for c in cohort if measures.sw_changes(c, qe) == 1]
        none = [c for c in cohort if measures.sw_changes(c, qe) == 0]
        for child in (self.shuffled(one) + self.shuffled(none))[:needed]:
            for _ in range(2 - measures.sw_changes(child, qe)):
                latest = max(s.decom for s in child.social_workers if s.decom <= qe)
                day = self.day_in(
                    quarter, after=latest + timedelta(days=1), before=qe - timedelta(days=6)
                )
                care_edits.add_sw_change(self.sim, child, day, self.sim.workers.reason())

    def lower_sw2(self, quarter: Quarter, surplus: int) -> None:
        qe = quarter.end
        for child in self.shuffled(measures.in_care(self.world.children, qe)):
            if surplus == 0:
                return
            count = measures.sw_changes(child, qe)
            recent = [
                s for s in child.social_workers[1:] if s.decom >= quarter.start and s.decom <= qe
            ]
            if count < 2 or count - len(recent) > 1:
                continue
            for spell in recent[: count - 1]:
                care_edits.remove_sw_change(self.sim, child, spell)
            surplus -= 1

    # --- CSC-ICPC and CSC-FCR -------------------------------------------
    def icpc(self, quarter: Quarter) -> None:
        if quarter.key not in config.ICPC_PLAN:
            return
        goal, mode = config.ICPC_PLAN[quarter.key]
        enquiries = self.world.s47
        late = [
            s for s in enquiries
            if s.conference and quarter.start <= s.start and s.conference <= quarter.end
            and working_days_between(s.start, s.conference) > 15
        ]  # fmt: skip
        for enquiry in self.shuffled(late):
            if satisfies(
                measures.publish(*measures.icpc(enquiries, quarter.fy_start, quarter.end)),
                goal,
                mode,
            ):
                break
            self.reschedule(enquiry, add_working_days(enquiry.start, int(self.rng.integers(9, 16))))
        self.check(
            quarter,
            "CSC-ICPC",
            measures.publish(*measures.icpc(enquiries, quarter.fy_start, quarter.end)),
            goal,
            mode,
        )

    def reschedule(self, enquiry: S47Enquiry, conference: date) -> None:
        for plan in self.world.cp_plans:
            if plan.child_id == enquiry.child_id and plan.start == enquiry.conference:
                plan.start = conference
        enquiry.conference = conference

    def schools(self, quarter: Quarter) -> None:
        """Where a phase must be above target, the weakest-rated schools were in fact Good.

        No school figure is published before these quarters, so changing an
        earlier inspection outcome disturbs nothing already tuned.
        """
        for phase, goal in config.SCHOOLS_PLAN.get(quarter.key, {}).items():
            qe = quarter.end
            weak = [
                s for s in self.world.schools
                if s.phase == phase and (measures.judgement_at(s, qe) or 0) >= 3
            ]  # fmt: skip
            for school in sorted(weak, key=lambda s: -measures.roll_at(s, qe)):
                if satisfies(
                    measures.publish(*measures.good_or_outstanding(self.world.schools, phase, qe)),
                    goal,
                    "min",
                ):
                    break
                latest = [i for i in school.inspections if i.published <= qe][-1]
                latest.judgement = 2
            value = measures.publish(*measures.good_or_outstanding(self.world.schools, phase, qe))
            self.check(quarter, f"EDU {phase}", value, goal, "min")

    def fcr(self, quarter: Quarter) -> None:
        if quarter.key not in config.FCR_QUARTER_COUNTS:
            return
        wanted = config.FCR_QUARTER_COUNTS[quarter.key]
        approvals = self.world.foster_approvals
        in_quarter = [a for a in approvals if quarter.start <= a.approved <= quarter.end]
        for extra in in_quarter[wanted:]:
            approvals.remove(extra)
        serial = 1 + max(int(a.household_id[2:]) for a in approvals)
        for i in range(wanted - len(in_quarter)):
            approvals.append(approval(self.rng, self.day_in(quarter), serial + i))
        approvals.sort(key=lambda a: (a.approved, a.household_id))
