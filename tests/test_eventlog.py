"""The quick event log of `scorecard run`: no disk flush per event, nothing else changed."""

import sqlite3

import sqlalchemy as sa

from pipeline.cli.eventlog import quick_event_log

# SQLite's `pragma synchronous` values (sqlite.org/pragma.html#pragma_synchronous).
FULL, NORMAL = 2, 1


def _engine(path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    with engine.begin() as con:
        con.exec_driver_sql("pragma journal_mode=wal")
        con.exec_driver_sql("create table if not exists events (n integer)")
    return engine


def test_inside_a_run_commits_are_normal_and_the_log_is_not_checkpointed_per_event(tmp_path):
    engine = _engine(tmp_path / "run.db")
    with quick_event_log():
        for n in range(3):
            with engine.begin() as con:
                assert con.exec_driver_sql("pragma synchronous").scalar() == NORMAL
                con.exec_driver_sql("insert into events values (?)", (n,))
        # Dagster's connections were never the last one: the write-ahead log is still
        # there, holding the three events (SQLite removes it when the last one closes).
        assert (tmp_path / "run.db-wal").exists()
    # After the run, the held connection is closed: the log is checkpointed into the
    # database once, and the events are all there.
    assert not (tmp_path / "run.db-wal").exists()
    with sqlite3.connect(tmp_path / "run.db") as con:
        assert con.execute("select n from events order by n").fetchall() == [(0,), (1,), (2,)]


def test_outside_a_run_nothing_changes(tmp_path):
    engine = _engine(tmp_path / "other.db")
    with quick_event_log():
        pass
    with engine.begin() as con:
        assert con.exec_driver_sql("pragma synchronous").scalar() == FULL


def test_inside_a_run_dagster_storage_reuses_one_engine_per_database(tmp_path):
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    url = f"sqlite:///{tmp_path / 'index.db'}"
    with quick_event_log():
        first = sqlite_event_log.create_engine(url, poolclass=sa.pool.NullPool)
        again = sqlite_event_log.create_engine(url, poolclass=sa.pool.NullPool)
        other = sqlite_event_log.create_engine(
            f"sqlite:///{tmp_path / 'run.db'}", poolclass=sa.pool.NullPool
        )
        assert first is again and other is not first
        with first.begin() as con:  # a connection of the reused engine still commits
            con.exec_driver_sql("create table t (n integer)")
    # After the run, Dagster's own create_engine is back: a new engine per call.
    assert sqlite_event_log.create_engine(url) is not sqlite_event_log.create_engine(url)
