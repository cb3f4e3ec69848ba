"""Scale benchmark: the pipeline against the bare-DuckDB floor and the pandas baseline.

For each scale (× the sample's volume, drops made by ``bench/scale.py``) and in
one run, each measured thing in its own process (its peak RSS is its own):

- ``pipeline``: ``scorecard run`` through Dagster, start-up included, for one
  quarter on an empty warehouse, for the whole history (one range run), and
  for one quarter again on top of that history (the quarterly run); with the
  command's start-up alone (process start to the first step), each kind of
  step, and each one's share of the wall time, from the run's event log;
- ``floor``: the same SQL models by ``pipeline.models.runner.run_models`` on a
  warehouse whose raw tables DuckDB loaded itself - no orchestration, no
  validation (the load is timed apart as ``load_floor``);
- ``pandas``: ``bench/pandas_baseline.py`` for the same quarters, its figures
  asserted equal to the pipeline's ``fct_indicator_quarter``;
- ``validation``: reading and pandera validation of one quarter, rows per second.

Speed is reported as ratios measured in the same run (the machine is shared):
pipeline ÷ floor (the floor being DuckDB's load plus the models, ``floor_s``;
``pipeline_models_over_floor`` compares the models step alone), and pandas ÷
pipeline. Results go to bench/results/<name>.json.

    .venv/bin/python bench/run.py --scales 1,10 --quarters 2022-23-Q4
    .venv/bin/python bench/run.py --scales 330 --skip pipeline_history,pandas_history
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scale import DEFAULT_RAW, SCALED_DIR, ensure_scaled

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
ALL_QUARTERS = "all"
MEASURES = (
    "pipeline_1q",
    "pipeline_history",
    "pipeline_1q_on_history",
    "floor_1q",
    "floor_history",
    "pandas_1q",
    "pandas_history",
    "validation_1q",
)


def spawn(task: str, args: dict, timeout: float) -> dict:
    """Run one task in a fresh process; its result plus wall time and peak RSS."""
    result_path = Path(args["work"]) / f"{task}-{time.monotonic_ns()}.json"
    args = args | {"spawned_at": time.time()}
    started = time.perf_counter()
    command = [sys.executable, str(BENCH_DIR / "tasks.py"), task, json.dumps(args)]
    log = open(Path(args["work"]) / f"{task}.log", "a")  # noqa: SIM115 - closed below
    process = subprocess.Popen([*command, str(result_path)], cwd=BENCH_DIR, stdout=log)
    log.close()
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()  # our own child, by its pid
            os.wait4(process.pid, 0)
            return {"error": f"timed out after {timeout:.0f} s"}
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    outcome = {"process_s": time.perf_counter() - started, "peak_rss_mb": usage.ru_maxrss / 1024}
    if process.returncode != 0 or not result_path.exists():
        return outcome | {"error": f"exit code {process.returncode}"}
    return outcome | json.loads(result_path.read_text())


def compare(expected: list[list] | None, actual: list[list] | None) -> dict:
    """Figure-by-figure equality of two (quarter, code, numerator, denominator, value) lists."""
    if not expected or not actual:
        return {"equal": None, "compared": 0}
    from decimal import Decimal

    def key(rows):
        return {(r[0], r[1]): tuple(None if v is None else Decimal(v) for v in r[2:]) for r in rows}

    left, right = key(expected), key(actual)
    shared = sorted(set(left) & set(right))
    different = [list(k) + [left[k], right[k]] for k in shared if left[k] != right[k]]
    missing = sorted(set(left) ^ set(right))
    return {
        "equal": not different and not missing,
        "compared": len(shared),
        "different": [[str(v) for v in d] for d in different[:10]],
        "missing": [list(m) for m in missing[:10]],
    }


def bench_scale(scale: int, one: list[str], keys: list[str], run: set[str], opts) -> dict:
    raw_dir = DEFAULT_RAW if scale == 1 else ensure_scaled(scale)
    work = SCALED_DIR / "_work" / f"x{scale}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    base = {"raw_dir": str(raw_dir), "work": str(work)}
    out: dict[str, dict] = {}

    def pipeline_args(name: str, quarters: list[str] | None) -> dict:
        return base | {
            "dagster_home": str(work / f"{name}-dagster"),
            "warehouse": str(work / f"{name}.duckdb"),
            "marts_dir": str(work / f"{name}-marts"),
            "quarters": quarters,
        }

    def measure(name: str, task: str, args: dict) -> None:
        if name.split(":")[0] not in run:
            return
        print(f"×{scale} {name} …", flush=True)
        out[name] = spawn(task, args, opts.timeout)
        shown = {k: v for k, v in out[name].items() if k.endswith("_s") or k == "error"}
        print("   ", {k: round(v, 2) if isinstance(v, float) else v for k, v in shown.items()})

    for label, quarters in (("1q", one), ("history", keys)):
        measure(f"pipeline_{label}", "pipeline", pipeline_args(label, quarters))
        floor_args = base | {"warehouse": str(work / f"floor-{label}.duckdb"), "quarters": quarters}
        measure(f"floor_{label}:load", "load_floor", floor_args)
        measure(f"floor_{label}", "floor", floor_args)
        measure(f"pandas_{label}", "pandas", base | {"quarters": quarters})
    if "pipeline_history" in out and "error" not in out["pipeline_history"]:
        again = pipeline_args("history", one)  # same instance and warehouse as the history run
        measure("pipeline_1q_on_history", "pipeline", again)
    measure("validation_1q", "validation", base | {"quarters": one})
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    return out | {"ratios": ratios(out)}


def ratios(out: dict) -> dict:
    found = {}
    for label in ("1q", "history"):
        pipe, floor = out.get(f"pipeline_{label}", {}), out.get(f"floor_{label}", {})
        load = out.get(f"floor_{label}:load", {})
        pandas = out.get(f"pandas_{label}", {})
        if "wall_s" in pipe and "models_s" in floor and "load_s" in load:
            # The floor of issue 15: DuckDB loading the CSVs plus the same SQL models.
            found[f"floor_s_{label}"] = load["load_s"] + floor["models_s"]
            found[f"pipeline_over_floor_{label}"] = pipe["wall_s"] / found[f"floor_s_{label}"]
        if "wall_s" in pipe and "models_s" in floor:
            found[f"pipeline_models_over_floor_{label}"] = pipe["models_s"] / floor["models_s"]
            if pipe.get("models_sql_s"):
                found[f"pipeline_models_sql_over_floor_{label}"] = (
                    pipe["models_sql_s"] / floor["models_s"]
                )
        if "wall_s" in pipe and "compute_s" in pandas:
            found[f"pandas_over_pipeline_{label}"] = pandas["compute_s"] / pipe["wall_s"]
            found[f"pandas_over_pipeline_run_{label}"] = pandas["compute_s"] / pipe["run_s"]
        figures = pipe.get("figures")
        found[f"pandas_equals_pipeline_{label}"] = compare(figures, pandas.get("figures"))
        found[f"floor_equals_pipeline_{label}"] = compare(figures, floor.get("figures"))
    return found


def table(results: dict) -> str:
    """The results as a plain-text table, one row per scale and measure."""
    header = ["scale", "measure", "wall s", "peak MB", "detail"]
    rows = []
    for scale, out in results.items():
        for name, r in out.items():
            if name == "ratios":
                continue
            detail = ", ".join(
                f"{k}={v:.2f}"
                for k, v in r.items()
                if k.endswith("_s") and k not in ("wall_s", "process_s") and isinstance(v, float)
            )
            if "rows_per_s" in r and r["rows_per_s"]:
                detail += f", rows={r['rows']:,}, {r['rows_per_s']:,.0f} rows/s"
            if "raw_rows" in r:
                detail += f", raw rows={r['raw_rows']:,}"
            if "events" in r:
                detail += f", events={r['events']}"
            if "shares" in r:
                detail += ", shares: " + " ".join(
                    f"{k} {v:.0%}" for k, v in r["shares"].items() if v >= 0.005
                )
            wall = r.get("wall_s", r.get("process_s"))
            shown = r.get("error") or detail
            rows.append([scale, name, f"{wall:.2f}", f"{r.get('peak_rss_mb', 0):.0f}", shown])
        for name, value in out.get("ratios", {}).items():
            text = (
                f"{value:.2f}"
                if isinstance(value, float)
                else f"equal={value['equal']} ({value['compared']} figures)"
            )
            rows.append([scale, name, "", "", text])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    rule = "-+-".join("-" * w for w in widths)
    head = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    return "\n".join([head, rule, *lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated factors, e.g. 1,10,100")
    parser.add_argument(
        "--quarters", default="2022-23-Q4", help="the one-quarter run(s), comma-separated"
    )
    parser.add_argument("--history", default=ALL_QUARTERS, help="history quarters (default all)")
    parser.add_argument("--skip", default="", help=f"measures to leave out: {', '.join(MEASURES)}")
    parser.add_argument("--only", default="", help="measures to run (default all)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per measured process")
    parser.add_argument("--name", default="scale", help="bench/results/<name>.json")
    parser.add_argument("--keep", action="store_true", help="keep warehouses in bench/scaled/_work")
    opts = parser.parse_args(argv)
    run = set(opts.only.split(",")) if opts.only else set(MEASURES)
    run -= set(opts.skip.split(","))
    one = opts.quarters.split(",")
    if opts.history == ALL_QUARTERS:
        keys = sorted(p.name for p in DEFAULT_RAW.iterdir() if p.is_dir() and p.name[:2] == "20")
    else:
        keys = opts.history.split(",")
    results = {}
    RESULTS_DIR.mkdir(exist_ok=True)
    target = RESULTS_DIR / f"{opts.name}.json"
    for scale in (int(s) for s in opts.scales.split(",")):
        results[f"x{scale}"] = bench_scale(scale, one, keys, run, opts)
        saved = {k: {n: _slim(r) for n, r in v.items()} for k, v in results.items()}
        target.write_text(json.dumps(saved, indent=2, default=str))
    print()
    print(table(results))
    print(f"\nWrote {target}")
    failed = [n for out in results.values() for n, r in out.items() if "error" in r]
    unequal = [
        name
        for out in results.values()
        for name, verdict in out["ratios"].items()
        if isinstance(verdict, dict) and verdict["equal"] is False
    ]
    if unequal:
        print(f"FIGURES DIFFER: {', '.join(unequal)} (see the JSON)")
    return 1 if failed or unequal else 0


def _slim(result: dict) -> dict:
    """A result without its figures (kept only as the equality verdict in ``ratios``)."""
    return {k: v for k, v in result.items() if k != "figures"}


if __name__ == "__main__":
    sys.exit(main())
