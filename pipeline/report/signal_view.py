"""The report's view of an indicator's signals: symbols, sentences and the XmR chart."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from pipeline.report.data import CommitteeReport, IndicatorReport
from pipeline.report.signals import (
    change_words,
    outlook_words,
    small_number_words,
    spc_words,
    summary_paragraph,
)
from pipeline.report.symbols import Symbol, assurance_symbol, variation_symbol
from pipeline.report.xmr import XmrPoint, describe_xmr, xmr_chart_svg

NO_LIMITS = {"too few points": "Too few points", "not applicable": "Not applicable"}


@dataclass(frozen=True)
class SignalView:
    variation: Symbol | None
    assurance: Symbol | None
    variation_text: str  # what the table says where there is no variation symbol
    assurance_text: str
    spc: str
    change: str
    small_numbers: str | None
    outlook: str | None
    chart: Markup | None
    chart_description: str | None
    target_drawn: bool
    ytd: bool  # its points are each quarter's own part of the year
    # The XmR chart takes the trend chart's place (spec: "beside or instead of"): both
    # and the trend table do not fit an indicator's one printed page, and the table keeps
    # the published values, targets and London averages of the last eight quarters.
    replaces_trend_chart: bool


def signal_view(item: IndicatorReport, report: CommitteeReport) -> SignalView | None:
    signal, indicator, fact = item.signal, item.indicator, item.fact
    if signal is None:
        return None
    # A ytd count's target is cumulative, its points quarterly: no target line for it.
    cumulative = indicator.basis == "ytd" and indicator.unit == "count"
    target = None if cumulative else fact.target
    points = [XmrPoint(q.label, s) for q, s in item.xmr]
    chart = xmr_chart_svg(indicator, points, signal, target)
    return SignalView(
        variation=variation_symbol(signal.variation, indicator.polarity),
        assurance=assurance_symbol(signal.assurance),
        variation_text=NO_LIMITS.get(signal.spc_status or "", "–"),
        assurance_text=_no_assurance(signal.spc_status, fact.target is None, cumulative),
        spc=spc_words(signal),
        change=change_words(signal, report.previous_quarter.label, report.year_ago_quarter.label),
        small_numbers=small_number_words(
            signal, indicator.unit, fact.denominator, indicator.decimals
        ),
        outlook=outlook_words(signal, indicator.unit, indicator.decimals),
        chart=Markup(chart) if chart else None,
        chart_description=describe_xmr(indicator, points, signal, target) if chart else None,
        target_drawn=target is not None,
        ytd=indicator.basis == "ytd",
        replaces_trend_chart=chart is not None,
    )


def _no_assurance(status: str | None, untargeted: bool, cumulative: bool) -> str:
    """Why an indicator has no assurance symbol."""
    if untargeted:
        return "No target"
    if cumulative:
        return "n/a (cumulative target)"
    return NO_LIMITS.get(status or "", "–")


def covering_paragraph(report: CommitteeReport) -> str | None:
    return summary_paragraph(
        [(item.indicator.code, item.indicator.title, item.signal) for item in report.indicators]
    )
