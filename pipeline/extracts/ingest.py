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

import ctypes
import ctypes.util
import gc
import string
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.core.settings import (
    AREA_CODE_SETTING,
    INGEST_DUCKDB_MEMORY_LIMIT,
    REFERENCE_FOLDER,
    council_area_code,
)
from pipeline.extracts.load import (
    context_from_connection,
    forget_id_sets,
    load_raw,
    record_faults,
    record_file,
)
from pipeline.extracts.readers import ExtractError, find_extract, read_extract
from pipeline.extracts.registry import EXTRACTS, Extract
from pipeline.extracts.validate import QuarterBlocked, ValidationResult, validate_extract
from schemas._common import forget_id_lookups
from schemas.context import forget_header_dobs

# A file of this many rows holds enough Arrow memory to be worth a garbage
# collection after it (see ``releasing_memory``).
LARGE_FILE_ROWS = 50_000
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
        if result.quarantined:
            loaded.notices.append(
                f"{path} ({where}): {result.quarantined} row(s) quarantined by warning faults "
                f"and left out of the figures; they are listed in {listing}."
            )
        loaded.notices.extend(
            f"{where}: {fault.describe()} (listed in {listing})"
            for fault in result.faults
            if fault.row_number is None
        )
    loaded.notices.extend(f"{where}: {note}" for note in result.notes)
    if extract.name == "population":
        result.valid_rows, note = council_rows(result.valid_rows, result.file)
        loaded.notices.extend([f"{where}: {note}"] if note else [])
    load_raw(con, extract, quarter_key, result.valid_rows)
    # What was loaded, file by file, for `scorecard explain` and the lineage mart.
    record_file(
        con, extract, quarter_key, path, result.rows_read, result.quarantined, loaded.run_id
    )
    loaded.rows += len(result.valid_rows)
    loaded.warnings += result.quarantined
    if result.rows_read >= LARGE_FILE_ROWS:
        del frame, result
        _release_memory(forget_ids=False)


@contextmanager
def releasing_memory(con=None) -> Iterator[None]:
    """Free each large file's columns once it is loaded, not when Python next collects.

    pandas ties a column and its helpers in reference cycles (its ``.str``
    accessor, for one), which only Python's cycle collector frees; the collector
    runs when many Python objects have been made, but a file's Arrow columns are
    a few large buffers outside its count, so without this a 16-quarter run at
    scale kept every quarter's files alive (5.8 GB at x330). The objects alive
    when ingest starts (Dagster, the definitions) are frozen out of collections,
    so each collection scans only what ingest made: well under a millisecond.

    With the warehouse connection ``con``, DuckDB's memory limit is lowered to
    ``INGEST_DUCKDB_MEMORY_LIMIT`` meanwhile (never raised), and put back after:
    at x330 its cache of the rows already loaded otherwise grew to hundreds of
    MB under the largest file's validation (peak 2.2 GB; 1.9 GB with the cap,
    at the same speed).
    """
    limit = _capped_duckdb_memory(con) if con is not None else None
    gc.freeze()
    try:
        yield
    finally:
        _release_memory(forget_ids=True)  # while still frozen, so its collection is as cheap
        gc.unfreeze()
        if limit is not None:
            con.execute(f"SET memory_limit = '{limit}'")


def _capped_duckdb_memory(con) -> str | None:
    """Lower DuckDB's memory limit for ingest; the limit to restore, or None if unchanged."""
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    if _bytes(before) <= _bytes(INGEST_DUCKDB_MEMORY_LIMIT):
        return None
    con.execute(f"SET memory_limit = '{INGEST_DUCKDB_MEMORY_LIMIT}'")
    return before


_UNITS = {"": 1, "B": 1, "BYTES": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def _bytes(size: str) -> float:
    """A DuckDB memory size ("953.6 MiB", "512MB") in bytes; unreadable sizes as unlimited."""
    text = size.strip()
    digits = text.rstrip(string.ascii_letters + " ")
    unit = text[len(digits) :].strip().upper()
    try:
        return float(digits) * _UNITS[unit]
    except (ValueError, KeyError):
        return float("inf")


def _release_memory(forget_ids: bool) -> None:
    """Give back what a large file, or the whole ingest, leaves behind.

    After a file: its columns (a cycle collection) and the Arrow lookup tables of
    its ID sets (each quarter's would otherwise stay cached). After ingest: the
    quarters' ID sets themselves and the header DOBs, which the next files of a
    quarter reuse until then. Each time the memory freed is returned to the
    system (Arrow's pool and the C heap keep it for reuse unless asked), so that
    the next file, or DuckDB's models step, does not stack on top of it.
    """
    import pyarrow as pa

    forget_id_lookups()
    if forget_ids:
        forget_id_sets()
        forget_header_dobs()
    gc.collect()
    pa.default_memory_pool().release_unused()
    _trim_c_heap()


def _trim_c_heap() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``), if there is one."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim this way
        pass


def council_rows(rows: pd.DataFrame, file: str) -> tuple[pd.DataFrame, str | None]:
    """The council's own rows of population.csv, and a note on the other areas left out.

    population.csv is keyed by AREA_CODE, so it may hold other areas too; CSC-CICR
    must divide by the council's own population. The council's area code is the
    setting `SCORECARD_AREA_CODE`; unset, the file must hold a single area. Raises
    `ExtractError` when the council's rows cannot be told apart or are not there.
    """
    areas = sorted(str(code) for code in rows["AREA_CODE"].dropna().unique())
    shown = ", ".join(areas[:10]) + (f" and {len(areas) - 10} more" if len(areas) > 10 else "")
    wanted = council_area_code()
    if wanted is None:
        if len(areas) <= 1:
            return rows, None
        raise ExtractError(
            file,
            f"column AREA_CODE: the file holds {len(areas)} areas ({shown}) and the "
            "council's own is not "
            f"configured. Rule: CSC-CICR divides by the council's own population only. Set "
            f"{AREA_CODE_SETTING} to the council's area code (for example "
            f"{AREA_CODE_SETTING}={areas[0]}), or keep only the council's rows in the file",
            "AREA_CODE",
        )
    if wanted not in areas:
        raise ExtractError(
            file,
            f"column AREA_CODE: no row has AREA_CODE {wanted}, the council's own area "
            f"({AREA_CODE_SETTING}); "
            f"the areas in the file are {shown or 'none'}. Rule: population.csv holds the "
            f"council's own population. Add its rows, or correct {AREA_CODE_SETTING}",
            "AREA_CODE",
        )
    own = rows["AREA_CODE"] == wanted
    if own.all():
        return rows, None
    others = [area for area in areas if area != wanted]
    listed = ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
    return rows[own], (
        f"{file}: {int((~own).sum())} row(s) for other areas ({listed}) were ignored; "
        f"CSC-CICR uses the council's own area {wanted} ({AREA_CODE_SETTING})."
    )


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
