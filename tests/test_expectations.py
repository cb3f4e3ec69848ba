"""Great Expectations on the marts: the fixture passes, and each kind of break is named.

The blocking check evaluates the suites without GX (`check_marts`); GX itself writes
the Data Docs in the background. Every break is validated both ways here, and the two
must give the same verdict in the same words.
"""

import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource
from reportfixtures import PREVIOUS, QUARTER, QUARTERS, build_marts

from pipeline.defs.checks import marts_meet_expectations
from pipeline.defs.partitions import QUARTERS as QUARTER_PARTITIONS
from pipeline.defs.resources import ScorecardPaths
from pipeline.quality import expectations
from pipeline.quality.expectations import (
    REQUESTED_AT,
    build_requested_data_docs,
    check_marts,
    request_data_docs,
    validate_marts,
    wait_for_data_docs,
)

ROOT = Path(__file__).resolve().parents[1]
FACT, SUMMARY = "fct_indicator_quarter", "mart_rag_summary"
RECONCILIATION = "mart_rag_summary_reconciliation"
RECONCILES = (RECONCILIATION, "expect_column_values_to_be_in_set on mismatch")


@pytest.fixture
def marts(tmp_path: Path) -> Path:
    return build_marts(tmp_path / "marts", parquet=False)


@pytest.fixture
def con(marts: Path):
    con = duckdb.connect(str(marts / "scorecard.duckdb"))
    yield con
    con.close()


def _failed(failures: list[str]) -> set[tuple[str, str]]:
    """(suite, 'expectation on columns') of each failure message."""
    return {re.match(r"(\S+): .*? \[(.+?)\]", f).groups() for f in failures}


def _beside_the_database(marts: Path) -> list[str]:
    return sorted(p.name for p in marts.iterdir() if not p.name.startswith("scorecard.duckdb"))


def test_the_fixture_marts_meet_every_expectation(con, marts):
    result = validate_marts(con, QUARTERS, marts / "data_docs")
    assert result.success, result.failures
    assert result.failures == []
    assert result.statistics["unsuccessful_expectations"] == 0
    assert result.statistics["evaluated_expectations"] > 50
    assert check_marts(con, QUARTERS) == replace(result, data_docs_index=None)
    assert result.data_docs_index == marts / "data_docs" / "index.html"
    assert result.data_docs_index.is_file()
    pages = list((marts / "data_docs" / "validations").rglob("*.html"))
    assert sorted({p.parts[p.parts.index("validations") + 1] for p in pages}) == [
        FACT,
        SUMMARY,
        RECONCILIATION,
    ]
    # Nothing beside the site: no GX project files, no temporary folders.
    assert _beside_the_database(marts) == ["data_docs"]


BREAKS = {
    "duplicated key": (
        f"insert into {FACT} select * from {FACT} "
        f"where quarter_key = '{QUARTER}' and indicator_code = 'CSC-CIC'",
        {
            (FACT, "expect_compound_columns_to_be_unique on quarter_key, indicator_code"),
            RECONCILES,  # the doubled row counts twice as available
        },
        f"{QUARTER} CSC-CIC",
    ),
    "percentage of 101": (
        f"update {SUMMARY} set green_pct = 101 where quarter_key = '{QUARTER}'",
        {(SUMMARY, "expect_column_values_to_be_between on green_pct"), RECONCILES},
        "green_pct=101",
    ),
    "Purple": (
        f"update {FACT} set rag_status = 'Purple' "
        f"where quarter_key = '{QUARTER}' and indicator_code = 'CSC-PERM'",
        {
            (FACT, "expect_column_values_to_be_in_set on rag_status"),
            (FACT, "expect_column_values_to_be_in_set on rag_consistent"),
            RECONCILES,
        },
        f"{QUARTER} CSC-PERM (rag_status=Purple)",
    ),
    "Green though worse than target": (
        # 22.4% against a lower-is-better target of 15 is Red.
        f"update {FACT} set rag_status = 'Green' "
        f"where quarter_key = '{QUARTER}' and indicator_code = 'CSC-SW2'",
        {(FACT, "expect_column_values_to_be_in_set on rag_consistent"), RECONCILES},
        f"{QUARTER} CSC-SW2 (rag_status=Green, expected_rag_status=Red)",
    ),
    "summary green disagrees with the fact table": (
        # Still adds up within the row; only the recount from the fact table shows it.
        f"update {SUMMARY} set green = green + 1, indicators_with_rag = indicators_with_rag + 1 "
        f"where quarter_key = '{QUARTER}'",
        {RECONCILES},
        f"{QUARTER} Children and Learning (in_summary=True, in_fact_table=True, "
        "mismatched=indicators_with_rag, green",
    ),
}


@pytest.mark.parametrize("break_", BREAKS.values(), ids=BREAKS.keys())
def test_a_break_fails_the_expectation_that_names_it(con, marts, break_):
    sql, expected, where = break_
    con.execute(sql)
    result = validate_marts(con, [PREVIOUS, QUARTER], marts / "data_docs")
    assert not result.success
    assert _failed(result.failures) == expected, result.failures
    assert any(where in f for f in result.failures), result.failures
    assert result.statistics["unsuccessful_expectations"] == len(expected)
    assert result.data_docs_index.is_file()
    # The blocking check says the same, in the same words, without GX.
    assert check_marts(con, [PREVIOUS, QUARTER]) == replace(result, data_docs_index=None)


# Breaks GX names in the same words as the check; the fixture has 13 indicators, so two
# quarters are 26 fact rows, and one committee, so two summary rows.
MORE_BREAKS = {
    "negative source rows": (
        f"update {FACT} set source_rows = -1 where indicator_code = 'CSC-CIC'",
        f"{FACT}: source_rows is not negative. [expect_column_values_to_be_between on "
        f"source_rows]: 2 of 26 rows, e.g. {PREVIOUS} CSC-CIC (source_rows=-1); "
        f"{QUARTER} CSC-CIC (source_rows=-1)",
    ),
    "blank indicator code": (
        f"update {FACT} set indicator_code = null "
        f"where indicator_code = 'CSC-FCR' and quarter_key = '{QUARTER}'",
        f"{FACT}: Every row has an indicator code. [expect_column_values_to_not_be_null on "
        f"indicator_code]: 1 of 26 rows, e.g. {QUARTER} None",
    ),
    "unknown direction of travel": (
        f"update {FACT} set dot_long_term = 'sideways' "
        f"where indicator_code = 'EDU-GOS' and quarter_key = '{QUARTER}'",
        f"{FACT}: Long-term direction of travel is better/worse/same/up/down or blank. "
        "[expect_column_values_to_be_in_set on dot_long_term]: 1 of 26 rows, "
        f"e.g. {QUARTER} EDU-GOS (dot_long_term=sideways)",
    ),
    "fewer available than with RAG": (
        f"update {SUMMARY} set indicators_available = 0 where quarter_key = '{QUARTER}'",
        f"{SUMMARY}: Indicators with a RAG status are no more than those available. "
        "[expect_column_pair_values_a_to_be_greater_than_b on indicators_available, "
        f"indicators_with_rag]: 1 of 2 rows, e.g. {QUARTER} Children and Learning "
        "(indicators_available=0",
    ),
    "an extra column": (
        f"alter table {SUMMARY} add column extra integer",
        f"{SUMMARY}: The summary has exactly the published columns (docs/marts.md). "
        "[expect_table_columns_to_match_set]: observed ['amber', 'amber_pct', 'committee', "
        "'extra', ",
    ),
}


@pytest.mark.parametrize("break_", MORE_BREAKS.values(), ids=MORE_BREAKS.keys())
def test_the_check_and_great_expectations_describe_a_break_alike(con, marts, break_):
    sql, sentence = break_
    con.execute(sql)
    checked = check_marts(con, [PREVIOUS, QUARTER])
    assert not checked.success
    assert any(f.startswith(sentence) for f in checked.failures), checked.failures
    validated = validate_marts(con, [PREVIOUS, QUARTER], marts / "data_docs")
    assert checked == replace(validated, data_docs_index=None)


def test_the_check_is_stricter_than_gx_on_types_and_blanks(con, marts):
    # A measure stored as text: GX on pandas lets an object column of numeric strings
    # pass its type expectation; the check reads DuckDB's type and fails it.
    con.execute(f"alter table {FACT} alter numerator type varchar")
    checked = check_marts(con, [PREVIOUS, QUARTER])
    assert checked.failures == [
        f"{FACT}: numerator is a number. [expect_column_values_to_be_in_type_list on "
        "numerator]: observed 'object'"
    ]
    assert validate_marts(con, [PREVIOUS, QUARTER], marts / "data_docs").success
    # A blank flag: both fail; GX also reports the flag's type and pair expectations as
    # failed (it cannot compare pandas' <NA>), the check names the blank rows only.
    con.execute(f"update {FACT} set is_available = null where indicator_code = 'CSC-CIC'")
    checked = check_marts(con, [PREVIOUS, QUARTER])
    validated = validate_marts(con, [PREVIOUS, QUARTER], marts / "data_docs")
    assert not checked.success and not validated.success
    blank = next(f for f in checked.failures if "is never blank" in f)
    assert blank.endswith(
        f"2 of 26 rows, e.g. {PREVIOUS} CSC-CIC (is_available=<NA>); "
        f"{QUARTER} CSC-CIC (is_available=<NA>)"
    )
    assert blank in validated.failures


def test_a_missing_summary_row_is_a_mismatch(con, marts):
    con.execute(f"delete from {SUMMARY} where quarter_key = '{QUARTER}'")
    result = validate_marts(con, [PREVIOUS, QUARTER], marts / "data_docs")
    assert _failed(result.failures) == {RECONCILES}
    assert "in_summary=False, in_fact_table=True" in result.failures[0]


def test_the_site_is_replaced_whole_and_a_failed_run_keeps_the_old_one(con, marts):
    docs = marts / "data_docs"
    validate_marts(con, [QUARTER], docs)
    (docs / "marker").write_text("old site")
    validate_marts(con, [PREVIOUS], docs)
    assert not (docs / "marker").exists()
    assert (docs / "index.html").is_file()
    (docs / "marker").write_text("kept")
    con.execute(f"drop table {SUMMARY}")
    with pytest.raises(duckdb.Error):
        validate_marts(con, [QUARTER], docs)
    assert (docs / "marker").read_text() == "kept"
    assert _beside_the_database(marts) == ["data_docs"]


def _materialise_check(marts: Path) -> dg.ExecuteInProcessResult:
    @dg.asset(name=FACT, partitions_def=QUARTER_PARTITIONS)
    def fact() -> None: ...

    @dg.asset(name=SUMMARY, partitions_def=QUARTER_PARTITIONS, deps=[fact])
    def summary() -> None: ...

    # Entered, the instance is the current one for Dagster's definitions loading
    # (an instance an earlier test entered and disposed may otherwise be left there).
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(QUARTER_PARTITIONS.name, [PREVIOUS, QUARTER])
        return dg.materialize(
            [fact, summary, marts_meet_expectations],
            instance=instance,
            partition_key=QUARTER,
            resources={
                "warehouse": DuckDBResource(database=str(marts / "scorecard.duckdb")),
                "paths": ScorecardPaths(marts_dir=str(marts)),
            },
            raise_on_error=False,
        )


def test_the_asset_check_passes_and_links_the_data_docs(marts):
    (evaluation,) = _materialise_check(marts).get_asset_check_evaluations()
    assert evaluation.passed
    index = marts / "data_docs" / "index.html"
    assert evaluation.metadata["data_docs"] == dg.MetadataValue.path(str(index))
    # Great Expectations writes the site in a background process, seconds later.
    assert wait_for_data_docs(marts / "data_docs", timeout=300)
    assert index.is_file()
    pages = list((marts / "data_docs" / "validations").rglob("*.html"))
    assert {p.parts[p.parts.index("validations") + 1] for p in pages} == {
        FACT,
        SUMMARY,
        RECONCILIATION,
    }
    assert _beside_the_database(marts) == ["data_docs"]


def test_the_asset_check_fails_and_says_why(marts):
    with duckdb.connect(str(marts / "scorecard.duckdb")) as con:
        con.execute(BREAKS["Green though worse than target"][0])
    (evaluation,) = _materialise_check(marts).get_asset_check_evaluations()
    assert not evaluation.passed
    assert "CSC-SW2" in evaluation.description
    assert evaluation.metadata["failed_expectations"].value == 2
    # The Data Docs of a failed run are written too, and show the failure.
    assert wait_for_data_docs(marts / "data_docs", timeout=300)
    pages = (marts / "data_docs" / "validations" / FACT).rglob("*.html")
    assert any("rag_consistent" in p.read_text() for p in pages)


def _requests(con, marts, monkeypatch, *keys_per_request) -> list[Path]:
    """Request a site per list of quarters, without starting the background builds."""
    started = []

    def record(command, **_):
        started.append(Path(command[-2]))
        # A builder that is still at work, as far as a later request can tell.
        return SimpleNamespace(pid=os.getppid())

    monkeypatch.setattr(expectations.subprocess, "Popen", record)
    for keys in keys_per_request:
        request_data_docs(con, keys, marts / "data_docs")
    return started


def test_an_older_request_never_replaces_a_newer_site(con, marts, monkeypatch):
    older, newer = _requests(con, marts, monkeypatch, [PREVIOUS], [QUARTER])
    docs = marts / "data_docs"
    build_requested_data_docs(newer, docs)
    stamp = (docs / REQUESTED_AT).read_text()
    build_requested_data_docs(older, docs)  # finishes last, but was asked for first
    assert (docs / REQUESTED_AT).read_text() == stamp
    assert stamp == newer.name.split("-building-")[1].split("-")[0]


def test_a_site_gx_cannot_build_says_so(con, marts, monkeypatch):
    (request,) = _requests(con, marts, monkeypatch, [QUARTER])
    (request / f"{SUMMARY}.parquet").unlink()
    build_requested_data_docs(request, marts / "data_docs")
    page = (marts / "data_docs" / "index.html").read_text()
    assert "Data Docs could not be built" in page
    assert f"{SUMMARY}.parquet" in page  # the reason, from DuckDB's error


def test_the_background_build_cleans_up_after_itself(con, marts):
    request_data_docs(con, [QUARTER], marts / "data_docs")
    assert wait_for_data_docs(marts / "data_docs", timeout=300)
    assert (marts / "data_docs" / "index.html").is_file()
    assert _beside_the_database(marts) == ["data_docs"]


def test_loading_the_definitions_imports_no_step_only_library():
    # Great Expectations (the data docs), WeasyPrint and Matplotlib (the report) take
    # seconds to import; every `scorecard run` loads the definitions, so they are
    # imported only by the steps that use them.
    code = (
        "import sys\nfrom pipeline.definitions import build_definitions\nbuild_definitions()\n"
        "found = {'great_expectations', 'weasyprint', 'matplotlib'} & set(sys.modules)\n"
        "assert not found, found\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# Issue 16: the Data Docs loaded Bootstrap and Vega from CDNs, which council networks block.
_LOCAL_REFERENCE = re.compile(r"<(?:script|img|link)\b[^>]*?\b(?:src|href)=\"(?P<ref>[^\"#]+)\"")


def test_the_data_docs_load_nothing_from_the_internet(con, marts):
    result = validate_marts(con, QUARTERS, marts / "data_docs")
    site = marts / "data_docs"
    assert result.data_docs_external == []
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 4  # the index and a page per suite
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for cdn in ("cdn.jsdelivr.net", "unpkg.com", "bootstrapcdn.com", "cdnjs", "amazonaws"):
            assert cdn not in html, (page, cdn)
        assert "integrity=" not in html  # the CDN's hashes would refuse a local copy
        references = [m["ref"].split("?")[0] for m in _LOCAL_REFERENCE.finditer(html)]
        assert any(r.endswith("vendor/bootstrap.min.css") for r in references), page
        assert any(r.endswith("vendor/vega.min.js") for r in references), page
        for reference in references:  # each bundled file is where the page looks for it
            assert (page.parent / reference).resolve().is_file(), (page, reference)
    fonts = site / "static" / "vendor" / "fontawesome"
    assert (fonts / "webfonts" / "fa-solid-900.woff2").is_file()  # all.min.css's ../webfonts


def test_a_page_that_still_loads_from_a_cdn_is_reported(tmp_path):
    from pipeline.quality.offline_docs import external_resources, make_offline

    page = tmp_path / "index.html"
    page.write_text(
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/'
        'bootstrap.min.css"/><script src="https://cdn.example.org/new-lib@2"></script>'
        '<a href="https://greatexpectations.io">a link, not loaded</a>',
        encoding="utf-8",
    )
    make_offline(tmp_path)
    assert external_resources(tmp_path) == ["index.html: https://cdn.example.org/new-lib@2"]
    assert 'href="static/vendor/bootstrap.min.css"' in page.read_text(encoding="utf-8")


def test_a_summary_with_no_rag_status_meets_every_expectation(con, marts):
    # The first quarter of a financial year before its targets are loaded: no indicator
    # has a target, so none has a RAG status; the summary counts 0 with RAG and its
    # percentages are blank (n of 0 has no percentage). That is valid, not a failure.
    con.execute(
        f"update {FACT} set target = null, tolerance_type = null, tolerance = null, "
        f"amber_threshold = null, rag_status = null where quarter_key = '{QUARTER}'"
    )
    con.execute(
        f"update {SUMMARY} set indicators_with_rag = 0, green = 0, amber = 0, red = 0, "
        "green_pct = null, amber_pct = null, red_pct = null, red_indicators = [] "
        f"where quarter_key = '{QUARTER}'"
    )
    result = validate_marts(con, QUARTERS, marts / "data_docs")
    assert result.success, result.failures


def test_blank_percentages_beside_a_rag_status_fail(con, marts):
    con.execute(f"update {SUMMARY} set green_pct = null where quarter_key = '{QUARTER}'")
    result = validate_marts(con, QUARTERS, marts / "data_docs")
    assert (SUMMARY, "expect_column_values_to_be_in_set on pcts_blank_only_without_rag") in (
        _failed(result.failures)
    )


def test_a_killed_runs_half_built_data_docs_are_removed(con, marts):
    # A run killed while building the docs leaves its folder; its process is gone.
    leftover = marts / ".data_docs-building-999999999-0123abcd"
    (leftover / "validations").mkdir(parents=True)
    legacy = marts / ".data_docs-building-0123abcd"  # named before the process was
    legacy.mkdir()
    validate_marts(con, QUARTERS, marts / "data_docs")
    assert not leftover.exists() and not legacy.exists()
    assert _beside_the_database(marts) == ["data_docs"]


def test_a_request_whose_builder_died_is_removed_by_the_next(con, marts, monkeypatch):
    """A background build killed half-way never leaves its folder for good."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = marts / f".data_docs-building-{time.time_ns()}-deadbeef"
    orphan.mkdir()
    (orphan / "builder.pid").write_text(str(dead.pid))
    waiting = marts / f".data_docs-building-{time.time_ns()}-cafecafe"
    waiting.mkdir()  # no builder yet: its run is still writing the batches
    _requests(con, marts, monkeypatch, [QUARTER])
    assert not orphan.exists()
    assert waiting.exists()
