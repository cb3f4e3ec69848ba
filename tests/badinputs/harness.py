"""Running one case at the validation level, the way ``pipeline.extracts.ingest`` handles a file.

Upstream extracts the case's rules read (catalogue, header, s47) are validated and
loaded into a scratch DuckDB first, so cross-file rules see what a run would show
them; then the case's file is read, validated, its faults recorded in
``audit_rejects`` and listed in ``<warehouse dir>/rejects/<folder>/`` exactly as the
ingest asset does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from badinputs.cases import Case
from pipeline.extracts.ingest import UPSTREAM, council_rows, write_rejects_listing
from pipeline.extracts.load import context_from_connection, load_raw, record_faults
from pipeline.extracts.readers import ExtractError, find_extract, read_extract
from pipeline.extracts.registry import get_extract
from pipeline.extracts.validate import ValidationResult, validate_extract

# cp_plans and s47_enquiries check each other's IDs; in a run whichever ran first
# is known to the other. The case that needs it loads s47_enquiries first.
NEEDS = {**UPSTREAM, "cp_plans": ("s47_enquiries",)}


@dataclass
class Checked:
    result: ValidationResult | None
    error: ExtractError | None
    audit: pd.DataFrame
    listing: Path | None


def ingest_file(con, raw: Path, name: str, quarter: str | None, rejects: Path):
    """Read, validate, record and load one extract; the result (raises ExtractError)."""
    extract = get_extract(name)
    key = quarter if extract.kind == "quarter" else None
    path = find_extract(raw / (key or "reference"), extract)
    frame = read_extract(path, extract)
    result = validate_extract(extract, frame, context_from_connection(con, key), path=path)
    record_faults(con, result.fault_frame, key, extract, "case-run")
    listing = None
    if len(result.fault_frame):
        listing = write_rejects_listing(result, rejects / (key or "reference"))
    if not result.blocked:
        if name == "population":
            result.valid_rows, _ = council_rows(result.valid_rows, result.file)
        load_raw(con, extract, key, result.valid_rows)
    return result, listing


def check_case(case: Case, raw: Path, work: Path) -> Checked:
    con = duckdb.connect(str(work / "warehouse.duckdb"))
    rejects = work / "rejects"
    try:
        for upstream in _upstream(case.extract):
            ingest_file(con, raw, upstream, case.quarter, rejects)
        try:
            result, listing = ingest_file(con, raw, case.extract, case.quarter, rejects)
            error = None
        except ExtractError as problem:
            result, listing, error = None, None, problem
        audit = (
            con.execute(
                "select * from audit_rejects where extract = ? order by row_number, column_name",
                [case.extract],
            ).df()
            if _has_audit(con)
            else pd.DataFrame()
        )
    finally:
        con.close()
    return Checked(result, error, audit, listing)


def _upstream(name: str) -> list[str]:
    order: list[str] = []
    for parent in NEEDS.get(name, ()):
        order += [*_upstream(parent), parent]
    if name != "indicators" and "indicators" not in order:
        order.insert(0, "indicators")
    return list(dict.fromkeys(order))


def _has_audit(con) -> bool:
    sql = "select count(*) from duckdb_tables() where table_name = 'audit_rejects'"
    return con.execute(sql).fetchone()[0] > 0
