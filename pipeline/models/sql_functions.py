"""Python functions the SQL models call (registered as DuckDB UDFs)."""

from __future__ import annotations

import duckdb
from duckdb.sqltypes import BIGINT, VARCHAR
from num2words import num2words


def number_to_words(number: int | None) -> str | None:
    """7 -> 'seven', 21 -> 'twenty-one': the report spells a count that opens a sentence.

    num2words rather than inflect: inflect's runtime type checking costs over two
    seconds at import, which every run would pay.
    """
    if number is None:
        return None
    return num2words(int(number))


UDFS = {"number_to_words": (number_to_words, [BIGINT], VARCHAR)}


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Register every UDF on ``con``, replacing an earlier registration."""
    for name, (func, params, returns) in UDFS.items():
        try:
            con.remove_function(name)
        except (duckdb.InvalidInputException, duckdb.CatalogException):
            pass
        con.create_function(name, func, params, returns, null_handling="special")
