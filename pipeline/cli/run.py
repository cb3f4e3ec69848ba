"""Running quarters through Dagster from the command line, with progress and plain errors.

A contiguous set of quarters runs as one Dagster run over a partition range (a
single-run backfill: one set-based SQL statement per model), which is what makes
a full history load quick. The run executes in a worker thread while this thread
follows the run's event log and prints one line per finished step.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipeline.cli.eventlog import quick_event_log
from pipeline.core.periods import Quarter, QuarterKeyError, sort_keys
from pipeline.core.settings import REFERENCE_FOLDER
from pipeline.core.warehouse_lock import WAREHOUSE_TAG, WarehouseBusy, warehouse_lock
from pipeline.defs.ingest import NOTICES
from pipeline.defs.partitions import QUARTERS, register_quarters
from pipeline.extracts.discovery import scan_raw_folder
from pipeline.extracts.ingest import PROBLEM_SEPARATOR
from pipeline.publish import history
from pipeline.service.run_launcher import HOST_TAG, PID_TAG

_RANGE_START = "dagster/asset_partition_range_start"
_RANGE_END = "dagster/asset_partition_range_end"
# The console shows our own progress lines; Dagster's event log stays in the instance.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def history_config(dropped: list[str]) -> dict:
    """The run config: quiet, and the published quarters a --rebuild may drop."""
    if not dropped:
        return QUIET
    return {**QUIET, "ops": {"published_marts": {"config": {"drop_quarters": list(dropped)}}}}


@dataclass
class RunOutcome:
    ok: bool = True
    run_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # True when nothing ran because of how the command was called (a folder that does
    # not exist, a quarter key that is malformed or not in the drop): `scorecard` exits 2.
    usage_error: bool = False
    dropped: list[str] = field(default_factory=list)  # published quarters --rebuild dropped


def run_quarters(
    raw_dir: Path,
    marts_dir: Path,
    requested: list[str] | None = None,
    echo: Callable[[str], None] = print,
    instance: dg.DagsterInstance | None = None,
    warehouse: str | None = None,
    run_tags: dict[str, str] | None = None,
    rebuild: bool = False,
) -> RunOutcome:
    """Validate, compute and publish `requested` quarters (default: all found), oldest first.

    `run_tags` are added to each Dagster run (`--restate`: its reason and who restates).
    `rebuild` rebuilds the warehouse from every quarter in the raw folder (and may drop
    published quarters the folder lacks, saying which): see `pipeline.publish.history`.
    """
    outcome = RunOutcome()
    marts_problem = history.marts_dir_problem(marts_dir)
    if marts_problem:
        outcome.errors.append(marts_problem)
    keys = _quarters_to_run(raw_dir, requested, outcome) if not marts_problem else []
    if not keys:
        outcome.ok = False
        outcome.usage_error = True
        return outcome

    from pipeline.definitions import build_definitions

    # One "materialization planned" event per asset for a range run, instead of one per
    # asset and quarter: a 16-quarter history otherwise writes ~800 extra events.
    os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")
    instance = instance or dg.DagsterInstance.get()
    register_quarters(instance, keys)
    defs = build_definitions(str(raw_dir), str(marts_dir), warehouse)
    database = defs.resources["warehouse"].database
    try:
        # Held for every batch: a second command on this warehouse refuses at once.
        with warehouse_lock(database):
            keys = _keep_history(raw_dir, marts_dir, database, keys, rebuild, outcome)
            if keys:
                register_quarters(instance, keys)
                _run_batches(defs, instance, keys, database, echo, outcome, run_tags or {})
    except WarehouseBusy as busy:
        outcome.errors.append(str(busy))
        outcome.ok = False
    if outcome.ok:
        echo(f"Published marts to {marts_dir}")
    return outcome


def _run_batches(
    defs, instance, keys: list[str], database: str, echo, outcome, run_tags: dict
) -> None:
    job = defs.resolve_job_def("scorecard_quarter")
    config = history_config(outcome.dropped)
    for batch in _batches(keys, instance.get_dynamic_partitions(QUARTERS.name)):
        label = batch[0] if len(batch) == 1 else f"{batch[0]} to {batch[-1]}"
        echo(f"Running {label} ({len(batch)} quarter{'s' if len(batch) > 1 else ''})")
        if not _execute(
            job, instance, batch, echo, outcome, database, run_config=config, run_tags=run_tags
        ):
            outcome.ok = False
            return


def run_report(
    marts_dir: Path,
    quarter_key: str,
    committee: str | None = None,
    echo: Callable[[str], None] = print,
    instance: dg.DagsterInstance | None = None,
) -> RunOutcome:
    """Render a quarter's committee report(s) as a run of the job `committee_report`.

    The run is recorded on the instance like any other, so the UI shows when each
    report was made and from which marts; its progress lines are echoed as they come.
    """
    from pipeline.definitions import build_definitions

    outcome = RunOutcome()
    instance = instance or dg.DagsterInstance.get()
    register_quarters(instance, [quarter_key])
    defs = build_definitions(marts_dir=str(marts_dir))
    job = defs.resolve_job_def("committee_report")
    config = {**QUIET, "ops": {"committee_reports": {"config": {"committee": committee}}}}
    outcome.ok = _execute(
        job, instance, [quarter_key], echo, outcome, run_config=config,
        show_logs_of="committee_reports",
    )  # fmt: skip
    return outcome


def _keep_history(
    raw_dir: Path, marts_dir: Path, database: str, keys: list[str], rebuild: bool, outcome
) -> list[str]:
    """The quarters to run so that the published history is kept (`pipeline.publish.history`).

    Refuses a locked or damaged warehouse at once (DuckDB allows one writer process;
    the Dagster resource would retry for minutes), and one built from another raw folder.
    """
    problem = history.warehouse_problem(database)
    if problem and (not rebuild or "in use" in problem):
        outcome.errors.append(problem)
        outcome.ok = False
        return []
    plan = history.plan_history(raw_dir, marts_dir, database, keys, rebuild)
    outcome.warnings.extend(plan.warnings)
    outcome.errors.extend(plan.errors)
    if plan.errors:
        outcome.ok = False
        return []
    outcome.dropped = plan.dropped
    if rebuild:
        history.remove_warehouse(database)
    history.record_origin(database, raw_dir, plan.keys)
    return plan.keys


def _quarters_to_run(raw_dir: Path, requested: list[str] | None, outcome: RunOutcome) -> list[str]:
    if not raw_dir.exists():
        outcome.errors.append(f"The raw folder {raw_dir} does not exist. Check --raw-dir.")
        return []
    if not raw_dir.is_dir():
        outcome.errors.append(f"The raw folder {raw_dir} is a file, not a folder. Check --raw-dir.")
        return []
    if not (raw_dir / REFERENCE_FOLDER).is_dir():
        outcome.errors.append(
            f"The raw folder {raw_dir} has no 'reference' folder, so there is no indicator "
            "catalogue to work from. Check --raw-dir."
        )
        return []
    found = scan_raw_folder(raw_dir)
    for name in found.misnamed:
        outcome.warnings.append(
            f"Folder '{raw_dir / name}' was ignored: its name is not a quarter key such as "
            "2021-22-Q2. Rename it if it holds a quarter's extracts."
        )
    if requested:
        keys = []
        for text in requested:
            try:
                key = Quarter.parse(text).key
            except QuarterKeyError as error:
                outcome.errors.append(str(error))
                continue
            if key in found.incomplete:
                outcome.errors.append(_incomplete(raw_dir, key, found.incomplete[key]))
            elif key not in found.complete:
                outcome.errors.append(f"There is no folder {raw_dir / key} for quarter {key}.")
            else:
                keys.append(key)
        return sort_keys(set(keys)) if not outcome.errors else []
    for key, missing in found.incomplete.items():
        outcome.warnings.append(_incomplete(raw_dir, key, missing) + " It was not run.")
    if not found.complete:
        outcome.errors.append(f"No complete quarter folder was found in {raw_dir}.")
    return list(found.complete)


def _incomplete(raw_dir: Path, key: str, missing: list[str]) -> str:
    return (
        f"Quarter folder {raw_dir / key} is missing the extract(s) "
        f"{', '.join(missing)} (as .csv or .xlsx)."
    )


def _batches(keys: list[str], partition_order: list[str]) -> list[list[str]]:
    """Split quarters into runs, each a contiguous range in the partition order."""
    position = {key: i for i, key in enumerate(partition_order)}
    batches: list[list[str]] = []
    for key in sorted(keys, key=position.__getitem__):
        if batches and position[key] == position[batches[-1][-1]] + 1:
            batches[-1].append(key)
        else:
            batches.append([key])
    return batches


def _execute(
    job,
    instance,
    batch: list[str],
    echo,
    outcome: RunOutcome,
    database: str | None = None,
    run_config: dict = QUIET,
    show_logs_of: str | None = None,
    run_tags: dict | None = None,
) -> bool:
    tags = (
        {"dagster/partition": batch[0]}
        if len(batch) == 1
        else {_RANGE_START: batch[0], _RANGE_END: batch[-1]}
    )
    # The warehouse for the service's run queue; this process, so that run monitoring
    # can tell when it has died (pipeline/service/run_launcher.py).
    tags.update({PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()})
    if database is not None:  # the report's job reads the marts, not the warehouse
        tags[WAREHOUSE_TAG] = str(Path(database).resolve())
    tags.update(run_tags or {})  # --restate: its reason and who restates
    run_id = str(uuid.uuid4())
    outcome.run_ids.append(run_id)
    result: dict = {}

    def work() -> None:
        try:
            result["value"] = job.execute_in_process(
                run_config=run_config,
                instance=instance,
                run_id=run_id,
                tags=tags,
                raise_on_error=False,
            )
        except Exception as error:  # noqa: BLE001 - reported as a paragraph below
            result["error"] = error

    follower = _EventFollower(echo, show_logs_of)
    # The run executes in this process on this instance, so its events reach the
    # follower as they are stored: no polling of the event log (which cost seconds).
    instance.add_event_listener(run_id, follower.on_event)
    # A daemon thread, so that an interrupted command exits without finishing the run.
    worker = threading.Thread(target=work, name=f"scorecard-run-{run_id[:8]}", daemon=True)
    with quick_event_log():
        worker.start()
        try:
            while worker.is_alive():
                worker.join(timeout=0.2)
                follower.flush()
        except KeyboardInterrupt:
            _mark_interrupted(instance, run_id)
            raise
    follower.flush()
    outcome.warnings.extend(follower.notices)
    if follower.data_docs:
        echo(f"Data Docs (written in the background, ready in seconds): {follower.data_docs}")
    if "error" in result:
        outcome.errors.append(f"The run could not start: {result['error']}")
        return False
    if not result["value"].success:
        outcome.errors.extend(follower.failures or ["The run failed; see `scorecard ui`."])
        return False
    return True


def _mark_interrupted(instance: dg.DagsterInstance, run_id: str) -> None:
    """Ctrl-C or SIGTERM: record the run as failed, so it holds nothing up afterwards.

    The warehouse's writes are transactions and publishing swaps whole files, so
    stopping here leaves the previous complete marts in place.
    """
    run = instance.get_run_by_id(run_id)
    if run is not None and not run.is_finished:
        instance.report_run_failed(
            run, "The scorecard command was interrupted (Ctrl-C or SIGTERM) during this run."
        )


class _EventFollower:
    """Prints one line per finished step and collects failure messages.

    The run's thread hands each stored event to ``on_event``; the kinds shown
    are queued and printed by the calling thread in ``flush``, so output stays
    in event order and never interleaves with the run's own work.
    """

    KINDS = {
        dg.DagsterEventType.ASSET_MATERIALIZATION,
        dg.DagsterEventType.STEP_FAILURE,
        dg.DagsterEventType.ASSET_CHECK_EVALUATION,
    }

    def __init__(self, echo, show_logs_of: str | None = None) -> None:
        self.echo = echo
        self.show_logs_of = show_logs_of  # a step whose own log lines are progress to show
        self.pending: queue.SimpleQueue = queue.SimpleQueue()
        self.failures: list[str] = []
        self.notices: list[str] = []
        self.shown: set[str] = set()
        self.data_docs: str | None = None

    def on_event(self, entry) -> None:
        event = entry.dagster_event
        if event is not None and event.event_type in self.KINDS:
            self.pending.put(entry)
        elif event is None and self.show_logs_of and entry.step_key == self.show_logs_of:
            self.pending.put(entry)

    def flush(self) -> None:
        while True:
            try:
                entry = self.pending.get_nowait()
            except queue.Empty:
                return
            self._show(entry)

    def _show(self, entry) -> None:
        event = entry.dagster_event
        if event is None:
            self._logged(entry)
            return
        kind = event.event_type_value
        if kind == "ASSET_MATERIALIZATION":
            self._materialized(event)
        elif kind == "STEP_FAILURE":
            self.echo(f"  FAILED {event.step_key}")
            self.failures.extend(_failure_text(event).split(PROBLEM_SEPARATOR))
        elif kind == "ASSET_CHECK_EVALUATION":
            self._checked(event.event_specific_data)

    def _logged(self, entry) -> None:
        """A step's own log line: progress, or a warning kept for the end of the run."""
        message = entry.user_message
        if entry.level >= logging.WARNING:
            if message not in self.notices:
                self.notices.append(message)
        else:
            self.echo(f"  {message}")

    def _materialized(self, event) -> None:
        """One line per asset (a range run materialises each quarter), plus its notices."""
        materialization = event.event_specific_data.materialization
        name = materialization.asset_key.to_user_string()
        if name not in self.shown:
            self.shown.add(name)
            self.echo(f"  ok     {name}")
        notices = materialization.metadata.get(NOTICES)
        for line in notices.value.splitlines() if notices else []:
            if line not in self.notices:
                self.notices.append(line)

    def _checked(self, data) -> None:
        description = data.description or ""
        docs = data.metadata.get("data_docs")
        if docs is not None:
            self.data_docs = docs.value
        if data.passed:
            self.echo(f"  ok     check {data.check_name}")
        elif data.severity and data.severity.value == "WARN":
            self.echo(f"  WARN   check {data.check_name}: {description}")
        else:
            self.echo(f"  FAILED check {data.check_name}: {description}")
            self.failures.append(f"Check {data.check_name} failed: {description}")


def _failure_text(event) -> str:
    data = event.event_specific_data
    user = getattr(data, "user_failure_data", None)
    if user is not None and user.description:
        return user.description
    error = getattr(data, "error", None)
    if error is None:
        return f"Step {event.step_key} failed."
    message = error.message.strip()
    while error.cause is not None and "dagster" in message.lower():
        error = error.cause
        message = error.message.strip()
    return f"Step {event.step_key} failed: {message}"
