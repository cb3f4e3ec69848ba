"""The measured things of ``bench/run.py``, each run in its own process.

``python bench/tasks.py TASK ARGS_JSON RESULT_JSON``: runs one task and writes
its timings (and the figures it computed) to RESULT_JSON. ``bench/run.py``
starts every task as a fresh process so that start-up is counted where the
issue asks for it and the peak RSS it reads back (``os.wait4``) is the task's
own. ``spawned_at`` (the parent's clock when it started the process) lets the
task report its wall time including interpreter start-up and imports.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
FCT_COLUMNS = "quarter_key, indicator_code, numerator, denominator, value"


def _figures(con, where: str = "") -> list[list]:
    sql = f"select {FCT_COLUMNS} from fct_indicator_quarter {where} order by all"
    return [[None if v is None else str(v) for v in row] for row in con.execute(sql).fetchall()]


def pipeline(args: dict) -> dict:
    """`scorecard run` as the command line runs it, on a private Dagster instance."""
    os.environ["DAGSTER_HOME"] = args["dagster_home"]
    os.environ["SCORECARD_WAREHOUSE"] = args["warehouse"]
    from pipeline.cli.main import main

    argv = ["run", "--raw-dir", args["raw_dir"], "--marts-dir", args["marts_dir"]]
    for key in args.get("quarters") or []:
        argv += ["--quarter", key]
    started = time.perf_counter()
    code = main(argv)
    result = {"exit_code": code, "run_s": time.perf_counter() - started}
    ended = time.time()
    result["wall_s"] = ended - args["spawned_at"]
    # CPU seconds of the command (user + system, all its threads): on a shared machine
    # the wall time waits for other people's work, this does not (nor for the disk).
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    # Great Expectations writes the Data Docs in a background process after the check:
    # not part of the run's wall time, but waited for (and reported) so that it does not
    # compete with the next measurement.
    from pipeline.quality.expectations import wait_for_data_docs

    wait_for_data_docs(Path(args["marts_dir"]) / "data_docs")
    result["data_docs_after_s"] = time.time() - ended
    result |= _step_times(args, ended)
    result["shares"] = _shares(result)
    quarters = len(args.get("quarters") or []) or None
    result["events_per_quarter"] = result["events"] / quarters if quarters else None
    import duckdb

    con = duckdb.connect(args["warehouse"], read_only=True)
    keys = args.get("quarters") or None
    where = "where list_contains($keys, quarter_key)" if keys else ""
    sql = f"select {FCT_COLUMNS} from fct_indicator_quarter {where} order by all"
    rows = con.execute(sql, {"keys": keys} if keys else {}).fetchall()
    result["figures"] = [[None if v is None else str(v) for v in row] for row in rows]
    result["raw_rows"] = _raw_rows(con, keys)
    return result


def _raw_rows(con, keys: list[str] | None) -> int:
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_columns() where column_name = 'quarter_key' "
            "and table_name like 'raw\\_%' escape '\\' and table_name <> 'raw_quarters'"
        ).fetchall()
    ]
    where = "where list_contains($keys, quarter_key)" if keys else ""
    params = {"keys": keys} if keys else {}
    return sum(
        con.execute(f"select count(*) from {t} {where}", params).fetchone()[0] for t in tables
    )


# The steps of a run, by the kind of work; any other step is an asset check, or
# another asset's (``other_assets_s``, e.g. the signal marts) if it materialised one.
STEP_KINDS = {
    "raw_dates": "calendar_s",
    "raw_quarters": "calendar_s",
    "ingest": "ingest_s",
    "sql_models": "models_s",
    "published_marts": "publish_s",
}


def _step_times(args: dict, ended: float) -> dict:
    """Where the run's wall time went, from its Dagster event log.

    ``startup_s`` is the command's own start-up: from the moment the bench started
    the process (interpreter, imports, Dagster instance, definitions, creating the
    run and its planned events) to the first step's start. Then each kind of step:
    the calendar (``raw_dates``, ``raw_quarters``), the extracts (``ingest``), the SQL
    models (``sql_models``), the checks (every asset check step) and publishing;
    ``between_steps_s`` is the run's time outside any step (Dagster's own
    bookkeeping) and ``after_steps_s`` what follows the last step until the
    command returns (the run's end, the command's last lines). ``shares`` is each
    of these as a fraction of ``wall_s``. ``models_sql_s`` is the part of the
    models step spent in DuckDB (each model's ``sql_seconds``, recorded once per
    run however many quarters it covers); the rest of that step is Dagster's
    bookkeeping of the models' materialisations. ``events`` counts the run's event
    log entries, ``event_types`` them by kind.
    """
    import collections

    import dagster as dg

    kinds_of_step = ["calendar_s", "ingest_s", "models_s", "other_assets_s", "checks_s"]
    totals = dict.fromkeys([*kinds_of_step, "publish_s"], 0.0)
    materialising: set[str] = set()
    sql_seconds: dict[tuple[str, str], float] = {}
    instance = dg.DagsterInstance.get()
    runs = instance.get_run_records()
    starts: dict[str, float] = {}
    kinds: collections.Counter = collections.Counter()
    first_start, last_end = None, None
    for record in runs:
        if record.create_timestamp.timestamp() < args["spawned_at"]:
            continue  # an earlier run on the same instance (the history before this run)
        for entry in instance.all_logs(record.dagster_run.run_id):
            event = entry.dagster_event
            kinds[event.event_type_value if event else "LOG"] += 1
            if event is None or entry.step_key is None:
                continue
            if event.event_type_value == "ASSET_MATERIALIZATION":
                materialising.add(entry.step_key)
                materialization = event.event_specific_data.materialization
                seconds = materialization.metadata.get("sql_seconds")
                if seconds is not None:
                    key = (record.dagster_run.run_id, materialization.asset_key.to_user_string())
                    sql_seconds[key] = seconds.value
            elif event.event_type_value == "STEP_START":
                starts[entry.step_key] = entry.timestamp
                first_start = min(first_start or entry.timestamp, entry.timestamp)
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                seconds = entry.timestamp - starts.get(entry.step_key, entry.timestamp)
                other = "other_assets_s" if entry.step_key in materialising else "checks_s"
                totals[STEP_KINDS.get(entry.step_key, other)] += seconds
                last_end = max(last_end or entry.timestamp, entry.timestamp)
    timing = totals | {"models_sql_s": sum(sql_seconds.values())}
    if first_start is not None:
        timing["startup_s"] = first_start - args["spawned_at"]
        timing["between_steps_s"] = (last_end - first_start) - sum(totals.values())
        timing["after_steps_s"] = ended - last_end
    timing["events"] = sum(kinds.values())
    timing["event_types"] = dict(kinds.most_common())
    return timing


def _shares(result: dict) -> dict:
    """Start-up, each kind of step and the time around them, as fractions of the wall time.

    They add up to 1: the wall time runs from the process's start to the command's return.
    """
    parts = ["startup_s", *dict.fromkeys(STEP_KINDS.values()), "other_assets_s", "checks_s"]
    parts += ["between_steps_s", "after_steps_s"]
    return {p.removesuffix("_s"): result[p] / result["wall_s"] for p in parts if p in result}


def load_floor(args: dict) -> dict:
    """Raw tables loaded by DuckDB alone (not part of the floor's time; reported apart)."""
    import duckdb
    from warehouse import load_warehouse

    con = duckdb.connect(args["warehouse"])
    started = time.perf_counter()
    rows = load_warehouse(con, Path(args["raw_dir"]), args["quarters"])
    con.execute("checkpoint")
    con.close()
    return {"load_s": time.perf_counter() - started, "raw_rows": rows}


def floor(args: dict) -> dict:
    """`run_models` on a warehouse holding only raw tables: no orchestration, no validation."""
    from datetime import UTC, datetime

    import duckdb

    from pipeline.models.runner import run_models

    con = duckdb.connect(args["warehouse"])
    started = time.perf_counter()
    run_models(con, args["quarters"], "bench-floor", datetime.now(UTC))
    con.execute("checkpoint")
    seconds = time.perf_counter() - started
    return {"models_s": seconds, "figures": _figures(con)}


def pandas_baseline(args: dict) -> dict:
    """bench/pandas_baseline.py's 13 indicators for each quarter, one after another."""
    from pandas_baseline import compute_indicators

    started = time.perf_counter()
    figures = []
    for key in args["quarters"]:
        for code, figure in compute_indicators(Path(args["raw_dir"]), key).items():
            figures.append(
                [key, code]
                + [
                    None if figure[name] is None else str(figure[name])
                    for name in ("numerator", "denominator", "value")
                ]
            )
    return {"compute_s": time.perf_counter() - started, "figures": sorted(figures)}


def validation(args: dict) -> dict:
    """The validation stage alone (pandera via `validate_extract`), per extract, one quarter."""
    from pipeline.extracts.readers import find_extract, read_extract
    from pipeline.extracts.registry import BY_NAME, QUARTER
    from pipeline.extracts.validate import ValidationContext, validate_extract

    raw = Path(args["raw_dir"])
    catalogue = read_extract(find_extract(raw / "reference", "indicators"), "indicators")
    context = ValidationContext().with_indicators(catalogue)
    order = ["header", "s47_enquiries", "cp_plans"]
    order += [e.name for e in QUARTER if e.name not in order]
    ids = {"header": "CHILD", "s47_enquiries": "LAchildID", "cp_plans": "LAchildID"}
    per_extract, read_s, validate_s, rows = {}, 0.0, 0.0, 0
    for key in args["quarters"]:
        for name in order:
            extract = BY_NAME[name]
            started = time.perf_counter()
            frame = read_extract(find_extract(raw / key, extract), extract)
            read = time.perf_counter() - started
            started = time.perf_counter()
            result = validate_extract(extract, frame, context)
            checked = time.perf_counter() - started
            if name in ids:
                context = context.with_ids(name, ids[name], result.valid_rows[ids[name]])
            read_s, validate_s, rows = read_s + read, validate_s + checked, rows + len(frame)
            mine = per_extract.setdefault(name, {"rows": 0, "read_s": 0.0, "validate_s": 0.0})
            mine["rows"] += len(frame)
            mine["read_s"] += read
            mine["validate_s"] += checked
            mine["faults"] = mine.get("faults", 0) + len(result.fault_frame)
    return {
        "rows": rows,
        "read_s": read_s,
        "validate_s": validate_s,
        "rows_per_s": rows / validate_s if validate_s else None,
        "per_extract": per_extract,
    }


TASKS = {
    "pipeline": pipeline,
    "load_floor": load_floor,
    "floor": floor,
    "pandas": pandas_baseline,
    "validation": validation,
}

if __name__ == "__main__":
    task, arguments, result_path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    outcome = TASKS[task](arguments)
    outcome.setdefault("wall_s", time.time() - arguments["spawned_at"])
    Path(result_path).write_text(json.dumps(outcome))
