"""Explain one published figure: its definition, inputs, arithmetic, RAG and trend.

Everything but the records comes from the published marts (what BI tools and the
report show): the catalogue row, the fact row, the lineage mart (files, digests,
rows, runs, model code version) and any restatement. `--records` reads the
working warehouse (`pipeline.explain.records`) and checks that the rows add up to
the published figure.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path

import duckdb

from pipeline.core.errors import UserError
from pipeline.core.settings import DATABASE_NAME, SQL_DIR
from pipeline.explain.records import Records, write_records
from pipeline.models.runner import discover_models, model_description

MULTIPLIERS = {"percent": Decimal(100), "rate": Decimal(10000)}
POLARITY_RULES = {
    "higher": "higher is better",
    "lower": "lower is better",
    "none": "no better or worse: up, down or same",
}


def explain(
    marts_dir: Path, warehouse: Path, code: str, quarter_key: str, records: Path | None = None
) -> str:
    """The explanation as text; writes the records CSV when `records` is given."""
    facts = _published(marts_dir, code, quarter_key)
    indicator, fact, inputs, restated = facts
    lines = _definition(indicator, inputs)
    lines += _inputs(inputs)
    lines += _arithmetic(indicator, fact)
    lines += _rag(indicator, fact)
    lines += _trend(indicator, fact)
    lines += _caveats(fact, restated)
    if records is not None:
        lines += _records(warehouse, indicator, fact, inputs, quarter_key, records)
    return "\n".join(lines)


def _published(marts_dir: Path, code: str, quarter_key: str):
    database = marts_dir / DATABASE_NAME
    if not database.is_file():
        raise UserError(f"There are no published marts in {marts_dir}: run the pipeline first.")
    con = duckdb.connect(str(database), read_only=True)
    try:
        indicator = _one(con, "select * from dim_indicator where code = ?", [code])
        if indicator is None:
            codes = [
                r[0] for r in con.execute("select code from dim_indicator order by 1").fetchall()
            ]
            raise UserError(f"{code} is not in the catalogue; indicators: {', '.join(codes)}.")
        fact = _one(
            con,
            "select * from fct_indicator_quarter where indicator_code = ? and quarter_key = ?",
            [code, quarter_key],
        )
        if fact is None:
            raise UserError(f"Quarter {quarter_key} is not published in {marts_dir}.")
        inputs = _all(
            con,
            "select * from mart_indicator_lineage where indicator_code = ? and quarter_key = ? "
            "order by role <> 'figure', extract",
            [code, quarter_key],
        )
        restated = _all(
            con,
            "select * from mart_restatements where indicator_code = ? and quarter_key = ? "
            "order by restated_at",
            [code, quarter_key],
        )
    finally:
        con.close()
    if not inputs:
        raise UserError(
            f"The published marts have no lineage for {code} in {quarter_key} (published "
            "before lineage was recorded): run the quarter again, then explain it."
        )
    return indicator, fact, inputs, restated


def _all(con, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(con, sql: str, params: list) -> dict | None:
    rows = _all(con, sql, params)
    return rows[0] if rows else None


def _number(value: Decimal | None, places: int | None = None) -> str:
    if value is None:
        return "none"
    if places is not None:
        return f"{Decimal(value):,.{places}f}"
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _definition(indicator: dict, inputs: list[dict]) -> list[str]:
    model = inputs[0]["model"] if inputs else None
    version = inputs[0]["model_code_version"] if inputs else None
    lines = [
        f"{indicator['code']} {indicator['title']}",
        "",
        "Definition (indicators.csv)",
        f"  committee {indicator['committee']}; objective {indicator['objective']}; "
        f"service {indicator['service']}",
        f"  unit {indicator['unit']}, {indicator['decimals']} decimal place(s), polarity "
        f"{indicator['polarity']} ({POLARITY_RULES.get(indicator['polarity'], '')}), basis "
        f"{indicator['basis']}, source {indicator['source']}",
    ]
    if model:
        lines.append(f"  computed by the SQL model {model} (code version {version})")
        found = discover_models(SQL_DIR).get(model)
        if found is not None:
            lines += [f"    {line}" for line in model_description(found).splitlines()]
    return lines


def _inputs(inputs: list[dict]) -> list[str]:
    lines = ["", "Inputs (as loaded; mart_indicator_lineage)"]
    for row in inputs:
        if row["file_name"] is None:
            lines.append(f"  {row['role']}: {row['extract']} (no load recorded)")
            continue
        lines.append(
            f"  {row['role']}: {row['file_name']}, {row['file_bytes']:,} bytes, SHA-256 "
            f"{row['sha256']}; {row['rows_read']:,} rows read, {row['rows_rejected']:,} "
            f"rejected or quarantined; loaded by run {row['loaded_by_run_id']}"
        )
    if inputs:
        lines.append(f"  figure computed by run {inputs[0]['run_id']}")
    return lines


def _arithmetic(indicator: dict, fact: dict) -> list[str]:
    places = indicator["decimals"]
    value, numerator, denominator = fact["value"], fact["numerator"], fact["denominator"]
    lines = ["", "Figure"]
    multiplier = MULTIPLIERS.get(indicator["unit"])
    if numerator is not None and denominator is not None and multiplier is not None:
        lines.append(f"  numerator {_number(numerator)}; denominator {_number(denominator)}")
        if indicator["source"] == "manual":
            lines.append("  both as supplied in the quarter's manual_returns.csv")
        if denominator == 0:
            lines.append("  a denominator of 0 gives no value: not available this quarter")
            return lines
        with localcontext() as context:
            context.prec = 28
            exact = multiplier * Decimal(numerator) / Decimal(denominator)
        lines.append(
            f"  value = {_number(multiplier)} × {_number(numerator)} ÷ {_number(denominator)}"
            f" = {exact.normalize():f}, rounded half away from zero to {places} decimal "
            f"place(s) → {_number(value, places)}"
        )
    elif value is None:
        lines.append("  not available this quarter (no value)")
    elif indicator["source"] == "manual":
        lines.append(
            f"  value {_number(value, places)} as supplied in manual_returns.csv (rounded half "
            f"away from zero to {places} decimal place(s))"
        )
    else:
        lines.append(f"  value {_number(value, places)}: the number of records counted")
    return lines


def _threshold_rule(indicator: dict, fact: dict) -> str:
    kind, tolerance, target = fact["tolerance_type"], fact["tolerance"], fact["target"]
    sign = "−" if indicator["polarity"] == "higher" else "+"
    if kind == "points":
        return f"points: target {sign} tolerance = {_number(target)} {sign} {_number(tolerance)}"
    if kind == "percent":
        return (
            f"percent: target {sign} tolerance % of |target| = {_number(target)} {sign} "
            f"{_number(tolerance)}/100 × {_number(abs(target))}"
        )
    return f"level: the tolerance is the threshold itself, {_number(tolerance)}"


def _rag(indicator: dict, fact: dict) -> list[str]:
    places = indicator["decimals"]
    lines = ["", "Target and RAG status (rules: RAG status)"]
    if fact["target"] is None:
        lines.append("  no target in targets.csv for this financial year and quarter: no RAG")
        return lines
    threshold = fact["amber_threshold"]
    lines.append(
        f"  target {_number(fact['target'])}, tolerance {fact['tolerance_type']} "
        f"{_number(fact['tolerance'])} → amber threshold {_number(threshold)} "
        f"({_threshold_rule(indicator, fact)})"
    )
    if fact["rag_status"] is None:
        reason = "no value" if fact["value"] is None else "polarity none: nothing is better"
        lines.append(f"  no RAG status: {reason}")
        return lines
    better = "≥" if indicator["polarity"] == "higher" else "≤"
    value = _number(fact["value"], places)
    rules = {
        "Green": f"{value} {better} target {_number(fact['target'])}",
        "Amber": f"{value} is not {better} target {_number(fact['target'])} but is {better} "
        f"the amber threshold {_number(threshold)}",
        "Red": f"{value} is not {better} target {_number(fact['target'])} nor {better} the "
        f"amber threshold {_number(threshold)}",
    }
    lines.append(f"  {fact['rag_status']}: {rules[fact['rag_status']]}")
    return lines


def _trend(indicator: dict, fact: dict) -> list[str]:
    places = indicator["decimals"]
    rule = POLARITY_RULES.get(indicator["polarity"], "")
    lines = ["", f"Direction of travel (compares published values; {rule})"]
    for label, key, compared, dot in (
        ("short term", "previous_quarter_key", "previous_quarter_value", "dot_short_term"),
        ("long term", "year_ago_quarter_key", "year_ago_value", "dot_long_term"),
    ):
        if fact[dot] is None:
            lines.append(f"  {label}: n/a (no figure for {fact[key]})")
        else:
            lines.append(
                f"  {label}: {fact[dot]}, {_number(fact['value'], places)} against "
                f"{_number(fact[compared], places)} in {fact[key]}"
            )
    if fact["london_average"] is not None:
        lines.append(
            f"  London average {_number(fact['london_average'])} "
            f"({fact['london_average_period']}; latest on or before the quarter end)"
        )
    return lines


def _caveats(fact: dict, restated: list[dict]) -> list[str]:
    lines = ["", "Data-quality flags"]
    notes = fact.get("dq_notes") or []
    lines += [f"  - {note}" for note in notes] or ["  none"]
    for row in restated:
        lines.append(
            f"  restated {row['column_name']}: signed off {row['signed_off_value']!r}, now "
            f"{row['new_value']!r} ({row['reason']}; {row['restated_by']}, "
            f"{row['restated_at']:%Y-%m-%d %H:%M}, run {row['run_id']})"
        )
    return lines


def _records(
    warehouse: Path,
    indicator: dict,
    fact: dict,
    inputs: list[dict],
    quarter_key: str,
    target: Path,
) -> list[str]:
    if indicator["source"] == "manual":
        return [
            "",
            f"Records: {indicator['code']} is a manual return (a number supplied by the "
            "service); it has no record-level rows. No file was written.",
        ]
    model = inputs[0]["model"]
    written = write_records(warehouse, model, quarter_key, target)
    return ["", *_reconciliation(written, fact)]


def _reconciliation(written: Records, fact: dict) -> list[str]:
    lines = [
        f"Records: {written.rows} row(s) written to {written.path} (from the working "
        "warehouse; they hold personal data: keep the file in the working folder)."
    ]
    mismatched = []
    for column, total in written.sums.items():
        published = fact[column]
        agrees = published is not None and Decimal(published) == total
        lines.append(
            f"  {column} column adds up to {_number(total)}; published {column} "
            f"{_number(published)}{'' if agrees else ' - DIFFERENT'}"
        )
        if not agrees:
            mismatched.append(column)
    if mismatched:
        lines.append(
            "  The working warehouse does not hold the published figure: a later run changed "
            "it without publishing (a failed or refused run). Re-run the quarter."
        )
    return lines
