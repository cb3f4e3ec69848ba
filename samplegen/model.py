"""The synthetic world's records, held with full history and real dates.

Quarter snapshots are cut from these (``snapshot.py``); tuning edits them
(``tuning.py``). A record holds its eventual end date even when that lies after
a quarter end: the snapshot, not the record, decides what was known at QE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Episode:
    """One SSDA903 episode: a spell with unchanged legal status and placement."""

    decom: date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    pl_post: str
    urn: str
    dec: date | None = None
    rec: str | None = None
    reason_place_change: str | None = None


@dataclass
class SocialWorkerSpell:
    """One allocation of a social worker to a child (903 social worker table)."""

    sw_id: str
    decom: date
    dec: date | None
    reason: str


@dataclass
class Child:
    """A looked-after child: 903 header fields, episodes and social workers."""

    child_id: str
    sex: int
    dob: date
    ethnic: str
    upn: str
    home_post: str
    mother: int | None = None
    mc_dob: date | None = None
    episodes: list[Episode] = field(default_factory=list)
    social_workers: list[SocialWorkerSpell] = field(default_factory=list)
    #: Where the last period of care is still open at the simulation's horizon: the
    #: day it was drawn to end and the reason (before ``resolve_exit``). Never written
    #: out; the continuation (``continuation.py``) closes the period when it is reached.
    planned_end: date | None = None
    planned_rec: str | None = None

    @property
    def first_decom(self) -> date:
        return self.episodes[0].decom


@dataclass
class S47Enquiry:
    """A section 47 enquiry and, where one was needed, its initial conference."""

    child_id: str
    start: date
    target: date
    conference: date | None
    not_required: bool


@dataclass
class CpPlan:
    """A child protection plan."""

    child_id: str
    start: date
    end: date | None
    category: str


@dataclass
class FosterApproval:
    """A foster carer household approved by the fostering panel."""

    household_id: str
    approved: date
    carer_type: str


@dataclass
class Inspection:
    """An Ofsted inspection outcome (1 Outstanding … 4 Inadequate)."""

    published: date
    judgement: int


@dataclass
class School:
    """A school with its inspection history and roll by academic year."""

    urn: str
    name: str
    phase: str
    opened: date
    inspections: list[Inspection]
    rolls: dict[int, int]
    #: The date drawn for the next inspection, after the last one recorded (never
    #: written out; the continuation gives it a judgement when it is reached).
    next_inspection: date | None = None


@dataclass
class World:
    """Everything the borough's case systems hold, across all quarters."""

    children: list[Child]
    s47: list[S47Enquiry]
    cp_plans: list[CpPlan]
    foster_approvals: list[FosterApproval]
    schools: list[School]
