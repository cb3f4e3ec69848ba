"""The raw-folder sensor: a run as soon as a complete quarter drop appears or changes.

The cursor remembers each quarter folder's signature (its files' names, sizes and
modification times); the run key is the quarter and that signature, so the same
drop never runs twice but a corrected re-drop does. It looks every
`SCORECARD_SENSOR_INTERVAL_SECONDS` (default 60) while the daemon runs.
"""

import json
import os

import dagster as dg

from pipeline.defs.jobs import scorecard_job
from pipeline.defs.partitions import QUARTERS
from pipeline.defs.resources import ScorecardPaths
from pipeline.extracts.discovery import complete_quarter_folders, folder_signature


@dg.sensor(
    job=scorecard_job,
    minimum_interval_seconds=int(os.environ.get("SCORECARD_SENSOR_INTERVAL_SECONDS", "60")),
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts a run for each new or changed complete quarter folder in the raw folder.",
)
def raw_quarter_folder_sensor(context: dg.SensorEvaluationContext, paths: ScorecardPaths):
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    known = set(context.instance.get_dynamic_partitions(QUARTERS.name))
    new_partitions, run_requests = [], []
    for key, folder in complete_quarter_folders(paths.raw_path).items():
        signature = folder_signature(folder)
        if seen.get(key) == signature:
            continue
        seen[key] = signature
        if key not in known:
            new_partitions.append(key)
        run_requests.append(dg.RunRequest(run_key=f"{key}:{signature}", partition_key=key))
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=(
            [QUARTERS.build_add_request(new_partitions)] if new_partitions else []
        ),
        cursor=json.dumps(seen, sort_keys=True),
    )
