"""The committee report as a Dagster asset downstream of the published marts.

Rendering a report (charts and a PDF) takes seconds per committee, so it is not
part of the quarterly job's critical path: it has its own job, and its
automation condition asks for it whenever the published marts of a quarter are
newer than its report. `scorecard report` renders the same files directly.
"""

from pathlib import Path

import dagster as dg

from pipeline.defs.partitions import QUARTERS
from pipeline.defs.resources import ScorecardPaths
from pipeline.report.build import render_report


@dg.asset(
    deps=["published_marts"],
    partitions_def=QUARTERS,
    group_name="publish",
    kinds={"html", "pdf"},
    automation_condition=dg.AutomationCondition.eager(),
)
def committee_reports(
    context: dg.AssetExecutionContext, paths: ScorecardPaths
) -> dg.MaterializeResult:
    """Covering report and Appendix 1 per committee, HTML and PDF, read from the published marts."""
    written = render_report(Path(paths.marts_dir), context.partition_key)
    return dg.MaterializeResult(
        metadata={
            "committees": ", ".join(r.committee for r in written),
            **{f"html/{r.committee}": dg.MetadataValue.path(str(r.html)) for r in written},
            **{f"pdf/{r.committee}": dg.MetadataValue.path(str(r.pdf)) for r in written},
        }
    )


report_job = dg.define_asset_job(
    name="committee_report",
    selection=dg.AssetSelection.assets(committee_reports),
    executor_def=dg.in_process_executor,
    description="Render the committee report of a quarter from the published marts.",
)
