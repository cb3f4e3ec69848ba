"""The cross-file facts a schema check may need, and how checks reach them.

Pandera checks are class methods with fixed arguments, so the validation run
publishes the context in a ``ContextVar`` for the checks to read. A fact that is
``None`` is unknown (e.g. the catalogue was not loaded yet) and its checks pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import pandas as pd
from pandas.api.types import infer_dtype


@dataclass(frozen=True)
class Indicator:
    """What the manual-return checks need to know about a catalogue entry."""

    unit: str
    decimals: int
    source: str | None = None  # computed or manual; None when not known


@dataclass(frozen=True)
class ValidationContext:
    """Facts from other extracts: the catalogue and this quarter's child IDs."""

    indicators: Mapping[str, Indicator] | None = None
    header_children: frozenset[str] | None = None
    id_sets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The last day of the quarter a quarter extract is for: no date in it can be later.
    quarter_end: dt.date | None = None
    # The quarter's header DOB by CHILD, read only when a check asks (``header_dobs``).
    dob_loader: Callable[[], pd.Series] | None = field(default=None, compare=False)

    def header_dobs(self) -> pd.Series | None:
        """The header file's DOB indexed by CHILD, or None when the header is not loaded."""
        if self.dob_loader is None:
            return None
        cache = _DOBS.get(id(self.dob_loader))
        if cache is None or cache[0] is not self.dob_loader:
            _DOBS.clear()
            cache = _DOBS[id(self.dob_loader)] = (self.dob_loader, self.dob_loader())
        return cache[1]

    def for_quarter(self, end: dt.date, dobs: Callable[[], pd.Series] | None) -> ValidationContext:
        """A copy that knows the quarter's last day and how to read the header's DOBs."""
        return replace(self, quarter_end=end, dob_loader=dobs)

    @property
    def indicator_codes(self) -> frozenset[str] | None:
        """The catalogue's codes, or None when the catalogue is unknown."""
        return None if self.indicators is None else frozenset(self.indicators)

    def with_indicators(self, frame: pd.DataFrame) -> ValidationContext:
        """A copy that knows the catalogue given as rows of ``indicators``."""
        frame = frame if "SOURCE" in frame.columns else frame.assign(SOURCE=None)
        rows = frame[["CODE", "UNIT", "DECIMALS", "SOURCE"]].dropna(subset=["CODE"])
        catalogue = {
            code: Indicator(
                str(unit),
                int(decimals) if pd.notna(decimals) else 0,
                str(source) if pd.notna(source) else None,
            )
            for code, unit, decimals, source in rows.itertuples(index=False)
        }
        return replace(self, indicators=MappingProxyType(catalogue))

    def with_ids(self, extract: str, column: str, values: pd.Series) -> ValidationContext:
        """A copy that knows the IDs of ``extract`` (for missing-header and case checks)."""
        ids = _id_set(values)
        if isinstance(self.id_sets, _LazyIdSets):
            sets = self.id_sets.adding({f"{extract}.{column}": ids}, {})
        else:
            sets = MappingProxyType({**self.id_sets, f"{extract}.{column}": ids})
        children = ids if extract == "header" else self.header_children
        return replace(self, id_sets=sets, header_children=children)

    def with_ids_from(
        self, extract: str, column: str, load: Callable[[], pd.Series | frozenset[str]]
    ) -> ValidationContext:
        """``with_ids(extract, column, load())``, calling ``load`` only if a check asks.

        Most files' checks need no ID set, and reading one from the warehouse
        costs a query and a set of up to millions of IDs per file validated.
        """
        if extract == "header":  # header_children is a plain field: read it now
            return self.with_ids(extract, column, load())
        key = f"{extract}.{column}"
        if isinstance(self.id_sets, _LazyIdSets):
            sets = self.id_sets.adding({}, {key: load})
        else:
            sets = _LazyIdSets(self.id_sets, {key: load})
        return replace(self, id_sets=sets)

    def ids(self, extract: str, column: str) -> frozenset[str] | None:
        """The known IDs of ``extract``.``column``, or None when not loaded."""
        return self.id_sets.get(f"{extract}.{column}")


def _id_set(values: pd.Series | frozenset[str]) -> frozenset[str]:
    if isinstance(values, frozenset):
        return values
    cells = values.to_numpy(dtype=object)
    if infer_dtype(cells, skipna=False) == "string":  # all text, none blank: as it is
        return frozenset(cells)
    return frozenset(values.dropna().astype(str))


class _LazyIdSets(Mapping[str, frozenset[str]]):
    """ID sets by ``extract.column``, some read (once) only when first looked up."""

    def __init__(
        self,
        known: Mapping[str, frozenset[str]],
        pending: Mapping[str, Callable[[], pd.Series | frozenset[str]]],
    ) -> None:
        self._known = {key: ids for key, ids in known.items() if key not in pending}
        self._pending = dict(pending)

    def adding(
        self,
        known: Mapping[str, frozenset[str]],
        pending: Mapping[str, Callable[[], pd.Series | frozenset[str]]],
    ) -> _LazyIdSets:
        """A copy with more sets (a later set of the same key replaces the earlier)."""
        loads = {k: v for k, v in self._pending.items() if k not in self._known and k not in known}
        sets = {k: v for k, v in self._known.items() if k not in pending}
        return _LazyIdSets({**sets, **known}, {**loads, **pending})

    def __getitem__(self, key: str) -> frozenset[str]:
        if key not in self._known:
            self._known[key] = _id_set(self._pending[key]())
        return self._known[key]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._known, *self._pending]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._known, *self._pending]))


_DOBS: dict[int, tuple[Callable[[], pd.Series], pd.Series]] = {}


def forget_header_dobs() -> None:
    """Drop the header DOBs kept for the last quarter validated."""
    _DOBS.clear()


_CURRENT: ContextVar[ValidationContext] = ContextVar("validation_context")


def current_context() -> ValidationContext:
    """The context of the validation now running (empty when none was given)."""
    return _CURRENT.get(ValidationContext())


@contextmanager
def using_context(context: ValidationContext | None) -> Iterator[None]:
    """Make ``context`` visible to schema checks for the duration of a validation."""
    token = _CURRENT.set(context or ValidationContext())
    try:
        yield
    finally:
        _CURRENT.reset(token)
