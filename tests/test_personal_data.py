"""No child identifier, date of birth or postcode leaves the working warehouse.

spec/marts.md: the marts hold aggregates only. tests/test_pipeline_sample.py scans
the published DuckDB database of a clean full run; this file scans what it does
not: the Parquet copies, the committee report (HTML and the PDF's text) and the
Dagster event log (materialisation metadata, check results, failure messages),
after runs whose faults are themselves about personal columns: a quarantined
header row (published in audit_rejected_rows) and a blocked quarter (its message
in the event log). The run is signed off and restated in between, so the tables of
issue 14 (mart_indicator_lineage, mart_restatements, the flags of the fact table)
hold rows when they are scanned.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from personal_scan import WORD, leaks, table_values
from pypdf import PdfReader

from pipeline.cli.run import run_quarters
from pipeline.core.settings import MART_TABLES
from pipeline.report import render_report
from pipeline.signoff.lock import sign_off
from pipeline.signoff.store import store_path
from pipeline.signoff.tags import RESTATE_REASON_TAG, RESTATED_BY_TAG

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "raw"
QUARTER = "2021-22-Q2"
NEW_CHILDREN = ("A900001", "a900001")  # differ only in case: a quarantined pair


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _needles(raw: Path) -> set[str]:
    """Every child ID, DOB (as written and as ISO) and postcode of the raw folder."""
    needles: set[str] = set()
    for folder in (p for p in raw.iterdir() if p.name != "reference"):
        for row in _rows(folder / "header.csv"):
            needles.add(row["CHILD"])
            dob = datetime.strptime(row["DOB"], "%d/%m/%Y").date()
            needles |= {row["DOB"], dob.isoformat()}
        for row in _rows(folder / "episodes.csv"):
            needles |= {row["CHILD"], row["HOME_POST"], row["PL_POST"]}
        for name in ("s47_enquiries", "cp_plans"):
            needles |= {row["LAchildID"] for row in _rows(folder / f"{name}.csv")}
    return {needle for needle in needles if needle}


def _leaks(text: str, needles: set[str]) -> list[str]:
    words = set(WORD.findall(text))
    return sorted(n for n in needles if n in words or (" " in n and n in text))


def _add_case_pair(raw: Path) -> None:
    """Two new header rows whose CHILD differs only in letter case (a warning)."""
    path = raw / QUARTER / "header.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    for child in NEW_CHILDREN:
        rows.append([child, "1", "02/03/2010", "WBRI", "", "", ""])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _change_commentary(raw: Path) -> None:
    """New words for one indicator after sign-off: a restatement of its commentary."""
    path = raw / QUARTER / "commentary.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    rows[1][1] = "Revised after committee: " + rows[1][1]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _duplicate_header_row(raw: Path) -> None:
    path = raw / QUARTER / "header.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([lines[0], lines[1], *lines[1:]]), encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A published run with a quarantined personal fault, then a blocked one."""
    base = tmp_path_factory.mktemp("personal")
    raw, marts = base / "raw", base / "marts"
    for name in ("reference", QUARTER):
        shutil.copytree(SAMPLE / name, raw / name)
    _add_case_pair(raw)
    warehouse = str(base / "work" / "warehouse.duckdb")
    with dg.instance_for_test() as instance:
        good = run_quarters(raw, marts, [QUARTER], lambda line: None, instance, warehouse)
        assert good.ok, good.errors
        sign_off(marts, store_path(warehouse), QUARTER, "Children and Learning", "J Officer")
        _change_commentary(raw)
        tags = {RESTATE_REASON_TAG: "words revised", RESTATED_BY_TAG: "J Officer"}
        restated = run_quarters(raw, marts, [QUARTER], lambda line: None, instance, warehouse,
                                run_tags=tags)  # fmt: skip
        assert restated.ok, restated.errors
        blocked_raw = base / "blocked"
        shutil.copytree(raw, blocked_raw)
        _duplicate_header_row(blocked_raw)
        blocked = run_quarters(blocked_raw, marts, [QUARTER], lambda line: None, instance,
                               warehouse)  # fmt: skip
        assert not blocked.ok
        logs = [
            str(entry)
            for run_id in good.run_ids + restated.run_ids + blocked.run_ids
            for entry in instance.all_logs(run_id)
        ]
    yield {"raw": raw, "marts": marts, "logs": logs, "blocked": blocked, "base": base}


def test_needles_are_the_sample_s_personal_data(runs) -> None:
    needles = _needles(runs["raw"])
    assert {"100045", "07/11/2007", "2007-11-07", "RM13 7BA", *NEW_CHILDREN} <= needles
    assert _leaks("child 100045 at RM13 7BA", needles) == ["100045", "RM13 7BA"]


def test_quarantined_personal_fault_is_published_redacted(runs) -> None:
    con = duckdb.connect(str(runs["marts"] / "scorecard.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select extract, column_name, value, severity from audit_rejected_rows"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("header", "CHILD", "[redacted]", "warning")] * 2


def test_no_personal_data_in_the_parquet_marts(runs) -> None:
    needles = _needles(runs["raw"])
    assert {"mart_indicator_lineage", "mart_restatements"} <= set(MART_TABLES)
    con = duckdb.connect()
    for table in MART_TABLES:
        path = runs["marts"] / f"{table}.parquet"
        values = table_values(con, table, f"read_parquet('{path}')")
        assert values or table == "audit_rejected_rows"
        # typed values, not their repr (a DATE prints as datetime.date(2007, 11, 7))
        assert leaks(values, needles) == [], table


def test_no_personal_data_in_the_committee_report(runs) -> None:
    needles = _needles(runs["raw"])
    files = render_report(runs["marts"], QUARTER, out_dir=runs["base"] / "reports")
    assert files
    for report in files:
        html = Path(report.html).read_text(encoding="utf-8")
        pdf = "\n".join(page.extract_text() for page in PdfReader(report.pdf).pages)
        assert "Children" in pdf
        assert _leaks(html, needles) == [], report.html
        assert _leaks(pdf, needles) == [], report.pdf


def test_no_personal_data_in_the_dagster_event_log(runs) -> None:
    needles = _needles(runs["raw"])
    assert "[personal data]" in runs["blocked"].errors[0]
    assert any("[personal data]" in entry for entry in runs["logs"])
    assert _leaks("\n".join(runs["logs"]), needles) == []
