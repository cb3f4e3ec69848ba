"""The run launcher's health check, which run monitoring relies on (pipeline/service)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import dagster as dg
import pytest
from dagster._core.events import EngineEventData
from dagster._core.test_utils import create_run_for_test

from pipeline.service.run_launcher import HOST_TAG, PID_TAG, process_alive

LAUNCHER = {"module": "pipeline.service.run_launcher", "class": "MonitoredRunLauncher"}


@pytest.fixture
def instance():
    with dg.instance_for_test(overrides={"run_launcher": LAUNCHER}) as instance:
        yield instance


def _health(instance, run) -> str:
    return instance.run_launcher.check_run_worker_health(run).status.value


def test_daemon_launched_run_is_running_while_its_process_lives(instance):
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        run = create_run_for_test(instance, job_name="scorecard_quarter")
        instance.report_engine_event(
            f"Started process for run (pid: {worker.pid}).",
            run,
            EngineEventData.in_process(worker.pid),
        )
        assert _health(instance, run) == "RUNNING"
    finally:
        worker.kill()
        worker.wait()
    assert _health(instance, run) == "FAILED"


def test_command_run_is_checked_by_its_tags(instance):
    run = create_run_for_test(
        instance,
        job_name="scorecard_quarter",
        tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
    )
    assert _health(instance, run) == "RUNNING"
    elsewhere = create_run_for_test(
        instance, job_name="scorecard_quarter", tags={PID_TAG: "1", HOST_TAG: "another-host"}
    )
    assert _health(instance, elsewhere) == "RUNNING"  # not checkable here: never failed


def test_run_without_a_known_process_is_never_failed(instance):
    assert _health(instance, create_run_for_test(instance, job_name="x")) == "RUNNING"


def test_a_recycled_process_id_is_not_the_run():
    assert process_alive(os.getpid(), time.time())
    assert not process_alive(os.getpid(), time.time() - 3600)  # started after the run
