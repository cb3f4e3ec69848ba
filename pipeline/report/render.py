"""Render a committee's covering report and Appendix 1 as one self-contained HTML page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipeline.core.periods import Quarter as QuarterKey
from pipeline.core.periods import financial_year_label
from pipeline.core.settings import DEFAULT_COUNCIL_NAME
from pipeline.report.charts import describe_trend, trend_chart_svg
from pipeline.report.data import CommitteeReport, IndicatorReport, Quarter
from pipeline.report.formatting import (
    RAG_BADGES,
    Arrow,
    Badge,
    dot_arrow,
    format_exact,
    format_value,
    polarity_words,
    rag_badge,
    tolerance_words,
)
from pipeline.report.signal_view import SignalView, covering_paragraph, signal_view
from pipeline.report.symbols import key as symbol_key

TEMPLATES = Path(__file__).parent / "templates"
CORRECTIVE_ACTION_MISSING = "Corrective action not supplied"
# The commentary was written about another number (commentary.csv VALUE_SEEN): its
# words are not printed beside a figure they no longer match.
COMMENTARY_OUT_OF_DATE = "commentary_out_of_date"
RESTATED_COLUMNS = {
    "value": "the figure",
    "rag_status": "the RAG status",
    "commentary": "the commentary",
    "corrective_action": "the corrective action",
}
_SUMMARY_LIST = re.compile(r"^(In summary, of the [^:]*:)\s*(.*?have a status of Red)\.?\s*(.*)$")


@dataclass(frozen=True)
class TrendRow:
    label: str
    value: str
    target: str
    london: str


@dataclass(frozen=True)
class IndicatorView:
    code: str
    title: str
    objective: str | None
    service: str | None
    polarity: str
    unit: str
    value: str
    target: str
    tolerance: str
    badge: Badge
    short_term: Arrow
    long_term: Arrow
    london: str
    london_value: str  # the at-a-glance column: the average in the indicator's unit, or "–"
    london_period: str | None  # its period, where it is not the report's financial year
    commentary: str
    corrective_action: str | None  # only for Red indicators
    owner: str | None  # who answers for the commentary and corrective action
    chart: Markup
    chart_description: str
    trend: list[TrendRow]
    signal: SignalView | None = None  # None where the marts hold no mart_indicator_signal
    # Data-quality notes printed beside the figure, and the signed-off values of a
    # figure restated after sign-off (footnoted)
    flags: list[str] = field(default_factory=list)
    restated: list[str] = field(default_factory=list)


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def quarter_phrase(quarter: Quarter) -> str:
    """'Quarter 1, 2021/22', the covering report's way of naming a compared quarter."""
    if quarter.quarter_number and quarter.financial_year:
        return f"Quarter {quarter.quarter_number}, {financial_year_label(quarter.financial_year)}"
    parsed = QuarterKey.try_parse(quarter.key)
    if parsed is None:
        return quarter.label
    return f"Quarter {parsed.number}, {parsed.year_label}"


def _london(item: IndicatorReport) -> str:
    fact = item.fact
    if fact.london_average is None:
        return "No London average available"
    average = format_exact(fact.london_average, item.indicator)
    return f"{average} ({fact.london_average_period or 'period not stated'})"


def same_year(period: str | None, financial_year: str | None) -> bool:
    """Whether a benchmark's period label names the report's financial year.

    Labels are free text (spec/extracts.md benchmarks.csv): `2021-22` and `2021/22` name
    the financial year 2021-22; `2021` (a calendar or academic year) does not.
    """
    if not period or not financial_year:
        return False
    return re.sub(r"\s*[-/–]\s*", "-", period.strip()) == financial_year


def _london_glance(item: IndicatorReport, financial_year: str | None) -> tuple[str, str | None]:
    fact = item.fact
    if fact.london_average is None:
        return "–", None
    value = format_exact(fact.london_average, item.indicator)
    period = fact.london_average_period or "period not stated"
    return value, None if same_year(period, financial_year) else period


def _trend_rows(item: IndicatorReport) -> list[TrendRow]:
    rows = []
    for point in item.trend:
        fact = point.fact
        rows.append(
            TrendRow(
                label=point.quarter.label,
                value=format_value(fact.value, item.indicator).removesuffix(" per 10,000")
                if fact and fact.value is not None
                else "n/a",
                target=format_exact(fact.target, item.indicator).removesuffix(" per 10,000")
                if fact and fact.target is not None
                else "–",
                london=format_exact(fact.london_average, item.indicator).removesuffix(" per 10,000")
                if fact and fact.london_average is not None
                else "–",
            )
        )
    return rows


def indicator_view(
    item: IndicatorReport, report: CommitteeReport, council: str | None = None
) -> IndicatorView:
    indicator, fact = item.indicator, item.fact
    corrective = None
    if fact.rag_status == "Red":
        corrective = fact.corrective_action or CORRECTIVE_ACTION_MISSING
    london_value, london_period = _london_glance(item, report.quarter.financial_year)
    return IndicatorView(
        code=indicator.code,
        title=indicator.title,
        objective=indicator.objective,
        service=indicator.service,
        polarity=polarity_words(indicator.polarity),
        unit=indicator.unit,
        value=format_value(fact.value, indicator),
        target=format_exact(fact.target, indicator) if fact.target is not None else "No target",
        tolerance=tolerance_words(fact, indicator),
        badge=rag_badge(fact),
        short_term=dot_arrow(
            fact.dot_short_term, report.previous_quarter, fact.previous_quarter_value, indicator
        ),
        long_term=dot_arrow(
            fact.dot_long_term, report.year_ago_quarter, fact.year_ago_value, indicator
        ),
        london=_london(item),
        london_value=london_value,
        london_period=london_period,
        commentary=_commentary(fact),
        corrective_action=corrective,
        owner=(fact.commentary_owner or "").strip() or None,
        chart=Markup(trend_chart_svg(item, council)),
        chart_description=describe_trend(item),
        trend=_trend_rows(item),
        signal=signal_view(item, report),
        flags=list(fact.dq_notes),
        restated=[_restated(r) for r in item.restatements],
    )


def _commentary(fact) -> str:
    if COMMENTARY_OUT_OF_DATE in fact.dq_flags:
        return (
            "The commentary supplied was written about a different figure (see the note "
            "beside the value), so it is not printed."
        )
    return fact.commentary or "No commentary supplied."


def _restated(restatement) -> str:
    """'Restated after sign-off on 29 Nov 2026: the figure signed off was 94.2 (reason).'"""
    what = RESTATED_COLUMNS.get(restatement.column_name, restatement.column_name)
    signed = restatement.signed_off_value or "blank"
    when = restatement.signed_off_at or restatement.restated_at
    return (
        f"Restated after sign-off on {when:%-d %b %Y}: {what} signed off was {signed}, now "
        f"{restatement.new_value or 'blank'} ({restatement.reason})."
    )


def summary_blocks(summary_text: str) -> list[tuple[str, list[str]]]:
    """summary_text as (paragraph, list items): 'In summary, of the 7 indicators:' + its list."""
    blocks = []
    lines = re.split(r"\n|(?<=\.)\s+(?=In summary,)", summary_text)
    for line in filter(None, (line.strip() for line in lines)):
        match = _SUMMARY_LIST.match(line)
        if match:
            blocks.append((match.group(1), [part.strip() for part in match.group(2).split(";")]))
            if match.group(3):
                blocks.append((match.group(3), []))
        else:
            blocks.append((line, []))
    return blocks


def render_html(report: CommitteeReport, council: str | None = None) -> str:
    """The report's page; `council` is the council's configured name (None: not configured,
    so the charts say "Council" and the cover names no council)."""
    template = environment().get_template("report.html.j2")
    label = council or DEFAULT_COUNCIL_NAME
    return template.render(
        report=report,
        quarter=report.quarter,
        summary=report.summary,
        fy=financial_year_label(report.quarter.financial_year or ""),
        previous_phrase=quarter_phrase(report.previous_quarter),
        year_ago_phrase=quarter_phrase(report.year_ago_quarter),
        summary_blocks=summary_blocks(report.summary.summary_text or ""),
        indicators=[indicator_view(item, report, label) for item in report.indicators],
        rag=RAG_BADGES,
        signal_paragraph=covering_paragraph(report),
        signal_key=symbol_key(),
        council=label,
        council_configured=council is not None,
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
    )
