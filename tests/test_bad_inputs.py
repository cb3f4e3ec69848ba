"""Bad inputs get what spec/extracts.md promises: named errors, recorded faults, marts kept.

Each case in ``tests/badinputs`` is made from the sample by one mutation. Every case
runs at the validation level (read, validate, record faults and list them as the
ingest asset does); a representative set also runs through the whole Dagster job
after one good publish, so that "the published marts of earlier runs stay as they
were" is tested byte for byte.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from badinputs import CASES, Case, Fault, make_raw, silent
from badinputs import mutate as m
from badinputs.cases import NO_TARGETS, Q1, Q2
from badinputs.harness import check_case

from pipeline.cli.run import run_quarters
from pipeline.extracts.discovery import scan_raw_folder
from pipeline.extracts.validate import QuarterBlocked

BY_NAME = {case.name: case for case in CASES}
FAULT_COLUMNS = ["row_number", "column_name", "value", "rule", "severity"]


def test_the_corpus_is_large_and_covers_every_outcome() -> None:
    assert len(CASES) >= 40
    assert len(BY_NAME) == len(CASES)
    outcomes = {case.outcome for case in CASES}
    assert outcomes == {"file_error", "blocked", "quarantined", "warned", "loads", "misnamed"}
    assert {case.quarter is None for case in CASES} == {True, False}


def _faults(result) -> list[Fault]:
    return [
        Fault(*(f.row_number, f.column_name, f.value, f.rule, f.severity)) for f in result.faults
    ]


def _audit(frame) -> list[Fault]:
    rows = frame[FAULT_COLUMNS].astype(object).itertuples(index=False, name=None)
    return [Fault(None if pd.isna(r) else int(r), c, v, rule, s) for r, c, v, rule, s in rows]


def _listing(path: Path) -> list[Fault]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Fault(int(row["row_number"]) if row["row_number"] else None, row["column_name"],
                  row["value"], row["rule"], row["severity"])
            for row in csv.DictReader(handle)
        ]  # fmt: skip


def _describes(message: str, case: Case, fault: Fault, personal: bool) -> None:
    file = f"{case.extract}.csv"
    assert f"{file} row {fault.row_number}, column {fault.column_name}" in message
    assert fault.rule in message
    shown = "[personal data]" if personal else repr(fault.value)
    assert f"value {shown}" in message


VALIDATION = [case for case in CASES if case.outcome != "misnamed"]


@pytest.mark.parametrize("case", VALIDATION, ids=lambda case: case.name)
def test_case_at_validation_level(case: Case, tmp_path: Path, monkeypatch) -> None:
    for name, value in case.env:
        monkeypatch.setenv(name, value)
    raw = case.build(make_raw(tmp_path / "raw", (case.quarter,) if case.quarter else ()))
    checked = check_case(case, raw, tmp_path)
    if case.outcome == "file_error":
        assert checked.error is not None, "the file was accepted"
        for part in case.message:
            assert part in str(checked.error)
        assert checked.audit.empty and checked.listing is None
        return
    assert checked.error is None, str(checked.error)
    result = checked.result
    assert _faults(result) == list(case.faults)
    assert _audit(checked.audit) == list(case.faults)
    assert set(checked.audit["quarter_key"].astype(object)) <= {case.quarter}
    if not case.faults:
        assert checked.listing is None
        case.loaded(result.valid_rows)
        return
    assert _listing(checked.listing) == list(case.faults)
    assert checked.listing == tmp_path / "rejects" / case.folder / f"{case.extract}_rejects.csv"
    if case.outcome == "blocked":
        assert result.blocked
        message = str(QuarterBlocked(result.errors, case.quarter, listing=checked.listing))
        personal = checked.audit["is_personal"].tolist()
        for fault, is_personal in zip(case.faults, personal, strict=True):
            _describes(message, case, fault, is_personal)
        assert str(checked.listing) in message
    elif case.outcome == "warned":  # the file as a whole, no row left out
        assert not result.blocked and result.quarantined == 0
        assert {fault.row_number for fault in case.faults} == {None}
    else:
        assert not result.blocked
        assert result.quarantined == len({fault.row_number for fault in case.faults})
        assert not set(result.valid_rows.index) & {fault.row_number for fault in case.faults}


def test_misnamed_quarter_folder_is_reported_not_skipped(tmp_path: Path) -> None:
    case = BY_NAME["quarter_folder_misnamed"]
    raw = case.build(make_raw(tmp_path / "raw", (Q2,)))
    assert scan_raw_folder(raw).misnamed == ["2021-22 Q2"]


# --- through the whole Dagster job, after one good publish ---------------------------


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, instance) -> Path:
    """Q1 and Q2 of the sample published once: marts, warehouse and raw folder."""
    base = tmp_path_factory.mktemp("baseline")
    raw = make_raw(base / "raw")
    outcome = run_quarters(raw, base / "marts", [Q1, Q2], lambda line: None, instance,
                           str(base / "work" / "warehouse.duckdb"))  # fmt: skip
    assert outcome.ok, outcome.errors
    return base


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _run_case(case: Case, baseline: Path, instance, tmp_path: Path):
    """The case's raw folder run for Q2 on copies of the baseline marts and warehouse."""
    raw = case.build(make_raw(tmp_path / "raw"))
    shutil.copytree(baseline / "marts", tmp_path / "marts")
    shutil.copytree(baseline / "work", tmp_path / "work")
    before = _snapshot(tmp_path / "marts")
    lines: list[str] = []
    outcome = run_quarters(raw, tmp_path / "marts", [Q2], lines.append, instance,
                           str(tmp_path / "work" / "warehouse.duckdb"))  # fmt: skip
    return outcome, before, lines


def _warehouse_faults(tmp_path: Path, case: Case, run_id: str) -> list[Fault]:
    con = duckdb.connect(str(tmp_path / "work" / "warehouse.duckdb"), read_only=True)
    try:
        frame = con.execute(
            "select * from audit_rejects where extract = ? and quarter_key is not distinct from ?"
            " order by row_number, column_name",
            [case.extract, case.quarter],
        ).df()
    finally:
        con.close()
    assert set(frame["run_id"]) <= {run_id}
    return _audit(frame) if len(frame) else []


BLOCKED_RUNS = ["schools_negative_pupils", "targets_unknown_tolerance_type"]


@pytest.mark.parametrize("name", BLOCKED_RUNS)
def test_blocked_quarter_leaves_published_marts_byte_for_byte(
    name: str, baseline: Path, instance, tmp_path: Path
) -> None:
    case = BY_NAME[name]
    outcome, before, _ = _run_case(case, baseline, instance, tmp_path)
    assert not outcome.ok
    assert len(outcome.errors) == 1
    message = outcome.errors[0]
    period = f"Quarter {case.quarter}" if case.quarter else "This run"
    assert message.startswith(f"{period} was not loaded: 1 fault in the extracts")
    (fault,) = case.faults
    _describes(message, case, fault, personal=False)
    listing = tmp_path / "work" / "rejects" / case.folder / f"{case.extract}_rejects.csv"
    assert f"listed in {listing}." in message
    assert _listing(listing) == [fault]
    assert _warehouse_faults(tmp_path, case, outcome.run_ids[0]) == [fault]
    assert _snapshot(tmp_path / "marts") == before


def test_file_of_another_extract_blocks_naming_the_file(
    baseline: Path, instance, tmp_path: Path
) -> None:
    case = BY_NAME["cp_plans_saved_as_schools"]
    outcome, before, _ = _run_case(case, baseline, instance, tmp_path)
    assert not outcome.ok
    assert outcome.errors == [
        "schools.csv: the required column URN, SCHOOL_NAME, PHASE, OVERALL_EFFECTIVENESS, "
        "INSPECTION_DATE, PUPILS is missing (columns found: LAchildID, CPPstartDate, "
        "CPPendDate, InitialCategoryOfAbuse)"
    ]
    assert _warehouse_faults(tmp_path, case, outcome.run_ids[0]) == []
    assert not (tmp_path / "work" / "rejects").exists()
    assert _snapshot(tmp_path / "marts") == before


def _published(tmp_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(tmp_path / "marts" / "scorecard.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# benchmarks_unknown_indicator (a reference warning) runs at validation level only:
# each whole-job run costs ~14 s on a 2-core machine.
@pytest.mark.parametrize("name", ["commentary_unknown_indicator"])
def test_quarantined_row_is_published_in_audit_and_left_out(
    name: str, baseline: Path, instance, tmp_path: Path
) -> None:
    case = BY_NAME[name]
    outcome, before, _ = _run_case(case, baseline, instance, tmp_path)
    assert outcome.ok, outcome.errors
    (fault,) = case.faults
    assert _warehouse_faults(tmp_path, case, outcome.run_ids[0]) == [fault]
    listing = tmp_path / "work" / "rejects" / case.folder / f"{case.extract}_rejects.csv"
    assert _listing(listing) == [fault]
    audit = _published(
        tmp_path,
        "select quarter_key, extract, row_number, column_name, value, rule, severity, run_id "
        "from audit_rejected_rows",
    )
    assert audit == [
        (case.quarter, case.extract, fault.row_number, fault.column_name, fault.value,
         fault.rule, "warning", outcome.run_ids[0])
    ]  # fmt: skip
    assert _snapshot(tmp_path / "marts") != before
    # ... and the person who ran it is told, with the listing to open
    told = [w for w in outcome.warnings if "quarantined" in w]
    assert len(told) == 1 and str(listing) in told[0], outcome.warnings
    # the quarantined row's content is gone: CSC-CIC has no commentary this quarter
    if name == "commentary_unknown_indicator":
        sql = (
            "select commentary from fct_indicator_quarter "
            "where quarter_key = ? and indicator_code = 'CSC-CIC'"
        )
        assert _published(tmp_path, sql, [Q2]) == [(None,)]


def test_missing_file_stops_before_any_run(baseline: Path, instance, tmp_path: Path) -> None:
    case = BY_NAME["header_missing_file"]
    outcome, before, lines = _run_case(case, baseline, instance, tmp_path)
    assert not outcome.ok and outcome.run_ids == [] and lines == []
    assert outcome.errors == [
        f"Quarter folder {tmp_path / 'raw' / Q2} is missing the extract(s) header "
        "(as .csv or .xlsx)."
    ]
    assert _snapshot(tmp_path / "marts") == before


def test_misnamed_folder_is_a_warning_of_the_run(baseline: Path, instance, tmp_path: Path) -> None:
    case = BY_NAME["quarter_folder_misnamed"]
    raw = case.build(make_raw(tmp_path / "raw", (Q2,)))
    outcome = run_quarters(raw, tmp_path / "marts", None, lambda line: None, instance,
                           str(tmp_path / "warehouse.duckdb"))  # fmt: skip
    assert outcome.warnings == [
        f"Folder '{raw / '2021-22 Q2'}' was ignored: its name is not a quarter key such as "
        "2021-22-Q2. Rename it if it holds a quarter's extracts."
    ]
    assert outcome.errors == [f"No complete quarter folder was found in {raw}."]
    assert not outcome.ok and outcome.run_ids == []


def test_targeted_indicator_without_a_target_gets_no_rag(
    baseline: Path, instance, tmp_path: Path
) -> None:
    outcome, _, lines = _run_case(NO_TARGETS, baseline, instance, tmp_path)
    assert outcome.ok, outcome.errors
    sql = (
        "select value is not null, target, rag_status from fct_indicator_quarter "
        "where quarter_key = ? and indicator_code = 'CSC-PERM'"
    )
    assert _published(tmp_path, sql, [Q2]) == [(True, None, None)]
    summary = "select indicators_with_rag, red from mart_rag_summary where quarter_key = ?"
    assert _published(tmp_path, summary, [Q2]) == [(6, 1)]
    told = [line for line in [*lines, *outcome.warnings] if "CSC-PERM" in line]
    assert any("No target in targets.csv" in line for line in told), lines


def test_missing_reference_folder_stops_before_any_run(instance, tmp_path: Path) -> None:
    raw = make_raw(tmp_path / "raw", (Q2,))
    BY_NAME["reference_folder_missing"].build(raw)
    outcome = run_quarters(raw, tmp_path / "marts", [Q2], lambda line: None, instance,
                           str(tmp_path / "warehouse.duckdb"))  # fmt: skip
    assert outcome.errors == [
        f"The raw folder {raw} has no 'reference' folder, so there is no indicator "
        "catalogue to work from. Check --raw-dir."
    ]
    assert not outcome.ok and outcome.run_ids == []
    assert not (tmp_path / "marts").exists()


# --- issue 12: accepted with a warning, through the whole job -----------------------


def _accepted_with_warnings(raw: Path) -> None:
    """Three inputs the pipeline accepts, each with a warning that names it."""
    silent.CASES_BY_NAME["population_other_areas_configured"].mutate(raw)
    silent.CASES_BY_NAME["manual_returns_missing_return"].mutate(raw)
    # CSC-SW2's 2021-22 target (every quarter) changes from 15 to 12 after Q1 was rated.
    m.replace_in_line(raw / "reference" / "targets.csv", 1 + _line_of(raw, "CSC-SW2,2021-22,,"),
                      "CSC-SW2,2021-22,,15,", "CSC-SW2,2021-22,,12,")  # fmt: skip


def _line_of(raw: Path, prefix: str) -> int:
    lines = (raw / "reference" / "targets.csv").read_text().splitlines()
    return next(n for n, line in enumerate(lines) if line.startswith(prefix))


def test_accepted_inputs_publish_with_warnings_that_name_them(
    baseline: Path, instance, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SCORECARD_AREA_CODE", "E09000016")
    case = Case("accepted_with_warnings", "manual_returns", Q2, _accepted_with_warnings, "warned")
    outcome, _, lines = _run_case(case, baseline, instance, tmp_path)
    assert outcome.ok, outcome.errors
    # CSC-CICR divides by the council's own 2021 estimate only: 245 children in care /
    # 60,240 × 10,000 = 40.67 → 40.7 (the other areas' 65,800 and 1,510 are ignored).
    sql = "select value, denominator from fct_indicator_quarter where quarter_key = ? and "
    assert _published(tmp_path, sql + "indicator_code = 'CSC-CICR'", [Q2]) == [
        (Decimal("40.7"), Decimal("60240"))
    ]
    assert any("2 row(s) for other areas (E09000001, E09000002) were ignored" in w
               for w in outcome.warnings), outcome.warnings  # fmt: skip
    # EDU-PEX had no return: not available, named in the output and the audit mart.
    assert _published(tmp_path, sql + "indicator_code = 'EDU-PEX'", [Q2]) == [(None, None)]
    assert any("value 'EDU-PEX': no manual return" in w for w in outcome.warnings)
    audit = "select row_number, column_name, value, severity from audit_rejected_rows"
    assert _published(tmp_path, audit) == [(None, "INDICATOR_CODE", "EDU-PEX", "warning")]
    # Q2 is rated on the new target 12; Q1, published on 15, is named as rated on the old.
    assert _published(tmp_path, "select target from fct_indicator_quarter where quarter_key = ? "
                      "and indicator_code = 'CSC-SW2'", [Q2]) == [(Decimal("12"),)]  # fmt: skip
    stale = [line for line in lines if "other_quarters_rated_on_current_targets" in line]
    assert stale and stale[0].startswith("  WARN"), lines
    assert stale[0].endswith(
        "2021-22-Q1 CSC-SW2 rated on 15.0 points 2.0 targets.csv now 12.0 points 2.0"
    )
    # ... and the run says that Q1, which it did not run again, was built with reference
    # files that have changed since (whatever they change: a target, the population).
    said = (
        "Reference files have changed since these published quarters were run, and this run "
        f"does not run them again: {Q1} (since then: population.csv, targets.csv). Their "
        "published figures and RAG statuses still use the old reference data"
    )
    assert any(w.startswith(said) for w in outcome.warnings), outcome.warnings


def test_a_quarter_without_any_target_yet_publishes_a_summary_without_rag(
    baseline: Path, instance, tmp_path: Path
) -> None:
    # The start of a financial year: no 2021-22 row in targets.csv at all.
    def no_2021_22_rows(raw: Path) -> None:
        m.keep_lines(raw / "reference" / "targets.csv", lambda header, row: row[1] != "2021-22")

    case = Case("no_targets_for_the_year", "targets", None, no_2021_22_rows, "loads")
    outcome, _, _ = _run_case(case, baseline, instance, tmp_path)
    assert outcome.ok, outcome.errors
    summary = (
        "select indicators_with_rag, green, amber, red, green_pct, amber_pct, red_pct "
        "from mart_rag_summary where quarter_key = ?"
    )
    assert _published(tmp_path, summary, [Q2]) == [(0, 0, 0, 0, None, None, None)]


# --- issue 12: the published history never shrinks silently -------------------------


def _fact_quarters(tmp_path: Path) -> list[tuple]:
    sql = "select quarter_key, count(*) from fct_indicator_quarter group by 1 order by 1"
    return _published(tmp_path, sql)


def test_a_deleted_warehouse_reloads_the_published_quarters(
    baseline: Path, instance, tmp_path: Path
) -> None:
    raw = make_raw(tmp_path / "raw")
    shutil.copytree(baseline / "marts", tmp_path / "marts")
    warehouse = tmp_path / "work" / "warehouse.duckdb"  # deleted: the folder is empty
    outcome = run_quarters(raw, tmp_path / "marts", [Q2], lambda line: None, instance,
                           str(warehouse))  # fmt: skip
    assert outcome.ok, outcome.errors
    assert _fact_quarters(tmp_path) == [(Q1, 13), (Q2, 13)]  # not 13 rows of Q2 alone
    assert any(f"does not hold {Q1}, which the published marts hold" in w
               for w in outcome.warnings), outcome.warnings  # fmt: skip


def test_a_published_quarter_missing_everywhere_is_refused(
    baseline: Path, instance, tmp_path: Path
) -> None:
    raw = make_raw(tmp_path / "raw", (Q2,))  # Q1's folder is gone too
    shutil.copytree(baseline / "marts", tmp_path / "marts")
    before = _snapshot(tmp_path / "marts")
    outcome = run_quarters(raw, tmp_path / "marts", [Q2], lambda line: None, instance,
                           str(tmp_path / "work" / "warehouse.duckdb"))  # fmt: skip
    assert not outcome.ok and outcome.run_ids == []
    assert outcome.errors[0].startswith(f"This run would drop {Q1} from the published marts")
    assert "--rebuild" in outcome.errors[0]
    assert _snapshot(tmp_path / "marts") == before
    # --rebuild publishes exactly the raw folder's quarters, and says which it dropped.
    outcome = run_quarters(raw, tmp_path / "marts", None, lambda line: None, instance,
                           str(tmp_path / "work" / "warehouse.duckdb"), rebuild=True)  # fmt: skip
    assert outcome.ok, outcome.errors
    assert _fact_quarters(tmp_path) == [(Q2, 13)]
    assert any(f"held {Q1}, which {raw.resolve()} does not have" in w for w in outcome.warnings)


def test_a_warehouse_of_another_raw_folder_is_refused(
    baseline: Path, instance, tmp_path: Path
) -> None:
    # Another drop with the same quarter keys: its Q1 is not the Q1 the warehouse loaded.
    raw = make_raw(tmp_path / "other")
    m.set_cell(raw / Q1 / "schools.csv", 2, "PUPILS", "1600")
    shutil.copytree(baseline / "marts", tmp_path / "marts")
    shutil.copytree(baseline / "work", tmp_path / "work")
    before = _snapshot(tmp_path / "marts")
    outcome = run_quarters(raw, tmp_path / "marts", [Q2], lambda line: None, instance,
                           str(tmp_path / "work" / "warehouse.duckdb"))  # fmt: skip
    assert not outcome.ok and outcome.run_ids == []
    assert outcome.errors[0].startswith(
        f"The working warehouse {tmp_path / 'work' / 'warehouse.duckdb'} was built from the "
        f"raw folder {(baseline / 'raw').resolve()}, and this run reads {raw.resolve()}, "
        f"whose folders of {Q1} are not the files the warehouse loaded."
    )
    assert _snapshot(tmp_path / "marts") == before
    # The same files in a folder moved elsewhere still belong to the warehouse.
    moved = make_raw(tmp_path / "moved")
    outcome = run_quarters(moved, tmp_path / "marts", [Q2], lambda line: None, instance,
                           str(tmp_path / "work" / "warehouse.duckdb"))  # fmt: skip
    assert outcome.ok, outcome.errors
    assert _fact_quarters(tmp_path) == [(Q1, 13), (Q2, 13)]


def test_a_damaged_warehouse_says_what_to_do(baseline: Path, instance, tmp_path: Path) -> None:
    raw = make_raw(tmp_path / "raw")
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "warehouse.duckdb").write_bytes(b"not a database" * 100)
    outcome = run_quarters(raw, tmp_path / "marts", [Q2], lambda line: None, instance,
                           str(tmp_path / "work" / "warehouse.duckdb"))  # fmt: skip
    assert not outcome.ok and outcome.run_ids == []
    (error,) = outcome.errors
    assert "cannot be opened" in error and "run the same command again with --rebuild" in error


def test_marts_dir_that_is_a_file_is_refused_before_any_run(instance, tmp_path: Path) -> None:
    raw = make_raw(tmp_path / "raw", (Q2,))
    (tmp_path / "marts").write_text("not a folder")
    outcome = run_quarters(raw, tmp_path / "marts", [Q2], lambda line: None, instance,
                           str(tmp_path / "work" / "warehouse.duckdb"))  # fmt: skip
    assert outcome.errors == [
        f"--marts-dir {tmp_path / 'marts'} is a file, not a folder. Give the folder the marts "
        "are published to (it is created if it does not exist)."
    ]
    assert outcome.run_ids == []
