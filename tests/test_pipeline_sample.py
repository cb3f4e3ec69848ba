"""End to end through Dagster on the shipped sample: the figures the sub-committee published.

../shared/reference/known-figures.md lists what the Children and Learning
sub-committee actually reported; the sample in data/raw reproduces them, and so
must the pipeline, from the raw extracts to the published marts.
"""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from chartcheck import charts_of, label_problems
from personal_scan import leaks, table_values

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"

SUMMARY_Q2 = (
    "In total, 13 performance indicators have been selected for the sub-committee to "
    "monitor and all 13 are available for reporting this quarter. Seven indicators have "
    "also been assigned a RAG status.\n"
    "In summary, of the 7 indicators: 5 (71%) have a status of Green; 0 (0%) have a "
    "status of Amber; 2 (29%) have a status of Red."
)


@pytest.fixture(scope="module")
def published(sample_history):
    """Every sample quarter run once (tests/conftest.py): marts folder, instance, outcome."""
    return sample_history.marts, sample_history.instance, sample_history.outcome


@pytest.fixture(scope="module")
def marts(published):
    con = duckdb.connect(str(published[0] / "scorecard.duckdb"), read_only=True)
    yield con
    con.close()


def fact(marts, quarter, code) -> dict:
    cursor = marts.execute(
        "select * from fct_indicator_quarter where quarter_key = ? and indicator_code = ?",
        [quarter, code],
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1, f"{quarter} {code}: {len(rows)} rows"
    return dict(zip(names, rows[0], strict=True))


def summary(marts, quarter) -> dict:
    cursor = marts.execute(
        "select * from mart_rag_summary where quarter_key = ? and committee = ?",
        [quarter, "Children and Learning"],
    )
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def test_every_sample_quarter_is_published(marts):
    quarters = [
        r[0] for r in marts.execute("select quarter_key from dim_quarter order by 1").fetchall()
    ]
    assert len(quarters) == 17
    assert quarters[0] == "2019-20-Q1" and quarters[-1] == "2023-24-Q1"
    counts = marts.execute(
        "select quarter_key, count(*) from fct_indicator_quarter group by 1 having count(*) <> 13"
    ).fetchall()
    assert counts == []


def test_q2_summary_matches_the_committee_report(marts):
    s = summary(marts, "2021-22-Q2")
    assert (s["indicators_selected"], s["indicators_available"], s["indicators_with_rag"]) == (
        13,
        13,
        7,
    )
    assert (s["green"], s["amber"], s["red"]) == (5, 0, 2)
    assert (s["green_pct"], s["amber_pct"], s["red_pct"]) == (71, 0, 29)
    assert list(s["red_indicators"]) == ["CSC-PERM", "CSC-SW2"]
    assert s["summary_text"].startswith(SUMMARY_Q2)


def test_q1_summary(marts):
    s = summary(marts, "2021-22-Q1")
    assert (s["indicators_selected"], s["indicators_with_rag"]) == (13, 7)
    assert (s["green"], s["amber"], s["red"]) == (5, 1, 1)


def test_social_worker_changes(marts):
    sw2 = fact(marts, "2021-22-Q2", "CSC-SW2")
    assert sw2["value"] == Decimal("22.4")
    assert sw2["target"] == Decimal("15")
    assert sw2["rag_status"] == "Red"
    assert (sw2["previous_quarter_key"], sw2["previous_quarter_value"]) == (
        "2021-22-Q1",
        Decimal("10.9"),
    )
    assert (sw2["year_ago_quarter_key"], sw2["year_ago_value"]) == ("2020-21-Q2", Decimal("11.7"))
    assert (sw2["dot_short_term"], sw2["dot_long_term"]) == ("worse", "worse")
    action = sw2["corrective_action"].lower()
    assert "36 agency staff" in action and "2 vacant posts" in action
    assert fact(marts, "2021-22-Q1", "CSC-SW2")["rag_status"] == "Green"


def test_permanence(marts):
    perm = fact(marts, "2021-22-Q2", "CSC-PERM")
    assert (perm["value"], perm["target"], perm["rag_status"]) == (
        Decimal("10.2"),
        Decimal("14"),
        "Red",
    )
    assert perm["london_average"] == Decimal("15")
    assert perm["corrective_action"]


def test_long_term_placement_stability_is_green_just_above_target(marts):
    ltps = fact(marts, "2021-22-Q2", "CSC-LTPS")
    assert (ltps["value"], ltps["target"], ltps["rag_status"]) == (
        Decimal("65.2"),
        Decimal("65"),
        "Green",
    )


def test_foster_carers_more_than_double_target(marts):
    fcr = fact(marts, "2021-22-Q2", "CSC-FCR")
    assert fcr["value"] == Decimal("11") and fcr["rag_status"] == "Green"
    assert fcr["value"] > 2 * fcr["target"]


def test_schools_above_target_and_primary_better_than_london(marts):
    gop = fact(marts, "2021-22-Q2", "EDU-GOP")
    gos = fact(marts, "2021-22-Q2", "EDU-GOS")
    assert gop["rag_status"] == gos["rag_status"] == "Green"
    assert gop["value"] > gop["london_average"]


def test_mart_column_types_follow_the_contract(marts):
    types = dict(
        marts.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'fct_indicator_quarter'"
        ).fetchall()
    )
    for column in ("numerator", "value", "target", "amber_threshold", "london_average"):
        assert types[column] == "DECIMAL(18,6)", column
    assert types["loaded_at"] == "TIMESTAMP WITH TIME ZONE"
    summary_types = dict(
        marts.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'mart_rag_summary'"
        ).fetchall()
    )
    assert summary_types["green_pct"] == "INTEGER"
    assert summary_types["red_indicators"] == "VARCHAR[]"


def test_parquet_copies_match_the_database(published, marts):
    marts_dir = published[0]
    for table in ("dim_indicator", "fct_indicator_quarter", "mart_rag_summary"):
        in_db = marts.execute(f"select count(*) from {table}").fetchone()[0]
        in_parquet = duckdb.sql(
            f"select count(*) from read_parquet('{marts_dir / (table + '.parquet')}')"
        ).fetchall()[0][0]
        assert in_db == in_parquet > 0


def test_no_record_level_personal_data_in_the_marts(published):
    """No child ID, date of birth or postcode of the sample appears in any published file."""
    marts_dir = published[0]
    header = duckdb.sql(
        f"select distinct CHILD, DOB from read_csv('{RAW}/*/header.csv', all_varchar=true)"
    ).fetchall()
    postcodes = duckdb.sql(
        f"select distinct unnest([HOME_POST, PL_POST]) from read_csv('{RAW}/*/episodes.csv', "
        "all_varchar=true)"
    ).fetchall()
    needles = {c for c, _ in header} | {d for _, d in header} | {p for (p,) in postcodes if p}
    needles |= {datetime.strptime(d, "%d/%m/%Y").date().isoformat() for _, d in header}
    con = duckdb.connect(str(marts_dir / "scorecard.duckdb"), read_only=True)
    try:
        tables = [r[0] for r in con.execute("show tables").fetchall()]
        values = [v for table in tables for v in table_values(con, table)]
    finally:
        con.close()
    assert len(values) > 5000  # every cell of every mart was read
    # Typed values, not their repr: a DATE is written as 2007-11-07 or 07/11/2007.
    assert leaks(values, needles) == []


def test_the_personal_data_scan_finds_a_date_of_birth_held_as_a_date():
    """The scan above would find a DOB published as a DATE, not only as text."""
    con = duckdb.connect()
    con.execute("create table leaky as select date '2007-11-07' as dob, 100045 as n")
    values = table_values(con, "leaky")
    assert "07/11/2007" not in str(values) and "2007-11-07" not in str(values)  # the repr
    assert leaks(values, {"07/11/2007", "2007-11-07", "100045", "RM13 7BA"}) == [
        "07/11/2007", "100045", "2007-11-07",
    ]  # fmt: skip


def test_runs_are_visible_to_dagster(published):
    _, instance, outcome = published
    assert outcome.run_ids
    run = instance.get_run_by_id(outcome.run_ids[0])
    assert run.job_name == "scorecard_quarter"
    assert run.status == dg.DagsterRunStatus.SUCCESS


def test_quarter_tables_are_partitioned_and_views_and_reference_files_are_not(published):
    """A table of quarters has a materialisation per quarter; a view or a reference
    file is one asset over all quarters, materialised once by the history run."""
    _, instance, _ = published
    fact = instance.get_materialized_partitions(dg.AssetKey("fct_indicator_quarter"))
    assert fact == set(_sample_quarters())
    for unpartitioned in ("stg_903__episodes", "raw_indicators", "raw_dates"):
        event = instance.get_latest_materialization_event(dg.AssetKey(unpartitioned))
        assert event is not None and event.dagster_event.partition is None, unpartitioned
    sql = instance.get_latest_materialization_event(dg.AssetKey("int_periods_of_care"))
    assert sql.asset_materialization.metadata["sql_seconds"].value >= 0


def _sample_quarters() -> list[str]:
    return sorted(p.name for p in RAW.iterdir() if p.is_dir() and p.name[:2] == "20")


def test_committee_report_of_the_sample_quarter_is_a_recorded_run(published, marts, monkeypatch):
    """Issues 3 and 16: `scorecard report` renders 2021-22 Q2 from the published marts as a
    run of the job committee_report, which the UI shows with the marts it was made from."""
    from pypdf import PdfReader

    from pipeline.cli.run import run_report

    marts_dir, instance, _ = published
    monkeypatch.setenv("SCORECARD_COUNCIL_NAME", "Havering")
    lines: list[str] = []
    outcome = run_report(marts_dir, "2021-22-Q2", echo=lines.append, instance=instance)
    assert outcome.ok and outcome.warnings == [] and outcome.errors == []
    assert "  Children and Learning: drawing the charts of 13 indicators" in lines
    assert any(line.startswith("  Wrote ") and line.endswith("2021-22-Q2.pdf") for line in lines)

    run = instance.get_run_by_id(outcome.run_ids[0])
    assert run.job_name == "committee_report" and run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags["dagster/partition"] == "2021-22-Q2"
    event = instance.get_latest_materialization_event(dg.AssetKey("committee_reports"))
    assert event.run_id == run.run_id
    metadata = event.asset_materialization.metadata
    (publisher,) = marts.execute(
        "select distinct run_id from fct_indicator_quarter where quarter_key = '2021-22-Q2'"
    ).fetchone()
    assert metadata["marts published by run"].value == publisher
    assert metadata["marts"].value == str((marts_dir / "scorecard.duckdb").resolve())
    assert metadata["council"].value == "Havering"

    html = (marts_dir / "reports" / "children-and-learning" / "2021-22-Q2.html").read_text()
    text = " ".join(html.split())
    assert "Quarter 2 (July to September 2021)" in text
    assert "5 (71%) have a status of Green" in text
    assert "2 (29%) have a status of Red" in text
    assert "36 agency staff" in text
    assert "Owner:</span> Head of Children&#39;s Social Care" in html  # commentary.csv OWNER
    assert '<p class="council-name">Havering</p>' in html
    charts = charts_of(html)
    assert {code: found for code, svg in charts.items() if (found := label_problems(svg))} == {}
    xmr = charts_of(html, "xmr")
    assert xmr and len(charts) + len(xmr) == 13  # an XmR chart takes a trend chart's place
    assert {code: found for code, svg in xmr.items() if (found := label_problems(svg))} == {}
    pdf = PdfReader(marts_dir / "reports" / "children-and-learning" / "2021-22-Q2.pdf")
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "13 performance indicators have been selected" in pdf_text
    # Tagged (PDF/UA-1), and every figure (charts, RAG shapes, signal symbols) has
    # alternative text.
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    figures = _figures(root["/StructTreeRoot"])
    assert figures and all(figure.get("/Alt") for figure in figures)


def _figures(node) -> list:
    node = node.get_object()
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("/S") == "/Figure" else []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object"):
            found += _figures(kid)
    return found


def test_the_sample_exercises_every_rule(marts):
    """Issue 2: each tolerance type, an Amber, a lower-is-better improvement and a 'same' DoT."""
    tolerance_types = {
        r[0]
        for r in marts.execute(
            "select distinct tolerance_type from fct_indicator_quarter where rag_status is not null"
        ).fetchall()
    }
    assert tolerance_types == {"points", "percent", "level"}
    assert marts.execute(
        "select count(*) from fct_indicator_quarter where rag_status = 'Amber'"
    ).fetchall()[0][0]
    improving_lower = marts.execute(
        "select count(*) from fct_indicator_quarter f join dim_indicator i on i.code = "
        "f.indicator_code where i.polarity = 'lower' and f.dot_short_term = 'better' "
        "and f.value < f.previous_quarter_value"
    ).fetchall()[0][0]
    assert improving_lower > 0
    assert marts.execute(
        "select count(*) from fct_indicator_quarter where dot_short_term = 'same' "
        "or dot_long_term = 'same'"
    ).fetchall()[0][0]
