"""A BI tool reading the marts while the pipeline publishes never errs nor sees a partial table.

spec/marts.md and the README's "Connecting a BI tool": a reader that holds
`scorecard.duckdb` open read-only, or reads the Parquet files, keeps reading the
previous complete version while a run publishes, and never blocks the run. The
reader here is a separate process, as a BI tool is, and checks every read.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from pipeline.cli.run import run_quarters

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "raw"
QUARTERS = ["2021-22-Q1", "2021-22-Q2"]
RUNS = 2

# Each read must see whole tables: 13 indicators in every quarter, and a summary whose
# counts add up and equal the fact table's (within one database, one version).
READER = r'''
import json, sys, time
from pathlib import Path
import duckdb

marts, stop = Path(sys.argv[1]), Path(sys.argv[2])
FACT_COUNTS = "select quarter_key, count(*) from {fct} group by 1 having count(*) <> 13"
SUMMARY_SUMS = ("select quarter_key from {summary} "
                "where green + amber + red <> indicators_with_rag "
                "or indicators_selected <> 13")
RECOUNT = """
select s.quarter_key from {summary} s
join (select quarter_key, count(rag_status) as n, count(*) filter (where rag_status = 'Red') as red
      from {fct} group by 1) f using (quarter_key)
where s.indicators_with_rag <> f.n or s.red <> f.red
"""
stats = {"reads": 0, "errors": [], "run_ids": [], "quarters": set()}

def check(con, fct, summary, label):
    bad = con.execute(FACT_COUNTS.format(fct=fct)).fetchall()
    bad += con.execute(SUMMARY_SUMS.format(summary=summary)).fetchall()
    bad += con.execute(RECOUNT.format(fct=fct, summary=summary)).fetchall()
    if bad:
        stats["errors"].append(f"{label}: partial or inconsistent: {bad}")
    quarters = con.execute(f"select distinct quarter_key from {fct}").fetchall()
    stats["quarters"].add(len(quarters))
    run_ids = con.execute(f"select distinct run_id from {fct}").fetchall()
    for (run_id,) in run_ids:
        if run_id not in stats["run_ids"]:
            stats["run_ids"].append(run_id)
    stats["reads"] += 1

held = duckdb.connect(str(marts / "scorecard.duckdb"), read_only=True)
print("ready", flush=True)
while not stop.exists():
    for label, con_factory in (
        ("held connection", lambda: held),
        ("new connection", lambda: duckdb.connect(str(marts / "scorecard.duckdb"), read_only=True)),
    ):
        try:
            con = con_factory()
            check(con, "fct_indicator_quarter", "mart_rag_summary", label)
            if con is not held:
                con.close()
        except Exception as error:
            stats["errors"].append(f"{label}: {type(error).__name__}: {error}")
    try:
        con = duckdb.connect()
        for name, table in (("fct", "fct_indicator_quarter"), ("summary", "mart_rag_summary")):
            path = marts / f"{table}.parquet"
            con.execute(f"create table {name} as select * from read_parquet('{path}')")
        check(con, "fct", "summary", "parquet")
        con.close()
    except Exception as error:
        stats["errors"].append(f"parquet: {type(error).__name__}: {error}")
    time.sleep(0.02)
held.close()
stats["quarters"] = sorted(stats["quarters"])
print(json.dumps(stats), flush=True)
'''


def test_reader_never_errs_nor_sees_partial_tables_while_runs_publish(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for name in ("reference", *QUARTERS):
        shutil.copytree(SAMPLE / name, raw / name)
    marts, warehouse = tmp_path / "marts", str(tmp_path / "work" / "warehouse.duckdb")
    stop = tmp_path / "stop"
    with dg.instance_for_test() as instance:
        first = run_quarters(raw, marts, QUARTERS, lambda line: None, instance, warehouse)
        assert first.ok, first.errors
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(marts), str(stop)],
            stdout=subprocess.PIPE, text=True, cwd=REPO,
        )  # fmt: skip
        try:
            assert reader.stdout.readline().strip() == "ready"
            run_ids = []
            for _ in range(RUNS):
                outcome = run_quarters(raw, marts, QUARTERS, lambda line: None, instance,
                                       warehouse)  # fmt: skip
                assert outcome.ok, outcome.errors
                run_ids += outcome.run_ids
                time.sleep(0.5)  # let the reader read the new version too
        finally:
            stop.touch()
            output, _ = reader.communicate(timeout=60)
    stats = json.loads(output.strip().splitlines()[-1])
    assert stats["errors"] == []
    assert stats["reads"] > 20
    assert stats["quarters"] == [2]
    # the held connection kept the first version; new connections saw the later runs
    assert first.run_ids[0] in stats["run_ids"]
    assert run_ids[-1] in stats["run_ids"]
