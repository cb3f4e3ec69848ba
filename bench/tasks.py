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
    result["wall_s"] = time.time() - args["spawned_at"]
    result |= _step_times(args)
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


def _step_times(args: dict) -> dict:
    """Seconds spent in each kind of step of the run, from its Dagster event log.

    The extracts run as one step (``ingest``), the SQL models as another
    (``sql_models``); every other step is publishing or an asset check.
    ``models_sql_s`` is the part of the models step spent in DuckDB (each model's
    ``sql_seconds``, recorded once per run however many quarters it covers); the
    rest of that step is Dagster's bookkeeping of the models' materialisations.
    """
    import dagster as dg

    totals = {"ingest_s": 0.0, "models_s": 0.0, "checks_s": 0.0, "publish_s": 0.0}
    sql_seconds: dict[tuple[str, str], float] = {}
    instance = dg.DagsterInstance.get()
    runs = instance.get_run_records()
    starts: dict[str, float] = {}
    events = 0
    for record in runs:
        if record.create_timestamp.timestamp() < args["spawned_at"]:
            continue  # an earlier run on the same instance (the history before this run)
        for entry in instance.all_logs(record.dagster_run.run_id):
            events += 1
            event = entry.dagster_event
            if event is None or entry.step_key is None:
                continue
            if event.event_type_value == "ASSET_MATERIALIZATION":
                materialization = event.event_specific_data.materialization
                seconds = materialization.metadata.get("sql_seconds")
                if seconds is not None:
                    key = (record.dagster_run.run_id, materialization.asset_key.to_user_string())
                    sql_seconds[key] = seconds.value
            elif event.event_type_value == "STEP_START":
                starts[entry.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                seconds = entry.timestamp - starts.get(entry.step_key, entry.timestamp)
                key = entry.step_key
                if key == "sql_models":
                    totals["models_s"] += seconds
                elif key == "ingest":
                    totals["ingest_s"] += seconds
                elif key == "published_marts":
                    totals["publish_s"] += seconds
                else:
                    totals["checks_s"] += seconds
    return totals | {"models_sql_s": sum(sql_seconds.values()), "events": events}


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
