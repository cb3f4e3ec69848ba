"""Copy a development instance's history (runs, events, quarter partitions) into the service's.

    DAGSTER_HOME=/srv/scorecard/dagster-home  # plus the SCORECARD_PG_* variables
    .venv/bin/python scripts/move_dagster_history.py /path/to/old/.dagster

The source is any Dagster instance folder (usually the SQLite one `scorecard run`
keeps in `.dagster/`); the target is the instance of `DAGSTER_HOME` (the
PostgreSQL one of deploy/dagster.yaml). Every finished run is copied with its
snapshots and its whole event log, oldest first, as `dagster debug export` and
`dagster debug import` would do one file at a time; so are the quarter partitions,
in time order. Runs the target already has are skipped, so the script can be run
again. Runs still in progress in the source are not copied. The source is only read.
docs/deploy.md says when to run it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import dagster as dg
from dagster._core.debug import DebugRunPayload

from pipeline.defs.partitions import QUARTERS, register_quarters


def copy_history(source: dg.DagsterInstance, target: dg.DagsterInstance, echo=print) -> int:
    """Copy every finished run of `source` that `target` lacks; return how many were copied."""
    register_quarters(target, list(source.get_dynamic_partitions(QUARTERS.name)))
    copied = 0
    for run in reversed(source.get_runs()):  # get_runs lists the newest first
        if not run.is_finished or target.has_run(run.run_id):
            continue
        payload = DebugRunPayload.build(source, run)
        for snapshot_id, snapshot in (
            (run.execution_plan_snapshot_id, payload.execution_plan_snapshot),
            (run.job_snapshot_id, payload.job_snapshot),
        ):
            if snapshot_id and not target.has_snapshot(snapshot_id):
                target.add_snapshot(snapshot)
        target.add_run(run)
        for event in payload.event_list:
            target.store_event(event)
        copied += 1
        echo(f"copied run {run.run_id} ({run.job_name}, {run.status.value})")
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the old instance folder (with dagster.yaml)")
    args = parser.parse_args(argv)
    if not (args.source / "dagster.yaml").exists() and not (args.source / "history").exists():
        print(f"{args.source} is not a Dagster instance folder", file=sys.stderr)
        return 2
    with (
        dg.DagsterInstance.from_config(str(args.source.resolve())) as source,
        dg.DagsterInstance.get() as target,
    ):
        if source.root_directory == target.root_directory:
            print("the source is the DAGSTER_HOME instance itself", file=sys.stderr)
            return 2
        count = copy_history(source, target)
    print(f"{count} run(s) copied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
