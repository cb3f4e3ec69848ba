"""A throwaway PostgreSQL server for the service tests: temporary folder, loopback port.

PostgreSQL refuses to run as root, so when the tests run as root (CI containers)
the server runs as the unprivileged user `nobody`, which owns the temporary
folder. The server binaries come from Debian's packages
(`scripts/install-postgres.sh`, which `.ci/run` calls); `find_bin_dir` says why
not when they are missing, and the tests skip with that reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

UNPRIVILEGED_USER = "nobody"
SUPERUSER = "scorecard"


class ServerUnavailable(Exception):
    """PostgreSQL cannot be run here; the message says why."""


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL server's bin folder (Debian's layout)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("postgres") or shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise ServerUnavailable(
        "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/postgres, no "
        "postgres on PATH); scripts/install-postgres.sh installs them from Debian's packages"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl start in a fresh temporary folder; `stop()` removes everything."""

    def __init__(self, password: str = "service-test-password") -> None:
        self.bin_dir = find_bin_dir()
        self.password = password
        self.port = free_port()
        self.user = self._run_as()
        self.root = Path(tempfile.mkdtemp(prefix="scorecard-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.started = False

    @staticmethod
    def _run_as() -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam(UNPRIVILEGED_USER)
        except KeyError as error:
            raise ServerUnavailable(
                f"running as root and there is no user {UNPRIVILEGED_USER!r} to run "
                "PostgreSQL as (it refuses to run as root)"
            ) from error
        return UNPRIVILEGED_USER

    def _call(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            check=True,
            user=self.user,
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def start(self) -> PostgresServer:
        password_file = self.root / "pw"
        password_file.write_text(self.password + "\n")
        if self.user:
            entry = pwd.getpwnam(self.user)
            for path in (self.root, password_file):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.root.chmod(0o700)
        try:
            self._call(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                f"--pwfile={password_file}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            )
            password_file.unlink()
            self._call(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off",
                "start",
            )
        except subprocess.CalledProcessError as error:
            log = self.log.read_text() if self.log.exists() else ""
            self.stop()
            raise ServerUnavailable(
                f"PostgreSQL did not start: {error.stdout or ''}{log}".strip()
            ) from error
        self.started = True
        return self

    def create_database(self, name: str) -> None:
        self._call("createdb", "-h", str(self.root), "-p", str(self.port), "-U", SUPERUSER, name)

    def environment(self, database: str) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads its connection from."""
        return {
            "SCORECARD_PG_HOST": "127.0.0.1",
            "SCORECARD_PG_PORT": str(self.port),
            "SCORECARD_PG_DB": database,
            "SCORECARD_PG_USER": SUPERUSER,
            "SCORECARD_PG_PASSWORD": self.password,
        }

    def connect(self, database: str):
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1",
            port=self.port,
            dbname=database,
            user=SUPERUSER,
            password=self.password,
        )

    def stop(self) -> None:
        if self.started:
            try:
                self._call("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
