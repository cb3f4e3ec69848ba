"""The committee report: covering report + Appendix 1, rendered from the published marts.

Public API: `render_report(marts_dir, quarter_key, committee=None, out_dir=None)`.
"""

from pipeline.report.build import (
    COUNCIL_NOT_SET,
    ReportFiles,
    check_request,
    committee_slug,
    render_report,
)
from pipeline.report.errors import (
    CommitteeNotFoundError,
    MartsNotFoundError,
    QuarterNotFoundError,
    ReportError,
)

__all__ = [
    "COUNCIL_NOT_SET",
    "CommitteeNotFoundError",
    "MartsNotFoundError",
    "QuarterNotFoundError",
    "ReportError",
    "ReportFiles",
    "check_request",
    "committee_slug",
    "render_report",
]
