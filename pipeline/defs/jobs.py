"""The one job: every asset for a quarter (or a range of quarters), in one process.

The warehouse is a single DuckDB file, which allows one writer process at a time,
so the job runs its steps in process (also about twice as fast as one process
per step on a two-core machine).
"""

import dagster as dg

import pipeline.defs.partitions  # noqa: F401  (silences the beta/preview warnings first)

scorecard_job = dg.define_asset_job(
    name="scorecard_quarter",
    # The report renders from the published files, in its own job (pipeline/report/assets.py).
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("committee_reports"),
    executor_def=dg.in_process_executor,
    description="Ingest, validate, model, check and publish the quarter's scorecard.",
)
