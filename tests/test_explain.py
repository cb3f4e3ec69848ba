"""Every figure answerable: `scorecard explain`, its records, the lineage mart, the flags.

Reads the sample's full run (tests/conftest.py). The records of every computed
figure of every sample quarter are written to CSV and counted here, independently
of the code that wrote them, against the published numerator and denominator.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.cli.main import main
from pipeline.explain.explain import explain
from pipeline.explain.records import RECORDS_DIR, write_records
from pipeline.models.lineage import indicator_models
from pipeline.models.runner import discover_models

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
Q2 = "2021-22-Q2"


def _csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def marts(sample_history):
    con = duckdb.connect(str(sample_history.marts / "scorecard.duckdb"), read_only=True)
    yield con
    con.close()


def _facts(marts) -> dict[tuple[str, str], dict]:
    cursor = marts.execute(
        "select f.*, i.source, i.unit from fct_indicator_quarter as f "
        "join dim_indicator as i on i.code = f.indicator_code"
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(row["quarter_key"], row["indicator_code"]): row for row in rows}


def test_every_computed_indicator_has_a_records_query() -> None:
    models = indicator_models(discover_models())
    assert len(models) == 10
    for model in models.values():
        assert (RECORDS_DIR / f"{model.name}.sql").is_file(), model.name


def test_records_reproduce_every_computed_figure_of_the_sample(
    sample_history, marts, tmp_path
) -> None:
    models = indicator_models(discover_models())
    facts = _facts(marts)
    checked = 0
    for (quarter, code), fact in sorted(facts.items()):
        if fact["source"] == "manual":
            continue
        target = tmp_path / f"{quarter}_{code}.csv"
        write_records(sample_history.warehouse, models[code].name, quarter, target)
        rows = _csv(target)
        if fact["numerator"] is None:  # a count: one row per record counted
            assert len(rows) == fact["value"], (quarter, code)
            assert all(row["value"] == "1" for row in rows)
        else:
            numerator = sum(Decimal(row["numerator"]) for row in rows)
            denominator = sum(Decimal(row["denominator"]) for row in rows)
            assert (numerator, denominator) == (fact["numerator"], fact["denominator"]), (
                quarter,
                code,
            )
        checked += 1
    assert checked == 17 * 10


def test_sw2_records_are_the_children_in_care_of_the_published_figure(
    sample_history, tmp_path
) -> None:
    # known-figures.md: CSC-SW2 2021/22 Q2 was 22.4%. 245 children in care at QE
    # (CSC-CIC that quarter is 245), 55 of them with 2+ changes: 100 × 55 / 245 =
    # 22.449 → 22.4.
    target = tmp_path / "sw2.csv"
    code = main(
        ["explain", "CSC-SW2", "--quarter", Q2, "--marts-dir", str(sample_history.marts),
         "--warehouse", str(sample_history.warehouse), "--records", str(target)]
    )  # fmt: skip
    assert code == 0
    rows = _csv(target)
    assert len(rows) == 245
    assert len({row["child"] for row in rows}) == 245
    counted = [row for row in rows if row["numerator"] == "1"]
    assert len(counted) == 55
    assert all(int(row["changes_of_social_worker_in_window"]) >= 2 for row in counted)
    assert all(int(row["changes_of_social_worker_in_window"]) < 2 for row in rows
               if row["numerator"] == "0")  # fmt: skip


def test_explain_prints_the_rule_behind_each_part(sample_history) -> None:
    text = explain(sample_history.marts, sample_history.warehouse, "CSC-SW2", Q2)
    assert "computed by the SQL model int_indicator__csc_sw2 (code version " in text
    assert "value = 100 × 55 ÷ 245 = 22.44897959" in text
    assert "→ 22.4" in text
    # target 15, points tolerance 2, lower is better: threshold 15 + 2 = 17
    assert "amber threshold 17 (points: target + tolerance = 15 + 2)" in text
    assert "Red: 22.4 is not ≤ target 15 nor ≤ the amber threshold 17" in text
    assert "short term: worse, 22.4 against 10.9 in 2021-22-Q1" in text
    assert "long term: worse, 22.4 against 11.7 in 2020-21-Q2" in text
    episodes = (RAW / Q2 / "episodes.csv").read_bytes()
    digest = hashlib.sha256(episodes).hexdigest()
    rows_read = len(episodes.decode("utf-8-sig").splitlines()) - 1
    assert f"episodes.csv, {len(episodes):,} bytes, SHA-256 {digest}; {rows_read:,} rows" in text


def test_explain_works_for_all_13_and_a_manual_indicator_has_no_records(
    sample_history, marts, tmp_path
) -> None:
    codes = [row[0] for row in marts.execute("select code from dim_indicator").fetchall()]
    assert len(codes) == 13
    for code in codes:
        target = tmp_path / f"{code}.csv"
        text = explain(sample_history.marts, sample_history.warehouse, code, Q2, target)
        assert text.startswith(code)
        if code in ("EDU-NEET", "EDU-PEX", "EDU-SUS"):
            assert "is a manual return" in text and "no record-level rows" in text
            assert not target.exists()
        else:
            assert "DIFFERENT" not in text
            assert target.is_file()


def test_explain_of_an_unknown_code_is_a_plain_error(sample_history, capsys) -> None:
    code = main(["explain", "CSC-XXX", "--quarter", Q2, "--marts-dir", str(sample_history.marts)])
    assert code == 2
    assert "CSC-XXX is not in the catalogue" in capsys.readouterr().err


def test_lineage_mart_has_each_input_file_of_each_figure(marts) -> None:
    rows = marts.execute(
        "select role, extract, file_name, sha256, rows_read, rows_rejected, model "
        "from mart_indicator_lineage where quarter_key = ? and indicator_code = 'CSC-SW2' "
        "order by role, extract",
        [Q2],
    ).fetchall()
    by_extract = {row[1]: row for row in rows}
    # CSC-SW2 reads episodes and social_worker; the row also rests on the catalogue,
    # targets, benchmarks and commentary
    assert sorted(by_extract) == [
        "benchmarks", "commentary", "episodes", "indicators", "social_worker", "targets",
    ]  # fmt: skip
    assert {row[1] for row in rows if row[0] == "figure"} == {"episodes", "social_worker"}
    data = (RAW / Q2 / "social_worker.csv").read_bytes()
    assert by_extract["social_worker"][3] == hashlib.sha256(data).hexdigest()
    assert by_extract["social_worker"][4] == len(data.decode().splitlines()) - 1
    assert {row[6] for row in rows} == {"int_indicator__csc_sw2"}
    manual = marts.execute(
        "select extract, model from mart_indicator_lineage where quarter_key = ? "
        "and indicator_code = 'EDU-NEET' and role = 'figure'",
        [Q2],
    ).fetchall()
    assert manual == [("manual_returns", "int_indicator_values")]
    # one row per quarter × indicator × input file, no record-level columns
    total = marts.execute("select count(*) from mart_indicator_lineage").fetchone()[0]
    distinct = marts.execute(
        "select count(*) from (select distinct quarter_key, indicator_code, extract "
        "from mart_indicator_lineage)"
    ).fetchone()[0]
    assert total == distinct


def _expected_flags(marts) -> dict[tuple[str, str], set[str]]:
    """The flags of every sample figure, worked out from the raw folder itself."""
    with (RAW / "reference" / "indicators.csv").open(encoding="utf-8-sig") as handle:
        manual = {row["CODE"] for row in csv.DictReader(handle) if row["SOURCE"] == "manual"}
    with (RAW / "reference" / "benchmarks.csv").open(encoding="utf-8-sig") as handle:
        london = [row for row in csv.DictReader(handle) if row["AREA"] == "London"]
    loaded = {p.name for p in RAW.iterdir() if p.name != "reference"}
    expected = {}
    quarters = marts.execute(
        "select quarter_key, end_date, previous_quarter_key, year_ago_quarter_key from dim_quarter"
    ).fetchall()
    codes = [row[0] for row in marts.execute("select code from dim_indicator").fetchall()]
    for quarter, end, previous, year_ago in quarters:
        for code in codes:
            flags = set()
            if code in manual:
                flags.add("manual_return")
            if previous not in loaded or year_ago not in loaded:
                flags.add("comparison_missing")
            ends = [
                date.fromisoformat(r["PERIOD_END"])
                for r in london
                if r["INDICATOR_CODE"] == code and date.fromisoformat(r["PERIOD_END"]) <= end
            ]
            year_before = date(end.year - 1, end.month, end.day)
            if ends and max(ends) < year_before:
                flags.add("london_average_old")
            expected[(quarter, code)] = flags
    return expected


def test_every_sample_figure_carries_its_flags(marts) -> None:
    facts = _facts(marts)
    expected = _expected_flags(marts)
    assert len(facts) == 17 * 13
    assert all(fact["value"] is not None for fact in facts.values())
    assert {key: set(fact["dq_flags"]) for key, fact in facts.items()} == expected
    # EDU-PEX's latest London average at 2022-23-Q2 (QE 2022-09-30) is 2020-21, ending
    # 2021-08-31: more than 12 months before; at 2022-23-Q1 (QE 2022-06-30) it is not
    assert "london_average_old" in facts[("2022-23-Q2", "EDU-PEX")]["dq_flags"]
    assert "london_average_old" not in facts[("2022-23-Q1", "EDU-PEX")]["dq_flags"]
    assert facts[("2019-20-Q2", "CSC-SW2")]["dq_notes"] == [
        "no comparison for the same quarter last year (2018-19-Q2 is not loaded)"
    ]
    summary = dict(
        marts.execute("select quarter_key, indicators_flagged from mart_rag_summary").fetchall()
    )
    # 2019-20: all 13 lack a year-ago quarter; later quarters: the 3 manual returns
    assert summary["2019-20-Q3"] == 13 and summary[Q2] == 3
