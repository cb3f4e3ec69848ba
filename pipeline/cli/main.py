"""`scorecard`: the command line for a performance officer who never opens Dagster.

Every run goes through Dagster (the same job, assets and checks as the UI) on the
instance in `DAGSTER_HOME` (default `.dagster/` in the working folder), so runs
started here show up afterwards in `scorecard ui`.

One convention for every subcommand (README "Errors and exit codes"): each problem is
one paragraph on stderr starting `scorecard: error:` (or `scorecard: warning:`), never
a traceback, and the exit code says what kind it was: 0 done, 1 the run or report
failed (bad data blocked a quarter, a check failed, the warehouse is busy), 2 a usage
mistake (an unknown option, a malformed quarter key, a folder that does not exist, a
quarter or committee that is not there, marts not published yet), 130 interrupted.
Every option's help shows its default.
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

EXIT_OK = 0
EXIT_FAILED = 1  # the run or report was attempted and failed
EXIT_USAGE = 2  # the command was called wrongly: nothing was attempted
EXIT_INTERRUPTED = 130
PREFIX = "scorecard"

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
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage mistake (2, already printed)
        return int(exit_.code or 0)
    try:
        return args.handler(args)
    except UserError as error:
        _error(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED


class _Parser(argparse.ArgumentParser):
    """argparse with our error prefix; its usage mistakes exit 2, as ours do."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        _error(f"{message} (see `{self.prog} --help`)")
        raise SystemExit(EXIT_USAGE)


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Append `(default: X)` unless the help already says what the default is."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, argparse.SUPPRESS, False):
            return text
        return super()._get_help_string(action)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PREFIX,
        description="Quarterly committee performance scorecard.",
        epilog="Exit codes: 0 done, 1 the run or report failed, 2 a usage mistake, "
        "130 interrupted.",
        formatter_class=_HelpFormatter,
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=help, description=help[0].upper() + help[1:] + ".",
            formatter_class=_HelpFormatter,
        )  # fmt: skip

    run = command("run", "validate, compute and publish quarters")
    run.add_argument(
        "--quarter",
        action="append",
        metavar="KEY",
        help="quarter key such as 2021-22-Q2 (repeatable; default: every quarter found)",
    )
    run.add_argument(
        "--raw-dir", default=DEFAULT_RAW_DIR, metavar="DIR", help="raw drop folder to read"
    )
    _marts_dir(run, "folder to publish the marts to")
    _warehouse(
        run,
        "working DuckDB file (default: $SCORECARD_WAREHOUSE, else work/warehouse.duckdb "
        "beside the marts folder)",
    )
    run.add_argument(
        "--restate",
        action="store_true",
        help="publish although a signed-off figure, RAG status or commentary changes; each "
        "change is recorded in mart_restatements (needs --reason; default: refuse such a run)",
    )
    run.add_argument(
        "--reason",
        metavar="TEXT",
        help="why signed-off figures are restated, published with them (no default)",
    )
    run.add_argument("--by", metavar="PERSON", help="who restates (default: the login name)")
    run.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild the working warehouse from every quarter in the raw folder and publish "
        "exactly those (published quarters the folder lacks are dropped, and named); "
        "default: off",
    )
    run.set_defaults(handler=_run)

    signoff = command("signoff", "record that a quarter's published figures went to committee")
    _quarter_option(signoff)
    signoff.add_argument(
        "--committee",
        required=True,
        metavar="NAME",
        help="committee, as in indicators.csv (required; no default)",
    )
    signoff.add_argument(
        "--by", required=True, metavar="PERSON", help="who signs it off (required; no default)"
    )
    _marts_dir(signoff, "published marts folder whose figures are signed off")
    _warehouse(
        signoff,
        "working DuckDB file; the sign-offs are kept beside it in signoffs.duckdb "
        "(default: as for run)",
    )
    signoff.set_defaults(handler=_signoff)

    explain = command("explain", "explain one published figure down to its files and records")
    explain.add_argument("code", metavar="CODE", help="indicator code such as CSC-SW2")
    _quarter_option(explain)
    explain.add_argument(
        "--records",
        metavar="FILE.csv",
        help="write the record-level rows behind the numerator and denominator to this CSV "
        "(personal data: keep it in the working folder; default: no file)",
    )
    _marts_dir(explain, "published marts folder to read")
    _warehouse(explain, "working DuckDB file, read for --records (default: as for run)")
    explain.set_defaults(handler=_explain)

    summary = command("summary", "print a quarter's summary and RAG table")
    _quarter_option(summary)
    _committee_option(summary)
    _marts_dir(summary, "published marts folder to read")
    summary.set_defaults(handler=_summary)

    report = command("report", "write the committee report (HTML and PDF)")
    _quarter_option(report)
    _committee_option(report)
    _marts_dir(report, "published marts folder to read; the report goes in its reports/")
    report.set_defaults(handler=_report)

    ui = command("ui", "open the Dagster UI on this project's instance")
    ui.add_argument("--port", default="3000", help="port the UI listens on")
    ui.set_defaults(handler=_ui)
    return parser


def _quarter_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--quarter", required=True, metavar="KEY",
        help="quarter key such as 2021-22-Q2 (required; no default)",
    )  # fmt: skip


def _committee_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--committee", metavar="NAME", help="committee name (default: every committee)"
    )


def _marts_dir(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--marts-dir", default=DEFAULT_MARTS_DIR, metavar="DIR", help=what)


def _warehouse(command: argparse.ArgumentParser, what: str) -> None:
    """`--warehouse`: unset means `default_warehouse` of the marts folder, for every command."""
    command.add_argument("--warehouse", metavar="FILE", help=what)


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

    tags = _restate_tags(args)
    _stop_on_signals()
    ensure_dagster_home()
    try:
        outcome = run_quarters(
            raw_dir=Path(args.raw_dir),
            marts_dir=Path(args.marts_dir),
            requested=args.quarter,
            echo=print,
            warehouse=args.warehouse or default_warehouse(Path(args.marts_dir)),
            run_tags=tags,
            rebuild=args.rebuild,
        )
    except KeyboardInterrupt:
        _error(
            "interrupted: the run is marked failed, and the published marts are the last "
            "complete version"
        )
        sys.stdout.flush()
        sys.stderr.flush()
        # The run's thread may be inside DuckDB: leave without tearing the interpreter
        # down under it (its open transaction is rolled back, as after a crash).
        os._exit(EXIT_INTERRUPTED)
    for warning in outcome.warnings:
        _paragraph(f"{PREFIX}: warning: {warning}", stream=sys.stderr)
    for error in outcome.errors:
        _error(error)
    if outcome.ok:
        return EXIT_OK
    return EXIT_USAGE if outcome.usage_error else EXIT_FAILED


def _restate_tags(args: argparse.Namespace) -> dict[str, str]:
    """The run's tags for `--restate --reason TEXT [--by PERSON]` (none without it)."""
    if not args.restate:
        if args.reason or args.by:
            raise UserError("--reason and --by go with --restate.")
        return {}
    if not (args.reason or "").strip():
        raise UserError(
            "--restate needs --reason TEXT: say why signed-off figures change (it is "
            "published in mart_restatements and the report)."
        )
    import getpass

    from pipeline.signoff.tags import RESTATE_REASON_TAG, RESTATED_BY_TAG

    return {RESTATE_REASON_TAG: args.reason.strip(), RESTATED_BY_TAG: args.by or getpass.getuser()}


def _signoff(args: argparse.Namespace) -> int:
    from pipeline.signoff.lock import sign_off
    from pipeline.signoff.store import store_path

    marts = Path(args.marts_dir)
    store = store_path(args.warehouse or default_warehouse(marts))
    record = sign_off(marts, store, _quarter(args.quarter), args.committee, args.by)
    print(
        f"Signed off {record.quarter_key} for the {record.committee} committee by "
        f"{record.signed_off_by} at {record.signed_off_at:%Y-%m-%d %H:%M} UTC: "
        f"{record.figures} figures, {record.rag_statuses} RAG statuses, "
        f"{record.commentaries} commentaries (SHA-256 {record.digest}). Recorded in {store}. "
        "A run that would change any of them now stops unless given --restate --reason."
    )
    return 0


def _explain(args: argparse.Namespace) -> int:
    from pipeline.explain.explain import explain

    marts = Path(args.marts_dir)
    warehouse = Path(args.warehouse or default_warehouse(marts))
    records = Path(args.records) if args.records else None
    print(explain(marts, warehouse, args.code.upper(), _quarter(args.quarter), records))
    return 0


def _summary(args: argparse.Namespace) -> int:
    from pipeline.cli.summary import format_summary

    print(format_summary(Path(args.marts_dir), _quarter(args.quarter), args.committee))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    """Check the request against the marts at once, then render as a recorded Dagster run."""
    from pipeline.report import ReportError, check_request

    marts_dir, quarter = Path(args.marts_dir), _quarter(args.quarter)
    print(f"Checking the marts in {marts_dir} for {quarter}")
    try:
        committees = check_request(marts_dir, quarter, args.committee)
    except ReportError as error:
        raise UserError(str(error)) from error
    print(f"Rendering {', '.join(committees)} as a run of the Dagster job committee_report")
    from pipeline.cli.run import run_report  # Dagster is slow to import; only when needed

    home = ensure_dagster_home()
    outcome = run_report(marts_dir, quarter, args.committee, echo=print)
    for warning in outcome.warnings:
        _paragraph(f"{PREFIX}: warning: {warning}", stream=sys.stderr)
    for error in outcome.errors:
        _error(error)
    if outcome.ok:
        print(f"Recorded as run {outcome.run_ids[-1]} on the Dagster instance in {home}")
    return EXIT_OK if outcome.ok else EXIT_FAILED


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


def _error(message: str) -> None:
    _paragraph(f"{PREFIX}: error: {message}", stream=sys.stderr)


def _paragraph(text: str, stream=sys.stdout) -> None:
    # Long words (paths) are never split, nor at their hyphens: a path stays copyable.
    lines = textwrap.fill(
        " ".join(text.split()), width=100, break_long_words=False, break_on_hyphens=False
    )
    print(lines, file=stream)


if __name__ == "__main__":
    sys.exit(main())
