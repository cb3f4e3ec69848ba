"""What several test files share: the shipped sample, run once through Dagster.

Running the sample's 16 quarters takes most of a minute, so it happens once per
test session (`sample_history`); tests that only read its marts, warehouse or
Dagster instance use it as it is, and a test that changes what it was given
works on a copy (`copy_of_run`), never on the shared run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import dagster as dg
import pytest

from pipeline.cli.run import RunOutcome, run_quarters

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "raw"


@dataclass(frozen=True)
class SampleRun:
    """A finished run: its raw folder, published marts, working warehouse and instance."""

    base: Path
    raw: Path
    marts: Path
    warehouse: Path
    instance: dg.DagsterInstance
    outcome: RunOutcome


@pytest.fixture(scope="session")
def sample_history(tmp_path_factory) -> Iterator[SampleRun]:
    """Every sample quarter run once, as `scorecard run` does; read it, never change it."""
    base = tmp_path_factory.mktemp("sample_history")
    marts, warehouse = base / "marts", base / "work" / "warehouse.duckdb"
    with dg.instance_for_test() as instance:
        outcome = run_quarters(
            raw_dir=SAMPLE,
            marts_dir=marts,
            warehouse=str(warehouse),
            instance=instance,
            echo=lambda line: None,
        )
        assert outcome.ok, outcome.errors
        yield SampleRun(base, SAMPLE, marts, warehouse, instance, outcome)


def copy_of_run(run: SampleRun, folder: Path) -> SampleRun:
    """The run's raw folder, marts and warehouse copied into `folder`, for a test to change."""
    shutil.copytree(run.raw, folder / "raw")
    shutil.copytree(run.marts, folder / "marts")
    shutil.copytree(run.warehouse.parent, folder / "work")
    return replace(
        run,
        base=folder,
        raw=folder / "raw",
        marts=folder / "marts",
        warehouse=folder / "work" / run.warehouse.name,
    )
