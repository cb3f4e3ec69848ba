"""Ingest's memory handling: DuckDB's cap lowered while extracts load, and put back."""

import duckdb

from pipeline.extracts.ingest import releasing_memory


def _limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_ingest_lowers_duckdb_memory_to_512mb_and_restores_it():
    con = duckdb.connect(config={"memory_limit": "1GB"})
    before = _limit(con)
    with releasing_memory(con):
        # 512 MB = 512,000,000 bytes = 488.28 MiB, as DuckDB shows it.
        assert _limit(con) == "488.2 MiB"
    assert _limit(con) in (before, "953.5 MiB")  # 10^9 bytes = 953.67 MiB, shown rounded


def test_ingest_never_raises_a_lower_limit():
    con = duckdb.connect(config={"memory_limit": "256MB"})
    before = _limit(con)
    with releasing_memory(con):
        assert _limit(con) == before
    assert _limit(con) == before
