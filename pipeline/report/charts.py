"""Trend charts: the last eight quarters of an indicator as an accessible inline SVG.

Readable in greyscale print: the value is a solid line with round markers, the target a
dashed step line, the amber band hatched, the London average dotted with square markers,
and every series is labelled directly at its right-hand end (no colour-only legend).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from decimal import Decimal
from html import escape

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from pipeline.core.settings import DEFAULT_COUNCIL_NAME, configured_council_name
from pipeline.report.chart_layout import (
    end_label,
    place_value_labels,
    spread_end_labels,
    value_axis,
    value_locator,
)
from pipeline.report.data import IndicatorReport, TrendPoint
from pipeline.report.formatting import format_exact, format_value, polarity_words

VALUE_COLOUR = "#1d3557"
TARGET_COLOUR = "#1a1a1a"
BAND_FACE = "#f6d58b"
BAND_EDGE = "#8a5a00"
LONDON_COLOUR = "#5a5a5a"
RC = {
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans"],
    "font.size": 9,
    "hatch.linewidth": 0.8,
    "hatch.color": BAND_EDGE,
}


def council_name() -> str:
    """The council's own name for its line on the charts (`SCORECARD_COUNCIL_NAME`).

    The marts do not carry it, and the product serves any council. Callers that know
    the configured name pass it to `trend_chart_svg` instead.
    """
    return configured_council_name() or DEFAULT_COUNCIL_NAME


def _num(value: Decimal | None) -> float:
    return math.nan if value is None else float(value)


def _series(trend: list[TrendPoint], column: str) -> list[float]:
    return [_num(getattr(point.fact, column)) if point.fact else math.nan for point in trend]


def _steps(values: list[float]) -> tuple[list[float], list[float]]:
    """Per-quarter values as a step line centred on each quarter."""
    xs: list[float] = []
    ys: list[float] = []
    for index, value in enumerate(values):
        xs += [index - 0.5, index + 0.5]
        ys += [value, value]
    return xs, ys


def _last(values: list[float]) -> float | None:
    finite = [v for v in values if not math.isnan(v)]
    return finite[-1] if finite else None


def _axis_formatter(unit: str) -> FuncFormatter:
    if unit == "percent":
        return FuncFormatter(lambda v, _pos: f"{v:g}%")
    return FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v == int(v) else f"{v:,g}")


def axis_note(fig: Figure, bottom: float, unit: str) -> None:
    """Say above the chart, where the reader looks first, that the value axis is cut."""
    if bottom > 0:
        start = _axis_formatter(unit)(bottom, None)
        fig.text(
            0.01,
            0.985,
            f"The value axis starts at {start}, not at 0.",
            va="top",
            fontsize=7.5,
            color=TARGET_COLOUR,
            gid="axis-note",
        )


def _draw(item: IndicatorReport, council: str) -> Figure:
    indicator, trend = item.indicator, item.trend
    values = _series(trend, "value")
    targets = _series(trend, "target")
    ambers = _series(trend, "amber_threshold")
    london = _series(trend, "london_average")
    xs = list(range(len(trend)))

    fig = Figure(figsize=(6.6, 2.9))
    ax = fig.add_axes((0.09, 0.17, 0.68, 0.73))
    band_x, band_lo = _steps(targets)
    _, band_hi = _steps(ambers)
    ax.fill_between(
        band_x,
        band_lo,
        band_hi,
        facecolor=BAND_FACE,
        edgecolor=BAND_EDGE,
        hatch="///",
        linewidth=0.0,
        zorder=1,
        gid="amber-band",
    )
    ax.plot(
        band_x, band_lo, linestyle="--", color=TARGET_COLOUR, linewidth=1.4, zorder=2, gid="target"
    )
    ax.plot(
        xs,
        london,
        linestyle=":",
        marker="s",
        markersize=4.5,
        color=LONDON_COLOUR,
        linewidth=1.6,
        zorder=3,
        gid="london-average",
    )
    ax.plot(
        xs,
        values,
        linestyle="-",
        marker="o",
        markersize=6,
        color=VALUE_COLOUR,
        linewidth=2.2,
        zorder=4,
        gid="council-value",
    )
    value_labels = []
    for x, (v, point) in enumerate(zip(values, trend, strict=True)):
        if not math.isnan(v):
            text = format_value(point.fact.value, indicator).replace(" per 10,000", "")
            value_labels.append(
                ax.annotate(
                    text,
                    (x, v),
                    xytext=(0, 7),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7.5,
                    color=VALUE_COLOUR,
                    zorder=5,
                    gid=f"value-label-{x}",
                )
            )

    bottom, top = value_axis(values + targets + ambers + london, indicator.unit)
    ax.set_ylim(bottom, top)
    ax.set_xlim(-0.6, len(trend) - 0.4)
    ax.set_xticks(xs, [p.quarter.label.replace(" ", "\n", 1) for p in trend], fontsize=7.5)
    ax.yaxis.set_major_locator(value_locator())
    ax.yaxis.set_major_formatter(_axis_formatter(indicator.unit))
    axis_note(fig, bottom, indicator.unit)
    ax.grid(axis="y", color="#d0d0d0", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    labels = []
    for series, name, colour in (
        (values, council, VALUE_COLOUR),
        (targets, "Target", TARGET_COLOUR),
        (london, "London average", LONDON_COLOUR),
    ):
        last = _last(series)
        if last is not None:
            labels.append((last, name, colour))
    last_target, last_amber = _last(targets), _last(ambers)
    if last_target is not None and last_amber is not None:
        labels.append(((last_target + last_amber) / 2, "Amber band", BAND_EDGE))
    end_labels = [
        end_label(ax, y, textwrap.fill(text, 18), colour, fontsize=8.5, gid=f"series-label-{i}")
        for i, (y, text, colour) in enumerate(labels)
    ]
    place_value_labels(fig, ax, value_labels)
    spread_end_labels(fig, ax, end_labels)
    return fig


def describe_trend(item: IndicatorReport) -> str:
    """The chart's trend in words (its <desc> and alt text)."""
    indicator, trend = item.indicator, item.trend
    points = [(p, p.fact.value) for p in trend if p.fact and p.fact.value is not None]
    span = f"{trend[0].quarter.label} to {trend[-1].quarter.label}"
    if not points:
        return f"{indicator.title}: no values are available from {span}."
    first, last = points[0], points[-1]
    high = max(points, key=lambda pv: pv[1])
    low = min(points, key=lambda pv: pv[1])
    movement = "rose" if last[1] > first[1] else "fell" if last[1] < first[1] else "was unchanged"
    parts = [
        f"Trend of {indicator.title} ({polarity_words(indicator.polarity).lower()}), {span}.",
        f"The value {movement} from {format_value(first[1], indicator)} in "
        f"{first[0].quarter.label} to {format_value(last[1], indicator)} in "
        f"{last[0].quarter.label};",
        f"highest {format_value(high[1], indicator)} ({high[0].quarter.label}),"
        f" lowest {format_value(low[1], indicator)} ({low[0].quarter.label}).",
    ]
    missing = [p.quarter.label for p in trend if not (p.fact and p.fact.value is not None)]
    if missing:
        parts.append(f"No value for {', '.join(missing)}.")
    fact = item.fact
    if fact.target is not None:
        parts.append(
            f"Target this quarter {format_exact(fact.target, indicator)}, amber threshold "
            f"{format_exact(fact.amber_threshold, indicator)}."
        )
    if fact.london_average is not None:
        parts.append(
            f"London average {format_exact(fact.london_average, indicator)}"
            f" ({fact.london_average_period})."
        )
    return " ".join(parts)


def _prefix_ids(svg: str, prefix: str) -> str:
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)


def trend_chart_svg(item: IndicatorReport, council: str | None = None) -> str:
    """Inline <svg> (role img, <title> and <desc>) of the indicator's eight-quarter trend.

    `council` names the council's own line (default: `council_name()`).
    """
    prefix = "chart-" + re.sub(r"[^a-z0-9]+", "-", item.indicator.code.lower())
    with matplotlib.rc_context({**RC, "svg.hashsalt": prefix}):
        buffer = io.StringIO()
        figure = _draw(item, council or council_name())
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = _prefix_ids(svg, prefix)
    title = f"Trend chart: {item.indicator.title}"
    opening, rest = svg.split(">", 1)
    opening = opening.replace(
        "<svg",
        f'<svg class="trend-chart" role="img" aria-labelledby="{prefix}-title {prefix}-desc"',
        1,
    )
    labels = (
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(describe_trend(item))}</desc>'
    )
    return f"{opening}>{labels}{rest}"
