"""Exceptions of the committee report, each with a message a reader can act on."""

from __future__ import annotations


class ReportError(Exception):
    """Base class: the report could not be produced from the marts."""


class MartsNotFoundError(ReportError, FileNotFoundError):
    """Neither scorecard.duckdb nor the Parquet files are in the marts folder."""


class QuarterNotFoundError(ReportError, LookupError):
    """The quarter is not in dim_quarter / mart_rag_summary of the marts."""


class CommitteeNotFoundError(ReportError, LookupError):
    """The committee has no row in mart_rag_summary for the quarter."""
