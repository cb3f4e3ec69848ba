"""render_report: the committee report(s) of a quarter, from the marts, as HTML and PDF."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.core.settings import (
    COUNCIL_NAME_VARIABLE,
    DEFAULT_COUNCIL_NAME,
    configured_council_name,
)
from pipeline.report.data import (
    committees_for_quarter,
    load_committee_report,
    marts_provenance,
    open_marts,
)
from pipeline.report.errors import QuarterNotFoundError
from pipeline.report.pdf import html_to_pdf
from pipeline.report.render import render_html

Progress = Callable[[str], None]
COUNCIL_NOT_SET = (
    f"{COUNCIL_NAME_VARIABLE} is not set, so the charts call the council's own line "
    f"'{DEFAULT_COUNCIL_NAME}' and the cover names no council; set it to the council's name."
)


@dataclass(frozen=True)
class ReportFiles:
    committee: str
    quarter_key: str
    html: Path
    pdf: Path
    marts_run_id: str | None = None  # the run that published the quarter's figures
    marts_loaded_at: datetime | None = None


def committee_slug(committee: str) -> str:
    """'Children and Learning' -> 'children-and-learning'."""
    return re.sub(r"[^a-z0-9]+", "-", committee.lower()).strip("-") or "committee"


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then os.replace: a reader sees the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _say(progress: Progress | None) -> Progress:
    return progress or (lambda _message: None)


def check_request(marts_dir: Path, quarter_key: str, committee: str | None = None) -> list[str]:
    """The committees a report of `quarter_key` would cover; raises a ReportError at once
    (no marts, quarter or committee) without drawing anything."""
    with open_marts(Path(marts_dir)) as con:
        committees = [committee] if committee else committees_for_quarter(con, quarter_key)
        if not committees:
            raise QuarterNotFoundError(
                f"Quarter {quarter_key!r} has no rows in mart_rag_summary of {marts_dir}."
            )
        for name in committees:
            load_committee_report(con, quarter_key, name)
    return committees


def render_report(
    marts_dir: Path,
    quarter_key: str,
    committee: str | None = None,
    out_dir: Path | None = None,
    council: str | None = None,
    progress: Progress | None = None,
) -> list[ReportFiles]:
    """Render the covering report + Appendix 1 of each committee for `quarter_key`.

    Reads only the marts in `marts_dir`. Writes `<out_dir>/<committee-slug>/<quarter_key>.html`
    and `.pdf` atomically; `out_dir` defaults to `<marts_dir>/reports`. `committee=None`
    renders every committee that mart_rag_summary holds for the quarter. `council` is the
    council's name (default `$SCORECARD_COUNCIL_NAME`; unset, the charts say "Council").
    `progress` is told what is being done, a line at a time.

    Raises MartsNotFoundError, QuarterNotFoundError or CommitteeNotFoundError (all
    subclasses of ReportError).
    """
    say = _say(progress)
    council = council or configured_council_name()
    marts_dir = Path(marts_dir)
    target_dir = Path(out_dir) if out_dir is not None else marts_dir / "reports"
    say(f"Reading the marts in {marts_dir}")
    with open_marts(marts_dir) as con:
        committees = [committee] if committee else committees_for_quarter(con, quarter_key)
        if not committees:
            raise QuarterNotFoundError(
                f"Quarter {quarter_key!r} has no rows in mart_rag_summary of {marts_dir}."
            )
        reports = [load_committee_report(con, quarter_key, name) for name in committees]
        run_id, loaded_at = marts_provenance(con, quarter_key)
    written = []
    for report in reports:
        say(f"{report.committee}: drawing the charts of {len(report.indicators)} indicators")
        html = render_html(report, council)
        say(f"{report.committee}: printing the tagged PDF")
        pdf = html_to_pdf(html)
        folder = target_dir / committee_slug(report.committee)
        files = ReportFiles(
            committee=report.committee,
            quarter_key=quarter_key,
            html=folder / f"{quarter_key}.html",
            pdf=folder / f"{quarter_key}.pdf",
            marts_run_id=run_id,
            marts_loaded_at=loaded_at,
        )
        write_atomic(files.html, html.encode("utf-8"))
        write_atomic(files.pdf, pdf)
        say(f"Wrote {files.html} and {files.pdf}")
        written.append(files)
    return written
