"""`scorecard`: the command line for a performance officer who never opens Dagster.

Every run goes through Dagster (the same job, assets and checks as the UI) on the
instance in `DAGSTER_HOME` (default `.dagster/` in the working folder), so runs
started here show up afterwards in `scorecard ui`. Errors are printed as one
paragraph each, with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import textwrap
from pathlib import Path

from pipeline.core.errors import UserError
from pipeline.core.settings import DEFAULT_MARTS_DIR, DEFAULT_RAW_DIR, default_warehouse

DAGSTER_YAML = """\
# Written by `scorecard` the first time it ran here. Runs write to one DuckDB
# warehouse, which takes one writer at a time: queue runs one after another.
concurrency:
  runs:
    max_concurrent_runs: 1
# A run whose process died (killed, machine off) is marked failed by the UI's
# daemon, so it does not hold the queue (docs/deploy.md, "A run that dies").
run_launcher:
  module: pipeline.service.run_launcher
  class: MonitoredRunLauncher
run_monitoring:
  enabled: true
  poll_interval_seconds: 30
  max_resume_run_attempts: 0
telemetry:
  enabled: false
"""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except UserError as error:
        _paragraph(f"scorecard: {error}", stream=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("scorecard: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scorecard", description="Quarterly committee performance scorecard."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="validate, compute and publish quarters")
    run.add_argument(
        "--quarter",
        action="append",
        metavar="KEY",
        help="quarter key such as 2021-22-Q2 (repeatable; default: every quarter found)",
    )
    run.add_argument("--raw-dir", default=DEFAULT_RAW_DIR, help="raw drop folder")
    run.add_argument("--marts-dir", default=DEFAULT_MARTS_DIR, help="published marts folder")
    run.add_argument(
        "--warehouse",
        help="working DuckDB file (default: $SCORECARD_WAREHOUSE, else work/warehouse.duckdb "
        "beside the marts folder)",
    )
    run.set_defaults(handler=_run)

    summary = commands.add_parser("summary", help="print a quarter's summary and RAG table")
    summary.add_argument("--quarter", required=True, metavar="KEY")
    summary.add_argument("--committee", help="committee name (default: every committee)")
    summary.add_argument("--marts-dir", default=DEFAULT_MARTS_DIR)
    summary.set_defaults(handler=_summary)

    report = commands.add_parser("report", help="write the committee report (HTML and PDF)")
    report.add_argument("--quarter", required=True, metavar="KEY")
    report.add_argument("--committee", help="committee name (default: every committee)")
    report.add_argument("--marts-dir", default=DEFAULT_MARTS_DIR)
    report.set_defaults(handler=_report)

    ui = commands.add_parser("ui", help="open the Dagster UI on this project's instance")
    ui.add_argument("--port", default="3000")
    ui.set_defaults(handler=_ui)
    return parser


def ensure_dagster_home() -> Path:
    """The Dagster instance folder shared by this command and `dagster dev`."""
    home = Path(os.environ.get("DAGSTER_HOME") or Path.cwd() / ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both interrupt, also in the background (`&` ignores SIGINT).

    The run then marks itself failed before the command exits (pipeline/cli/run.py).
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def _run(args: argparse.Namespace) -> int:
    from pipeline.cli.run import run_quarters  # Dagster is slow to import; only when needed

    _stop_on_signals()
    ensure_dagster_home()
    try:
        outcome = run_quarters(
            raw_dir=Path(args.raw_dir),
            marts_dir=Path(args.marts_dir),
            requested=args.quarter,
            echo=print,
            warehouse=args.warehouse or default_warehouse(Path(args.marts_dir)),
        )
    except KeyboardInterrupt:
        print(
            "scorecard: interrupted; the run is marked failed, and the published marts are "
            "the last complete version",
            file=sys.stderr,
        )
        sys.stdout.flush()
        sys.stderr.flush()
        # The run's thread may be inside DuckDB: leave without tearing the interpreter
        # down under it (its open transaction is rolled back, as after a crash).
        os._exit(130)
    for warning in outcome.warnings:
        _paragraph(f"Warning: {warning}", stream=sys.stderr)
    for error in outcome.errors:
        _paragraph(f"Error: {error}", stream=sys.stderr)
    return 0 if outcome.ok else 1


def _summary(args: argparse.Namespace) -> int:
    from pipeline.cli.summary import format_summary

    print(format_summary(Path(args.marts_dir), _quarter(args.quarter), args.committee))
    return 0


def _report(args: argparse.Namespace) -> int:
    from pipeline.report import ReportError, render_report

    try:
        files = render_report(Path(args.marts_dir), _quarter(args.quarter), args.committee)
    except ReportError as error:
        raise UserError(str(error)) from error
    for report in files:
        print(f"Wrote {report.html} and {report.pdf}")
    return 0


def _ui(args: argparse.Namespace) -> int:
    home = ensure_dagster_home()
    print(f"Dagster instance: {home}")
    # `dg dev` (Dagster's current local UI command) from the dg CLI installed beside this
    # Python, whether or not the venv is active; it reads the project from pyproject.toml.
    dg = Path(sys.executable).with_name("dg")
    command = str(dg) if dg.exists() else "dg"
    # A shell starting `scorecard ui &` sets SIGINT to ignored, which exec passes on,
    # and Dagster maps SIGTERM to SIGINT's handler: both were ignored. With the
    # defaults restored, `dg dev` stops cleanly (with its web server and daemon) on either.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.execvp(command, [command, "dev", "--port", args.port])
    return 0  # pragma: no cover - exec does not return


def _quarter(key: str) -> str:
    from pipeline.core.periods import Quarter, QuarterKeyError

    try:
        return Quarter.parse(key).key
    except QuarterKeyError as error:
        raise UserError(str(error)) from error


def _paragraph(text: str, stream=sys.stdout) -> None:
    print(textwrap.fill(" ".join(text.split()), width=100), file=stream)


if __name__ == "__main__":
    sys.exit(main())
