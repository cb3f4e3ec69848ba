"""The XmR chart of an indicator: its own quarterly values against its process limits.

Drawn like the trend chart (pipeline/report/charts.py): readable in greyscale, every
line labelled at its right-hand end, and the chart described in words (its
<title> and <desc>). Points that fired a rule are drawn larger, in the shape of
their variation symbol, with the rule numbers above them.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import matplotlib
from matplotlib.figure import Figure

from pipeline.report.chart_layout import (
    end_label,
    place_value_labels,
    spread_end_labels,
    value_axis,
    value_locator,
)
from pipeline.report.charts import RC, VALUE_COLOUR, _axis_formatter, _prefix_ids, axis_note
from pipeline.report.data import Indicator
from pipeline.report.signals import Signal
from pipeline.report.symbols import CONCERN, IMPROVEMENT, NEUTRAL

LIMIT_COLOUR = "#5a5a5a"
TARGET_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class XmrPoint:
    label: str  # "2021/22 Q2"
    signal: Signal | None


def _value(signal: Signal | None) -> float:
    if signal is None or signal.own_value is None:
        return math.nan
    return float(signal.own_value)


def _fmt(value: float, indicator: Indicator) -> str:
    decimals = max(indicator.decimals, 1) if indicator.unit != "count" else 1
    text = f"{value:,.{decimals}f}"
    return f"{text}%" if indicator.unit == "percent" else text


def _short_label(label: str) -> str:
    year, _, quarter = label.partition(" ")
    return f"{year[2:]}\n{quarter}" if len(year) == 7 and year[4] == "/" else label


def _marker(signal: Signal) -> tuple[str, str]:
    variation = signal.variation or ""
    if variation.endswith("improvement"):
        return "o", IMPROVEMENT
    if variation.endswith("concern"):
        return "D", CONCERN
    return "o", NEUTRAL


def _draw(indicator: Indicator, points: list[XmrPoint], current: Signal, target) -> Figure:
    values = [_value(p.signal) for p in points]
    xs = list(range(len(points)))
    fig = Figure(figsize=(6.6, 2.4))
    ax = fig.add_axes((0.09, 0.2, 0.68, 0.7))
    lines = [
        (float(current.spc_upper_limit), "Upper process limit", LIMIT_COLOUR, "--"),
        (float(current.spc_mean), "Mean", LIMIT_COLOUR, "-"),
        (float(current.spc_lower_limit), "Lower process limit", LIMIT_COLOUR, "--"),
    ]
    if target is not None:
        lines.append((float(target), "Target", TARGET_COLOUR, "-."))
    for y, _name, colour, style in lines:
        ax.axhline(y, color=colour, linestyle=style, linewidth=1.3, zorder=2)
    ax.plot(xs, values, "-o", color=VALUE_COLOUR, markersize=4.5, linewidth=1.8, zorder=3)
    rule_labels = []
    for x, point in enumerate(points):
        if point.signal is not None and point.signal.fired and not math.isnan(values[x]):
            marker, colour = _marker(point.signal)
            ax.plot([x], [values[x]], marker=marker, markersize=10, color=colour, zorder=4)
            rule_label = ax.annotate(
                ",".join(point.signal.special_cause_rules),
                (x, values[x]),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                color=colour,
                zorder=5,
            )
            rule_labels.append(rule_label)
    # Scaled to the values and lines like the trend chart, saying so where it is cut.
    bottom, top = value_axis(values + [y for y, *_ in lines], indicator.unit)
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_locator(value_locator())
    axis_note(fig, bottom, indicator.unit)
    ax.set_xlim(-0.6, len(points) - 0.4)
    # "2021/22 Q2" as "21/22" over "Q2": twelve quarters fit the axis without overlapping.
    ax.set_xticks(xs, [_short_label(p.label) for p in points], fontsize=7)
    ax.yaxis.set_major_formatter(_axis_formatter(indicator.unit))
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Labels clear of each other, the lines and the edge (pipeline/report/chart_layout.py).
    end_labels = [end_label(ax, y, text, colour, fontsize=8) for y, text, colour, _ in lines]
    place_value_labels(fig, ax, rule_labels)
    spread_end_labels(fig, ax, end_labels)
    return fig


def describe_xmr(indicator: Indicator, points: list[XmrPoint], current: Signal, target) -> str:
    shown = [(p.label, _value(p.signal)) for p in points if not math.isnan(_value(p.signal))]
    parts = [
        f"XmR chart of the quarterly values of {indicator.title}, "
        f"{points[0].label} to {points[-1].label}.",
        f"Mean {_fmt(float(current.spc_mean), indicator)}, process limits "
        f"{_fmt(float(current.spc_lower_limit), indicator)} to "
        f"{_fmt(float(current.spc_upper_limit), indicator)}, from the last "
        f"{current.spc_points} quarters.",
        "Values: " + "; ".join(f"{label} {_fmt(v, indicator)}" for label, v in shown) + ".",
    ]
    fired = [
        f"{p.label} ({p.signal.variation}, rule {', '.join(p.signal.special_cause_rules)})"
        for p in points
        if p.signal is not None and p.signal.fired
    ]
    parts.append(
        "Quarters that fired a rule: " + "; ".join(fired) + "."
        if fired
        else "No quarter shown fired a rule."
    )
    if target is not None:
        parts.append(f"Target {_fmt(float(target), indicator)}.")
    return " ".join(parts)


def xmr_chart_svg(
    indicator: Indicator, points: list[XmrPoint], current: Signal, target: Decimal | None
) -> str | None:
    """Inline <svg> (role img, <title>, <desc>), or None where the quarter has no limits."""
    if current.spc_status != "ok" or not points:
        return None
    prefix = "xmr-" + re.sub(r"[^a-z0-9]+", "-", indicator.code.lower())
    with matplotlib.rc_context({**RC, "svg.hashsalt": prefix}):
        buffer = io.StringIO()
        _draw(indicator, points, current, target).savefig(
            buffer, format="svg", metadata={"Date": None}
        )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = _prefix_ids(svg, prefix)
    opening, rest = svg.split(">", 1)
    opening = opening.replace(
        "<svg",
        f'<svg class="xmr-chart" role="img" aria-labelledby="{prefix}-title {prefix}-desc"',
        1,
    )
    labels = (
        f'<title id="{prefix}-title">{escape("XmR chart: " + indicator.title)}</title>'
        f'<desc id="{prefix}-desc">{escape(describe_xmr(indicator, points, current, target))}'
        "</desc>"
    )
    return f"{opening}>{labels}{rest}"
