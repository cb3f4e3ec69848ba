"""Shared pieces of the extract schemas: rules, code lists and vectorised checks.

Every check in a schema module has an entry in that module's ``RULES`` table
saying how bad a failure is (``error`` blocks the quarter, ``warning``
quarantines the row) and which column a row-level failure is reported against,
so that a performance officer is pointed at the cell to fix.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pandera import dtypes
from pandera.engines import pandas_engine

Severity = Literal["error", "warning"]
# How an extract's text cells are held: Arrow strings, not one Python object per
# cell. DuckDB hands its reader's result over as Arrow without copying, and
# pandas' string methods, isin and factorize run in Arrow's C++ on it; object
# columns cost seconds per million rows to build and to hash.
TEXT = pd.StringDtype("pyarrow")
CODES_DIR = Path(__file__).parent / "codes"

# Why a failure is an error: a quarantined row in a file that indicators count
# from would silently change a published number, so such faults block the quarter.
BLOCKS: Severity = "error"
# Why a failure is only a warning: the row feeds no count (commentary text, a
# comparison benchmark), so dropping it after reporting it changes no figure.
QUARANTINES: Severity = "warning"


@pandas_engine.Engine.register_dtype
@dtypes.immutable(init=True)
class Measure(pandas_engine.Decimal):
    """A measure held exactly as DECIMAL(18,6): ``decimal.Decimal`` values in pandas.

    pandera's own Decimal check fails on an all-blank column (its result loses
    the index), which a VALUE-only manual return produces, hence this subclass.
    """

    precision: int = 18
    scale: int = 6

    def check(self, pandera_dtype: dtypes.DataType, data_container: pd.Series | None = None):
        if data_container is not None and bool(data_container.isna().all()):
            return pd.Series(True, index=data_container.index)
        return super().check(pandera_dtype, data_container)


@pandas_engine.Engine.register_dtype
@dtypes.immutable
class Text(pandas_engine.NpString):
    """Text cells (``str`` or None) in an object column.

    pandera's ``str`` dtype tests every cell with ``isinstance`` (seconds per
    million rows); the parser already produced text, so the column dtype suffices.
    """

    def check(self, pandera_dtype: dtypes.DataType, data_container: pd.Series | None = None):
        return str(pandera_dtype) in ("str", "object", "string[pyarrow]")


def as_text(series: pd.Series) -> pd.Series:
    """``series`` as ``TEXT`` (a no-op when it already is)."""
    if series.dtype == TEXT:
        return series
    return series.astype(object).where(series.notna(), None).astype(TEXT)


def python_values(series: pd.Series) -> np.ndarray:
    """The cells of a (small) selection as Python values, blank as None."""
    values = series.to_numpy(dtype=object)
    values[pd.isna(values)] = None
    return values


_FACTORIZED: dict[int, tuple[object, tuple[np.ndarray, object]]] = {}
FACTORIZED_KEPT = 8


def factorized(series: pd.Series) -> tuple[np.ndarray, object]:
    """``pd.factorize(series)`` (codes, -1 for blank; distinct values), computed once a column.

    A file's ID column is parsed, checked for case variants, looked up in the
    header's IDs and checked for repeats: each would hash its million cells
    again. The answer is kept for the last few columns, by the identity of the
    column's array (held here, so that identity cannot be reused meanwhile).
    """
    array = series.array
    kept = _FACTORIZED.get(id(array))
    if kept is not None and kept[0] is array:
        return kept[1]
    answer = pd.factorize(series, use_na_sentinel=True)
    if len(_FACTORIZED) >= FACTORIZED_KEPT:
        _FACTORIZED.pop(next(iter(_FACTORIZED)))
    _FACTORIZED[id(array)] = (array, answer)
    return answer


def forget_factorized() -> None:
    """Drop the columns ``factorized`` keeps: a file's validation is over."""
    _FACTORIZED.clear()


def forget_id_lookups() -> None:
    """Drop the lookup tables built for ID sets: the run's extracts are all checked."""
    _set_array.cache_clear()


def on_uniques(series: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``transform`` applied to the distinct values only, then spread back to every row.

    Extracts repeat the same codes, dates and IDs many times, so this turns
    per-value Python work into per-distinct-value work.
    """
    codes, uniques = factorized(series)
    done = transform(pd.Series(uniques, dtype=object)).array
    spread = pd.Series(done.take(codes, allow_fill=True), index=series.index)
    if spread.dtype == object:
        spread = spread.where(spread.notna(), None)
    return spread


@dataclass(frozen=True)
class Rule:
    """How a failed check is reported: its severity and the column to blame."""

    severity: Severity
    column: str | None = None
    why: str = ""


@cache
def codes(name: str) -> frozenset[str]:
    """The ``code`` column of ``schemas/codes/<name>.csv``: the one copy of a code list."""
    with (CODES_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return frozenset(row["code"].strip() for row in csv.DictReader(handle))


def is_in(series: pd.Series, allowed: frozenset[str] | tuple[str, ...]) -> pd.Series:
    """True where the value is one of ``allowed`` (blank values pass: see nullability)."""
    return series.isna() | series.isin(list(allowed))


def not_before(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """True unless both dates are present and ``later`` falls before ``earlier``."""
    return ~(later < earlier).fillna(False).astype(bool)


def unique_key(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """True for rows whose key occurs once; every copy of a repeated key fails.

    All copies fail because the pipeline cannot know which one is right. The
    key's columns are combined as their factorize codes (blank is a value of its
    own, as ``DataFrame.duplicated`` treats it), so the columns are hashed once.
    """
    key, span = np.zeros(len(frame), dtype=np.int64), 1
    for column in columns:
        codes, distinct = factorized(frame[column])
        if span * (len(distinct) + 1) >= 2**62:  # renumber the key so far before it overflows
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max()) + 1
        key, span = key * (len(distinct) + 1) + (codes + 1), span * (len(distinct) + 1)
    repeated = pd.Series(key, index=frame.index).duplicated(keep=False)
    return ~repeated


def no_case_variants(series: pd.Series) -> pd.Series:
    """True unless the ID has another spelling in the file differing only in letter case."""
    # Each distinct spelling is lowered once, in Arrow (no Python string per ID);
    # rows find theirs by factorize code.
    codes, spellings = factorized(series)
    lowered = pd.Series(pd.array(spellings, dtype=TEXT)).str.lower()
    clashing = lowered.duplicated(keep=False).to_numpy()
    passed = np.ones(len(series), dtype=bool)
    present = codes >= 0  # blank IDs pass, as ~isin did
    passed[present] = ~clashing[codes[present]]
    return pd.Series(passed, index=series.index, name=series.name)


def known_or_unchecked(series: pd.Series, known: frozenset[str] | None) -> pd.Series:
    """True where the value is in ``known``; everything passes when nothing is known yet."""
    if known is None:
        return pd.Series(True, index=series.index)
    return series.isna() | _isin_known(series, known)


def exact_match_elsewhere(series: pd.Series, known: frozenset[str] | None) -> pd.Series:
    """False where the ID is absent from ``known`` but matches one of it ignoring case."""
    if not known:
        return pd.Series(True, index=series.index)
    unknown = pd.Series(series[~_isin_known(series, known)].dropna().unique(), dtype=object)
    if len(unknown):
        import pyarrow as pa
        import pyarrow.compute as pc

        lowered = pc.utf8_lower(pa.array(unknown, type=pa.large_string()))
        clashing = unknown[
            pc.is_in(lowered, value_set=_lowered(known)).to_numpy(zero_copy_only=False)
        ]
    else:  # every ID is known: nothing can clash, so skip lowering all of ``known``
        clashing = unknown
    return ~series.isin(clashing)


def _isin_known(series: pd.Series, known: frozenset[str]) -> pd.Series:
    """``series.isin(known)``, each distinct ID looked up once, in Arrow.

    The ID sets of a quarter hold up to millions of IDs and several checks of
    several files look them up: each set becomes an Arrow array once (kept for
    the last few sets), and Arrow's ``is_in`` hashes it in C++, where a pandas
    index of Python strings cost seconds per quarter at scale.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, distinct = factorized(series)
    if not hasattr(distinct, "__arrow_array__"):  # an object frame's (a test's, a script's)
        distinct = np.asarray(distinct, dtype=object)
    values = pa.array(distinct, type=pa.large_string(), from_pandas=True)
    hit = pc.is_in(values, value_set=_id_array(known)).to_numpy(zero_copy_only=False)
    found = np.zeros(len(series), dtype=bool)
    present = codes >= 0
    found[present] = hit[codes[present]]
    return pd.Series(found, index=series.index, name=series.name)


def _id_array(known: frozenset[str]):
    """``known`` as an Arrow array: an ``IdSet`` holds one; a plain set is converted."""
    arrow = getattr(known, "arrow", None)
    return arrow if arrow is not None else _set_array(known)


def _lowered(known: frozenset[str]):
    """``known`` in lower case, as an Arrow array."""
    lowered = getattr(known, "lowered", None)
    if lowered is not None:
        return lowered()
    import pyarrow.compute as pc

    return pc.utf8_lower(_set_array(known))


@lru_cache(maxsize=2)  # a frozenset hashes once; the same set is found by identity
def _set_array(known: frozenset[str]):
    import pyarrow as pa

    return pa.array(list(known), type=pa.large_string())


def as_float(series: pd.Series) -> pd.Series:
    """Decimal measures as floats, for sign and range checks only (never for values)."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def not_after_quarter_end(dates: pd.Series) -> pd.Series:
    """True where the date is blank or on or before the quarter's last day (when known).

    An extract is taken as at the quarter's end, so a later date is a typo (2012 for
    2021), a wrong century, or the extract of another quarter in this folder.
    """
    from schemas.context import current_context

    end = current_context().quarter_end
    if end is None:
        return pd.Series(True, index=dates.index)
    return dates.isna() | (dates <= pd.Timestamp(end))


def quarter_end_check(column: str, meaning: str):
    """The pandera check that ``column`` (``meaning`` in words) is not after the quarter."""
    import pandera.pandas as pa

    @pa.check(
        column,
        name=f"{column}_not_after_quarter_end",
        error=f"{column} ({meaning}) is after the end of the quarter the extract is for",
    )
    def check(cls, dates: pd.Series) -> pd.Series:
        return not_after_quarter_end(dates)

    return check
