"""Fixtures of the service tests: a throwaway PostgreSQL, and the daemon and web server on it.

Everything started here is stopped by the fixtures' finalizers, also when a test
fails: the Dagster processes with SIGTERM (then SIGKILL to their process group),
PostgreSQL with `pg_ctl stop`, and the temporary folders are removed.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from .pgserver import PostgresServer, ServerUnavailable, free_port
from .services import REPO, DagsterService

DATABASE = "dagster"


@pytest.fixture(scope="session")
def postgres():
    try:
        server = PostgresServer().start()
    except ServerUnavailable as reason:
        pytest.skip(f"service tests need a PostgreSQL server: {reason}")
    try:
        server.create_database(DATABASE)
        yield server
    finally:
        server.stop()


@dataclass
class Deployment:
    """The service as docs/deploy.md sets it up, in a temporary folder."""

    dagster: DagsterService
    postgres: PostgresServer
    root: Path
    raw: Path
    marts: Path
    warehouse: Path

    @property
    def env(self) -> dict[str, str]:
        return self.dagster.env

    def drop_quarter(self, key: str) -> None:
        """Deliver a complete quarter folder the way docs/deploy.md says: copy, then rename."""
        incoming = self.root / "incoming" / key
        shutil.copytree(REPO / "data" / "raw" / key, incoming)
        incoming.rename(self.raw / key)

    def sql(self, query: str, *params) -> list[tuple]:
        connection = self.postgres.connect(DATABASE)
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def deployment(postgres):
    root = Path(tempfile.mkdtemp(prefix="scorecard-service-"))
    raw = root / "raw"
    raw.mkdir()
    shutil.copytree(REPO / "data" / "raw" / "reference", raw / "reference")
    (root / "incoming").mkdir()
    env = {
        **postgres.environment(DATABASE),
        "SCORECARD_RAW_DIR": str(raw),
        "SCORECARD_MARTS_DIR": str(root / "marts"),
        "SCORECARD_WAREHOUSE": str(root / "work" / "warehouse.duckdb"),
        # The sensor looks every 5 s here instead of every minute.
        "SCORECARD_SENSOR_INTERVAL_SECONDS": "5",
    }
    dagster = DagsterService(root / "dagster-home", env, free_port())
    try:
        dagster.start()
        yield Deployment(
            dagster=dagster,
            postgres=postgres,
            root=root,
            raw=raw,
            marts=root / "marts",
            warehouse=root / "work" / "warehouse.duckdb",
        )
    finally:
        dagster.stop()
        shutil.rmtree(root, ignore_errors=True)
