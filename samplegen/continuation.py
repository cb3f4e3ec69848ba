"""The world after WORLD_END: the quarters added to the sample later (2023-24 Q1).

The first simulation was drawn to 31 March 2023, and every file of its sixteen
quarters comes from those draws. A later quarter is simulated here as a
continuation, from streams of its own, after the first quarters are tuned, so
that adding it changes no earlier file: it only closes what was open at
WORLD_END (at the end drawn for it then), and adds records dated after it.

- Periods of care open at WORLD_END end on the day drawn for them
  (``Child.planned_end``); children keep their social workers, who change at the
  same rate as before; new children enter care at the same rate.
- Section 47 enquiries start at ``S47_PER_YEAR_2023_24``: in spring 2023 the
  borough's safeguarding partnership saw referrals surge (a local serious case
  and the national review of child protection that followed), so more
  enquiries, conferences and plans: the number of children on a plan rises
  beyond anything its last three years produce (``special cause high``).
- Foster carers are approved at the same rate; inspections fall when drawn
  (``School.next_inspection``), their outcome following the school's last one.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from samplegen import child_protection, config
from samplegen.children_looked_after import JourneySimulator, resolve_exit, simulate_children
from samplegen.fostering import simulate_foster_approvals
from samplegen.identity import IdRegistry
from samplegen.model import Inspection, World
from samplegen.schools import next_judgement

#: Enquiries a year from April 2023 (the first span's rate is 700).
S47_PER_YEAR_2023_24 = 1150


def continue_world(
    world: World,
    sim: JourneySimulator,
    ids: IdRegistry,
    rngs: tuple[np.random.Generator, ...],
) -> None:
    """Extends ``world`` from WORLD_END to SAMPLE_END; ``sim`` is the simulator the
    children were drawn with (its homes and social work team), ``rngs`` four streams
    of the continuation's own (care, child protection, fostering, schools)."""
    care, protection, fostering, schools = rngs
    first, last = config.WORLD_END + timedelta(days=1), config.SAMPLE_END
    later = sim.continued(care, last)
    for child in world.children:
        final = child.episodes[-1]
        if final.dec is None and child.planned_end is not None and child.planned_end <= last:
            final.dec = child.planned_end
            final.rec = resolve_exit(str(child.planned_rec), final.place, final.ls)
        if child.social_workers[-1].dec is None:
            later.workers.carry_on(child, config.WORLD_END)
    world.children.extend(simulate_children(later, first, last))

    enquiries, plans = child_protection.simulate_child_protection(
        protection, ids, first, last, S47_PER_YEAR_2023_24
    )
    world.s47.extend(enquiries)
    world.cp_plans.extend(plans)

    taken = frozenset(a.household_id for a in world.foster_approvals)
    world.foster_approvals.extend(simulate_foster_approvals(fostering, first, last, taken))
    world.foster_approvals.sort(key=lambda a: (a.approved, a.household_id))

    for school in world.schools:
        if school.next_inspection and school.inspections and school.next_inspection <= last:
            school.inspections.append(
                Inspection(school.next_inspection, next_judgement(schools, school))
            )
