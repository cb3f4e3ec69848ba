"""XmR process limits and the four Making Data Count rules (spec/signals.md "Process limits").

The window is the quarter's own values of the last 12 quarters ending with the
quarter judged, unbroken: a quarter with no own value ends it. Limits come from
the window including the quarter judged, and every rule is judged at that quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 12
MIN_POINTS = 8
SIGMA3 = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two
# Values are published to six decimal places; closer than this is "equal" (on the
# mean, a tie), so floating-point noise never decides a rule.
EPS = 1e-9

OK, TOO_FEW, NOT_APPLICABLE = "ok", "too few points", "not applicable"


@dataclass(frozen=True)
class Limits:
    points: int
    mean: float
    lower: float
    upper: float
    lower_2sigma: float
    upper_2sigma: float


@dataclass(frozen=True)
class Spc:
    status: str
    points: int | None = None
    limits: Limits | None = None
    rules: tuple[str, ...] | None = None  # the rule numbers that fired, as text
    variation: str | None = None
    assurance: str | None = None


def window(series: Sequence[float | None]) -> list[float]:
    """The unbroken run of values ending with the last, at most WINDOW long.

    `series` holds one entry per consecutive quarter, oldest first, the quarter
    judged last; None is a quarter without an own value (or not loaded).
    """
    run: list[float] = []
    for value in reversed(series[-WINDOW:]):
        if value is None:
            break
        run.append(value)
    return list(reversed(run))


def xmr_limits(values: Sequence[float]) -> Limits:
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    spread = SIGMA3 * (sum(ranges) / len(ranges))
    return Limits(
        points=len(values),
        mean=mean,
        lower=mean - spread,
        upper=mean + spread,
        lower_2sigma=mean - 2 / 3 * spread,
        upper_2sigma=mean + 2 / 3 * spread,
    )


def _side(value: float, centre: float) -> int:
    """+1 above, -1 below, 0 on (within EPS of) the centre."""
    if value > centre + EPS:
        return 1
    if value < centre - EPS:
        return -1
    return 0


def _run_length(signs: Sequence[int]) -> int:
    """How many of the last entries share the last entry's non-zero sign."""
    if not signs or signs[-1] == 0:
        return 0
    count = 0
    for sign in reversed(signs):
        if sign != signs[-1]:
            break
        count += 1
    return count


def rules_fired(values: Sequence[float], limits: Limits) -> list[tuple[int, int]]:
    """(rule, side) for each rule that fires at the last value; side +1 high, -1 low."""
    last = values[-1]
    fired: list[tuple[int, int]] = []
    # Rule 1: beyond a process limit.
    if last > limits.upper + EPS:
        fired.append((1, 1))
    elif last < limits.lower - EPS:
        fired.append((1, -1))
    # Rule 2: the quarter and at least one of the two before it beyond the same
    # 2-sigma line (two of the last three, the quarter among the two).
    recent = values[-3:]
    for side, line in ((1, limits.upper_2sigma), (-1, limits.lower_2sigma)):
        beyond = [_side(v, line) == side for v in recent]
        if beyond[-1] and sum(beyond) >= 2:
            fired.append((2, side))
    # Rule 3: a run of 7 or more on one side of the mean; a point on the mean breaks it.
    sides = [_side(v, limits.mean) for v in values]
    if _run_length(sides) >= 7:
        fired.append((3, sides[-1]))
    # Rule 4: six rises (or six falls) in a row, seven points; a tie breaks the run.
    steps = [_side(b, a) for a, b in zip(values, values[1:], strict=False)]
    if _run_length(steps) >= 6:
        fired.append((4, steps[-1]))
    return fired


def variation(fired: Sequence[tuple[int, int]], polarity: str) -> str:
    """Which way the special cause points, by polarity; rule 1 decides, then 2, 3, 4."""
    if not fired:
        return "common cause"
    side = min(fired)[1]
    if polarity == "higher":
        return "special cause improvement" if side > 0 else "special cause concern"
    if polarity == "lower":
        return "special cause concern" if side > 0 else "special cause improvement"
    return "special cause high" if side > 0 else "special cause low"


def assurance(limits: Limits, target: float | None, polarity: str) -> str | None:
    """Whether the process meets the target: only for a target and a preferred direction."""
    if target is None or polarity not in ("higher", "lower"):
        return None
    if limits.lower - EPS <= target <= limits.upper + EPS:
        return "hit and miss"
    below = target < limits.lower
    # Higher is better: a target below the lower limit is met by every value the process makes.
    passes = below if polarity == "higher" else not below
    return "consistently passes" if passes else "consistently fails"


def judge(
    series: Sequence[float | None],
    polarity: str,
    target: float | None,
    *,
    applicable: bool = True,
    assurance_applies: bool = True,
) -> Spc:
    """The XmR verdict for the last quarter of `series` (see `window`)."""
    if not applicable or not series or series[-1] is None:
        return Spc(NOT_APPLICABLE)
    values = window(series)
    if len(values) < MIN_POINTS:
        return Spc(TOO_FEW, points=len(values))
    limits = xmr_limits(values)
    fired = rules_fired(values, limits)
    return Spc(
        OK,
        points=len(values),
        limits=limits,
        rules=tuple(str(rule) for rule in sorted({rule for rule, _ in fired})),
        variation=variation(fired, polarity),
        assurance=assurance(limits, target, polarity) if assurance_applies else None,
    )
