"""Schools of the borough: phase, roll by January census and Ofsted history.

Inspections recur on Ofsted's rhythm (sooner after a weak judgement) and were
paused from March 2020 to September 2021, as they were in England, so the
"latest judgement as at QE" moves slowly and realistically.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from samplegen.model import Inspection, School

PHASES = {"Primary": 38, "Secondary": 18, "Special": 3, "Nursery": 1, "All-through": 1}
FIRST_JUDGEMENT = {
    "Primary": [0.22, 0.72, 0.055, 0.005],
    "Secondary": [0.24, 0.54, 0.18, 0.04],
}
TRANSITIONS = {1: [0.55, 0.42, 0.03, 0.0], 2: [0.08, 0.85, 0.07, 0.0],
               3: [0.0, 0.66, 0.30, 0.04], 4: [0.0, 0.55, 0.42, 0.03]}  # fmt: skip
#: Years to the next inspection after each judgement.
INTERVAL = {1: (6.0, 9.0), 2: (3.5, 5.0), 3: (2.0, 2.6), 4: (1.2, 2.0)}
PAUSE = (date(2020, 3, 18), date(2021, 9, 1))
ROLL_RANGE = {"Primary": (200, 640), "Secondary": (880, 1650), "Special": (110, 210),
              "Nursery": (90, 130), "All-through": (1400, 1700)}  # fmt: skip
PREFIXES = ("Ashcroft", "Beechwood", "Brookfield", "Cedar Park", "Chase Cross", "Elmfield",
            "Fairholme", "Foxglove", "Glenwood", "Hawthorn", "Hazelmere", "Highfield",
            "Hollybank", "Kingsmead", "Larkswood", "Lime Grove", "Maplecroft", "Meadowside",
            "Millbrook", "Northwood", "Oakfield", "Orchard Vale", "Parkside", "Pinewood",
            "Queensmere", "Redgate", "Riverside", "Rosewood", "St Aidan's", "St Bede's",
            "St Cuthbert's", "St Hilda's", "Sandhurst", "Silverdale", "Southfields",
            "Springfield", "Stonebridge", "Sycamore", "Thornbury", "Upminster Vale",
            "Westbrook", "Willowdene", "Windmill Hill", "Woodlands", "Yewtree", "Abbotsford",
            "Bramble Lane", "Coppice", "Deerhurst", "Eastfield", "Fernside", "Greenacre",
            "Heathway", "Ivydene", "Juniper", "Kestrel", "Lavender", "Marshgate", "Nightingale",
            "Oakleigh", "Poplar Row", "Quarry Hill", "Rainham Marsh")  # fmt: skip
SUFFIX = {"Primary": "Primary School", "Secondary": "Academy", "Special": "School",
          "Nursery": "Nursery School", "All-through": "All-through School"}  # fmt: skip


def _next_date(rng: np.random.Generator, after: date, judgement: int) -> date:
    low, high = INTERVAL[judgement]
    day = after + timedelta(days=int(rng.uniform(low, high) * 365.25))
    if PAUSE[0] <= day < PAUSE[1]:
        day = PAUSE[1] + (day - PAUSE[0]) + timedelta(days=int(rng.integers(0, 200)))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _history(rng: np.random.Generator, phase: str, opened: date) -> tuple[list[Inspection], date]:
    """Inspections up to 31 March 2023, and the date drawn for the next one."""
    probabilities = FIRST_JUDGEMENT.get(phase, [0.3, 0.6, 0.1, 0.0])
    judgement = int(rng.choice(4, p=probabilities)) + 1
    day = max(opened + timedelta(days=500), date(2010, 1, 1)) + timedelta(
        days=int(rng.integers(0, 9 * 365))
    )
    day = min(day, date(2019, 3, 1))
    history = [Inspection(day, judgement)]
    while True:
        day = _next_date(rng, day, judgement)
        if day > date(2023, 3, 31):
            return history, day
        judgement = int(rng.choice(4, p=TRANSITIONS[judgement])) + 1
        history.append(Inspection(day, judgement))


def _rolls(rng: np.random.Generator, phase: str) -> dict[int, int]:
    low, high = ROLL_RANGE[phase]
    roll = float(rng.integers(low, high))
    rolls = {}
    for year in range(2015, 2024):
        rolls[year] = int(round(roll))
        roll *= 1 + rng.normal(0.006, 0.025)
    return rolls


def next_judgement(rng: np.random.Generator, school: School) -> int:
    """The outcome of the school's next inspection, from its latest (Ofsted's rhythm)."""
    latest = school.inspections[-1].judgement
    return int(rng.choice(4, p=TRANSITIONS[latest])) + 1


def simulate_schools(rng: np.random.Generator) -> list[School]:
    urns = rng.choice(np.arange(100000, 150000), size=sum(PHASES.values()) + 1, replace=False)
    names = list(rng.permutation(PREFIXES))
    schools = []
    for phase, count in PHASES.items():
        for _ in range(count):
            opened = date(1960, 9, 1)
            urn = f"{int(urns[len(schools)]):06d}"
            name = f"{names[len(schools)]} {SUFFIX[phase]}"
            history, next_inspection = _history(rng, phase, opened)
            schools.append(
                School(urn, name, phase, opened, history, _rolls(rng, phase), next_inspection)
            )
    # A free school that opened in September 2021 and has no judgement yet.
    opened = date(2021, 9, 1)
    rolls = {2021: 58, 2022: 61, 2023: 118}
    urn = f"{int(urns[len(schools)]):06d}"
    schools.append(School(urn, f"{names[len(schools)]} Free School", "Primary", opened, [], rolls))
    return schools
