"""The Dagster plumbing: definitions load, lineage comes from the SQL, sensor, schedule, CLI."""

import os
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from pipeline.cli.main import main
from pipeline.definitions import build_definitions, load_definitions
from pipeline.defs.partitions import QUARTERS
from pipeline.defs.resources import ScorecardPaths
from pipeline.defs.schedules import quarterly_schedule
from pipeline.defs.sensors import raw_quarter_folder_sensor
from pipeline.extracts.discovery import scan_raw_folder
from pipeline.models.runner import discover_models

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
# What `dg dev`, `dagster dev` and the service load: the defs folder.
defs = load_definitions()


def _deps(key: str) -> set[str]:
    graph = defs.resolve_asset_graph()
    return {k.path[-1] for k in graph.get(dg.AssetKey(key)).parent_keys}


def test_definitions_load_with_every_sql_model_as_an_asset():
    keys = {k.path[-1] for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert set(discover_models()) <= keys
    assert {"raw_episodes", "raw_dates", "raw_quarters", "published_marts"} <= keys
    job = defs.resolve_job_def("scorecard_quarter")
    assert job.executor_def is dg.in_process_executor or job.executor_def.name == "in_process"
    assert defs.resolve_job_def("committee_report")
    # What `dagster dev` checks when it loads workspace.yaml (jobs, schedule, sensor).
    dg.Definitions.validate_loadable(defs)


def test_lineage_is_read_from_the_sql():
    assert "int_indicator_values" in _deps("fct_indicator_quarter")
    assert "raw_episodes" in _deps("stg_903__episodes")
    # audit_rejects is written by every ingest asset, so its mart waits for all of them.
    assert {"raw_episodes", "raw_schools", "raw_indicators"} <= _deps("audit_rejected_rows")
    assert {"fct_indicator_quarter", "mart_rag_summary"} <= _deps("published_marts")
    # Cross-file validation needs the catalogue and the header loaded first.
    assert "raw_indicators" in _deps("raw_manual_returns")
    assert "raw_header" in _deps("raw_episodes")


def test_publishing_is_guarded_by_blocking_checks():
    names = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert {
        "every_indicator_once_per_quarter",
        "rag_summary_reconciles",
        "marts_meet_expectations",
        "red_indicators_have_corrective_action",
        "comparison_quarters_loaded",
    } <= names


@pytest.fixture
def two_quarter_drop(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copytree(RAW / "reference", raw / "reference")
    for key in ("2021-22-Q1", "2021-22-Q2"):
        shutil.copytree(RAW / key, raw / key)
    return raw


def test_the_raw_folder_scan_reports_incomplete_and_misnamed_folders(two_quarter_drop):
    (two_quarter_drop / "2021-22-Q2" / "schools.csv").unlink()
    shutil.copytree(two_quarter_drop / "2021-22-Q1", two_quarter_drop / "Q3 2021")
    found = scan_raw_folder(two_quarter_drop)
    assert list(found.complete) == ["2021-22-Q1"]
    assert found.incomplete == {"2021-22-Q2": ["schools"]}
    assert found.misnamed == ["Q3 2021"]


def test_sensor_runs_each_new_or_changed_quarter_once(two_quarter_drop):
    paths = ScorecardPaths(raw_dir=str(two_quarter_drop))
    with dg.instance_for_test() as instance:
        first = raw_quarter_folder_sensor(
            dg.build_sensor_context(instance=instance, resources={"paths": paths})
        )
        assert [r.partition_key for r in first.run_requests] == ["2021-22-Q1", "2021-22-Q2"]
        assert first.dynamic_partitions_requests[0].partition_keys == ["2021-22-Q1", "2021-22-Q2"]

        again = raw_quarter_folder_sensor(
            dg.build_sensor_context(
                instance=instance, cursor=first.cursor, resources={"paths": paths}
            )
        )
        assert again.run_requests == []

        commentary = two_quarter_drop / "2021-22-Q2" / "commentary.csv"
        commentary.write_text(commentary.read_text() + "\n")
        os.utime(commentary, (1_700_000_000, 1_700_000_000))
        changed = raw_quarter_folder_sensor(
            dg.build_sensor_context(
                instance=instance, cursor=first.cursor, resources={"paths": paths}
            )
        )
        assert [r.partition_key for r in changed.run_requests] == ["2021-22-Q2"]


def test_schedule_asks_for_the_quarter_due_today(two_quarter_drop, monkeypatch):
    monkeypatch.setenv("SCORECARD_DAYS_AFTER_QUARTER_END", "14")
    paths = ScorecardPaths(raw_dir=str(two_quarter_drop))
    with dg.instance_for_test() as instance:
        due = quarterly_schedule(
            dg.build_schedule_context(
                instance=instance,
                scheduled_execution_time=datetime(2021, 10, 14, 7),
                resources={"paths": paths},
            )
        )
        assert isinstance(due, dg.RunRequest) and due.partition_key == "2021-22-Q2"
        assert "2021-22-Q2" in instance.get_dynamic_partitions(QUARTERS.name)

        not_due = quarterly_schedule(
            dg.build_schedule_context(
                instance=instance,
                scheduled_execution_time=datetime(2021, 10, 15, 7),
                resources={"paths": paths},
            )
        )
        assert isinstance(not_due, dg.SkipReason)

        missing = quarterly_schedule(
            dg.build_schedule_context(
                instance=instance,
                scheduled_execution_time=datetime(2022, 1, 14, 7),
                resources={"paths": paths},
            )
        )
        assert isinstance(missing, dg.SkipReason) and "2021-22-Q3" in missing.skip_message


def test_definitions_take_the_paths_they_are_given(tmp_path):
    built = build_definitions(
        str(tmp_path / "raw"), str(tmp_path / "marts"), str(tmp_path / "w.db")
    )
    paths = built.resources["paths"]
    assert paths.raw_dir == str(tmp_path / "raw") and paths.marts_dir == str(tmp_path / "marts")


def test_the_warehouse_caps_duckdb_memory(tmp_path, monkeypatch):
    """DuckDB shares the process with pandas validation, so its cache is capped."""
    monkeypatch.delenv("SCORECARD_DUCKDB_MEMORY_LIMIT", raising=False)
    database = str(tmp_path / "warehouse.duckdb")
    warehouse = build_definitions(warehouse=database).resources["warehouse"]
    with warehouse.get_connection() as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"
    monkeypatch.setenv("SCORECARD_DUCKDB_MEMORY_LIMIT", "3GB")
    warehouse = build_definitions(warehouse=database).resources["warehouse"]
    with warehouse.get_connection() as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "2.7 GiB"


def test_cli_refuses_a_raw_folder_without_reference_data(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert main(["run", "--raw-dir", str(tmp_path), "--marts-dir", str(tmp_path / "m")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "has no 'reference' folder" in err and "Traceback" not in err
    assert err.startswith("scorecard: error: ")


def test_cli_refuses_a_quarter_that_is_not_in_the_raw_folder(
    two_quarter_drop, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    code = main(["run", "--quarter", "2030-31-Q1", "--raw-dir", str(two_quarter_drop)])
    assert code == 2  # a usage mistake: nothing was run
    assert "There is no folder" in " ".join(capsys.readouterr().err.split())


def test_cli_explains_a_malformed_quarter_key(capsys):
    assert main(["summary", "--quarter", "2021/22 Q2"]) == 2
    err = capsys.readouterr().err
    assert "is not a quarter key" in err and "Traceback" not in err


def test_cli_summary_without_published_marts(tmp_path, capsys):
    assert main(["summary", "--quarter", "2021-22-Q2", "--marts-dir", str(tmp_path)]) == 2
    assert "run `scorecard run` first" in " ".join(capsys.readouterr().err.split())


def test_a_locked_warehouse_is_reported_at_once(two_quarter_drop, tmp_path):
    """DuckDB takes one writer process: a run says so rather than retry silently for minutes."""
    import subprocess
    import sys

    from pipeline.cli.run import run_quarters

    warehouse = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(120)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with dg.instance_for_test() as instance:
            outcome = run_quarters(
                two_quarter_drop,
                tmp_path / "marts",
                ["2021-22-Q2"],
                echo=lambda line: None,
                instance=instance,
                warehouse=str(warehouse),
            )
    finally:
        holder.kill()
        holder.wait()
    assert not outcome.ok and outcome.run_ids == []
    assert "is in use by another process" in outcome.errors[0]
