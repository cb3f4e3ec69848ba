"""Signing a quarter off, and refusing a run that would change what was signed off.

`sign_off` records, from the *published* marts (what the committee was given), each
figure's value, RAG status, commentary and corrective action for one quarter and
committee, with who, when and a SHA-256 digest of exactly those rows. After that,
`differences` compares the figures a run has just computed in the warehouse with
what was signed off (or, where a change was already accepted with `--restate`,
with the restated value): a run refuses on any difference unless it restates.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from pipeline.core.errors import UserError
from pipeline.core.settings import DATABASE_NAME
from pipeline.signoff.store import TABLES, copy_to_warehouse, open_store

# The columns a sign-off locks, with the words a message uses for each.
LOCKED_COLUMNS = {
    "value": "value",
    "rag_status": "RAG status",
    "commentary": "commentary",
    "corrective_action": "corrective action",
}


@dataclass(frozen=True)
class SignedOff:
    signoff_id: str
    quarter_key: str
    committee: str
    signed_off_by: str
    signed_off_at: datetime
    digest: str
    figures: int
    rag_statuses: int
    commentaries: int


@dataclass(frozen=True)
class Difference:
    quarter_key: str
    committee: str
    indicator_code: str
    column_name: str
    signed_off_value: str | None
    accepted_value: str | None  # the signed-off value, or the last restated one
    new_value: str | None
    signoff_id: str
    signed_off_by: str
    signed_off_at: datetime

    def describe(self) -> str:
        words = LOCKED_COLUMNS[self.column_name]
        return (
            f"{self.quarter_key} {self.indicator_code} {words} "
            f"{_shown(self.accepted_value)} → {_shown(self.new_value)}"
        )


def as_text(value: object, decimals: int | None) -> str | None:
    """A locked cell as it is compared and recorded: a value at its indicator's decimals."""
    if value is None:
        return None
    if isinstance(value, Decimal | float | int):
        return f"{Decimal(value):.{decimals or 0}f}"
    return str(value)


def _shown(text: str | None) -> str:
    if text is None:
        return "(none)"
    if len(text) > 60:
        text = text[:57] + "..."
    return text if text.replace(".", "", 1).lstrip("-").isdigit() else f'"{text}"'


def sign_off(
    marts_dir: Path, store: Path, quarter_key: str, committee: str, signed_off_by: str
) -> SignedOff:
    """Record that the published figures of a quarter and committee went to committee."""
    rows = _published_figures(marts_dir, quarter_key, committee)
    signed_off_at = datetime.now(UTC)
    digest = _digest(quarter_key, committee, rows)
    record = SignedOff(
        signoff_id=str(uuid.uuid4()),
        quarter_key=quarter_key,
        committee=committee,
        signed_off_by=signed_off_by,
        signed_off_at=signed_off_at,
        digest=digest,
        figures=sum(row["value"] is not None for row in rows),
        rag_statuses=sum(row["rag_status"] is not None for row in rows),
        commentaries=sum(row["commentary"] is not None for row in rows),
    )
    con = open_store(store)
    try:
        con.execute("begin transaction")
        con.execute(
            "insert into signoffs values (?, ?, ?, ?, ?, ?, ?)",
            [record.signoff_id, quarter_key, committee, signed_off_by, signed_off_at,
             digest, len(rows)],
        )  # fmt: skip
        con.executemany(
            "insert into signoff_figures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [record.signoff_id, quarter_key, committee, row["indicator_code"],
                 row["decimals"], row["value"], row["rag_status"], row["commentary"],
                 row["corrective_action"], signed_off_at]
                for row in rows
            ],
        )  # fmt: skip
        con.execute("commit")
    finally:
        con.close()
    return record


def _published_figures(marts_dir: Path, quarter_key: str, committee: str) -> list[dict]:
    database = marts_dir / DATABASE_NAME
    if not database.is_file():
        raise UserError(f"There are no published marts in {marts_dir}: run the quarter first.")
    con = duckdb.connect(str(database), read_only=True)
    try:
        committees = [
            row[0]
            for row in con.execute(
                "select distinct committee from dim_indicator order by 1"
            ).fetchall()
        ]
        if committee not in committees:
            raise UserError(
                f"There is no committee {committee!r} in the published catalogue; "
                f"committees: {', '.join(committees) or 'none'}."
            )
        cursor = con.execute(
            "select f.indicator_code, i.decimals, f.value, f.rag_status, f.commentary, "
            "f.corrective_action from fct_indicator_quarter as f "
            "join dim_indicator as i on i.code = f.indicator_code "
            "where f.quarter_key = ? and i.committee = ? order by f.indicator_code",
            [quarter_key, committee],
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    if not rows:
        raise UserError(
            f"Quarter {quarter_key} is not published in {marts_dir}: run it, check the "
            "report, then sign it off."
        )
    return rows


def _digest(quarter_key: str, committee: str, rows: list[dict]) -> str:
    """SHA-256 of the signed-off rows, one JSON line each, in indicator order."""
    lines = [json.dumps({"quarter_key": quarter_key, "committee": committee})]
    for row in rows:
        cells = {
            "indicator_code": row["indicator_code"],
            **{c: as_text(row[c], row["decimals"]) for c in LOCKED_COLUMNS},
        }
        lines.append(json.dumps(cells, ensure_ascii=False, sort_keys=True))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


_SIGNED = """
with latest_signoffs as (
    select * from raw_signoffs
    qualify row_number() over (
        partition by quarter_key, committee order by signed_off_at desc
    ) = 1
)
select
    f.quarter_key, f.committee, f.indicator_code, f.decimals, f.value, f.rag_status,
    f.commentary, f.corrective_action, s.signoff_id, s.signed_off_by, s.signed_off_at,
    c.value as new_value, c.rag_status as new_rag_status, c.commentary as new_commentary,
    c.corrective_action as new_corrective_action
from raw_signoff_figures as f
join latest_signoffs as s using (signoff_id)
left join fct_indicator_quarter as c
    on c.quarter_key = f.quarter_key and c.indicator_code = f.indicator_code
order by f.quarter_key, f.committee, f.indicator_code
"""

_RESTATED = """
select quarter_key, indicator_code, column_name, new_value
from raw_restatements
qualify row_number() over (
    partition by quarter_key, indicator_code, column_name order by restated_at desc
) = 1
"""


def differences(con: duckdb.DuckDBPyConnection, store: Path) -> list[Difference]:
    """Every locked cell of a signed-off quarter that the warehouse's figures change.

    A change accepted before (`--restate`) is compared with its restated value, so
    a later run that computes the same figure again passes without restating twice.
    """
    copy_to_warehouse(con, store)
    _refuse_missing_quarters(con)
    cursor = con.execute(_SIGNED)
    names = [column[0] for column in cursor.description]
    signed = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    restated = {
        (q, code, column): new for q, code, column, new in con.execute(_RESTATED).fetchall()
    }
    found = []
    for row in signed:
        for column in LOCKED_COLUMNS:
            signed_text = as_text(row[column], row["decimals"])
            new_text = as_text(row[f"new_{column}"], row["decimals"])
            key = (row["quarter_key"], row["indicator_code"], column)
            accepted = restated.get(key, signed_text)
            if new_text != accepted:
                found.append(
                    Difference(
                        row["quarter_key"], row["committee"], row["indicator_code"], column,
                        signed_text, accepted, new_text, row["signoff_id"],
                        row["signed_off_by"], row["signed_off_at"],
                    )
                )  # fmt: skip
    return found


class SignedOffQuarterMissing(Exception):
    """A signed-off quarter is not in the warehouse: publishing would drop it."""


def _refuse_missing_quarters(con: duckdb.DuckDBPyConnection) -> None:
    missing = con.execute(
        "select distinct s.quarter_key from raw_signoffs as s "
        "where s.quarter_key not in (select quarter_key from fct_indicator_quarter) "
        "order by 1"
    ).fetchall()
    if missing:
        keys = ", ".join(key for (key,) in missing)
        raise SignedOffQuarterMissing(
            f"The signed-off quarter(s) {keys} are not in the working warehouse (was it "
            "deleted or rebuilt?), so publishing now would remove what the committee was "
            "given from the marts. Nothing was published. Run every quarter (scorecard run "
            "without --quarter) to rebuild the warehouse, or at least the quarter(s) listed."
        )


def refusal(found: list[Difference]) -> str:
    """The message of a run that would change signed-off figures without `--restate`."""
    quarters = sorted({(d.quarter_key, d.committee, d.signed_off_by, d.signed_off_at)
                       for d in found})  # fmt: skip
    signed = "; ".join(
        f"{q} for the {c} committee by {who} on {when:%Y-%m-%d %H:%M} UTC"
        for q, c, who, when in quarters
    )
    return (
        f"This run would change figures that were signed off ({signed}), so nothing was "
        f"published. Changes: {'; '.join(d.describe() for d in found)}. If the new "
        'figures are right, run again with --restate --reason "why they changed": each '
        "change is then recorded in mart_restatements and footnoted in the report. "
        "Otherwise put back the extract that was signed off."
    )


def record_restatements(
    store: Path, found: list[Difference], reason: str, restated_by: str, run_id: str
) -> None:
    """Append each accepted change to the sign-off file, all in one transaction."""
    restated_at = datetime.now(UTC)
    con = open_store(store)
    try:
        con.execute("begin transaction")
        con.executemany(
            f"insert into restatements ({', '.join(TABLES['restatements'])}) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [d.quarter_key, d.indicator_code, d.committee, d.column_name,
                 d.signed_off_value, d.new_value, reason, restated_by, restated_at, run_id,
                 d.signoff_id]
                for d in found
            ],
        )  # fmt: skip
        con.execute("commit")
    finally:
        con.close()


def build_restatements_mart(
    con: duckdb.DuckDBPyConnection, store: Path, run_id: str, loaded_at: datetime
) -> int:
    """Rebuild the SQL model `mart_restatements` from the sign-off file; returns its rows."""
    from pipeline.models.runner import discover_models, materialize_model

    copy_to_warehouse(con, store)
    model = discover_models()["mart_restatements"]
    return materialize_model(con, model, [], run_id, loaded_at)
