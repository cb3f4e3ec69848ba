"""`scorecard summary`: the quarter's summary text and RAG table, read from the published marts.

It reads `scorecard.duckdb` read-only, as any BI tool would, so it works while a
run is publishing and shows exactly what councillors will see.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from pipeline.core.errors import UserError
from pipeline.core.settings import DATABASE_NAME
from pipeline.report.signals import load_signals, summary_paragraph
from pipeline.report.symbols import variation_symbol

# spec/rules.md "Direction of travel": the arrow shows performance, not the number.
ARROWS = {
    "better": "↑ better",
    "worse": "↓ worse",
    "same": "→ same",
    "up": "↑ up",
    "down": "↓ down",
}
RAG_MARKS = {"Green": "● Green", "Amber": "▲ Amber", "Red": "■ Red"}
# spec/signals.md, in words a terminal can show (the report draws the symbols).
ASSURANCE_MARKS = {
    "consistently passes": "✓ passes",
    "consistently fails": "✗ fails",
    "hit and miss": "± hit and miss",
}
NO_LIMITS = {"too few points": "too few points", "not applicable": "n/a"}

_ROWS = """
select f.indicator_code, i.title, i.unit, i.decimals, f.value, f.target, f.rag_status,
       f.dot_short_term, f.dot_long_term, f.london_average, i.polarity
from fct_indicator_quarter as f
join dim_indicator as i on i.code = f.indicator_code
where f.quarter_key = $quarter and i.committee = $committee
order by f.indicator_code
"""


def _unreadable(database: Path, error: Exception) -> str:
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return (
        f"The published database {database} cannot be read ({first}). It is damaged or not "
        "a DuckDB file. Run `scorecard run` (with the same --marts-dir) to publish it again; "
        "the Parquet files beside it hold the same tables."
    )


def format_summary(marts_dir: Path, quarter_key: str, committee: str | None = None) -> str:
    database = marts_dir / DATABASE_NAME
    if not database.exists():
        raise UserError(
            f"There are no published marts in {marts_dir} yet: run `scorecard run` first."
        )
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise UserError(_unreadable(database, error)) from error
    try:
        summaries = con.execute(
            "select committee, summary_text from mart_rag_summary where quarter_key = $q "
            "and ($c is null or committee = $c) order by committee",
            {"q": quarter_key, "c": committee},
        ).fetchall()
        if not summaries:
            raise UserError(
                f"The published marts in {marts_dir} hold no summary for {quarter_key}"
                + (f" and committee '{committee}'" if committee else "")
                + ": run `scorecard run --quarter "
                + quarter_key
                + "` first."
            )
        blocks = []
        for name, text in summaries:
            rows = con.execute(_ROWS, {"quarter": quarter_key, "committee": name}).fetchall()
            signals = load_signals(con, [quarter_key], [row[0] for row in rows])
            block = f"{name}, {quarter_key}\n\n{text}\n\n{_table(rows, signals, quarter_key)}"
            blocks.append(block + _signal_notes(rows, signals, quarter_key))
        return "\n\n".join(blocks)
    finally:
        con.close()


def format_value(value: Decimal | None, unit: str, decimals: int) -> str:
    if value is None:
        return "n/a"
    number = f"{value:,.{decimals}f}"
    return f"{number}%" if unit == "percent" else number


def _variation(signal, polarity: str) -> str:
    if signal is None:
        return ""
    symbol = variation_symbol(signal.variation, polarity)
    return symbol.short if symbol else NO_LIMITS.get(signal.spc_status, "")


def _table(rows: list[tuple], signals: dict, quarter_key: str) -> str:
    header = ("Code", "Indicator", "Value", "Target", "RAG", "Short term", "Long term", "London")
    if signals:
        header += ("Variation", "Assurance")
    body = []
    for code, title, unit, decimals, value, target, rag, short, long, london, polarity in rows:
        row = (
            code,
            title if len(title) <= 48 else title[:47] + "…",
            format_value(value, unit, decimals),
            format_value(target, unit, decimals) if target is not None else "",
            RAG_MARKS.get(rag, "") if rag else "",
            ARROWS.get(short, "n/a"),
            ARROWS.get(long, "n/a"),
            format_value(london, unit, decimals) if london is not None else "",
        )
        if signals:
            signal = signals.get((code, quarter_key))
            assurance = ASSURANCE_MARKS.get(signal.assurance, "") if signal else ""
            row += (_variation(signal, polarity), assurance)
        body.append(row)
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
        for row in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _signal_notes(rows: list[tuple], signals: dict, quarter_key: str) -> str:
    """The report's paragraph on special causes and the outlook, and the small numbers."""
    if not signals:
        return ""
    mine = [(row[0], row[1], signals.get((row[0], quarter_key))) for row in rows]
    notes = [summary_paragraph(mine) or ""]
    small = [code for code, _, signal in mine if signal is not None and signal.small_numbers]
    if small:
        notes.append(
            f"Small numbers ({', '.join(small)}): a change of one child moves the figure "
            "noticeably."
        )
    return "\n\n" + "\n".join(note for note in notes if note)
