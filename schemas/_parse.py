"""Turning the text of an extract into the types its schema declares.

Extracts are read as text so that nothing is guessed. The schema's column dtypes
(``DateTime``, ``Int32``, ``Int64``, ``Decimal(18, 6)``, ``boolean``, ``str``)
decide how each column is parsed; a cell that cannot be parsed becomes a fault
naming its row and column and is set blank, so later checks see no noise.
All conversions are vectorised: extracts reach millions of rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from schemas._common import TEXT, as_text, on_uniques, python_values

Kind = Literal["text", "date", "integer", "bigint", "decimal", "boolean"]
FAULT_COLUMNS = ["row_number", "column", "value", "rule"]

THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$"
DECIMAL_TEXT = r"^[+-]?(?:\d{1,12}(?:\.\d{0,6})?|\.\d{1,6})$"
INT_BOUNDS = {"integer": 2**31 - 1, "bigint": 2**53}
FORMAT_WORDS = {"%d/%m/%Y": "dd/mm/yyyy", "%Y-%m-%d": "yyyy-mm-dd"}
BOOLEANS = {"true": True, "false": False}


def column_kinds(model: type[pa.DataFrameModel]) -> dict[str, Kind]:
    """Each column of ``model`` and how its text is parsed, from the declared dtype."""
    kinds: dict[str, Kind] = {}
    for name, column in model.to_schema().columns.items():
        dtype = str(column.dtype)
        if dtype.startswith("datetime64"):
            kinds[name] = "date"
        elif dtype == "Int32":
            kinds[name] = "integer"
        elif dtype == "Int64":
            kinds[name] = "bigint"
        elif isinstance(column.dtype, pandas_engine.Decimal):
            kinds[name] = "decimal"
        elif dtype == "boolean":
            kinds[name] = "boolean"
        else:
            kinds[name] = "text"
    return kinds


def _plain_number(text: pd.Series) -> pd.Series:
    """Drop thousands separators (``1,234`` → ``1234``) where the grouping is regular."""
    grouped = text.str.fullmatch(THOUSANDS, na=False).astype(bool)
    return text.where(~grouped, text.str.replace(",", "", regex=False))


def _parse_date(text: pd.Series, date_format: str) -> pd.Series:
    return pd.to_datetime(text, format=date_format, errors="coerce")


def _parse_int(text: pd.Series, kind: Kind) -> pd.Series:
    number = pd.to_numeric(_plain_number(text), errors="coerce")
    whole = (number % 1 == 0) & (number.abs() <= INT_BOUNDS[kind])
    dtype = "Int32" if kind == "integer" else "Int64"
    return number.where(whole).astype("float64").round().astype(dtype)


def _parse_decimal(text: pd.Series) -> pd.Series:
    plain = _plain_number(text).str.replace(r"(\.\d*?)0+$", r"\1", regex=True)
    plain = plain.str.replace(r"\.$", "", regex=True)
    good = plain.str.fullmatch(DECIMAL_TEXT, na=False).astype(bool)
    values = np.full(len(text), None, dtype=object)
    values[good.to_numpy()] = [Decimal(value) for value in plain[good]]
    return pd.Series(values, index=text.index, dtype="object")


def _parse_boolean(text: pd.Series) -> pd.Series:
    return text.str.lower().map(BOOLEANS).astype("boolean")


def _rule(column: str, kind: Kind, date_format: str) -> str:
    if kind == "date":
        written = FORMAT_WORDS.get(date_format, date_format)
        return f"{column} is not a real date written as {written}"
    if kind in ("integer", "bigint"):
        return f"{column} is not a whole number"
    if kind == "decimal":
        return f"{column} is not a number (up to 12 digits, at most 6 decimal places)"
    return f"{column} is not true or false"


def parse_column(text: pd.Series, kind: Kind, date_format: str) -> pd.Series:
    """``text`` (``TEXT``) as the pandas type of ``kind``; unparseable cells blank."""
    if kind == "text":
        return as_text(text)
    return on_uniques(text, lambda distinct: _parse_distinct(distinct, kind, date_format))


def _parse_distinct(text: pd.Series, kind: Kind, date_format: str) -> pd.Series:
    if kind == "date":
        return _parse_date(text, date_format)
    if kind in ("integer", "bigint"):
        return _parse_int(text, kind)
    if kind == "decimal":
        return _parse_decimal(text)
    return _parse_boolean(text)


def parse_frame(
    text: pd.DataFrame, model: type[pa.DataFrameModel], date_format: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The typed frame and the type faults (row_number, column, value, rule) of ``text``."""
    typed: dict[str, pd.Series] = {}
    faults: list[pd.DataFrame] = []
    for column, kind in column_kinds(model).items():
        if column in text:
            source = as_text(text[column])
        else:
            source = pd.Series(None, index=text.index, dtype=TEXT)
        typed[column] = parse_column(source, kind, date_format)
        if kind == "text":  # text is not parsed, so it holds no type fault
            continue
        bad = source.notna() & typed[column].isna()
        if bad.any():
            faults.append(
                pd.DataFrame(
                    {
                        "row_number": source.index[bad],
                        "column": column,
                        "value": python_values(source[bad]),
                        "rule": _rule(column, kind, date_format),
                    }
                )
            )
    frame = pd.DataFrame(typed, index=text.index, copy=False)  # no copy of the columns
    found = pd.concat(faults, ignore_index=True) if faults else pd.DataFrame(columns=FAULT_COLUMNS)
    return frame, found
