"""Builds the one synthetic world every quarter is cut from, then tunes it.

Each domain draws from its own seeded random stream, so changing how schools
are simulated cannot shift the children's records. The quarters after
WORLD_END (the first simulation's horizon) are a continuation with streams of
their own (``continuation.py``).
"""

from __future__ import annotations

import numpy as np

from samplegen.child_protection import simulate_child_protection
from samplegen.children_looked_after import JourneySimulator, simulate_children
from samplegen.config import QUARTERS, WORLD_END
from samplegen.continuation import continue_world
from samplegen.fostering import simulate_foster_approvals
from samplegen.identity import IdRegistry
from samplegen.model import World
from samplegen.schools import simulate_schools
from samplegen.tuning import Tuner


def build_world(seed: int, continued: bool = True) -> World:
    """The world of every sample quarter; ``continued=False`` stops at WORLD_END, as
    the world was before the later quarters were added (tests compare the two)."""

    def stream(n: int) -> np.random.Generator:
        return np.random.default_rng([seed, n])

    ids = IdRegistry(stream(0))
    sim = JourneySimulator(stream(1), ids)
    children = simulate_children(sim)
    s47, plans = simulate_child_protection(stream(2), ids)
    world = World(
        children, s47, plans, simulate_foster_approvals(stream(3)), simulate_schools(stream(4))
    )
    tuner = Tuner(world, JourneySimulator(stream(5), ids), stream(6))
    tuner.run(tuple(q for q in QUARTERS if q.end <= WORLD_END))
    # The quarters added later continue the world from streams of their own, after
    # the first ones are tuned, so that no earlier quarter's file changes.
    if continued:
        continue_world(world, sim, ids, (stream(7), stream(8), stream(9), stream(10)))
        tuner.run(tuple(q for q in QUARTERS if q.end > WORLD_END))
    return world
