"""Reading, validating and loading one extract file into the warehouse.

spec/extracts.md "What bad input gets": every extract is validated before anything
is built from it; all faults of a file are reported together and kept in
`audit_rejects`; an `error` fault blocks the quarter (`QuarterBlocked`, so nothing
downstream runs and the published marts stay as they were), a `warning` fault
quarantines its row. Cross-file rules (catalogue codes, CHILD in header) read the
upstream extract already loaded in this run, which is why those extracts wait for
`raw_indicators` and `raw_header` (`UPSTREAM`, `cross_file_order`).

This is plain Python: the Dagster asset that calls it per extract and quarter
lives in `pipeline/defs/ingest.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.settings import REFERENCE_FOLDER
from pipeline.extracts.load import context_from_connection, load_raw, record_faults, record_file
from pipeline.extracts.readers import find_extract, read_extract
from pipeline.extracts.registry import EXTRACTS, Extract
from pipeline.extracts.validate import QuarterBlocked, ValidationResult, validate_extract

# Separates the problems of several extracts in the step's failure description.
PROBLEM_SEPARATOR = "\n\n"

# Cross-file rules need the extract they check against loaded first. cp_plans reads
# the quarter's s47 identifiers (letter-case clashes), so it waits for them.
UPSTREAM = {
    "cp_plans": ("s47_enquiries",),
    "targets": ("indicators",),
    "benchmarks": ("indicators",),
    "manual_returns": ("indicators",),
    "commentary": ("indicators",),
    "episodes": ("header",),
    "social_worker": ("header",),
}


@dataclass
class Loaded:
    """What one extract's files gave, over the run's quarters."""

    run_id: str
    rows: int = 0
    warnings: int = 0
    notices: list[str] = field(default_factory=list)


def cross_file_order() -> list[Extract]:
    """The registry's extracts, each after the extracts its cross-file rules read."""
    by_name = {e.name: e for e in EXTRACTS}
    ordered: list[Extract] = []

    def visit(name: str) -> None:
        if by_name[name] in ordered:
            return
        for upstream in UPSTREAM.get(name, ()):
            visit(upstream)
        ordered.append(by_name[name])

    for extract in EXTRACTS:
        visit(extract.name)
    return ordered


def quarters_for(extract: Extract, partition_keys: list[str]) -> Iterator[str | None]:
    """Reference files hold all years in one copy, loaded once per run."""
    if extract.kind == "reference":
        yield None
    else:
        yield from partition_keys


def ingest_one(
    con,
    extract: Extract,
    raw_dir: Path,
    quarter_key: str | None,
    rejects_dir: Path,
    loaded: Loaded,
) -> None:
    """Read, validate and load one file; raise `QuarterBlocked` on any error fault."""
    where = quarter_key or REFERENCE_FOLDER
    path = find_extract(raw_dir / where, extract)
    frame = read_extract(path, extract)
    result = validate_extract(extract, frame, context_from_connection(con, quarter_key), path=path)
    record_faults(con, result.fault_frame, quarter_key, extract, loaded.run_id)
    if len(result.fault_frame):
        listing = write_rejects_listing(result, rejects_dir / where)
        if result.blocking:
            raise QuarterBlocked(result.errors, quarter_key, listing=listing)
        loaded.notices.append(
            f"{path} ({where}): {result.quarantined} row(s) quarantined by warning faults and "
            f"left out of the figures; they are listed in {listing}."
        )
    loaded.notices.extend(f"{where}: {note}" for note in result.notes)
    load_raw(con, extract, quarter_key, result.valid_rows)
    # What was loaded, file by file, for `scorecard explain` and the lineage mart.
    record_file(
        con, extract, quarter_key, path, result.rows_read, result.quarantined, loaded.run_id
    )
    loaded.rows += len(result.valid_rows)
    loaded.warnings += result.quarantined


def write_rejects_listing(result: ValidationResult, folder: Path) -> Path:
    """Every fault of a file as a CSV beside the warehouse, for the officer to open.

    The published `audit_rejected_rows` is only refreshed by a successful run (a
    blocked quarter leaves the marts as they were), so a blocked file's faults
    must be readable somewhere else. It holds record-level values, so it stays
    in the working folder with the warehouse, never in the marts.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{result.extract.stem}_rejects.csv"
    result.fault_frame.to_csv(target, index=False)
    return target
