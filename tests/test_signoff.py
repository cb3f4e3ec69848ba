"""Sign-off locks a quarter: a changed extract is refused, then accepted with --restate.

Works on a copy of the sample's full run (tests/conftest.py). The changed extract
rates one Primary school, St Aidan's (215 pupils, judged 3), as Good: EDU-GOP for
2021-22 Q2 goes from 16,081 / 17,074 = 94.18% → 94.2 to (16,081 + 215) / 17,074 =
95.44% → 95.4.
"""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import copy_of_run

from pipeline.cli.main import main
from pipeline.cli.run import run_quarters
from pipeline.report import render_report
from pipeline.signoff.lock import SignedOffQuarterMissing, differences, record_restatements
from pipeline.signoff.store import open_store, store_path
from pipeline.signoff.tags import RESTATE_REASON_TAG, RESTATED_BY_TAG

Q2 = "2021-22-Q2"
COMMITTEE = "Children and Learning"
REASON = "St Aidan's Ofsted judgement was keyed as 3; it is 2"


def _rewrite(path: Path, change) -> None:
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _rate_st_aidans_good(rows: list[list[str]]) -> None:
    (row,) = [r for r in rows if r[1] == "St Aidan's Primary School"]
    assert (row[2], row[3], row[5]) == ("Primary", "3", "215")
    row[3] = "2"


def _commentary_written_against_21_9(rows: list[list[str]]) -> None:
    rows[0].append("VALUE_SEEN")
    for row in rows[1:]:
        row.append("21.9" if row[0] == "CSC-SW2" else "")


def _published(marts: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(marts / "scorecard.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _gop(marts: Path):
    return _published(
        marts,
        f"select value, dq_flags from fct_indicator_quarter "
        f"where quarter_key = '{Q2}' and indicator_code = 'EDU-GOP'",
    )[0]


@pytest.fixture(scope="module")
def lock(sample_history, tmp_path_factory):
    """Sign Q2 off, change two extracts, run without and then with --restate."""
    run = copy_of_run(sample_history, tmp_path_factory.mktemp("signoff"))
    signed = main(
        ["signoff", "--quarter", Q2, "--committee", COMMITTEE, "--by", "Jane Officer",
         "--marts-dir", str(run.marts), "--warehouse", str(run.warehouse)]
    )  # fmt: skip
    assert signed == 0
    _rewrite(run.raw / Q2 / "schools.csv", _rate_st_aidans_good)
    _rewrite(run.raw / Q2 / "commentary.csv", _commentary_written_against_21_9)
    tags = {RESTATE_REASON_TAG: REASON, RESTATED_BY_TAG: "Sam Analyst"}
    quiet = lambda line: None  # noqa: E731
    with dg.instance_for_test() as instance:
        refused = run_quarters(run.raw, run.marts, [Q2], quiet, instance, str(run.warehouse))
        after_refusal = _gop(run.marts)
        restated = run_quarters(
            run.raw, run.marts, [Q2], quiet, instance, str(run.warehouse), run_tags=tags
        )
        after_restating = _gop(run.marts)
        # a rebuilt warehouse: a new, empty file in the same working folder (this process
        # may still hold the old one, so it is not deleted and reopened under its name);
        # the sign-off file beside it is never touched by a run
        rebuilt_warehouse = run.warehouse.with_name("rebuilt.duckdb")
        rebuilt = run_quarters(run.raw, run.marts, [Q2], quiet, instance, str(rebuilt_warehouse))
    return {
        "run": run,
        "refused": refused,
        "after_refusal": after_refusal,
        "restated": restated,
        "after_restating": after_restating,
        "rebuilt": rebuilt,
    }


def test_signoff_is_kept_beside_the_warehouse(lock) -> None:
    store = store_path(lock["run"].warehouse)
    assert store.is_file() and store.parent == lock["run"].warehouse.parent
    con = duckdb.connect(str(store), read_only=True)
    try:
        signoffs = con.execute(
            "select quarter_key, committee, signed_off_by, figures, length(digest) from signoffs"
        ).fetchall()
        figures = con.execute(
            "select indicator_code, value, rag_status from signoff_figures "
            "where indicator_code in ('EDU-GOP', 'CSC-SW2') order by 1"
        ).fetchall()
    finally:
        con.close()
    assert signoffs == [(Q2, COMMITTEE, "Jane Officer", 13, 64)]
    # known-figures.md: CSC-SW2 22.4% Red; EDU-GOP 94.2% against a target of 89: Green
    assert [(c, float(v), r) for c, v, r in figures] == [
        ("CSC-SW2", 22.4, "Red"),
        ("EDU-GOP", 94.2, "Green"),
    ]


def test_a_changed_extract_is_refused_naming_the_difference(lock) -> None:
    refused = lock["refused"]
    assert not refused.ok
    message = " ".join(refused.errors)
    assert "2021-22-Q2 EDU-GOP value 94.2 → 95.4" in message
    assert "signed off (2021-22-Q2 for the Children and Learning committee by Jane Officer" in (
        message
    )
    assert "--restate --reason" in message
    # nothing published: the committee's figure stands
    value, flags = lock["after_refusal"]
    assert float(value) == 94.2 and "restated_after_signoff" not in flags


def test_restate_publishes_and_records_each_restatement(lock) -> None:
    restated = lock["restated"]
    assert restated.ok, restated.errors
    value, flags = lock["after_restating"]
    assert float(value) == 95.4 and "restated_after_signoff" in flags
    assert any("Restated 1 signed-off cell(s)" in w for w in restated.warnings)
    rows = _published(
        lock["run"].marts,
        "select quarter_key, indicator_code, column_name, signed_off_value, new_value, "
        "reason, restated_by, run_id, signed_off_by from mart_restatements",
    )
    assert rows == [
        (Q2, "EDU-GOP", "value", "94.2", "95.4", REASON, "Sam Analyst",
         restated.run_ids[-1], "Jane Officer"),
    ]  # fmt: skip


def test_commentary_written_against_another_value_is_flagged(lock) -> None:
    (notes,) = _published(
        lock["run"].marts,
        f"select dq_notes from fct_indicator_quarter "
        f"where quarter_key = '{Q2}' and indicator_code = 'CSC-SW2'",
    )
    assert "commentary written against 21.9; figure now 22.4" in notes[0]


def test_the_report_footnotes_the_restated_figure(lock, tmp_path) -> None:
    (report,) = render_report(lock["run"].marts, Q2, COMMITTEE, out_dir=tmp_path)
    html = Path(report.html).read_text(encoding="utf-8")
    assert "the figure signed off was 94.2, now 95.4 (St Aidan&#39;s Ofsted judgement" in html
    assert "commentary written against 21.9; figure now 22.4" in html
    (commentary,) = _published(
        lock["run"].marts,
        f"select commentary from fct_indicator_quarter "
        f"where quarter_key = '{Q2}' and indicator_code = 'CSC-SW2'",
    )
    assert commentary[0] and commentary[0] not in html


def test_signoff_and_restatements_survive_a_rebuilt_warehouse(lock) -> None:
    rebuilt = lock["rebuilt"]
    assert rebuilt.ok, rebuilt.errors  # the restated figure was accepted before
    assert len(_published(lock["run"].marts, "select * from mart_restatements")) == 1
    value, flags = _gop(lock["run"].marts)
    assert float(value) == 95.4 and "restated_after_signoff" in flags


def test_restate_needs_a_reason(capsys) -> None:
    assert main(["run", "--restate"]) == 2
    assert "--restate needs --reason" in capsys.readouterr().err


def _store_with_signoff(path: Path, quarter: str) -> None:
    con = open_store(path)
    con.execute(
        "insert into signoffs values ('s1', ?, 'C', 'Jane Officer', "
        "'2026-11-01 10:00:00+00', 'd', 1)",
        [quarter],
    )
    con.execute(
        "insert into signoff_figures values ('s1', ?, 'C', 'X-1', 1, 21.9, 'Red', "
        "'Up by two', null, '2026-11-01 10:00:00+00')",
        [quarter],
    )
    con.close()


def _warehouse(quarter: str, value: str, commentary: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "create table fct_indicator_quarter as select ? as quarter_key, 'X-1' as "
        "indicator_code, cast(? as decimal(18, 6)) as value, 'Red' as rag_status, "
        "? as commentary, cast(null as varchar) as corrective_action",
        [quarter, value, commentary],
    )
    return con


def test_differences_name_each_changed_cell_and_accept_a_restated_one(tmp_path) -> None:
    store = tmp_path / "signoffs.duckdb"
    _store_with_signoff(store, Q2)
    assert differences(_warehouse(Q2, "21.9", "Up by two"), store) == []
    found = differences(_warehouse(Q2, "22.4", "Up by three"), store)
    assert [d.describe() for d in found] == [
        "2021-22-Q2 X-1 value 21.9 → 22.4",
        '2021-22-Q2 X-1 commentary "Up by two" → "Up by three"',
    ]
    record_restatements(store, found, "corrected extract", "Sam", "run-1")
    # the same figures again: already accepted; a further change is not
    assert differences(_warehouse(Q2, "22.4", "Up by three"), store) == []
    (again,) = differences(_warehouse(Q2, "22.5", "Up by three"), store)
    assert again.describe() == "2021-22-Q2 X-1 value 22.4 → 22.5"
    assert again.signed_off_value == "21.9"


def test_a_signed_off_quarter_missing_from_the_warehouse_is_refused(tmp_path) -> None:
    store = tmp_path / "signoffs.duckdb"
    _store_with_signoff(store, "2021-22-Q1")
    with pytest.raises(SignedOffQuarterMissing, match="2021-22-Q1 are not in the working"):
        differences(_warehouse(Q2, "21.9", "Up by two"), store)
