"""The published history never shrinks without being said: what a run must load to keep it.

The published marts hold every quarter the working warehouse held when they were
last published. A warehouse that was deleted (after a "not a valid DuckDB
database file" message, say), or built from another raw folder, would publish
fewer or other quarters. So before a run:

- the warehouse must belong to the run's raw folder (it records the folder it
  was built from); another raw folder is refused, `--rebuild` starts afresh;
- every published quarter the warehouse no longer holds is reloaded from the raw
  folder, with a warning; one the raw folder lacks is refused, unless the run is
  a `--rebuild`, which publishes exactly the raw folder's quarters and names
  every published quarter it drops.

`publish_marts` checks the same again just before it swaps the new files in, so a
run started elsewhere (the Dagster UI, the sensor) cannot shrink it either.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.core.periods import QuarterKeyError, sort_keys
from pipeline.core.settings import DATABASE_NAME, REFERENCE_FOLDER
from pipeline.extracts.discovery import folder_signature, scan_raw_folder

ORIGIN_TABLE = "_scorecard_warehouse"
# Each loaded quarter's folder signature (file names, sizes and times) when loaded: a
# warehouse read with another raw folder that has the very same files (the setup
# copied or moved) still belongs to it.
SOURCES_TABLE = "_scorecard_quarter_sources"
FACT = "fct_indicator_quarter"


class HistoryError(Exception):
    """A run that would lose published quarters, or mix two raw folders."""


@dataclass
class Plan:
    """The quarters a run loads, and what it must say about the published history."""

    keys: list[str]
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # published quarters --rebuild drops


def published_quarters(marts_dir: Path) -> tuple[set[str], str | None]:
    """The quarters in the published marts, and a warning when they cannot be read."""
    database = Path(marts_dir) / DATABASE_NAME
    if not database.exists():
        return set(), None
    try:
        con = duckdb.connect(str(database), read_only=True)
        try:
            rows = con.execute(f"select distinct quarter_key from {FACT}").fetchall()
        finally:
            con.close()
        return {key for (key,) in rows}, None
    except duckdb.Error as error:
        parquet = Path(marts_dir) / f"{FACT}.parquet"
        try:
            sql = "select distinct quarter_key from read_parquet(?)"
            rows = duckdb.connect().execute(sql, [str(parquet)]).fetchall()
            return {key for (key,) in rows}, None
        except duckdb.Error:
            return set(), (
                f"The published database {database} cannot be read ({_first_line(error)}), "
                "so this run cannot tell which quarters were published before; it replaces "
                "the marts with the quarters the warehouse holds."
            )


def warehouse_problem(database: str) -> str | None:
    """A message when the warehouse cannot be opened for writing: locked or damaged."""
    try:
        duckdb.connect(database).close()
    except duckdb.Error as error:
        if "lock" in str(error).lower():
            return (
                f"The working warehouse {database} is in use by another process (another "
                "run, or a tool that opened it for writing). Wait for that run to finish or "
                "close the tool, then run again."
            )
        return (
            f"The working warehouse {database} cannot be opened: {_first_line(error)} It is "
            "a working copy that the pipeline builds from the raw folder, so nothing is lost "
            "by replacing it: run the same command again with --rebuild, which deletes it and "
            "rebuilds it from every quarter in the raw folder (the published marts stay as "
            "they are until that run succeeds)."
        )
    return None


def warehouse_state(
    database: str,
) -> tuple[set[str], str | None, dict[str, str], dict[str, str]]:
    """The quarters the warehouse holds, the raw folder it was built from (if recorded),
    and the signature of each quarter's folder when it was loaded."""
    if not Path(database).exists():
        return set(), None, {}, {}
    con = duckdb.connect(database, read_only=True)
    try:
        tables = {
            name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()
        }
        held: set[str] = set()
        if FACT in tables:
            held = {
                k for (k,) in con.execute(f"select distinct quarter_key from {FACT}").fetchall()
            }
        origin = None
        if ORIGIN_TABLE in tables:
            row = con.execute(f"select raw_dir from {ORIGIN_TABLE}").fetchone()
            origin = row[0] if row else None
        sources = {}
        references: dict[str, str] = {}
        if SOURCES_TABLE in tables:
            columns = {c for (c,) in con.execute(
                "select column_name from duckdb_columns() where table_name = ?", [SOURCES_TABLE]
            ).fetchall()}  # fmt: skip
            reference = "reference" if "reference" in columns else "null"
            rows = con.execute(
                f"select quarter_key, signature, {reference} from {SOURCES_TABLE}"
            ).fetchall()
            sources = {row[0]: row[1] for row in rows}
            references = {row[0]: row[2] for row in rows if row[2]}
        return held, origin, sources, references
    finally:
        con.close()


def record_origin(database: str, raw_dir: Path, keys: list[str]) -> None:
    """Note in the warehouse which raw folder it is built from, and for each of the run's
    quarters its folder's signature and the reference files it is built with."""
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    reference = json.dumps(reference_digests(raw_dir), sort_keys=True)
    con = duckdb.connect(database)
    try:
        con.execute(f"create or replace table {ORIGIN_TABLE} (raw_dir varchar)")
        con.execute(f"insert into {ORIGIN_TABLE} values (?)", [str(Path(raw_dir).resolve())])
        con.execute(
            f"create table if not exists {SOURCES_TABLE} "
            "(quarter_key varchar, signature varchar, reference varchar)"
        )
        con.execute(f"alter table {SOURCES_TABLE} add column if not exists reference varchar")
        for key in keys:
            signature = folder_signature(Path(raw_dir) / key)
            con.execute(f"delete from {SOURCES_TABLE} where quarter_key = ?", [key])
            con.execute(
                f"insert into {SOURCES_TABLE} (quarter_key, signature, reference) values (?, ?, ?)",
                [key, signature, reference],
            )
    finally:
        con.close()


def reference_digests(raw_dir: Path) -> dict[str, str]:
    """A digest of each reference file's content, by file name (the files are small)."""
    folder = Path(raw_dir) / REFERENCE_FOLDER
    digests = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and path.suffix.lower() in (".csv", ".xlsx"):
            digests[path.name.lower()] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return digests


def stale_reference(raw_dir: Path, kept: list[str], references: dict[str, str]) -> str | None:
    """A warning naming kept quarters built with reference files that have changed since."""
    now = reference_digests(raw_dir)
    changed: dict[str, list[str]] = {}
    for key in kept:
        if not references.get(key):
            continue
        then = json.loads(references[key])
        files = sorted(n for n in set(then) | set(now) if then.get(n) != now.get(n))
        if files:
            changed.setdefault(", ".join(files), []).append(key)
    if not changed:
        return None
    parts = [f"{_keys(keys)} (since then: {files})" for files, keys in changed.items()]
    return (
        "Reference files have changed since these published quarters were run, and this "
        f"run does not run them again: {'; '.join(parts)}. Their published figures and RAG "
        "statuses still use the old reference data (an old target, population or catalogue "
        "entry). Run them again (scorecard run --quarter KEY for each), or run every quarter."
    )


def remove_warehouse(database: str) -> None:
    """Delete the working warehouse (and its write-ahead log) for a rebuild."""
    for path in (Path(database), Path(f"{database}.wal")):
        path.unlink(missing_ok=True)


def plan_history(
    raw_dir: Path,
    marts_dir: Path,
    database: str,
    keys: list[str],
    rebuild: bool = False,
) -> Plan:
    """The quarters to load so that the published history is kept (see the module)."""
    raw = Path(raw_dir).resolve()
    complete = scan_raw_folder(Path(raw_dir)).complete
    published, unreadable = published_quarters(marts_dir)
    plan = Plan(list(keys), warnings=[unreadable] if unreadable else [])
    if rebuild:
        plan.keys = list(complete)
        plan.dropped = sort_keys(published - set(complete))
        plan.warnings.append(
            f"--rebuild: the working warehouse {database} is rebuilt from every complete "
            f"quarter in {raw} ({_keys(plan.keys)})."
        )
        if plan.dropped:
            plan.warnings.append(
                f"--rebuild: the published marts held {_keys(plan.dropped)}, which {raw} "
                "does not have; they are dropped from the published marts."
            )
        return plan
    held, origin, sources, references = warehouse_state(database)
    kept = sort_keys(held - set(keys))  # quarters the warehouse publishes without reloading
    same_files = all(
        key in complete and sources.get(key) == folder_signature(complete[key]) for key in kept
    )
    if origin is not None and Path(origin) != raw and not same_files:
        plan.errors.append(
            f"The working warehouse {database} was built from the raw folder {origin}, and "
            f"this run reads {raw}, whose folders of {_keys(kept)} are not the files the "
            "warehouse loaded. A warehouse belongs to one raw folder: quarters of both "
            "would otherwise be published together. To publish this folder's quarters in "
            f"{marts_dir} instead, run again with --rebuild (the published quarters it lacks "
            "are dropped, and the run names them); to keep both, give this folder its own "
            "--marts-dir (each marts folder has its own warehouse)."
        )
        return plan
    stale = stale_reference(raw_dir, kept, references)
    plan.warnings.extend([stale] if stale else [])
    missing = published - held - set(keys)
    if not missing:
        return plan
    reloadable = sort_keys(missing & set(complete))
    lost = sort_keys(missing - set(complete))
    if lost:
        plan.errors.append(
            f"This run would drop {_keys(lost)} from the published marts in {marts_dir}: the "
            f"working warehouse {database} no longer holds them and {raw} has no complete "
            "folder for them. Put their folders back in the raw folder and run again, or run "
            "with --rebuild to publish only the quarters the raw folder has."
        )
        return plan
    plan.keys = sort_keys(set(keys) | set(reloadable))
    plan.warnings.append(
        f"The working warehouse {database} does not hold {_keys(reloadable)}, which the "
        f"published marts hold (it was deleted or replaced): they are reloaded from {raw} "
        "as well, so that the published history keeps them."
    )
    return plan


def check_not_shrinking(
    con: duckdb.DuckDBPyConnection, marts_dir: Path, allowed: list[str] | tuple[str, ...] = ()
) -> None:
    """Raise `HistoryError` when publishing `con`'s marts would drop published quarters."""
    published, _ = published_quarters(marts_dir)
    if not published:
        return
    new = {k for (k,) in con.execute(f"select distinct quarter_key from main.{FACT}").fetchall()}
    lost = sorted(published - new - set(allowed))
    if lost:
        raise HistoryError(
            f"Publishing would drop {_keys(lost)} from the published marts in {marts_dir}: "
            "the working warehouse does not hold them. Nothing was published. Run "
            "`scorecard run` (it reloads published quarters the warehouse lacks from the raw "
            "folder), or `scorecard run --rebuild` to publish only the raw folder's quarters."
        )


def marts_dir_problem(marts_dir: Path) -> str | None:
    """A message when the marts folder cannot be written, before any work is done."""
    marts_dir = Path(marts_dir)
    if marts_dir.exists() and not marts_dir.is_dir():
        return (
            f"--marts-dir {marts_dir} is a file, not a folder. Give the folder the marts "
            "are published to (it is created if it does not exist)."
        )
    existing = marts_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"--marts-dir {marts_dir} cannot be created: {existing} is a file, not a folder."
    if not os.access(existing, os.W_OK | os.X_OK):
        return (
            f"The marts folder {existing} cannot be written (permission denied), so nothing "
            "could be published. Give the account that runs `scorecard` write access to it, "
            "or choose another --marts-dir."
        )
    return None


def _keys(keys: list[str]) -> str:
    try:
        ordered = sort_keys(set(keys))
    except QuarterKeyError:  # not quarter keys (a hand-made mart): as text
        ordered = sorted(set(keys))
    return ", ".join(ordered) or "no quarter"


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if text.endswith((".", "!")) else text + "."
