"""One Dagster asset per extract: read, validate with pandera, record faults, load.

spec/extracts.md "What bad input gets": every extract is validated before anything
is built from it; all faults of a file are reported together and kept in
`audit_rejects`; an `error` fault blocks the quarter (the step fails, so nothing
downstream runs and the published marts stay as they were), a `warning` fault
quarantines its row. Cross-file rules (catalogue codes, CHILD in header) read the
upstream extract already loaded in this run, which is why those extracts wait for
`raw_indicators` and `raw_header`.

The extracts are one subsettable multi-asset: the UI shows an asset per extract
with its own lineage and materialisations, while a run reads them in one step on
one warehouse connection. Every extract is still validated even when another has
failed (all faults of a drop are reported at once), except those whose cross-file
rules depend on an extract that could not be loaded.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from pipeline.extracts import EXTRACTS, Extract
from pipeline.load import load_raw, record_faults, validation_context
from pipeline.partitions import QUARTERS, SINGLE_RUN, run_quarter_keys
from pipeline.readers import ExtractError, find_extract, read_extract
from pipeline.resources import ScorecardPaths
from pipeline.validate import QuarterBlocked, ValidationResult, validate_extract

# Separates the problems of several extracts in the step's failure description.
PROBLEM_SEPARATOR = "\n\n"

# Metadata key of the messages a person should read although the run succeeded.
NOTICES = "notices"

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
class _Loaded:
    """What one extract's files gave, over the run's quarters."""

    run_id: str
    rows: int = 0
    warnings: int = 0
    notices: list[str] = field(default_factory=list)

    def metadata(self) -> dict[str, object]:
        metadata: dict[str, object] = {
            "dagster/row_count": self.rows,
            "rows_quarantined": self.warnings,
        }
        if self.notices:
            # Read by the command line, which prints them: nothing is dropped silently.
            metadata[NOTICES] = dg.MetadataValue.text("\n".join(self.notices))
        return metadata


def build_ingest_assets() -> list[dg.AssetsDefinition]:
    """Every extract as an asset of one multi-asset, executed in cross-file order."""
    by_name = {e.name: e for e in EXTRACTS}
    ordered = _cross_file_order()
    specs = [
        dg.AssetSpec(
            key=extract.table,
            deps=[by_name[u].table for u in UPSTREAM.get(extract.name, ())],
            group_name="ingest",
            kinds={"pandera", "duckdb"},
            description=(
                f"`{extract.stem}` from the {extract.kind} folder, validated against "
                "`schemas/` and loaded with faulty rows recorded in `audit_rejects`."
            ),
            skippable=True,
            # Reference files hold every year in one copy: not partitioned by quarter.
            partitions_def=None if extract.kind == "reference" else QUARTERS,
        )
        for extract in ordered
    ]

    @dg.multi_asset(
        name="ingest",
        specs=specs,
        can_subset=True,
        backfill_policy=SINGLE_RUN,
    )
    def ingest(context: AssetExecutionContext, paths: ScorecardPaths, warehouse: DuckDBResource):
        selected = {key.path[-1] for key in context.selected_asset_keys}
        rejects_dir = Path(warehouse.database).parent / "rejects"
        problems: list[str] = []
        failed: set[str] = set()
        with warehouse.get_connection() as con:
            for extract in ordered:
                if extract.table not in selected:
                    continue
                if failed & set(UPSTREAM.get(extract.name, ())):
                    failed.add(extract.name)  # its cross-file rules have nothing to check against
                    continue
                loaded = _Loaded(run_id=context.run.run_id)
                for quarter_key in _quarters_for(extract, run_quarter_keys(context)):
                    try:
                        _ingest_one(con, extract, paths, quarter_key, rejects_dir, loaded)
                    except (ExtractError, QuarterBlocked) as problem:
                        problems.append(str(problem))
                        failed.add(extract.name)
                if extract.name not in failed:
                    yield dg.MaterializeResult(asset_key=extract.table, metadata=loaded.metadata())
        if problems:
            raise dg.Failure(
                description=PROBLEM_SEPARATOR.join(problems),
                metadata={"extracts_failed": ", ".join(sorted(failed))},
            )

    return [ingest]


def _cross_file_order() -> list[Extract]:
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


def _quarters_for(extract: Extract, partition_keys: list[str]) -> Iterator[str | None]:
    """Reference files hold all years in one copy, loaded once per run."""
    if extract.kind == "reference":
        yield None
    else:
        yield from partition_keys


def _ingest_one(
    con,
    extract: Extract,
    paths: ScorecardPaths,
    quarter_key: str | None,
    rejects_dir: Path,
    loaded: _Loaded,
) -> None:
    """Read, validate and load one file; raise `QuarterBlocked` on any error fault."""
    folder = paths.raw_path / (quarter_key or "reference")
    path = find_extract(folder, extract)
    frame = read_extract(path, extract)
    result = validate_extract(extract, frame, validation_context(con, quarter_key), path=path)
    record_faults(con, result.fault_frame, quarter_key, extract, loaded.run_id)
    where = quarter_key or "reference"
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
