"""Synthetic but well-formed personal identifiers: IDs, UPNs, postcodes, ethnicity.

The 903 validator checks formats (UPN check letter, code lists) and looks every
postcode up in the ONS postcode directory, so invented people must still look
like real records. ``postcodes.csv`` is a fixed sample of real unit postcodes
(public ONS geography, not personal data) of the borough and its neighbours,
taken from the directory the DfE validator ships.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np

#: SSDA903 ethnicity codes with rough London-outer-borough weights.
ETHNIC_WEIGHTS: dict[str, float] = {
    "WBRI": 52, "WIRI": 1, "WOTH": 7, "WIRT": 0.5, "WROM": 0.5, "MWBC": 5, "MWBA": 2,
    "MWAS": 1.5, "MOTH": 4, "AIND": 2, "APKN": 1.5, "ABAN": 1, "AOTH": 1.5, "BCRB": 1.5,
    "BAFR": 8, "BOTH": 2, "CHNE": 0.5, "OOTH": 3, "REFU": 1, "NOBT": 0.5,
}  # fmt: skip

#: UPN check letters, indexed by weighted sum mod 23 (DfE UPN guidance).
_UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SERIAL_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

#: Local authority number of the synthetic borough (used inside UPNs).
LA_NUMBER = "311"

BOROUGH_LA_CODE = "E09000016"


@lru_cache(maxsize=1)
def _postcodes() -> dict[str, tuple[str, ...]]:
    with (Path(__file__).parent / "postcodes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    inside = tuple(r["POSTCODE"] for r in rows if r["LA_CODE"] == BOROUGH_LA_CODE)
    outside = tuple(r["POSTCODE"] for r in rows if r["LA_CODE"] != BOROUGH_LA_CODE)
    return {"home": inside, "nearby": outside}


def home_postcode(rng: np.random.Generator) -> str:
    """A real unit postcode inside the borough."""
    codes = _postcodes()["home"]
    return codes[int(rng.integers(len(codes)))]


def placement_postcode(rng: np.random.Generator, in_borough: bool | None = None) -> str:
    """Three placements in four are in the borough, the rest just outside it."""
    if in_borough is None:
        in_borough = rng.random() < 0.75
    codes = _postcodes()["home" if in_borough else "nearby"]
    return codes[int(rng.integers(len(codes)))]


class IdRegistry:
    """Hands out unique random numeric IDs from one space shared by all services."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self, digits: int = 6) -> str:
        while True:
            candidate = str(int(self._rng.integers(10 ** (digits - 1), 10**digits)))
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate


def upn_check_letter(body: str) -> str:
    """DfE UPN check letter for the 12 characters after it (positions 2–13)."""
    total = 0
    for position, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else _UPN_SERIAL_LETTERS.index(char)
        total += value * position
    return _UPN_CHECK[total % 23]


def make_upn(rng: np.random.Generator, year_allocated: int) -> str:
    """A 13-character UPN: check letter, LA number, school, year, serial."""
    school = f"{int(rng.integers(2000, 2999)):04d}"
    serial = f"{int(rng.integers(0, 1000)):03d}"
    body = LA_NUMBER + school + f"{year_allocated % 100:02d}" + serial
    return upn_check_letter(body) + body


def pick_ethnicity(rng: np.random.Generator) -> str:
    codes = list(ETHNIC_WEIGHTS)
    weights = np.array([ETHNIC_WEIGHTS[c] for c in codes], dtype=float)
    return codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
