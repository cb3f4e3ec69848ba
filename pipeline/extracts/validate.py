"""Validating one extract against its schema and reporting faults an officer can act on.

A file is parsed from text into its schema's types, then checked lazily so that
every fault of a file is reported at once. Faults carry the source row number,
column, value and rule; ``error`` faults block the quarter, ``warning`` faults
quarantine their row. The valid rows are what ``pipeline.load`` stores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from pipeline.extracts.readers import ExtractError
from pipeline.extracts.registry import Extract, get_extract
from schemas._common import TEXT, Severity, as_text, forget_factorized, python_values
from schemas._parse import parse_frame
from schemas.context import ValidationContext, using_context

__all__ = [
    "ExtractError",
    "Fault",
    "QuarterBlocked",
    "ValidationContext",
    "ValidationResult",
    "validate_extract",
]

FAULT_FIELDS = ["row_number", "column_name", "value", "rule", "severity", "is_personal"]
SHOWN_IN_MESSAGE = 3
_NO_FAULTS: dict[tuple, pd.DataFrame] = {}  # _combine's answer for no faults, by frame shape


@dataclass(frozen=True)
class Fault:
    """One faulty cell or row: where it is, what it holds and which rule it breaks."""

    extract: str
    file: str
    row_number: int | None
    column_name: str | None
    value: str | None
    rule: str
    severity: Severity
    is_personal: bool

    def describe(self, redact: bool = True) -> str:
        """A sentence naming file, row, column, value and rule (personal values hidden)."""
        shown = "[personal data]" if redact and self.is_personal else repr(self.value or "")
        where = f"{self.file} row {self.row_number}" if self.row_number else self.file
        column = f", column {self.column_name}" if self.column_name else ""
        return f"{where}{column}, value {shown}: {self.rule}"


@dataclass
class ValidationResult:
    """Faults of one file and its rows that are fit to load."""

    extract: Extract
    file: str
    fault_frame: pd.DataFrame
    valid_rows: pd.DataFrame
    rows_read: int
    notes: list[str] = field(default_factory=list)

    @property
    def faults(self) -> list[Fault]:
        """The faults as records, sorted by row (built on demand: there may be many)."""
        rows = self.fault_frame.astype(object).where(self.fault_frame.notna(), None)
        return [
            Fault(self.extract.name, self.file, *record)
            for record in rows[FAULT_FIELDS].itertuples(index=False, name=None)
        ]

    @property
    def errors(self) -> list[Fault]:
        """Faults that block the quarter."""
        return [fault for fault in self.faults if fault.severity == "error"]

    @property
    def blocked(self) -> bool:
        """True when the file has an ``error`` fault."""
        return bool((self.fault_frame["severity"] == "error").any())

    blocking = blocked

    @property
    def quarantined(self) -> int:
        """Rows left out because of faults (all of them ``warning`` unless blocked)."""
        return self.rows_read - len(self.valid_rows)

    def raise_if_blocked(self, quarter_key: str | None = None) -> None:
        """Raise ``QuarterBlocked`` when an error fault was found (record faults first)."""
        if self.blocked:
            raise QuarterBlocked(self.errors, quarter_key)


class QuarterBlocked(Exception):
    """The quarter cannot be scored until the listed error faults are fixed."""

    def __init__(
        self,
        faults: Iterable[Fault],
        quarter_key: str | None = None,
        listing: Path | None = None,
    ) -> None:
        self.faults = [fault for fault in faults if fault.severity == "error"]
        self.quarter_key = quarter_key
        self.listing = listing
        super().__init__(self._paragraph())

    @classmethod
    def from_results(
        cls, results: Iterable[ValidationResult], quarter_key: str | None = None
    ) -> QuarterBlocked | None:
        """The exception for all error faults of ``results``, or None when there are none."""
        errors = [fault for result in results for fault in result.errors]
        return cls(errors, quarter_key) if errors else None

    def _paragraph(self) -> str:
        total = len(self.faults)
        period = f"Quarter {self.quarter_key}" if self.quarter_key else "This run"
        noun = "fault" if total == 1 else "faults"
        shown = "; ".join(fault.describe() for fault in self.faults[:SHOWN_IN_MESSAGE])
        more = total - SHOWN_IN_MESSAGE
        rest = f"; and {more} more" if more > 0 else ""
        return (
            f"{period} was not loaded: {total} {noun} in the extracts must be fixed first. "
            f"{shown}{rest}. Every fault is kept with its row in the rejects table; "
            "published figures stay as they were."
            + (f" All faults of the file are listed in {self.listing}." if self.listing else "")
        )


def validate_extract(
    extract: Extract | str,
    frame: pd.DataFrame,
    context: ValidationContext | None = None,
    file: str | None = None,
    path: str | Path | None = None,
) -> ValidationResult:
    """Check one extract read by ``read_extract``; raise ``ExtractError`` if unusable.

    ``file`` (or the name of ``path``) is the file name quoted in faults.
    """
    spec = get_extract(extract)
    file = file or (Path(path).name if path else None)
    file = file or frame.attrs.get("file") or f"{spec.stem}.csv"
    _require_columns(spec, frame, file)
    notes = _empty_notes(spec, frame, file)
    # Every cell as TEXT, whoever built the frame (a reader, a test, a script).
    # copy=False: the reader's Arrow columns are used as they are, not copied (a
    # million-row file's text is hundreds of MB).
    text = pd.DataFrame(
        {
            name: as_text(frame[name]) if name in frame else pd.Series(None, frame.index, TEXT)
            for name in spec.loaded_columns
        },
        index=frame.index,
        copy=False,
    )
    try:
        typed, type_faults = parse_frame(text, spec.schema, spec.date_format)
        type_faults["severity"] = spec.severity
        with using_context(context):
            check_faults = _schema_faults(spec, typed)
    finally:
        forget_factorized()  # the file's columns are not kept beyond its validation
    check_faults = _with_values(check_faults, text)
    faults = _combine(spec, type_faults, check_faults)
    with using_context(context):
        faults = _with_file_faults(spec, faults, text)
    faulty = faults["row_number"].dropna().unique()
    valid = typed.drop(index=faulty) if len(faulty) else typed
    return ValidationResult(spec, file, faults, valid, len(frame), notes)


def _with_file_faults(spec: Extract, faults: pd.DataFrame, text: pd.DataFrame) -> pd.DataFrame:
    """Add the faults of the file as a whole (no row), stated by the schema module.

    A schema module may define ``file_faults(frame)``: rules about rows that are
    missing rather than wrong (a manual indicator with no return), which pandera's
    row checks cannot express. They are listed after the row faults, and only for a
    file with no error fault: a blocked file is fixed first (a mistyped code would
    otherwise also be reported as a missing return); the next run checks them again.
    """
    rule = getattr(spec.module, "file_faults", None)
    blocked = bool((faults["severity"] == "error").any())
    found = rule(text) if rule and not blocked else []
    if not found:
        return faults
    extra = pd.DataFrame(
        [
            {
                "row_number": pd.NA,
                "column_name": column,
                "value": value,
                "rule": text_,
                "severity": severity,
                "is_personal": False,
            }
            for column, value, text_, severity in found
        ]  # fmt: skip
    ).astype({"row_number": "Int64"})
    if not len(faults):
        return extra[FAULT_FIELDS].reset_index(drop=True)
    return pd.concat([faults, extra[FAULT_FIELDS]], ignore_index=True)


def _require_columns(spec: Extract, frame: pd.DataFrame, file: str) -> None:
    missing = [column for column in spec.required if column not in frame.columns]
    if not missing:
        return
    names = ", ".join(missing)
    header = frame.attrs.get("header", list(frame.columns))
    found = ", ".join(str(name) for name in header if str(name).strip()) or "none"
    raise ExtractError(
        file, f"the required column {names} is missing (columns found: {found})", missing[0]
    )


def _empty_notes(spec: Extract, frame: pd.DataFrame, file: str) -> list[str]:
    if len(frame):
        return []
    if not spec.may_be_empty:
        raise ExtractError(file, "the file has a header row but no data rows")
    return [f"{file} has a header row but no data rows: loaded as an empty extract"]


def _schema_faults(spec: Extract, typed: pd.DataFrame) -> pd.DataFrame:
    """Pandera's failure cases as (row_number, column_name, rule, severity) rows."""
    try:
        spec.schema.validate(typed, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return pd.DataFrame(columns=["row_number", "column_name", "rule", "severity"])
    broken = cases["index"].isna()
    if broken.any():
        raise RuntimeError(f"a check of {spec.name} could not run: {cases[broken].to_dict()}")
    schema = spec.schema.to_schema()
    named = cases.apply(lambda case: _check_name(schema, case), axis=1) if len(cases) else []
    cases = cases.assign(name=named, row_number=cases["index"].astype("int64"))
    parts = [_row_level(spec, cases), _cell_level(spec, cases)]
    return pd.concat(parts, ignore_index=True)


def _check_name(schema: pa.DataFrameSchema, case: pd.Series) -> str:
    """The name of the check behind one failure case (``not_nullable`` and such as is)."""
    if pd.isna(case["check_number"]):
        return "not_nullable" if case["check"] == "not_nullable" else "dtype"
    number = int(case["check_number"])
    if case["schema_context"] == "DataFrameSchema":
        return schema.checks[number].name
    return schema.columns[case["column"]].checks[number].name


def _row_level(spec: Extract, cases: pd.DataFrame) -> pd.DataFrame:
    """Dataframe checks: pandera lists every column of a failing row; keep one per row."""
    rows = cases[cases["schema_context"] == "DataFrameSchema"]
    rows = rows.drop_duplicates(subset=["name", "row_number"])
    return pd.DataFrame(
        {
            "row_number": rows["row_number"],
            "column_name": rows["name"].map(lambda name: spec.rules[name].column),
            "rule": rows["check"],
            "severity": rows["name"].map(lambda name: spec.rules[name].severity),
        }
    )


def _cell_level(spec: Extract, cases: pd.DataFrame) -> pd.DataFrame:
    cells = cases[cases["schema_context"] != "DataFrameSchema"]
    blank = cells["name"] == "not_nullable"
    rule = cells["check"].where(~blank, cells["column"] + " is blank but must be filled in")
    rule = rule.where(cells["name"] != "dtype", cells["column"] + " has an unexpected type")
    severity = cells["name"].map(
        lambda name: spec.rules[name].severity if name in spec.rules else spec.severity
    )
    return pd.DataFrame(
        {
            "row_number": cells["row_number"],
            "column_name": cells["column"],
            "rule": rule,
            "severity": severity,
        }
    )


def _row_rules(spec: Extract) -> set[str]:
    """The messages of the schema's dataframe-level (row) checks."""
    return {check.error for check in spec.schema.to_schema().checks}


def _with_values(faults: pd.DataFrame, text: pd.DataFrame) -> pd.DataFrame:
    """Add each fault's value as written in the file (keys of several columns joined)."""
    values = pd.Series(None, index=faults.index, dtype="object")
    for column_name, group in faults.groupby("column_name", dropna=True):
        columns = [name.strip() for name in str(column_name).split(",")]
        cells = text.loc[group["row_number"], columns]
        if len(columns) > 1:
            cells = cells.astype("string").fillna("").agg(", ".join, axis=1)
        else:
            cells = cells[columns[0]]
        values.loc[group.index] = python_values(cells)
    return faults.assign(value=values)


def _combine(spec: Extract, typed: pd.DataFrame, checked: pd.DataFrame) -> pd.DataFrame:
    """Type faults win over check faults on the same cell (a bad date is not also blank).

    A row-level check (DEC before DECOM, REC only with DEC, ...) on a row with an
    unreadable cell saw that cell as blank, so its fault would be noise: it is left
    out, and shows on the next run only if it is real once the cell is fixed.
    """
    if len(typed) or len(checked):
        return _combined(spec, typed, checked)
    # No fault at all (most files): the answer depends only on the frames' columns
    # and types, and building it costs pandas several milliseconds per file.
    shape = tuple(
        (name, str(dtype)) for frame in (typed, checked) for name, dtype in frame.dtypes.items()
    )
    if shape not in _NO_FAULTS:
        _NO_FAULTS[shape] = _combined(spec, typed, checked)
    return _NO_FAULTS[shape].copy()


def _combined(spec: Extract, typed: pd.DataFrame, checked: pd.DataFrame) -> pd.DataFrame:
    typed = typed.rename(columns={"column": "column_name"})
    seen = pd.MultiIndex.from_frame(typed[["row_number", "column_name"]].astype(object))
    here = pd.MultiIndex.from_frame(checked[["row_number", "column_name"]].astype(object))
    row_level = checked["rule"].isin(_row_rules(spec))
    noise = row_level & checked["row_number"].isin(typed["row_number"])
    faults = pd.concat([typed, checked[~here.isin(seen) & ~noise]], ignore_index=True)
    personal = set(spec.personal)
    faults["is_personal"] = faults["column_name"].map(
        lambda name: bool(personal & {part.strip() for part in str(name).split(",")})
    )
    faults["row_number"] = faults["row_number"].astype("Int64")
    return faults.sort_values(["row_number", "column_name"], kind="stable")[
        FAULT_FIELDS
    ].reset_index(drop=True)
