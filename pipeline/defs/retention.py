"""Run retention: failed and cancelled runs are deleted after a year (configurable).

Dagster purges schedule and sensor ticks itself (`retention:` in
deploy/dagster.yaml) but keeps runs for ever. Successful runs are kept: their
asset materialisations are the history of each quarter's figures (which run,
when, from which drop), the UI's partition status is built from them, and at a
few runs a quarter they take little room. Failed and cancelled runs older than
`SCORECARD_RUN_RETENTION_DAYS` (default 365) days have served their purpose.
"""

# No `from __future__ import annotations`: Dagster reads the op's config class from
# its annotation at definition time.
import os
from datetime import UTC, datetime, timedelta

import dagster as dg

DEFAULT_RUN_RETENTION_DAYS = 365


class RetentionConfig(dg.Config):
    days: int = DEFAULT_RUN_RETENTION_DAYS


@dg.op(description="Delete failed and cancelled runs (and their event logs) older than N days.")
def delete_old_failed_runs(context: dg.OpExecutionContext, config: RetentionConfig) -> int:
    cutoff = datetime.now(UTC) - timedelta(days=config.days)
    records = context.instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED],
            updated_before=cutoff,
        )
    )
    for record in records:
        context.instance.delete_run(record.dagster_run.run_id)
    context.log.info(f"Deleted {len(records)} failed or cancelled run(s) older than {cutoff:%F}")
    return len(records)


@dg.job(description="Run retention: deletes failed and cancelled runs after a set number of days.")
def purge_old_runs() -> None:
    delete_old_failed_runs()


def retention_days() -> int:
    value = os.environ.get("SCORECARD_RUN_RETENTION_DAYS", str(DEFAULT_RUN_RETENTION_DAYS))
    days = int(value)
    if days < 1:
        raise ValueError(f"SCORECARD_RUN_RETENTION_DAYS must be at least 1, not {value}")
    return days


@dg.schedule(
    job=purge_old_runs,
    cron_schedule="30 3 * * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily run retention (SCORECARD_RUN_RETENTION_DAYS, default 365).",
)
def run_retention_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    config = {"ops": {"delete_old_failed_runs": {"config": {"days": retention_days()}}}}
    return dg.RunRequest(run_config=config)
