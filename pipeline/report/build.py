"""render_report: the committee report(s) of a quarter, from the marts, as HTML and PDF."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.report.data import committees_for_quarter, load_committee_report, open_marts
from pipeline.report.errors import QuarterNotFoundError
from pipeline.report.pdf import html_to_pdf
from pipeline.report.render import render_html


@dataclass(frozen=True)
class ReportFiles:
    committee: str
    quarter_key: str
    html: Path
    pdf: Path


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


def render_report(
    marts_dir: Path,
    quarter_key: str,
    committee: str | None = None,
    out_dir: Path | None = None,
) -> list[ReportFiles]:
    """Render the covering report + Appendix 1 of each committee for `quarter_key`.

    Reads only the marts in `marts_dir`. Writes `<out_dir>/<committee-slug>/<quarter_key>.html`
    and `.pdf` atomically; `out_dir` defaults to `<marts_dir>/reports`. `committee=None`
    renders every committee that mart_rag_summary holds for the quarter.

    Raises MartsNotFoundError, QuarterNotFoundError or CommitteeNotFoundError (all
    subclasses of ReportError).
    """
    marts_dir = Path(marts_dir)
    target_dir = Path(out_dir) if out_dir is not None else marts_dir / "reports"
    with open_marts(marts_dir) as con:
        committees = [committee] if committee else committees_for_quarter(con, quarter_key)
        if not committees:
            raise QuarterNotFoundError(
                f"Quarter {quarter_key!r} has no rows in mart_rag_summary of {marts_dir}."
            )
        reports = [load_committee_report(con, quarter_key, name) for name in committees]
    written = []
    for report in reports:
        html = render_html(report)
        pdf = html_to_pdf(html)
        folder = target_dir / committee_slug(report.committee)
        files = ReportFiles(
            committee=report.committee,
            quarter_key=quarter_key,
            html=folder / f"{quarter_key}.html",
            pdf=folder / f"{quarter_key}.pdf",
        )
        write_atomic(files.html, html.encode("utf-8"))
        write_atomic(files.pdf, pdf)
        written.append(files)
    return written
