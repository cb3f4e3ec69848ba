"""One writer per warehouse without the service, and interrupted commands (docs/deploy.md).

Two `scorecard run` commands on one warehouse: the second refuses at once with
a plain message while the first runs. A command stopped with SIGTERM or Ctrl-C
marks its run failed in the instance (so no later run waits on it) and leaves
the published marts as they were; the next run succeeds. `scorecard ui` started
in the background stops on SIGINT and on SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SCORECARD = str(Path(sys.executable).with_name("scorecard"))
TIMEOUT = 300


def _wait_for(what: str, condition, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.3)
    return value


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    for name in ("reference", "2021-22-Q1", "2021-22-Q2"):
        shutil.copytree(REPO / "data" / "raw" / name, raw / name)
    return tmp_path


def _command(base: Path, quarter: str) -> list[str]:
    return [
        SCORECARD,
        "run",
        "--quarter",
        quarter,
        "--raw-dir",
        str(base / "raw"),
        "--marts-dir",
        str(base / "marts"),
        "--warehouse",
        str(base / "work" / "warehouse.duckdb"),
    ]


def _published(base: Path) -> set[str]:
    with duckdb.connect(str(base / "marts" / "scorecard.duckdb"), read_only=True) as connection:
        rows = connection.execute("select distinct quarter_key from fct_indicator_quarter")
        return {key for (key,) in rows.fetchall()}


def _runs(home: Path) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return list(instance.get_runs())


def _start_in_background(base: Path, env: dict, quarter: str) -> subprocess.Popen:
    """`scorecard run &` from a script (SIGINT ignored), returned paused in mid-run.

    The command is paused (SIGSTOP) after its first finished step, so that it is
    still running when the test stops it however fast the run is (at sample scale
    a quarter takes about as long as a second command takes to start and refuse).
    """
    command = subprocess.Popen(
        _command(base, quarter),
        env=env,
        cwd=base,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert f"Running {quarter}" in command.stdout.readline()
    command.stdout.readline()  # its first finished step
    command.send_signal(signal.SIGSTOP)
    return command


def _stop(command: subprocess.Popen, stop: signal.Signals) -> int:
    """Send ``stop`` to the paused command, let it go on, and return its exit code."""
    try:
        command.send_signal(stop)
        command.send_signal(signal.SIGCONT)  # ``stop`` is handled first, in mid-run
        return command.wait(TIMEOUT)
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()


def test_second_command_refuses_and_a_stopped_command_fails_its_run(drop: Path):
    env = {**os.environ, "DAGSTER_HOME": str(drop / "dagster")}
    assert subprocess.run(_command(drop, "2021-22-Q1"), env=env, cwd=drop).returncode == 0

    first = _start_in_background(drop, env, "2021-22-Q2")
    try:
        second = subprocess.run(
            _command(drop, "2021-22-Q2"), env=env, cwd=drop, capture_output=True, text=True
        )
    finally:
        assert _stop(first, signal.SIGTERM) == 130
    assert second.returncode == 1
    message = " ".join(second.stderr.split())
    assert "scorecard: error: The working warehouse" in message
    assert f"is in use by another run (process {first.pid} on" in message

    # Ctrl-C as well (the command was started with SIGINT ignored, as `&` does).
    assert _stop(_start_in_background(drop, env, "2021-22-Q2"), signal.SIGINT) == 130

    runs = [r for r in _runs(drop / "dagster") if r.tags.get("dagster/partition") == "2021-22-Q2"]
    assert [r.status for r in runs] == [dg.DagsterRunStatus.FAILURE] * 2
    assert _published(drop) == {"2021-22-Q1"}  # the previous complete marts

    again = subprocess.run(
        _command(drop, "2021-22-Q2"), env=env, cwd=drop, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert _published(drop) == {"2021-22-Q1", "2021-22-Q2"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_ui_started_in_the_background_stops_on_signals(tmp_path: Path, stop):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")}
    # A non-interactive shell starts `&` jobs with SIGINT ignored: the case that hung.
    shell = subprocess.Popen(
        ["bash", "-c", f"{SCORECARD} ui --port {port} >{tmp_path}/ui.log 2>&1 & echo $!; wait"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        pid = int(shell.stdout.readline())
        _wait_for("the UI to answer", lambda: _answers(port))
        os.kill(pid, stop)
        shell.wait(120)  # `wait` returns once the UI process has exited
    finally:
        if shell.poll() is None:
            shell.kill()
            shell.wait()
        _kill_group(shell.pid)  # whatever is left of it (a code server on its way out)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
            return True
    except OSError:
        return False
