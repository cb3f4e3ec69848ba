"""Placement, legal-status and reason code choices that obey SSDA903 guidance.

Kept in one place so that the simulation and the tuning pick placements the
same way, and so that the 903 pairings (URN only for registered settings, P1
with a care order, adoption placements with a placement order) hold everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samplegen.identity import placement_postcode

FOSTER = ("U1", "U3", "U4", "U6")
RELATIVE_FOSTER = ("U1", "U3")
ADOPTION = ("A5", "A6")
#: Placements with no Ofsted-registered setting: URN "XXXXXXX" in the 903.
URN_PLACEHOLDER = "XXXXXXX"

#: Reasons a placement ended (903 REASON_PLACE_CHANGE), with rough weights.
MOVE_REASONS: dict[str, float] = {
    "CARPL": 22, "CLOSE": 5, "ALLEG": 4, "STAND": 3, "APPRR": 2, "CREQB": 10,
    "CREQO": 6, "CHILD": 20, "LAREQ": 12, "OTHER": 6,
}  # fmt: skip


@dataclass(frozen=True)
class Placement:
    """Where and with whom a child lives during an episode."""

    place: str
    provider: str
    pl_post: str
    urn: str


class PlacementChooser:
    """Draws placements; children's homes come from a fixed pool with real-shaped URNs."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._homes = [
            (f"SC{int(rng.integers(100000, 999999)):06d}", placement_postcode(rng, i < 8), i < 8)
            for i in range(18)
        ]

    def _pick(self, options: dict[str, float]) -> str:
        codes = list(options)
        weights = np.array([options[c] for c in codes], dtype=float)
        return codes[int(self._rng.choice(len(codes), p=weights / weights.sum()))]

    def care_placement(
        self, age: float, exclude: str | None = None, avoid: frozenset[str] = frozenset()
    ) -> Placement:
        """A placement for a child of this age, at none of the ``avoid`` postcodes.

        903 rules 392d and 435: a placement is never at the child's home postcode,
        and a move is to somewhere visibly different.
        """
        while True:
            placement = self._care_placement(age, exclude)
            if placement.pl_post not in avoid:
                return placement

    def _care_placement(self, age: float, exclude: str | None) -> Placement:
        if age < 11:
            options = {"U6": 50, "U4": 12, "U3": 26, "U1": 8}
        else:
            options = {"U6": 40, "U4": 14, "U3": 14, "U1": 4, "K2": 28}
        if exclude in options and exclude != "U6":
            options.pop(exclude)
        place = self._pick(options)
        if place == "K2":
            urn, post, own_borough = self._homes[int(self._rng.integers(len(self._homes)))]
            # Own provision (PR1) outside foster care must be inside the borough (903 rule 1015).
            provider = self._pick({"PR4": 70, "PR1": 30}) if own_borough else "PR4"
            return Placement(place, provider, post, urn)
        provider = "PR1" if place in RELATIVE_FOSTER else self._pick({"PR1": 60, "PR4": 40})
        return Placement(place, provider, placement_postcode(self._rng), URN_PLACEHOLDER)

    def foster_placement(self, avoid: frozenset[str] = frozenset()) -> Placement:
        """A mainstream foster placement (used when tuning adds a move)."""
        provider = self._pick({"PR1": 60, "PR4": 40})
        post = placement_postcode(self._rng)
        while post in avoid:
            post = placement_postcode(self._rng)
        return Placement("U6", provider, post, URN_PLACEHOLDER)

    def adoption_placement(
        self, current_place: str, avoid: frozenset[str] = frozenset()
    ) -> Placement:
        """Placed for adoption under a placement order (A5 with current carer, else A6)."""
        place = "A5" if current_place in FOSTER and self._rng.random() < 0.3 else "A6"
        provider = self._pick({"PR1": 55, "PR2": 20, "PR5": 25})
        post = placement_postcode(self._rng)
        while post in avoid:
            post = placement_postcode(self._rng)
        return Placement(place, provider, post, URN_PLACEHOLDER)

    def with_parents(self, home_post: str) -> Placement:
        """Placed with own parents under a care order: no URN, home postcode."""
        return Placement("P1", "PR0", home_post, "")

    def move_reason(self) -> str:
        return self._pick(MOVE_REASONS)
