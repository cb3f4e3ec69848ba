"""The deployed service against the real parts (issue 11 §3, docs/deploy.md).

PostgreSQL (a throwaway server), dagster-daemon and dagster-webserver started
with deploy/dagster.yaml, driven through the web server's GraphQL API and the
`scorecard` command, and checked with plain SQL on PostgreSQL. The tests run in
file order on one deployment: each adds a quarter to the same raw folder,
warehouse and marts.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from pipeline.cli.main import DAGSTER_YAML
from pipeline.defs.partitions import register_quarters

from .services import REPO, wait_for

SENSOR = "raw_quarter_folder_sensor"
JOB = "scorecard_quarter"
RUN_TIMEOUT = 300
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def published_quarters(marts: Path) -> dict[str, int]:
    """Rows per quarter in the published fact table (empty before the first publish)."""
    database = marts / "scorecard.duckdb"
    if not database.exists():
        return {}
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select quarter_key, count(*) from fct_indicator_quarter group by 1"
        ).fetchall()
    return dict(rows)


def status(deployment, run_id: str) -> str:
    rows = deployment.sql("select status from runs where run_id = %s", run_id)
    return rows[0][0] if rows else ""


def finished(deployment, run_id: str) -> str:
    return wait_for(
        f"run {run_id} to finish",
        lambda: status(deployment, run_id) in FINISHED and status(deployment, run_id),
        RUN_TIMEOUT,
        deployment.dagster.logs,
    )


def run_window(deployment, run_id: str) -> tuple[float, float]:
    [(start, end)] = deployment.sql(
        "select start_time, end_time from runs where run_id = %s", run_id
    )
    return start, end


def test_sensor_starts_a_run_for_a_dropped_quarter_recorded_in_postgres(deployment):
    assert deployment.dagster.start_sensor(SENSOR) == "RUNNING"
    deployment.drop_quarter("2021-22-Q1")

    def sensor_run():
        runs = deployment.sql(
            "select r.run_id from runs r join run_tags t on t.run_id = r.run_id "
            "where t.key = 'dagster/sensor_name' and t.value = %s",
            SENSOR,
        )
        return runs[0][0] if runs else None

    run_id = wait_for("the sensor to start a run", sensor_run, 120, deployment.dagster.logs)
    assert finished(deployment, run_id) == "SUCCESS"
    deployment.dagster.stop_sensor(SENSOR)
    assert set(published_quarters(deployment.marts)) == {"2021-22-Q1"}

    # The run, its partition and its asset materialisations are in PostgreSQL.
    [(partition,)] = deployment.sql("select partition from runs where run_id = %s", run_id)
    assert partition == "2021-22-Q1"
    materialised = {
        json.loads(key)[-1]
        for (key,) in deployment.sql(
            "select asset_key from event_logs "
            "where run_id = %s and dagster_event_type = 'ASSET_MATERIALIZATION'",
            run_id,
        )
    }
    assert {"raw_episodes", "fct_indicator_quarter", "published_marts"} <= materialised
    # ...and nothing went to a SQLite instance.
    home = deployment.dagster.home
    sqlite = [p for p in home.rglob("*") if p.suffix in {".db", ".sqlite"}]
    assert sqlite == [], sqlite
    assert not (home / "history").exists() and not (home / "schedules").exists()


def test_a_second_run_of_the_same_warehouse_waits_in_the_queue(deployment):
    for key in ("2021-22-Q2", "2021-22-Q3"):
        deployment.drop_quarter(key)
        deployment.dagster.add_partition("quarter", key)
    first = deployment.dagster.launch(JOB, "2021-22-Q2")
    second = deployment.dagster.launch(JOB, "2021-22-Q3")

    seen_waiting = wait_for(
        "one run in progress while the other is queued",
        lambda: (
            {status(deployment, first), status(deployment, second)} & FINISHED
            or ({status(deployment, first), status(deployment, second)} == {"STARTED", "QUEUED"})
        ),
        RUN_TIMEOUT,
        deployment.dagster.logs,
    )
    assert seen_waiting is True, "a run finished before the other was seen waiting"
    assert finished(deployment, first) == "SUCCESS"
    assert finished(deployment, second) == "SUCCESS"
    windows = sorted([run_window(deployment, first), run_window(deployment, second)])
    assert windows[1][0] >= windows[0][1], f"the runs overlapped: {windows}"
    tags = deployment.sql(
        "select distinct value from run_tags where key = 'scorecard/warehouse' and run_id in "
        "(%s, %s)",
        first,
        second,
    )
    assert tags == [(str(deployment.warehouse.resolve()),)]
    assert set(published_quarters(deployment.marts)) == {"2021-22-Q1", "2021-22-Q2", "2021-22-Q3"}


def test_a_killed_run_is_marked_failed_and_the_queued_run_then_runs(deployment):
    """SIGKILL a `scorecard run` mid-run: run monitoring fails it, the queue moves on."""
    deployment.drop_quarter("2021-22-Q4")
    before = published_quarters(deployment.marts)
    command = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("scorecard")),
            "run",
            "--quarter",
            "2021-22-Q4",
            "--raw-dir",
            str(deployment.raw),
            "--marts-dir",
            str(deployment.marts),
            "--warehouse",
            str(deployment.warehouse),
        ],
        cwd=REPO,
        env=deployment.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def killed_run_midway():
            rows = deployment.sql(
                "select r.run_id from runs r join run_tags t on t.run_id = r.run_id "
                "where t.key = 'scorecard/pid' and t.value = %s and r.status = 'STARTED' "
                "and exists (select 1 from event_logs e where e.run_id = r.run_id "
                "and e.dagster_event_type = 'ASSET_MATERIALIZATION')",
                str(command.pid),
            )
            return rows[0][0] if rows else None

        killed = wait_for("the command's run to be under way", killed_run_midway, RUN_TIMEOUT)
        command.send_signal(signal.SIGKILL)
        command.wait()
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()
    assert status(deployment, killed) == "STARTED"  # nobody was left to say otherwise

    rerun = deployment.dagster.launch(JOB, "2021-22-Q4")
    assert finished(deployment, killed) == "FAILURE"
    monitoring = deployment.sql(
        "select count(*) from event_logs where run_id = %s and event like %s",
        killed,
        "%Detected run worker status%",
    )
    assert monitoring[0][0] >= 1, "the run was not failed by run monitoring"
    assert finished(deployment, rerun) == "SUCCESS"
    assert run_window(deployment, rerun)[0] >= run_window(deployment, killed)[1]

    after = published_quarters(deployment.marts)
    assert after == {**before, "2021-22-Q4": before["2021-22-Q1"]}


def test_quarterly_schedule_on_its_day_and_on_an_ordinary_day(deployment):
    london = ZoneInfo("Europe/London")
    # 2021-22-Q1 (dropped by the first test) ends on 30 June 2021; 14 days later is its day.
    due = datetime(2021, 7, 14, 7, tzinfo=london).timestamp()
    ordinary = datetime(2021, 7, 20, 7, tzinfo=london).timestamp()

    tick = deployment.dagster.schedule_dry_run("quarterly_schedule", due)["evaluationResult"]
    assert tick["error"] is None and tick["skipReason"] is None
    [request] = tick["runRequests"]
    assert request["runKey"] == "2021-22-Q1"
    assert {"key": "dagster/partition", "value": "2021-22-Q1"} in request["tags"]

    tick = deployment.dagster.schedule_dry_run("quarterly_schedule", ordinary)["evaluationResult"]
    assert tick["runRequests"] == []
    assert "is not a scheduled day" in tick["skipReason"]


def test_run_monitoring_can_find_every_run_process(deployment, monkeypatch):
    """The launcher's health check knows the process of daemon-launched and command runs."""
    from pipeline.service.run_launcher import MonitoredRunLauncher

    for name, value in deployment.env.items():
        if name.startswith("SCORECARD_PG_"):
            monkeypatch.setenv(name, value)
    with dg.DagsterInstance.from_config(str(deployment.dagster.home)) as instance:
        launcher = instance.run_launcher
        assert isinstance(launcher, MonitoredRunLauncher)
        runs = instance.get_runs(dg.RunsFilter(job_name=JOB))
        assert len(runs) >= 4
        for run in runs:
            assert launcher._run_process(run) is not None, run.run_id
        # The command killed earlier: its process is gone, so the check says so.
        [killed] = [run for run in runs if "scorecard/pid" in run.tags]
        assert launcher.check_run_worker_health(killed).status.value == "FAILED"


def test_a_development_instance_history_moves_across(deployment, tmp_path):
    """scripts/move_dagster_history.py: runs, events and quarters from SQLite to PostgreSQL."""
    development = tmp_path / "dot-dagster"
    development.mkdir()
    (development / "dagster.yaml").write_text(DAGSTER_YAML)  # as `scorecard` writes it

    @dg.asset
    def laptop_asset() -> int:
        return 1

    with dg.DagsterInstance.from_config(str(development)) as instance:
        register_quarters(instance, ["2020-21-Q4", "2021-22-Q1"])
        run_id = dg.materialize([laptop_asset], instance=instance).run_id
    assert (development / "history" / "runs.db").exists()  # it is a SQLite instance

    script = [sys.executable, str(REPO / "scripts" / "move_dagster_history.py")]
    for _ in range(2):  # a second pass copies nothing and breaks nothing
        moved = subprocess.run(
            [*script, str(development)],
            env=deployment.env,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert moved.returncode == 0, moved.stderr
    assert status(deployment, run_id) == "SUCCESS"
    assert deployment.sql(
        "select count(*) from event_logs where run_id = %s and asset_key = %s",
        run_id,
        '["laptop_asset"]',
    ) >= [(1,)]
    quarters = [
        key
        for (key,) in deployment.sql(
            "select partition from dynamic_partitions where partitions_def_name = 'quarter' "
            "order by id"
        )
    ]
    assert quarters == sorted(quarters) and "2020-21-Q4" in quarters


def test_daemon_and_web_server_stop_on_sigint_and_sigterm(deployment):
    """As systemd stops them (SIGTERM) and as Ctrl-C does (SIGINT): they exit by themselves."""
    service = deployment.dagster
    assert service.webserver.stop(signal.SIGINT, grace=60) is not None, "ignored SIGINT"
    assert service.daemon.stop(signal.SIGTERM, grace=60) is not None, "ignored SIGTERM"
