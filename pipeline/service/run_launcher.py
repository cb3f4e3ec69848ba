"""Dagster's default run launcher, plus the health check that run monitoring needs.

Run monitoring marks a run FAILURE when its process has died, but only if the run
launcher can tell whether that process lives; Dagster's `DefaultRunLauncher`
cannot, so a run whose process was killed (SIGKILL, out of memory, a restart of
the machine or of the daemon that started it) stays STARTED for good, and holds
the warehouse's single place in the run queue for good. This launcher launches
exactly as the default one does and answers the health check from the run's
process id:

- a run launched by the daemon or the web server records it in its event log
  (the engine event "Started process for run (pid: …)");
- a run of `scorecard run` records it in its tags (`scorecard/pid`,
  `scorecard/host`), since it executes in the command's own process.

The process counts as alive if it exists, is not a zombie, and started before
the run did (so a recycled process id is not mistaken for the run). A run on
another machine, or one whose process id is unknown, is reported RUNNING: this
launcher never fails a run it cannot check. The service runs on one machine
(docs/deploy.md); on several, use a launcher that has its own health check
(Kubernetes, Docker).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from dagster import DagsterEventType, DagsterRun, DefaultRunLauncher
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus

PID_TAG = "scorecard/pid"
HOST_TAG = "scorecard/host"
# Process start times from /proc are in clock ticks; allow for rounding and for
# the time between a process starting and it recording the run.
_SLACK_SECONDS = 2.0


class MonitoredRunLauncher(DefaultRunLauncher):
    """`DefaultRunLauncher` whose run workers run monitoring can check."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        found = self._run_process(run)
        if found is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "process not checkable here")
        pid, since = found
        if process_alive(pid, since):
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"the run's process {pid} on {socket.gethostname()} has ended"
        )

    def _run_process(self, run: DagsterRun) -> tuple[int, float] | None:
        """The run's process id and a time by which that process had started."""
        if run.tags.get(PID_TAG):
            if run.tags.get(HOST_TAG) != socket.gethostname():
                return None
            record = self._instance.get_run_record_by_id(run.run_id)
            started = record.create_timestamp.timestamp() if record else None
            return (int(run.tags[PID_TAG]), started) if started else None
        for entry in reversed(self._instance.all_logs(run.run_id, DagsterEventType.ENGINE_EVENT)):
            event = entry.dagster_event
            pid = event.engine_event_data.metadata.get("pid") if event else None
            if pid is not None and (event.message or "").startswith("Started process for run"):
                return int(pid.value), entry.timestamp
        return None


def process_alive(pid: int, started_by: float) -> bool:
    """Whether process `pid` runs (not a zombie) and had started by `started_by` (epoch s)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The command name (field 2) is in parentheses and may hold spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    state, start_ticks = fields[0], int(fields[19])
    if state in ("Z", "X"):
        return False
    return _boot_time() + start_ticks / os.sysconf("SC_CLK_TCK") <= started_by + _SLACK_SECONDS


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise RuntimeError("no btime in /proc/stat")
