"""The committee report as a Dagster asset downstream of the published marts.

Producing a report is a recorded step: `scorecard report` runs the job
`committee_report` on the project's instance, as Materialize in the UI does, so
the asset's history shows when each report was made, of which committees, and
from which publication of the marts (the run that published the quarter's
figures, linked, and when). Rendering (charts and a PDF) takes seconds per
committee, so it is not on the quarterly job's critical path; its eager
automation condition also renders it after each publication where Dagster's
automation sensor is switched on.
"""

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field

from pipeline.core.settings import DATABASE_NAME
from pipeline.defs.partitions import QUARTERS
from pipeline.defs.resources import ReportSettings, ScorecardPaths

if TYPE_CHECKING:
    from pipeline.report import ReportFiles


class ReportConfig(dg.Config):
    committee: str | None = Field(
        default=None, description="One committee's report (default: every committee)."
    )


@dg.asset(
    deps=["published_marts"],
    partitions_def=QUARTERS,
    group_name="publish",
    kinds={"html", "pdf"},
    automation_condition=dg.AutomationCondition.eager(),
)
def committee_reports(
    context: dg.AssetExecutionContext,
    config: ReportConfig,
    paths: ScorecardPaths,
    report_settings: ReportSettings,
) -> dg.MaterializeResult:
    """Covering report and Appendix 1 per committee, HTML and PDF, read from the published marts."""
    # WeasyPrint and Matplotlib take over a second to import: only when rendering, not
    # whenever the definitions load (every `scorecard run` loads them).
    from pipeline.report import COUNCIL_NOT_SET, ReportError, render_report

    council = report_settings.council_name.strip() or None
    if council is None:
        context.log.warning(COUNCIL_NOT_SET)
    try:
        written = render_report(
            Path(paths.marts_dir),
            context.partition_key,
            config.committee,
            council=council,
            progress=context.log.info,
        )
    except ReportError as error:
        raise dg.Failure(description=str(error)) from error
    return dg.MaterializeResult(metadata=_metadata(written, Path(paths.marts_dir), council))


def _metadata(written: "list[ReportFiles]", marts_dir: Path, council: str | None) -> dict:
    """What the UI shows of a report: its files, and the marts it was made from."""
    first = written[0]
    provenance = {
        "marts": dg.MetadataValue.path(str(marts_dir.resolve() / DATABASE_NAME)),
        "marts published at": dg.MetadataValue.text(
            first.marts_loaded_at.isoformat() if first.marts_loaded_at else "not recorded"
        ),
    }
    if first.marts_run_id:
        provenance["marts published by run"] = dg.MetadataValue.dagster_run(first.marts_run_id)
    return {
        "committees": ", ".join(r.committee for r in written),
        "council": council or "not set (the charts say 'Council')",
        **provenance,
        **{f"html/{r.committee}": dg.MetadataValue.path(str(r.html)) for r in written},
        **{f"pdf/{r.committee}": dg.MetadataValue.path(str(r.pdf)) for r in written},
    }


report_job = dg.define_asset_job(
    name="committee_report",
    selection=dg.AssetSelection.assets(committee_reports),
    executor_def=dg.in_process_executor,
    description="Render the committee report of a quarter from the published marts.",
)
