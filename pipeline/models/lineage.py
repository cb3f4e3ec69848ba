"""What each figure is computed from, as tables the SQL models can read.

`scorecard explain` and `mart_indicator_lineage` say which files and which SQL model
gave a figure. The files come from `audit_files` (written by ingest); the model of
each computed indicator and the extracts it reads are taken from the model graph
itself, never typed in twice: a model in `sql/intermediate/indicators/` names its
indicator as the literal `indicator_code` of its final select, and the raw tables it
reads, directly or through other models, are its extracts.

Written before the models run, replaced whole (a few dozen rows):
`ref_model_versions(model, code_version)` and
`ref_indicator_inputs(indicator_code, model, extract)`.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import sqlglot
from sqlglot import exp

from pipeline.extracts.load import create_files_table
from pipeline.extracts.registry import BY_NAME
from pipeline.models.runner import Model, ModelError
from pipeline.signoff.store import create_warehouse_copies

INDICATOR_FOLDER = "indicators"


def indicator_code(model: Model) -> str:
    """The indicator a model of `sql/intermediate/indicators/` computes."""
    tree = sqlglot.parse_one(model.sql, dialect="duckdb")
    for select in tree.selects:
        if isinstance(select, exp.Alias) and select.alias.lower() == "indicator_code":
            if isinstance(select.this, exp.Literal) and select.this.is_string:
                return select.this.this
    raise ModelError(
        f"{model.path}: an indicator model's final select must name its indicator as "
        "a literal, e.g. 'CSC-SW2' as indicator_code"
    )


def indicator_models(models: Mapping[str, Model]) -> dict[str, Model]:
    """Indicator code → the model in `sql/intermediate/indicators/` that computes it."""
    return {
        indicator_code(model): model
        for model in models.values()
        if model.path.parent.name == INDICATOR_FOLDER and model.path.suffix == ".sql"
    }


def extracts_read(model: Model, models: Mapping[str, Model]) -> list[str]:
    """The extracts whose raw tables the model reads, directly or through other models."""
    seen: set[str] = set()
    found: set[str] = set()
    pending = [model.name]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in models:
            pending.extend(models[name].deps)
        elif name.startswith("raw_") and name.removeprefix("raw_") in BY_NAME:
            found.add(name.removeprefix("raw_"))
    return sorted(found)


def prepare_lineage_sources(con: duckdb.DuckDBPyConnection, models: Mapping[str, Model]) -> None:
    """Write the model versions and each indicator's inputs; create empty sources if absent."""
    versions = [(model.name, model.code_version) for model in models.values()]
    inputs = [
        (code, model.name, extract)
        for code, model in sorted(indicator_models(models).items())
        for extract in extracts_read(model, models)
    ]
    con.execute("create or replace table ref_model_versions (model varchar, code_version varchar)")
    con.executemany("insert into ref_model_versions values (?, ?)", versions)
    con.execute(
        "create or replace table ref_indicator_inputs "
        "(indicator_code varchar, model varchar, extract varchar)"
    )
    if inputs:
        con.executemany("insert into ref_indicator_inputs values (?, ?, ?)", inputs)
    create_files_table(con)
    create_warehouse_copies(con)
