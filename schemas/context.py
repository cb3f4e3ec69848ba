"""The cross-file facts a schema check may need, and how checks reach them.

Pandera checks are class methods with fixed arguments, so the validation run
publishes the context in a ``ContextVar`` for the checks to read. A fact that is
``None`` is unknown (e.g. the catalogue was not loaded yet) and its checks pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import pandas as pd


@dataclass(frozen=True)
class Indicator:
    """What the manual-return checks need to know about a catalogue entry."""

    unit: str
    decimals: int


@dataclass(frozen=True)
class ValidationContext:
    """Facts from other extracts: the catalogue and this quarter's child IDs."""

    indicators: Mapping[str, Indicator] | None = None
    header_children: frozenset[str] | None = None
    id_sets: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def indicator_codes(self) -> frozenset[str] | None:
        """The catalogue's codes, or None when the catalogue is unknown."""
        return None if self.indicators is None else frozenset(self.indicators)

    def with_indicators(self, frame: pd.DataFrame) -> ValidationContext:
        """A copy that knows the catalogue given as rows of ``indicators``."""
        rows = frame[["CODE", "UNIT", "DECIMALS"]].dropna(subset=["CODE"])
        catalogue = {
            code: Indicator(str(unit), int(decimals) if pd.notna(decimals) else 0)
            for code, unit, decimals in rows.itertuples(index=False)
        }
        return replace(self, indicators=MappingProxyType(catalogue))

    def with_ids(self, extract: str, column: str, values: pd.Series) -> ValidationContext:
        """A copy that knows the IDs of ``extract`` (for missing-header and case checks)."""
        ids = frozenset(values.dropna().astype(str))
        sets = {**self.id_sets, f"{extract}.{column}": ids}
        children = ids if extract == "header" else self.header_children
        return replace(self, id_sets=MappingProxyType(sets), header_children=children)

    def ids(self, extract: str, column: str) -> frozenset[str] | None:
        """The known IDs of ``extract``.``column``, or None when not loaded."""
        return self.id_sets.get(f"{extract}.{column}")


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


def _from_connection(con: object, quarter_key: str | None = None) -> ValidationContext:
    """The context built from already-loaded raw tables (see ``pipeline.load``)."""
    from pipeline.load import context_from_connection  # the warehouse lives in pipeline

    return context_from_connection(con, quarter_key)


ValidationContext.from_connection = staticmethod(_from_connection)  # type: ignore[attr-defined]
