"""Edits to a child's care record that tuning makes, each dated inside one quarter.

Every edit only adds or changes records dated after the previous quarter end,
so snapshots of earlier quarters, already tuned, stay exactly as they were.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from samplegen.children_looked_after import JourneySimulator
from samplegen.config import WORLD_END
from samplegen.measures import open_episode
from samplegen.model import Child, Episode, SocialWorkerSpell
from samplegen.placements import Placement
from samplegen.social_workers import closing_day


def leave_care(child: Child, day: date, rec: str) -> None:
    """The child's care ends on ``day``; anything the world held after it goes."""
    current = open_episode(child, day)
    assert current is not None and current.decom < day
    child.episodes = [e for e in child.episodes if e.decom <= current.decom]
    current.dec, current.rec, current.reason_place_change = day, rec, None
    spells = [s for s in child.social_workers if s.decom < day]
    spells[-1].dec = closing_day(day)
    child.social_workers = spells
    if child.mc_dob and child.mc_dob > day:
        child.mother, child.mc_dob = 0, None


def move_placement(child: Child, day: date, placement: Placement, reason: str) -> None:
    """A placement move on ``day``: the open episode ends X1 and a P episode starts."""
    current = open_episode(child, day)
    assert current is not None and current.decom < day
    if placement.pl_post in (current.pl_post, child.home_post):
        raise ValueError("a move must be to a different address than home or the current one")
    successor = replace(
        current,
        decom=day,
        rne="P",
        place=placement.place,
        provider=placement.provider,
        pl_post=placement.pl_post,
        urn=placement.urn,
    )
    current.dec, current.rec, current.reason_place_change = day, "X1", reason
    child.episodes.insert(child.episodes.index(current) + 1, successor)


def spell_at(child: Child, day: date) -> SocialWorkerSpell | None:
    for spell in child.social_workers:
        if spell.decom < day and (spell.dec is None or spell.dec > day):
            return spell
    return None


def add_sw_change(sim: JourneySimulator, child: Child, day: date, reason: str) -> None:
    """A new social worker from ``day``, splitting the allocation current then."""
    spell = spell_at(child, day)
    assert spell is not None
    new = SocialWorkerSpell(sim.workers.other_than(spell.sw_id), day, spell.dec, reason)
    spell.dec = day
    spells = child.social_workers
    spells.insert(spells.index(spell) + 1, new)
    following = spells.index(new) + 1
    if following < len(spells) and spells[following].sw_id == new.sw_id:
        new.sw_id = sim.workers.other_than(new.sw_id)


def remove_sw_change(sim: JourneySimulator, child: Child, spell: SocialWorkerSpell) -> None:
    """Undoes a change: the previous allocation simply carries on."""
    spells = child.social_workers
    i = spells.index(spell)
    previous = spells[i - 1]
    previous.dec = spell.dec
    del spells[i]
    if i < len(spells) and spells[i].sw_id == previous.sw_id:
        spells[i].sw_id = sim.workers.other_than(previous.sw_id)


def short_stay(sim: JourneySimulator, entry: date, leave: date, rec: str) -> Child:
    """A brief s20 stay in foster care, e.g. while a family crisis passes."""
    age_days = sim.days(5 * 365, 15 * 365)
    child = sim.new_child(entry, age_days)
    placement = sim.places.foster_placement()
    cin = sim.pick({"N4": 40, "N5": 30, "N3": 15, "N1": 15})
    episode = Episode(entry, "S", "V2", cin, placement.place, placement.provider,
                      placement.pl_post, placement.urn)  # fmt: skip
    if leave <= WORLD_END:
        episode.dec, episode.rec = leave, rec
    else:
        child.planned_end, child.planned_rec = leave, rec
    child.episodes.append(episode)
    sw = SocialWorkerSpell(sim.workers.other_than(None), entry, closing_day(episode.dec), "FCONTA")
    child.social_workers = [sw]
    return child
