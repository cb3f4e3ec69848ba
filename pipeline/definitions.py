"""The Dagster entry point: every asset, check, job, schedule and sensor of the scorecard.

`dg dev`, `dagster dev -w workspace.yaml` and the service load `defs` from here,
which loads the `pipeline/defs/` folder the way current Dagster projects do. The
`scorecard` command builds the same definitions with the paths it was given.
"""

from __future__ import annotations

from functools import cache

import dagster as dg

from pipeline.core.settings import REPO_ROOT


@cache
def load_definitions() -> dg.Definitions:
    """Every definition under `pipeline/defs/`, with the deployment's resources.

    Loaded once per process: the folder's modules are imported once anyway, and
    `build_definitions` only swaps the resources for the paths it is given.
    """
    return dg.load_from_defs_folder(path_within_project=REPO_ROOT)


def build_definitions(
    raw_dir: str | None = None,
    marts_dir: str | None = None,
    warehouse: str | None = None,
) -> dg.Definitions:
    """The same definitions with these folders (unset ones from the environment)."""
    from pipeline.defs.resources import build_resources

    loaded = load_definitions()
    return dg.Definitions(
        assets=loaded.assets,
        asset_checks=loaded.asset_checks,
        jobs=loaded.jobs,
        schedules=loaded.schedules,
        sensors=loaded.sensors,
        resources=build_resources(raw_dir, marts_dir, warehouse),
        executor=loaded.executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return load_definitions()
