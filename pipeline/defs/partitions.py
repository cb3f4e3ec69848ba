"""The quarter partitions every asset shares.

Dynamic partitions keyed by the quarter key (`2021-22-Q2`), so people see the
council's own name for a period in the UI. A partition is added when a quarter's
drop is found in the raw folder (by the sensor, the schedule or `scorecard run`),
always in time order so that a backfill range means what it says.
"""

from __future__ import annotations

import warnings

import dagster as dg

from pipeline.core.periods import sort_keys

# Single-run backfills are marked beta; we rely on them deliberately (one set-based
# SQL statement per model for a whole range of quarters).
warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

QUARTERS = dg.DynamicPartitionsDefinition(name="quarter")

SINGLE_RUN = dg.BackfillPolicy.single_run()


def register_quarters(instance: dg.DagsterInstance, keys: list[str]) -> None:
    """Add any quarters the instance does not know yet, keeping the partitions in time order.

    Dynamic partitions are ordered by when they were added, and a backfill range
    follows that order. When an older quarter arrives after newer ones (or an
    instance was left out of order), the partitions after the first misplaced one
    are re-added in order (their materialisation history is kept: it lives in the
    event log, keyed by partition key).
    """
    known = list(instance.get_dynamic_partitions(QUARTERS.name))
    wanted = sort_keys(set(known) | set(keys))
    if known == wanted:
        return
    keep = 0
    while keep < len(known) and known[keep] == wanted[keep]:
        keep += 1
    for key in known[keep:]:
        instance.delete_dynamic_partition(QUARTERS.name, key)
    instance.add_dynamic_partitions(QUARTERS.name, wanted[keep:])


def run_quarter_keys(context: dg.AssetExecutionContext) -> list[str]:
    """The quarters a run covers; none when it materialises only unpartitioned assets.

    A step that mixes quarter-partitioned assets with unpartitioned ones (the
    reference extracts, the staging views) sees the run's partitions only when
    the run has them.
    """
    if context.has_partition_key_range or context.has_partition_key:
        return list(context.partition_keys)
    return []
