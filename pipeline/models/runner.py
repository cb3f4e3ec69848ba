"""SQL models: discovery, dependency order and materialisation in DuckDB.

Every ``sql/{staging,intermediate,marts}/**/*.sql`` file is one model (docs/architecture.md,
layer 2): its file stem is the table it builds, its top folder the layer, and it holds
exactly one ``select`` (CTEs allowed). Dependencies are read from the SQL with sqlglot: the
tables it references minus its own CTE names. A dependency is another model or a source
table (``raw_*``, ``audit_rejects``, ``ref_*`` code tables loaded by
:func:`prepare_connection`).

How a model is materialised is declared in ``sql/models.yml``, per folder with per-model
overrides (as dbt declares it per folder): ``view`` (staging: a copy of every record-level
row would cost a full write and re-read for nothing; at ×100 the sample's volume, a third
of the SQL time), ``incremental`` (the run's quarters deleted then inserted in one
transaction) or ``table`` (replaced whole). The same file declares union models, each every
model of one folder: the computed indicators are combined that way, so adding one is a
single SQL file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipeline.core.settings import SQL_DIR
from pipeline.models import sql_functions
from schemas._common import CODES_DIR

if TYPE_CHECKING:
    from sqlglot import exp  # imported when a model is parsed (not at all when cached)

log = logging.getLogger(__name__)

LAYERS = ("staging", "intermediate", "marts")
SOURCE_PREFIXES = ("raw_", "ref_")
SOURCE_TABLES = frozenset({"audit_rejects", "audit_files"})
CONFIG_FILE = "models.yml"
MATERIALIZATIONS = frozenset({"view", "incremental", "table"})


class ModelError(Exception):
    """A SQL model file breaks the model contract (file, and what is wrong)."""


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    path: Path
    sql: str
    deps: frozenset[str]
    materialized: str = "incremental"

    @property
    def is_view(self) -> bool:
        return self.materialized == "view"

    @property
    def code_version(self) -> str:
        """The SQL's digest: Dagster's code version, and the lineage mart's."""
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]


def is_source_table(name: str) -> bool:
    return name in SOURCE_TABLES or name.startswith(SOURCE_PREFIXES)


def _parse_single_select(sql: str, path: Path) -> exp.Query:
    import sqlglot
    from sqlglot import exp

    try:
        statements = [s for s in sqlglot.parse(sql, dialect="duckdb") if s is not None]
    except sqlglot.errors.ParseError as err:
        raise ModelError(f"{path}: SQL does not parse: {err}") from err
    if len(statements) != 1:
        raise ModelError(f"{path}: expected exactly one select, found {len(statements)}")
    (statement,) = statements
    if not isinstance(statement, exp.Query):
        raise ModelError(f"{path}: a model holds one select, not {statement.key.upper()}")
    return statement


def referenced_tables(sql: str, path: Path) -> frozenset[str]:
    """Tables the query reads, without its own CTEs or table functions.

    Read from the cache of earlier parses when this exact SQL was parsed before by
    this version of sqlglot (`_DepsCache`); importing sqlglot and parsing every model
    took about 0.7 s of each run's start-up.
    """
    cached = _DEPS_CACHE.get(sql)
    if cached is not None:
        return cached
    found = _parse_referenced_tables(sql, path)
    _DEPS_CACHE.put(sql, found)
    return found


def _parse_referenced_tables(sql: str, path: Path) -> frozenset[str]:
    from sqlglot import exp

    tree = _parse_single_select(sql, path)
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    tables = {
        table.name.lower()
        for table in tree.find_all(exp.Table)
        if isinstance(table.this, exp.Identifier)
    }
    return frozenset(tables - ctes)


class _DepsCache:
    """Each parsed model's tables by the SHA-256 of its SQL, in the user's cache folder.

    Keyed by the SQL text itself and by sqlglot's version, so an edited model or an
    upgraded parser is parsed again; only SQL that parsed as one select is stored, so
    a broken model is reported as before. The cache is an optimisation only: a file
    that cannot be read or written is ignored (and logged at debug level).
    """

    def __init__(self) -> None:
        self._entries: dict[str, list[str]] | None = None
        self._changed = False

    @property
    def path(self) -> Path:
        from importlib.metadata import version

        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "council-scorecard" / f"model-deps-sqlglot-{version('sqlglot')}.json"

    def _load(self) -> dict[str, list[str]]:
        if self._entries is None:
            try:
                self._entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                log.debug("model dependency cache not read: %s", error)
                self._entries = {}
        return self._entries

    @staticmethod
    def _key(sql: str) -> str:
        return hashlib.sha256(sql.encode("utf-8")).hexdigest()

    def get(self, sql: str) -> frozenset[str] | None:
        tables = self._load().get(self._key(sql))
        return None if tables is None else frozenset(tables)

    def put(self, sql: str, tables: frozenset[str]) -> None:
        self._load()[self._key(sql)] = sorted(tables)
        self._changed = True

    def save(self) -> None:
        if not self._changed:
            return
        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            partial.write_text(json.dumps(self._load(), sort_keys=True), encoding="utf-8")
            os.replace(partial, path)  # whole or not at all, if two processes write it
            self._changed = False
        except OSError as error:
            log.debug("model dependency cache not written: %s", error)


_DEPS_CACHE = _DepsCache()


def discover_models(sql_dir: Path = SQL_DIR) -> dict[str, Model]:
    """Read every model file under ``sql_dir`` and check its dependencies resolve."""
    sql_dir = Path(sql_dir)
    config = _read_config(sql_dir)
    models: dict[str, Model] = {}
    for layer in LAYERS:
        for path in sorted((sql_dir / layer).rglob("*.sql")):
            folder = path.parent.relative_to(sql_dir).as_posix()
            sql = path.read_text(encoding="utf-8").strip().rstrip(";")
            _add(models, _model(path.stem.lower(), layer, folder, path, sql, config))
    for name, folder in config.get("unions", {}).items():
        members = sorted(m.name for m in models.values() if m.path.parent == sql_dir / folder)
        if not members:
            raise ModelError(f"{sql_dir / CONFIG_FILE}: union {name} has no models in {folder}")
        sql = "\nunion all by name\n".join(f"select * from {m}" for m in members)
        layer = folder.split("/")[0]
        _add(models, _model(name, layer, folder, sql_dir / CONFIG_FILE, sql, config, "view"))
    for model in models.values():
        unknown = sorted(d for d in model.deps if d not in models and not is_source_table(d))
        if unknown:
            raise ModelError(f"{model.path}: reads unknown table(s) {', '.join(unknown)}")
    _DEPS_CACHE.save()
    return models


def _read_config(sql_dir: Path) -> dict:
    """``models.yml``: materialisation per folder and model, and the union models."""
    import yaml

    path = sql_dir / CONFIG_FILE
    config = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return config or {}


def _model(
    name: str, layer: str, folder: str, path: Path, sql: str, config: dict, default: str = ""
) -> Model:
    folders = config.get("folders", {})
    materialized = (
        config.get("models", {}).get(name)
        or default
        or folders.get(folder)
        or folders.get(layer)
        or ("view" if layer == "staging" else "incremental")
    )
    if materialized not in MATERIALIZATIONS:
        raise ModelError(
            f"{path}: model {name} is declared '{materialized}'; "
            f"expected one of {', '.join(sorted(MATERIALIZATIONS))}"
        )
    deps = referenced_tables(sql, path)
    return Model(name, layer, path, sql, deps, materialized)


def _add(models: dict[str, Model], model: Model) -> None:
    if model.name in models:
        raise ModelError(f"{model.path}: model {model.name} is defined twice")
    models[model.name] = model


def topological_order(models: Mapping[str, Model]) -> list[Model]:
    """Models ordered so each comes after the models it reads (ties by layer, then name)."""
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    pending = {name: {d for d in m.deps if d in models} for name, m in models.items()}
    ordered: list[Model] = []
    while pending:
        ready = sorted(
            (n for n, deps in pending.items() if not deps),
            key=lambda n: (rank.get(models[n].layer, len(rank)), n),
        )
        if not ready:
            raise ModelError(f"dependency cycle among models: {', '.join(sorted(pending))}")
        for name in ready:
            ordered.append(models[name])
            del pending[name]
        for deps in pending.values():
            deps.difference_update(ready)
    return ordered


def prepare_connection(
    con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, codes_dir: Path = CODES_DIR
) -> None:
    """Load code lists as ``ref_<stem>_codes``, create macros and register Python UDFs.

    Idempotent: safe to call on a connection that was prepared before. The code tables
    and macros live in the database, so a warehouse that already holds the current ones
    (same fingerprint) is not written again: every Dagster step prepares its connection.
    """
    code_paths = sorted(Path(codes_dir).glob("*.csv"))
    macro_paths = sorted((Path(sql_dir) / "macros").glob("*.sql"))
    tables = [f"ref_{path.stem.lower()}_codes" for path in code_paths]
    fingerprint = _fingerprint([*code_paths, *macro_paths])
    # The fingerprint is the comment of the first code table, written last.
    if not tables or _table_comment(con, tables[0]) != fingerprint:
        for table, csv_path in zip(tables, code_paths, strict=True):
            con.execute(
                f"create or replace table {table} as "
                "select * from read_csv(?, header = true, auto_detect = true)",
                [str(csv_path)],
            )
        for macro_path in macro_paths:
            con.execute(macro_path.read_text(encoding="utf-8"))
        if tables:
            con.execute(f"comment on table {tables[0]} is '{fingerprint}'")
    sql_functions.register(con)


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _table_comment(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    row = con.execute(
        "select comment from duckdb_tables() "
        "where table_name = ? and schema_name = current_schema() and not temporary",
        [table],
    ).fetchall()  # fetched to the end: UDF registration refuses an unfinished result
    return row[0][0] if row else None


def _columns(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str]]:
    rows = con.execute(f"describe select * from ({sql}\n) as model_query").fetchall()
    return [(row[0], row[1]) for row in rows]


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]] | None:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = current_schema() and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    return [(r[0], r[1]) for r in rows] or None


def _bind_run_variables(con: duckdb.DuckDBPyConnection, run_id: str, loaded_at: datetime) -> None:
    if loaded_at.tzinfo is None:
        loaded_at = loaded_at.replace(tzinfo=UTC)
    con.execute("set variable run_id = ?", [run_id])
    con.execute("set variable loaded_at = ?", [loaded_at])


def materialize_model(
    con: duckdb.DuckDBPyConnection,
    model: Model,
    quarter_keys: list[str],
    run_id: str,
    loaded_at: datetime,
) -> int:
    """Build one model's table; returns the number of rows written."""
    _bind_run_variables(con, run_id, loaded_at)
    if model.is_view:
        return _create_view(con, model, quarter_keys)
    if model.materialized == "table":
        if _object_type(con, model.name) == "view":
            con.execute(f"drop view {model.name}")
        con.execute(f"create or replace table {model.name} as {model.sql}\n")
        return con.execute(f"select count(*) from {model.name}").fetchone()[0]
    shape = _columns(con, model.sql)
    if "quarter_key" not in {name.lower() for name, _ in shape}:
        raise ModelError(
            f"{model.path}: model {model.name} is materialised incrementally by quarter but "
            "returns no quarter_key column; declare it `table` in sql/models.yml"
        )

    if _object_type(con, model.name) == "view":
        con.execute(f"drop view {model.name}")
    keys = list(quarter_keys)
    in_run = "(quarter_key is null or list_contains(?::varchar[], quarter_key))"
    con.begin()
    try:
        existing = _table_columns(con, model.name)
        if existing is not None and existing != shape:
            # A new release added a column: rebuild every quarter the table held, not
            # just this run's, or publishing would drop the others from the marts.
            held = con.execute(
                f"select distinct quarter_key from {model.name} where quarter_key is not null"
            ).fetchall()
            keys = sorted({*keys, *(row[0] for row in held)})
            log.warning("model %s changed shape: rebuilding its table", model.name)
            con.execute(f"drop table {model.name}")
            existing = None
        if existing is None:
            con.execute(f"create table {model.name} as select * from ({model.sql}\n) limit 0")
        con.execute(f"delete from {model.name} where {in_run}", [keys])
        written = con.execute(
            f"insert into {model.name} by name "
            f"select * from ({model.sql}\n) as model_query where {in_run}",
            [keys],
        ).fetchone()[0]
        con.commit()
    except Exception:
        con.rollback()
        raise
    return written


def _object_type(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute(
        "select lower(table_type) from information_schema.tables "
        "where table_schema = current_schema() and table_name = ?",
        [name],
    ).fetchone()
    return None if row is None else row[0].replace("base table", "table")


def _create_view(con: duckdb.DuckDBPyConnection, model: Model, quarter_keys: list[str]) -> int:
    """A view of the model (replacing a table of an older warehouse); returns the run's rows."""
    if _object_type(con, model.name) == "table":
        con.execute(f"drop table {model.name}")
    con.execute(f"create or replace view {model.name} as {model.sql}\n")
    names = {name.lower() for name, _ in _columns(con, f"select * from {model.name}")}
    if "quarter_key" not in names:
        return con.execute(f"select count(*) from {model.name}").fetchone()[0]
    in_run = "(quarter_key is null or list_contains(?::varchar[], quarter_key))"
    sql = f"select count(*) from {model.name} where {in_run}"
    return con.execute(sql, [list(quarter_keys)]).fetchone()[0]


def run_models(
    con: duckdb.DuckDBPyConnection,
    quarter_keys: Iterable[str],
    run_id: str,
    loaded_at: datetime,
    sql_dir: Path = SQL_DIR,
) -> dict[str, int]:
    """Prepare the connection and materialise every model in dependency order."""
    from pipeline.models.lineage import prepare_lineage_sources

    prepare_connection(con, sql_dir=sql_dir)
    keys = list(quarter_keys)
    models = discover_models(sql_dir)
    prepare_lineage_sources(con, models)
    return {
        model.name: materialize_model(con, model, keys, run_id, loaded_at)
        for model in topological_order(models)
    }


def model_description(model: Model) -> str:
    """The model's leading comment block, which says why it exists."""
    lines = []
    for line in model.sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return "\n".join(lines) or f"SQL model `{model.path.name}`"


def loaded_quarters(con) -> set[str]:
    """Quarters the warehouse holds a calendar row for (loaded at least once)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'raw_quarters'"
    ).fetchone()[0]
    if not exists:
        return set()
    return {row[0] for row in con.execute("select quarter_key from raw_quarters").fetchall()}


def mart_preview(con, table: str, keys: list[str], limit: int = 5) -> str:
    """A few rows of what was written, as markdown for the Dagster UI."""
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    where = "where quarter_key in (select unnest($keys))" if "quarter_key" in columns else ""
    params = {"keys": keys} if where else {}
    frame = con.execute(f"select * from {table} {where} limit {limit}", params).df()
    return frame.to_markdown(index=False)
