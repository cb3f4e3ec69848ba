"""Dagster's SQLite event log without a disk flush per event, while a run executes.

With no database server, a Dagster instance keeps its event log in SQLite files
(one per run, plus an index), and its storage opens a new connection for every
event, commits it and closes it: two or three transactions per asset event. Each
close of the last connection to a file makes SQLite checkpoint its write-ahead log
into the database and start a new log, and each commit waits for the disk; together
about 13 ms per event on the development machine, 2.6 s for the ~200 events of one
quarter (as many as the time the quarter's SQL takes).

`quick_event_log()` changes two things, for this process and only while the run
executes:

- every SQLite connection Dagster opens commits with ``synchronous=NORMAL``, the
  setting SQLite recommends for its write-ahead-log mode (which Dagster's files use):
  a commit is still atomic and survives this process crashing; only a power cut or
  an operating-system crash can lose the last events committed, never corrupt the
  log. The warehouse and the published marts are DuckDB files and are not affected;
- one idle connection is held to each event-log file the run touches, so that
  Dagster's connections are never the last one and SQLite checkpoints the log when
  the run ends instead of after every event;
- Dagster's SQLite storages build a new SQLAlchemy engine for every connection,
  and a new engine compiles every statement and adapts every column type afresh
  (0.4 s of a one-quarter run, by py-spy): one engine per database file is built
  and reused instead. Each connection is still opened, committed and closed as
  Dagster asks (the engines keep no pool of open connections).

Nothing else about the event log changes: the same events, in the same files, read
by the UI and by the command line's progress lines as before.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quick_event_log() -> Iterator[None]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    held: dict[str, sqlite3.Connection] = {}
    lock = threading.Lock()

    def on_connect(dbapi_connection, _record) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.execute("pragma synchronous=normal")
        path = dbapi_connection.execute("pragma database_list").fetchone()[2]
        if not path:
            return  # an in-memory database
        with lock:
            if path not in held:
                held[path] = sqlite3.connect(path, check_same_thread=False)
            # A read makes the held connection a reader of the write-ahead log, which
            # is what keeps Dagster's connection from being the last one. Repeated on
            # every connect: a new file is switched to WAL mode only after its first
            # connection opens.
            held[path].execute("select count(*) from sqlite_master").fetchall()

    event.listen(Engine, "connect", on_connect)
    try:
        with _engines_reused():
            yield
    finally:
        event.remove(Engine, "connect", on_connect)
        with lock:
            for connection in held.values():
                connection.close()  # the last one: SQLite checkpoints the log here, once
            held.clear()


# Where Dagster's SQLite storages call ``create_engine`` for each connection.
_STORAGE_MODULES = (
    "dagster._core.storage.event_log.sqlite.sqlite_event_log",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage",
)


@contextmanager
def _engines_reused() -> Iterator[None]:
    """Within the block, those modules get one engine per database URL and options.

    A module of another Dagster version without ``create_engine`` is left alone:
    the run is then as fast as Dagster makes it, and nothing else changes.
    """
    import importlib

    engines: dict[tuple[str, str], object] = {}
    lock = threading.Lock()
    patched = []
    for name in _STORAGE_MODULES:
        module = importlib.import_module(name)
        original = getattr(module, "create_engine", None)
        if original is None:
            continue

        def reused(url, *args, _original=original, **kwargs):
            key = (str(url), repr((args, sorted(kwargs.items(), key=lambda item: item[0]))))
            with lock:
                if key not in engines:
                    engines[key] = _original(url, *args, **kwargs)
                return engines[key]

        module.create_engine = reused
        patched.append((module, original))
    try:
        yield
    finally:
        for module, original in patched:
            module.create_engine = original
        for engine in engines.values():
            engine.dispose()
