"""Builds the one synthetic world every quarter is cut from, then tunes it.

Each domain draws from its own seeded random stream, so changing how schools
are simulated cannot shift the children's records.
"""

from __future__ import annotations

import numpy as np

from samplegen.child_protection import simulate_child_protection
from samplegen.children_looked_after import JourneySimulator, simulate_children
from samplegen.fostering import simulate_foster_approvals
from samplegen.identity import IdRegistry
from samplegen.model import World
from samplegen.schools import simulate_schools
from samplegen.tuning import Tuner


def build_world(seed: int) -> World:
    def stream(n: int) -> np.random.Generator:
        return np.random.default_rng([seed, n])

    ids = IdRegistry(stream(0))
    children = simulate_children(stream(1), ids)
    s47, plans = simulate_child_protection(stream(2), ids)
    world = World(
        children, s47, plans, simulate_foster_approvals(stream(3)), simulate_schools(stream(4))
    )
    Tuner(world, JourneySimulator(stream(5), ids), stream(6)).run()
    return world
