"""Publishing swaps whole files: an open reader keeps its version and never blocks a run."""

import duckdb
import pytest

from pipeline.core.contract import load_contract
from pipeline.core.settings import MART_TABLES
from pipeline.publish.marts import clean_stale_staging, publish_marts


def _warehouse(version: int) -> duckdb.DuckDBPyConnection:
    """Every mart in the contract's shape, one row whose first column says `v<version>`."""
    con = duckdb.connect()
    for table in MART_TABLES:
        first, *rest = load_contract().tables[table].columns
        columns = [f"'v{version}'::{first.type} as {first.name}"]
        columns += [f"null::{column.type} as {column.name}" for column in rest]
        con.execute(f"create table {table} as select {', '.join(columns)}")
    return con


def test_publish_writes_database_and_parquet(tmp_path):
    published = publish_marts(_warehouse(1), tmp_path)
    assert published.database == tmp_path / "scorecard.duckdb"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["scorecard.duckdb", *(f"{t}.parquet" for t in MART_TABLES)]
    )
    assert published.row_counts == dict.fromkeys(MART_TABLES, 1)


def test_an_open_reader_keeps_the_old_version_and_does_not_block(tmp_path):
    publish_marts(_warehouse(1), tmp_path)
    reader = duckdb.connect(str(tmp_path / "scorecard.duckdb"), read_only=True)
    try:
        # must not raise although the file is open (v2 replaces v1: allowed to drop it)
        publish_marts(_warehouse(2), tmp_path, drop_quarters=["v1"])
        assert reader.execute("select quarter_key from fct_indicator_quarter").fetchone() == ("v1",)
    finally:
        reader.close()
    fresh = duckdb.connect(str(tmp_path / "scorecard.duckdb"), read_only=True)
    assert fresh.execute("select quarter_key from fct_indicator_quarter").fetchone() == ("v2",)
    fresh.close()
    parquet = tmp_path / "fct_indicator_quarter.parquet"
    assert duckdb.sql(f"select quarter_key from read_parquet('{parquet}')").fetchall() == [("v2",)]


def test_a_failed_publish_leaves_the_previous_files(tmp_path):
    publish_marts(_warehouse(1), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    broken = _warehouse(2)
    broken.execute("drop table mart_rag_summary")
    with pytest.raises(duckdb.Error):
        publish_marts(broken, tmp_path, drop_quarters=["v1"])
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before


def test_leftovers_of_a_killed_publish_are_cleaned(tmp_path):
    (tmp_path / ".publishing-dead").mkdir()
    (tmp_path / ".publishing-dead" / "scorecard.duckdb").write_bytes(b"half")
    clean_stale_staging(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_publishing_that_would_drop_a_published_quarter_is_refused(tmp_path):
    from pipeline.publish.history import HistoryError

    publish_marts(_warehouse(1), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(HistoryError, match="Publishing would drop v1 from the published marts"):
        publish_marts(_warehouse(2), tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
