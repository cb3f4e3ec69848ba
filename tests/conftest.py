"""What several test files share: the shipped sample, run once through Dagster.

Running the sample's 17 quarters takes most of a minute, so it happens once per
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
    # Not entered as a context manager: entering sets Dagster's current-instance context
    # variable, which the module-scoped instances of other test files would then unwind
    # out of order (and later loads would find a disposed instance there).
    (base / "dagster").mkdir()
    instance = dg.DagsterInstance.local_temp(str(base / "dagster"))
    try:
        outcome = run_quarters(
            raw_dir=SAMPLE,
            marts_dir=marts,
            warehouse=str(warehouse),
            instance=instance,
            echo=lambda line: None,
        )
        assert outcome.ok, outcome.errors
        yield SampleRun(base, SAMPLE, marts, warehouse, instance, outcome)
    finally:
        instance.dispose()


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


@pytest.fixture(autouse=True)
def _no_instance_left_current():
    """Each test starts with no Dagster instance left 'current' by an earlier one.

    Dagster keeps the current instance's definitions-state storage in a context
    variable; a test that leaves it pointing at a disposed temporary instance
    makes the next definitions load in the same process fail ("undefined
    DagsterInstance weakref"), which a real `scorecard` process never meets.
    """
    from dagster._core.storage.defs_state.base import _current_storage

    _current_storage.set(None)
    yield
