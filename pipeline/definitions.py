"""The Dagster entry point: every asset, check, job, schedule and sensor of the scorecard.

`dagster dev -w workspace.yaml` loads `defs` from here; the `scorecard` command
builds the same definitions with the paths it was given.
"""

import dagster as dg

from pipeline import calendar
from pipeline.checks import CHECKS
from pipeline.expectations import EXPECTATION_CHECKS
from pipeline.ingest import build_ingest_assets
from pipeline.jobs import scorecard_job
from pipeline.model_assets import build_model_assets
from pipeline.publish import published_marts
from pipeline.report.assets import committee_reports, report_job
from pipeline.resources import build_resources
from pipeline.schedules import quarterly_schedule
from pipeline.sensors import raw_quarter_folder_sensor


def build_definitions(
    raw_dir: str | None = None,
    marts_dir: str | None = None,
    warehouse: str | None = None,
) -> dg.Definitions:
    ingest_assets = build_ingest_assets()
    raw_tables = [key.path[-1] for a in ingest_assets for key in a.keys]
    sources = {table: [table] for table in [*raw_tables, "raw_dates", "raw_quarters"]}
    sources["audit_rejects"] = raw_tables  # every ingest asset records its faults there
    return dg.Definitions(
        assets=[
            calendar.raw_dates,
            calendar.raw_quarters,
            *ingest_assets,
            *build_model_assets(sources),
            published_marts,
            committee_reports,
        ],
        asset_checks=[*CHECKS, *EXPECTATION_CHECKS],
        jobs=[scorecard_job, report_job],
        schedules=[quarterly_schedule],
        sensors=[raw_quarter_folder_sensor],
        resources=build_resources(raw_dir, marts_dir, warehouse),
        executor=dg.in_process_executor,
    )


defs = build_definitions()
