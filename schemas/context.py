"""The cross-file facts a schema check may need, and how checks reach them.

Pandera checks are class methods with fixed arguments, so the validation run
publishes the context in a ``ContextVar`` for the checks to read. A fact that is
``None`` is unknown (e.g. the catalogue was not loaded yet) and its checks pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


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
    header_children: AbstractSet[str] | None = None
    id_sets: Mapping[str, AbstractSet[str]] = field(default_factory=dict)
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
        self, extract: str, column: str, load: Callable[[], pd.Series | AbstractSet[str]]
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

    def ids(self, extract: str, column: str) -> AbstractSet[str] | None:
        """The known IDs of ``extract``.``column``, or None when not loaded."""
        return self.id_sets.get(f"{extract}.{column}")


class IdSet(AbstractSet[str]):
    """The distinct IDs of an extract's column, held as one Arrow array.

    A quarter's ID sets hold up to millions of IDs at scale. As Python strings
    in a frozenset they took seconds to build and, made and freed quarter after
    quarter, left the process's memory fragmented (hundreds of MB at x330); as
    Arrow they come straight from DuckDB and are looked up by Arrow's ``is_in``
    (``schemas._common``). It is still a read-only set for whoever asks one
    thing (``in``, ``len``, iteration), at Python's speed.
    """

    __slots__ = ("arrow", "_lowered")

    def __init__(self, values: pa.Array | pa.ChunkedArray) -> None:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        values = pc.unique(values.drop_null().cast(pa.large_string()))
        self.arrow: pa.Array = values
        self._lowered: pa.Array | None = None

    @classmethod
    def of(cls, values: pd.Series | Iterable[str]) -> IdSet:
        """The distinct text of ``values`` (blanks left out)."""
        if isinstance(values, pd.Series):
            values = values.dropna().astype(str)
            return cls(pa.array(values, type=pa.large_string(), from_pandas=True))
        return cls(pa.array([str(value) for value in values], type=pa.large_string()))

    def lowered(self) -> pa.Array:
        """The IDs in lower case (made once), for the letter-case checks."""
        if self._lowered is None:
            self._lowered = pc.utf8_lower(self.arrow)
        return self._lowered

    def __contains__(self, value: object) -> bool:
        probe = pa.array([value], type=pa.large_string()) if isinstance(value, str) else None
        return probe is not None and bool(pc.is_in(probe, value_set=self.arrow)[0].as_py())

    def __iter__(self) -> Iterator[str]:
        return iter(self.arrow.to_pylist())

    def __len__(self) -> int:
        return len(self.arrow)

    __hash__ = object.__hash__  # one set is one object, as the lookups' caches expect

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, AbstractSet) and set(self) == set(other))


def _id_set(values: pd.Series | pa.Array | AbstractSet[str]) -> AbstractSet[str]:
    if isinstance(values, AbstractSet):
        return values
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return IdSet(values)
    return IdSet.of(values)


class _LazyIdSets(Mapping[str, AbstractSet[str]]):
    """ID sets by ``extract.column``, some read (once) only when first looked up."""

    def __init__(
        self,
        known: Mapping[str, AbstractSet[str]],
        pending: Mapping[str, Callable[[], pd.Series | AbstractSet[str]]],
    ) -> None:
        self._known = {key: ids for key, ids in known.items() if key not in pending}
        self._pending = dict(pending)

    def adding(
        self,
        known: Mapping[str, AbstractSet[str]],
        pending: Mapping[str, Callable[[], pd.Series | AbstractSet[str]]],
    ) -> _LazyIdSets:
        """A copy with more sets (a later set of the same key replaces the earlier)."""
        loads = {k: v for k, v in self._pending.items() if k not in self._known and k not in known}
        sets = {k: v for k, v in self._known.items() if k not in pending}
        return _LazyIdSets({**sets, **known}, {**loads, **pending})

    def __getitem__(self, key: str) -> AbstractSet[str]:
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
