"""What the report says about signal and noise (spec/signals.md), from mart_indicator_signal.

The table is optional: marts published before it existed still render, with the
new information left out, and RAG and direction of travel never depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

TABLE = "mart_indicator_signal"
MULTIPLIERS = {"percent": Decimal(100), "rate": Decimal(10_000)}


@dataclass(frozen=True)
class Signal:
    """One row of mart_indicator_signal."""

    quarter_key: str
    own_numerator: Decimal | None = None
    own_denominator: Decimal | None = None
    own_value: Decimal | None = None
    spc_points: int | None = None
    spc_mean: Decimal | None = None
    spc_lower_limit: Decimal | None = None
    spc_upper_limit: Decimal | None = None
    spc_lower_2sigma: Decimal | None = None
    spc_upper_2sigma: Decimal | None = None
    spc_status: str | None = None
    special_cause_rules: tuple[str, ...] | None = None
    variation: str | None = None
    assurance: str | None = None
    interval_lower: Decimal | None = None
    interval_upper: Decimal | None = None
    change_short_term_significant: bool | None = None
    change_long_term_significant: bool | None = None
    small_numbers: bool | None = None
    outlook_value: Decimal | None = None
    outlook_lower: Decimal | None = None
    outlook_upper: Decimal | None = None
    outlook: str | None = None

    @property
    def fired(self) -> bool:
        return bool(self.special_cause_rules)


def has_signals(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.execute(f"select 1 from {TABLE} limit 0")
    except duckdb.CatalogException:
        return False
    return True


def load_signals(
    con: duckdb.DuckDBPyConnection, keys: list[str], codes: list[str]
) -> dict[tuple[str, str], Signal]:
    """(indicator_code, quarter_key) -> its signal row; empty where the mart is absent."""
    if not keys or not codes or not has_signals(con):
        return {}
    cursor = con.execute(
        f"select * from {TABLE} "
        "where list_contains(?, quarter_key) and list_contains(?, indicator_code)",
        [keys, codes],
    )
    names = [column[0].lower() for column in cursor.description]
    fields = Signal.__dataclass_fields__.keys()
    signals = {}
    for values in cursor.fetchall():
        row: dict[str, Any] = dict(zip(names, values, strict=True))
        if row.get("special_cause_rules") is not None:
            row["special_cause_rules"] = tuple(row["special_cause_rules"])
        signals[(row["indicator_code"], row["quarter_key"])] = Signal(
            **{name: row[name] for name in fields if name in row}
        )
    return signals


def _number(value: Decimal, unit: str, decimals: int) -> str:
    text = f"{float(value):,.{decimals}f}"
    return {"percent": f"{text}%", "rate": f"{text} per 10,000"}.get(unit, text)


def change_words(signal: Signal | None, previous: str, year_ago: str) -> str:
    """Whether the changes against the compared quarters are statistically significant."""
    if signal is None:
        return ""

    def one(flag: bool | None, against: str) -> str:
        if flag is None:
            return f"against {against} it cannot be tested (no comparable figures)"
        if flag:
            return f"against {against} it is statistically significant (95%): a real change"
        return f"against {against} it is not statistically significant: it may be chance"

    return (
        f"Is the change real? A{one(signal.change_short_term_significant, previous)[1:]}; "
        f"{one(signal.change_long_term_significant, year_ago)}."
    )


def small_number_words(
    signal: Signal | None, unit: str, denominator: Decimal | None, decimals: int
) -> str | None:
    """For small numbers: how far one child moves the figure."""
    if signal is None or not signal.small_numbers:
        return None
    multiplier = MULTIPLIERS.get(unit)
    if multiplier is not None and denominator:
        step = multiplier / Decimal(denominator)
        return (
            f"Small numbers: this figure rests on {int(denominator)} children, so a change of "
            f"one child moves it by {_number(step, unit, max(decimals, 1))}."
        )
    return (
        "Small numbers: the count is below 10, so a change of one child moves the figure "
        "noticeably."
    )


def spc_words(signal: Signal | None) -> str:
    if signal is None:
        return ""
    if signal.spc_status == "too few points":
        return (
            f"Too few points for process limits: {signal.spc_points} comparable quarters, "
            "8 are needed."
        )
    if signal.spc_status != "ok":
        return "Process limits do not apply (an annual figure, or no figure this quarter)."
    rules = ", ".join(signal.special_cause_rules or ()) or "none"
    return f"Variation: {signal.variation} (rules fired: {rules})."


def outlook_words(signal: Signal | None, unit: str, decimals: int) -> str | None:
    if signal is None or signal.outlook is None:
        return None
    point = _number(signal.outlook_value, unit, decimals)
    low = _number(signal.outlook_lower, unit, decimals)
    high = _number(signal.outlook_upper, unit, decimals)
    verdict = {
        "likely to meet": "the year-end target is likely to be met",
        "likely to miss": "the year-end target is likely to be missed",
    }.get(signal.outlook, "whether the year-end target is met is uncertain")
    return f"Year-end outlook: about {point} at Q4 (80% range {low} to {high}); {verdict}."


def _names(items: list[tuple[str, str]]) -> str:
    named = [f"{title} ({code})" for code, title in items]
    if len(named) <= 1:
        return "".join(named)
    return "; ".join(named[:-1]) + "; and " + named[-1]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_paragraph(rows: list[tuple[str, str, Signal | None]]) -> str | None:
    """The covering report's paragraph: special causes, assurance failures, outlook misses.

    `rows` are (code, title, this quarter's signal) in catalogue order; None where the
    marts hold no signals at all.
    """
    signals = [(code, title, s) for code, title, s in rows if s is not None]
    if not signals:
        return None
    judged = [row for row in signals if row[2].spc_status == "ok"]
    concern = [(c, t) for c, t, s in judged if s.variation == "special cause concern"]
    better = [(c, t) for c, t, s in judged if s.variation == "special cause improvement"]
    fails = [(c, t) for c, t, s in judged if s.assurance == "consistently fails"]
    misses = [(c, t) for c, t, s in signals if s.outlook == "likely to miss"]
    parts = [
        f"Statistical process control: of the {_count(len(judged), 'indicator', 'indicators')}"
        f" with process limits this quarter, {len(concern)} "
        f"{'shows' if len(concern) == 1 else 'show'} special-cause concern"
        + (f" ({_names(concern)})" if concern else "")
        + f" and {len(better)} special-cause improvement"
        + (f" ({_names(better)})" if better else "")
        + "; the other movements are within the usual range of variation."
    ]
    if fails:
        parts.append(
            "The process will not meet the target without a change (assurance "
            f"‘consistently fails’) for {_names(fails)}."
        )
    else:
        parts.append("No indicator's process consistently fails its target.")
    if misses:
        parts.append(
            f"On the year-end outlook, the target is unlikely to be met for {_names(misses)}."
        )
    else:
        parts.append("No indicator's year-end outlook is likely to miss its target.")
    return " ".join(parts)
