"""The quarterly schedule: run the last completed quarter N days after it ends.

Service extracts arrive some days after quarter end, so the schedule waits a
configurable number of days (`SCORECARD_DAYS_AFTER_QUARTER_END`, default 14).
It ticks daily and asks for a run only on the day that is exactly N days after
a quarter's end, with the quarter key as run key so a quarter is scheduled once.
A drop that arrives later is picked up by the raw-folder sensor instead.
"""

import os
from datetime import date

import dagster as dg

from pipeline.core.periods import Quarter, last_completed_quarter
from pipeline.defs.jobs import scorecard_job
from pipeline.defs.partitions import register_quarters
from pipeline.defs.resources import ScorecardPaths
from pipeline.extracts.discovery import complete_quarter_folders

DEFAULT_DAYS_AFTER_QUARTER_END = 14


def days_after_quarter_end() -> int:
    value = os.environ.get("SCORECARD_DAYS_AFTER_QUARTER_END", str(DEFAULT_DAYS_AFTER_QUARTER_END))
    days = int(value)
    if not 0 <= days <= 80:
        raise ValueError(
            "SCORECARD_DAYS_AFTER_QUARTER_END must be a number of days from 0 to 80 "
            f"(within the next quarter), not {value}"
        )
    return days


def quarter_due(today: date, days_after_end: int) -> Quarter | None:
    """The quarter that becomes due today, if today is its scheduled day."""
    quarter = last_completed_quarter(today, days_after_end)
    if (today - quarter.end_date).days == days_after_end:
        return quarter
    return None


@dg.schedule(
    job=scorecard_job,
    cron_schedule="0 7 * * *",
    execution_timezone="Europe/London",
    description="Materialise the last completed quarter a set number of days after quarter end.",
)
def quarterly_schedule(context: dg.ScheduleEvaluationContext, paths: ScorecardPaths):
    today = context.scheduled_execution_time.date()
    quarter = quarter_due(today, days_after_quarter_end())
    if quarter is None:
        return dg.SkipReason(f"{today} is not a scheduled day for any quarter")
    if quarter.key not in complete_quarter_folders(paths.raw_path):
        return dg.SkipReason(
            f"{quarter.key} is due but its drop is not complete in {paths.raw_dir}; "
            "the raw-folder sensor will start the run when it is"
        )
    register_quarters(context.instance, [quarter.key])
    return dg.RunRequest(run_key=quarter.key, partition_key=quarter.key)
