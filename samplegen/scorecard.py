"""Each quarter's 13 figures and RAG statuses, as the generator itself sees them.

Commentary is written per figure (what it is, whether it is on target), so the
generator needs the figures and the rules.md RAG logic before writing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from samplegen import measures
from samplegen.config import Quarter
from samplegen.model import World
from samplegen.reference import indicators, population, targets

Row = dict[str, object]


@dataclass(frozen=True)
class Figure:
    code: str
    value: Decimal | None
    target: Decimal | None
    rag: str | None


def _population(qe_year: int, qe_month: int) -> int:
    rows = [r for r in population() if (r["MID_YEAR"], 6) <= (qe_year, qe_month)]
    return int(max(rows, key=lambda r: r["MID_YEAR"])["POPULATION"])


def values(world: World, quarter: Quarter, manual: list[Row]) -> dict[str, Decimal | None]:
    qe, fy = quarter.end, quarter.fy_start
    cic = len(measures.in_care(world.children, qe))
    fcr = len({a.household_id for a in world.foster_approvals if fy <= a.approved <= qe})
    out: dict[str, Decimal | None] = {
        "CSC-CIC": Decimal(cic),
        "CSC-CICR": measures.publish(cic, _population(qe.year, qe.month), scale=10000),
        "CSC-PERM": measures.publish(*measures.perm(world.children, fy, qe)),
        "CSC-SW2": measures.publish(*measures.sw2(world.children, qe)),
        "CSC-LTPS": measures.publish(*measures.ltps(world.children, qe)),
        "CSC-FCR": Decimal(fcr),
        "CSC-ICPC": measures.publish(*measures.icpc(world.s47, fy, qe)),
        "CSC-CPP": Decimal(measures.cpp(world.cp_plans, qe)),
        "EDU-GOP": measures.publish(*measures.good_or_outstanding(world.schools, "Primary", qe)),
        "EDU-GOS": measures.publish(*measures.good_or_outstanding(world.schools, "Secondary", qe)),
    }
    for row in manual:
        code = str(row["INDICATOR_CODE"])
        decimals = 2 if code != "EDU-NEET" else 1
        if row["NUMERATOR"] is not None:
            out[code] = measures.publish(
                int(row["NUMERATOR"]), int(row["DENOMINATOR"]), decimals=decimals
            )
        else:
            out[code] = Decimal(str(row["VALUE"]))
    return out


def target_for(code: str, quarter: Quarter) -> Row | None:
    rows = [
        r
        for r in targets()
        if r["INDICATOR_CODE"] == code and r["FINANCIAL_YEAR"] == quarter.financial_year
    ]
    specific = [r for r in rows if r["QUARTER"] == quarter.number]
    blank = [r for r in rows if r["QUARTER"] is None]
    return (specific or blank or [None])[0]


def rag(value: Decimal | None, target_row: Row | None, polarity: str) -> str | None:
    """rules.md: Green on/better than target; Amber within tolerance; else Red."""
    if value is None or target_row is None:
        return None
    target = Decimal(str(target_row["TARGET"]))
    tolerance = Decimal(str(target_row["TOLERANCE"]))
    better = (lambda a, b: a >= b) if polarity == "higher" else (lambda a, b: a <= b)
    if better(value, target):
        return "Green"
    kind = target_row["TOLERANCE_TYPE"]
    if kind == "points":
        amber = abs(value - target) <= tolerance
    elif kind == "percent":
        amber = abs(value - target) <= tolerance / 100 * abs(target)
    else:
        amber = better(value, tolerance)
    return "Amber" if amber else "Red"


def figures(world: World, quarter: Quarter, manual: list[Row]) -> list[Figure]:
    got = values(world, quarter, manual)
    out = []
    for indicator in indicators():
        code = str(indicator["CODE"])
        row = target_for(code, quarter)
        target = Decimal(str(row["TARGET"])) if row else None
        out.append(Figure(code, got[code], target, rag(got[code], row, str(indicator["POLARITY"]))))
    return out
