"""The one job: every asset for a quarter (or a range of quarters), in one process.

The warehouse is a single DuckDB file, which allows one writer process at a time,
so the job runs its steps in process (also about twice as fast as one process
per step on a two-core machine).

Every run carries the warehouse it writes as the tag `scorecard/warehouse`, on
which the service's run queue allows one run at a time (deploy/dagster.yaml).
"""

from pathlib import Path

import dagster as dg

import pipeline.defs.partitions  # noqa: F401  (silences the beta/preview warnings first)
from pipeline.core.warehouse_lock import WAREHOUSE_TAG
from pipeline.defs.resources import configured_paths

scorecard_job = dg.define_asset_job(
    name="scorecard_quarter",
    # The report renders from the published files, in its own job (pipeline/report/assets.py).
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("committee_reports"),
    executor_def=dg.in_process_executor,
    tags={WAREHOUSE_TAG: str(Path(configured_paths()[2]).resolve())},
    description="Ingest, validate, model, check and publish the quarter's scorecard.",
)
