"""Cuts the world at a quarter end into the rows each extract holds "as at QE".

A case system exported at QE knows nothing after QE: records starting later are
absent, and anything that ended later is still open (blank end date and reason).
"""

from __future__ import annotations

from datetime import date, timedelta

from samplegen import measures
from samplegen.children_looked_after import add_years
from samplegen.model import World

Row = dict[str, object]


def _after(day: date | None, qe: date) -> bool:
    return day is None or day > qe


def _upn(upn: str, dob: date, fy_start: date) -> str:
    """UN1 while not yet of school age (903 rules 209: aged 4 by 31 August before the year)."""
    if add_years(dob, 4) > date(fy_start.year - 1, 8, 31):
        return "UN1"
    return upn


def header_episodes_sw(
    world: World, qe: date, fy_start: date
) -> tuple[list[Row], list[Row], list[Row]]:
    """The 903 tables. Like a case system's 903 export, records of people aged 25
    or more at the start of the year are not included (903 rule 351), and social
    worker allocations that ended before the social worker reporting period are
    left out (rule SW07); neither can touch an indicator.

    The period is the package's (SW07/SW12, 2024/25 version): it starts "one
    year" before the collection start, a year being 365.2425 days there, so its
    first whole day is 365 days back: 1 April of the year before, or 2 April
    when that span holds a 29 February (collection 2020/21)."""
    header: list[Row] = []
    episodes: list[Row] = []
    workers: list[Row] = []
    sw_cutoff = fy_start - timedelta(days=365)
    for child in sorted(world.children, key=lambda c: c.child_id):
        known = [e for e in child.episodes if e.decom <= qe]
        if not known or add_years(child.dob, 25) < fy_start:
            continue
        is_mother = child.mc_dob is not None and child.mc_dob <= qe
        header.append({
            "CHILD": child.child_id, "SEX": child.sex, "DOB": child.dob, "ETHNIC": child.ethnic,
            "UPN": _upn(child.upn, child.dob, fy_start),
            "MOTHER": (1 if is_mother else 0) if child.sex == 2 else None,
            "MC_DOB": child.mc_dob if is_mother else None,
        })  # fmt: skip
        for e in known:
            ended = not _after(e.dec, qe)
            episodes.append({
                "CHILD": child.child_id, "DECOM": e.decom, "RNE": e.rne, "LS": e.ls,
                "CIN": e.cin, "PLACE": e.place, "PLACE_PROVIDER": e.provider,
                "DEC": e.dec if ended else None, "REC": e.rec if ended else None,
                "REASON_PLACE_CHANGE": e.reason_place_change if ended else None,
                "HOME_POST": child.home_post, "PL_POST": e.pl_post, "URN": e.urn or None,
            })  # fmt: skip
        for s in sorted(child.social_workers, key=lambda s: (s.decom, s.sw_id)):
            if s.decom <= qe and (_after(s.dec, qe) or s.dec >= sw_cutoff):
                workers.append({
                    "CHILD": child.child_id, "SW_ID": s.sw_id, "SW_DECOM": s.decom,
                    "SW_DEC": None if _after(s.dec, qe) else s.dec, "SW_REASON": s.reason,
                })  # fmt: skip
    return header, episodes, workers


def s47_and_plans(world: World, qe: date) -> tuple[list[Row], list[Row]]:
    enquiries = [
        {
            "LAchildID": s.child_id, "S47ActualStartDate": s.start, "InitialCPCtarget": s.target,
            "DateOfInitialCPC": s.conference if not _after(s.conference, qe) else None,
            "ICPCnotRequired": "true" if s.not_required else "false",
        }
        for s in world.s47 if s.start <= qe
    ]  # fmt: skip
    plans = [
        {
            "LAchildID": p.child_id, "CPPstartDate": p.start,
            "CPPendDate": None if _after(p.end, qe) else p.end,
            "InitialCategoryOfAbuse": p.category,
        }
        for p in world.cp_plans if p.start <= qe
    ]  # fmt: skip
    enquiries.sort(key=lambda r: (r["LAchildID"], r["S47ActualStartDate"]))
    plans.sort(key=lambda r: (r["LAchildID"], r["CPPstartDate"]))
    return enquiries, plans


def foster_approvals(world: World, qe: date) -> list[Row]:
    rows = [
        {"HOUSEHOLD_ID": a.household_id, "APPROVAL_DATE": a.approved, "CARER_TYPE": a.carer_type}
        for a in world.foster_approvals
        if a.approved <= qe
    ]
    return sorted(rows, key=lambda r: (r["HOUSEHOLD_ID"], r["APPROVAL_DATE"]))


def schools(world: World, qe: date) -> list[Row]:
    rows = []
    for school in sorted(world.schools, key=lambda s: s.urn):
        if school.opened > qe:
            continue
        known = [i for i in school.inspections if i.published <= qe]
        rows.append({
            "URN": school.urn, "SCHOOL_NAME": school.name, "PHASE": school.phase,
            "OVERALL_EFFECTIVENESS": known[-1].judgement if known else None,
            "INSPECTION_DATE": known[-1].published if known else None,
            "PUPILS": measures.roll_at(school, qe),
        })  # fmt: skip
    return rows
