"""dagster-daemon and dagster-webserver on deploy/dagster.yaml, as the systemd units start them.

Each process runs in its own session so that stopping it (SIGTERM, then SIGKILL
to the whole group if it lingers) also stops the code servers and run workers it
started. Their output goes to log files in the instance folder, which the tests
print when something does not happen in time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_for(what: str, condition: Callable[[], object], timeout: float, logs=()) -> object:
    """Poll `condition` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {p}:\n{_tail(p)}" for p in logs)
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s\n{tails}")
        time.sleep(0.5)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Service:
    """One long-running process started the way its systemd unit starts it."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        self._out = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, sig: int = signal.SIGTERM, grace: float = 60) -> int | None:
        """Send `sig`; SIGKILL the process group if it has not exited after `grace` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        code = self.process.poll()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self._out.close()
        return code


class DagsterService:
    """A Dagster instance folder with deploy/dagster.yaml, its daemon and its web server."""

    def __init__(self, home: Path, env: dict[str, str], port: int) -> None:
        self.home = home
        self.port = port
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
        self.env = {**os.environ, **env, "DAGSTER_HOME": str(home)}
        self.daemon: Service | None = None
        self.webserver: Service | None = None

    @property
    def logs(self) -> list[Path]:
        return [s.log for s in (self.daemon, self.webserver) if s]

    def start(self) -> DagsterService:
        self.daemon = Service(
            "dagster-daemon",
            [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
            self.env,
            self.home / "daemon.log",
        )
        self.webserver = Service(
            "dagster-webserver",
            [
                str(BIN / "dagster-webserver"),
                "-w",
                "workspace.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            self.env,
            self.home / "webserver.log",
        )
        wait_for("the web server to answer", self._answers, 240, self.logs)
        wait_for("the daemon to report healthy", self._daemon_healthy, 240, self.logs)
        return self

    def stop(self) -> dict[str, int | None]:
        return {s.name: s.stop() for s in (self.webserver, self.daemon) if s}

    # --- GraphQL -------------------------------------------------------------------

    def graphql(self, query: str, **variables) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": query, "variables": variables}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.load(response)
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def _answers(self) -> bool:
        if self.webserver and self.webserver.process.poll() is not None:
            raise AssertionError(f"dagster-webserver exited:\n{_tail(self.webserver.log)}")
        try:
            data = self.graphql(
                "{ workspaceOrError { ... on Workspace { locationEntries { name "
                "locationOrLoadError { __typename } } } } }"
            )
        except OSError:
            return False
        entries = data["workspaceOrError"]["locationEntries"]
        return bool(entries) and all(
            e["locationOrLoadError"]["__typename"] == "RepositoryLocation" for e in entries
        )

    def _daemon_healthy(self) -> bool:
        if self.daemon and self.daemon.process.poll() is not None:
            raise AssertionError(f"dagster-daemon exited:\n{_tail(self.daemon.log)}")
        data = self.graphql(
            "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"
        )
        statuses = data["instance"]["daemonHealth"]["allDaemonStatuses"]
        wanted = {"SENSOR", "SCHEDULER", "QUEUED_RUN_COORDINATOR", "MONITORING"}
        healthy = {s["daemonType"] for s in statuses if s["healthy"]}
        return wanted <= healthy

    def repository(self) -> dict[str, str]:
        data = self.graphql(
            "{ repositoriesOrError { ... on RepositoryConnection { nodes { name "
            "location { name } } } } }"
        )
        node = data["repositoriesOrError"]["nodes"][0]
        return {"repositoryName": node["name"], "repositoryLocationName": node["location"]["name"]}

    def start_sensor(self, name: str) -> str:
        selector = {**self.repository(), "sensorName": name}
        data = self.graphql(
            "mutation($s: SensorSelector!) { startSensor(sensorSelector: $s) { __typename "
            "... on Sensor { sensorState { status } } ... on PythonError { message } } }",
            s=selector,
        )
        return data["startSensor"]["sensorState"]["status"]

    def stop_sensor(self, name: str) -> None:
        data = self.graphql(
            "query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) { ... on Sensor "
            "{ sensorState { id selectorId } } } }",
            s={**self.repository(), "sensorName": name},
        )
        state = data["sensorOrError"]["sensorState"]
        self.graphql(
            "mutation($id: String) { stopSensor(id: $id) { __typename } }",
            id=state["id"],
        )

    def launch(self, job: str, partition: str) -> str:
        """Submit a run of `job` for one partition (it goes to the run queue)."""
        data = self.graphql(
            "mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename "
            "... on LaunchRunSuccess { run { runId } } ... on PythonError { message } "
            "... on Error { message } } }",
            p={
                "selector": {**self.repository(), "jobName": job},
                "executionMetadata": {"tags": [{"key": "dagster/partition", "value": partition}]},
                "runConfigData": {},
            },
        )
        result = data["launchRun"]
        if result["__typename"] != "LaunchRunSuccess":
            raise AssertionError(f"launchRun: {result}")
        return result["run"]["runId"]

    def add_partition(self, partitions_def: str, key: str) -> None:
        data = self.graphql(
            "mutation($r: RepositorySelector!, $d: String!, $k: String!) { addDynamicPartition("
            "repositorySelector: $r, partitionsDefName: $d, partitionKey: $k) { __typename } }",
            r=self.repository(),
            d=partitions_def,
            k=key,
        )
        assert data["addDynamicPartition"]["__typename"] == "AddDynamicPartitionSuccess", data

    def schedule_dry_run(self, name: str, timestamp: float) -> dict:
        data = self.graphql(
            "mutation($s: ScheduleSelector!, $t: Float) { scheduleDryRun(selectorData: $s, "
            "timestamp: $t) { __typename ... on DryRunInstigationTick { evaluationResult { "
            "skipReason runRequests { runKey tags { key value } } error { message } } } "
            "... on PythonError { message } } }",
            s={**self.repository(), "scheduleName": name},
            t=timestamp,
        )
        return data["scheduleDryRun"]

    def runs(self) -> list[dict]:
        data = self.graphql(
            "{ runsOrError { ... on Runs { results { runId status jobName "
            "tags { key value } startTime endTime } } } }"
        )
        return data["runsOrError"]["results"]

    def run(self, run_id: str) -> dict:
        return next(r for r in self.runs() if r["runId"] == run_id)
