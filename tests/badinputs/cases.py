"""The bad-input cases: mutation and exact expected outcome of each."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal, NamedTuple

import pandas as pd

from badinputs import mutate as m

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "raw"
Q1, Q2 = "2021-22-Q1", "2021-22-Q2"
QUARTERS = (Q1, Q2)

Outcome = Literal["file_error", "blocked", "quarantined", "warned", "loads", "misnamed"]


class Fault(NamedTuple):
    """One expected row of ``audit_rejects`` (and of the rejects CSV)."""

    row_number: int | None  # None: a fault of the file as a whole (a missing row)
    column_name: str
    value: str
    rule: str
    severity: str


@dataclass(frozen=True)
class Case:
    name: str
    extract: str
    quarter: str | None
    mutate: Callable[[Path], object]
    outcome: Outcome
    faults: tuple[Fault, ...] = ()
    message: tuple[str, ...] = ()
    loaded: Callable[[pd.DataFrame], None] | None = None
    env: tuple[tuple[str, str], ...] = ()  # settings the case runs with

    @property
    def folder(self) -> str:
        return self.quarter or "reference"

    def build(self, raw: Path) -> Path:
        """Apply the mutation to a raw folder made by ``make_raw``; returns it."""
        self.mutate(raw)
        return raw


def make_raw(dest: Path, quarters: tuple[str, ...] = QUARTERS) -> Path:
    """A raw folder with the sample's reference files and ``quarters``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("reference", *quarters):
        shutil.copytree(SAMPLE / name, dest / name)
    return dest


def _at(folder: str, stem: str, fn: Callable[..., object], *args) -> Callable[[Path], object]:
    return lambda raw: fn(raw / folder / f"{stem}.csv", *args)


def _both(*steps: Callable[[Path], object]) -> Callable[[Path], None]:
    def run(raw: Path) -> None:
        for step in steps:
            step(raw)

    return run


def _remove(folder: str, stem: str) -> Callable[[Path], None]:
    return lambda raw: (raw / folder / f"{stem}.csv").unlink()


def _rename_folder(raw: Path) -> None:
    (raw / Q2).rename(raw / "2021-22 Q2")


def _cp_plans_as_schools(raw: Path) -> None:
    m.save_as(raw / Q2 / "cp_plans.csv", raw / Q2 / "schools.csv")


def _no_2021_targets_for(code: str) -> Callable[[Path], None]:
    return _at(
        "reference",
        "targets",
        m.keep_lines,
        lambda header, row: not (row[0] == code and row[1] == "2021-22"),
    )


def _child_case_in_cin(raw: Path) -> None:
    m.replace_in_column(raw / Q2 / "s47_enquiries.csv", "LAchildID", "100171", "C100171")
    m.replace_in_column(raw / Q2 / "cp_plans.csv", "LAchildID", "100171", "c100171")


def _expect(column: str, value: object) -> Callable[[pd.DataFrame], None]:
    def check(rows: pd.DataFrame) -> None:
        assert value in set(rows[column]), f"{value!r} not loaded in {column}"

    return check


def _expect_row(line: int, column: str, value: object) -> Callable[[pd.DataFrame], None]:
    def check(rows: pd.DataFrame) -> None:
        assert rows.loc[line, column] == value, (rows.loc[line, column], value)

    return check


def _expect_empty(rows: pd.DataFrame) -> None:
    assert len(rows) == 0


E, W = "error", "warning"
REF = "reference"
NOT_IN_CATALOGUE = "INDICATOR_CODE is not an indicator in the catalogue (indicators.csv)"
DD = "is not a real date written as dd/mm/yyyy"
ISO = "is not a real date written as yyyy-mm-dd"
EN_DASH_TITLE = "Children in care per 10,000 children aged 0\u201317"

CASES: tuple[Case, ...] = (
    # --- files that cannot be used at all: the quarter (or run) stops, nothing recorded
    Case("indicators_missing_file", "indicators", None, _remove(REF, "indicators"),
         "file_error", message=("indicators.csv: the file is missing",)),
    Case("reference_folder_missing", "indicators", None, lambda raw: shutil.rmtree(raw / REF),
         "file_error", message=("indicators.csv: the folder", "does not exist")),
    Case("header_missing_file", "header", Q2, _remove(Q2, "header"),
         "file_error", message=("header.csv: the file is missing",)),
    Case("indicators_missing_column", "indicators", None,
         _at(REF, "indicators", m.drop_column, "UNIT"),
         "file_error", message=("indicators.csv", "required column UNIT is missing")),
    Case("episodes_missing_column", "episodes", Q2, _at(Q2, "episodes", m.drop_column, "DECOM"),
         "file_error", message=("episodes.csv", "required column DECOM is missing")),
    Case("targets_renamed_header", "targets", None,
         _at(REF, "targets", m.rename_column, "TOLERANCE_TYPE", "TOL_TYPE"),
         "file_error", message=("targets.csv", "required column TOLERANCE_TYPE is missing",
                                "TOL_TYPE")),
    Case("social_worker_renamed_header", "social_worker", Q2,
         _at(Q2, "social_worker", m.rename_column, "SW_ID", "Social worker ID"),
         "file_error", message=("social_worker.csv", "required column SW_ID is missing",
                                "Social worker ID")),
    Case("indicators_empty_file", "indicators", None, _at(REF, "indicators", m.empty),
         "file_error", message=("indicators.csv: the file is empty: it has no header row",)),
    Case("schools_empty_file", "schools", Q2, _at(Q2, "schools", m.empty),
         "file_error", message=("schools.csv: the file is empty: it has no header row",)),
    Case("indicators_header_only", "indicators", None, _at(REF, "indicators", m.header_only),
         "file_error", message=("indicators.csv: the file has a header row but no data rows",)),
    Case("schools_header_only", "schools", Q2, _at(Q2, "schools", m.header_only),
         "file_error", message=("schools.csv: the file has a header row but no data rows",)),
    Case("commentary_header_only", "commentary", Q2, _at(Q2, "commentary", m.header_only),
         "loads", loaded=_expect_empty),
    Case("population_semicolons", "population", None, _at(REF, "population", m.delimiter, ";"),
         "file_error", message=("population.csv: the columns are separated by semicolons",)),
    Case("episodes_tabs", "episodes", Q2, _at(Q2, "episodes", m.delimiter, "\t"),
         "file_error", message=("episodes.csv: the columns are separated by tabs",)),
    Case("manual_returns_xlsx_title_row", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.to_xlsx, "Manual returns 2021/22 Q2"),
         "file_error", message=("manual_returns.xlsx: the header is on row 3, not row 1",
                                "INDICATOR_CODE")),
    Case("targets_xlsx_title_row", "targets", None,
         _at(REF, "targets", m.to_xlsx, "Targets and tolerances"),
         "file_error", message=("targets.xlsx: the header is on row 3, not row 1", "TOLERANCE")),
    Case("cp_plans_saved_as_schools", "schools", Q2, _cp_plans_as_schools,
         "file_error",
         message=("schools.csv: the required column URN", "columns found: LAchildID")),
    # --- text that must load fine
    Case("indicators_windows_1252", "indicators", None,
         _at(REF, "indicators", m.encoding, "cp1252"),
         "loads", loaded=_expect("TITLE", EN_DASH_TITLE)),
    Case("indicators_utf8_bom", "indicators", None, _at(REF, "indicators", m.encoding, "utf-8-sig"),
         "loads", loaded=_expect("CODE", "CSC-CIC")),
    Case("schools_windows_1252", "schools", Q2,
         _both(_at(Q2, "schools", m.set_cell, 3, "SCHOOL_NAME", "St A\u00efdan\u2019s Caf\u00e9"),
               _at(Q2, "schools", m.encoding, "cp1252")),
         "loads", loaded=_expect_row(3, "SCHOOL_NAME", "St A\u00efdan\u2019s Caf\u00e9")),
    Case("header_utf8_bom", "header", Q2, _at(Q2, "header", m.encoding, "utf-8-sig"),
         "loads", loaded=_expect_row(2, "CHILD", "100045")),
    Case("header_child_as_float", "header", Q2,
         _at(Q2, "header", m.set_cell, 2, "CHILD", "100045.0"),
         "loads", loaded=_expect_row(2, "CHILD", "100045")),
    Case("header_xlsx_numbers", "header", Q2,
         _at(Q2, "header", m.to_xlsx, None, ("CHILD", "SEX")),
         "loads", loaded=_expect_row(2, "CHILD", "100045")),
    Case("cp_plans_child_as_float", "cp_plans", Q2,
         _at(Q2, "cp_plans", m.set_cell, 2, "LAchildID", "100171.0"),
         "loads", loaded=_expect_row(2, "LAchildID", "100171")),
    Case("episodes_child_stray_spaces", "episodes", Q2,
         _at(Q2, "episodes", m.set_cell, 2, "CHILD", "  100045 "),
         "loads", loaded=_expect_row(2, "CHILD", "100045")),
    Case("schools_thousands_separator", "schools", Q2,
         _at(Q2, "schools", m.set_cell, 2, "PUPILS", "1,581"),
         "loads", loaded=_expect_row(2, "PUPILS", 1581)),
    Case("population_thousands_separator", "population", None,
         _at(REF, "population", m.set_cell, 2, "POPULATION", "57,320"),
         "loads", loaded=_expect("POPULATION", 57320)),
    Case("manual_returns_thousands_separator", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.set_cell, 3, "DENOMINATOR", "41,420"),
         "loads", loaded=_expect_row(3, "DENOMINATOR", Decimal("41420"))),
    # --- row faults that block the quarter
    Case("episodes_bad_date", "episodes", Q2,
         _at(Q2, "episodes", m.set_cell, 3, "DECOM", "31/02/2012"),
         "blocked", (Fault(3, "DECOM", "31/02/2012", f"DECOM {DD}", E),)),
    Case("episodes_iso_date", "episodes", Q2,
         _at(Q2, "episodes", m.set_cell, 2, "DEC", "2021-02-21"),
         "blocked", (Fault(2, "DEC", "2021-02-21", f"DEC {DD}", E),)),
    Case("cp_plans_bad_date", "cp_plans", Q2,
         _at(Q2, "cp_plans", m.set_cell, 2, "CPPstartDate", "21/08/2018"),
         "blocked", (Fault(2, "CPPstartDate", "21/08/2018", f"CPPstartDate {ISO}", E),)),
    Case("targets_bad_number", "targets", None, _at(REF, "targets", m.set_cell, 2, "TARGET", "3%"),
         "blocked", (Fault(2, "TARGET", "3%", "TARGET is not a number (up to 12 digits, "
                           "at most 6 decimal places)", E),)),
    Case("episodes_dec_before_decom", "episodes", Q2,
         _at(Q2, "episodes", m.set_cell, 2, "DEC", "01/01/2019"),
         "blocked", (Fault(2, "DEC", "01/01/2019", "DEC (date episode ceased) is before DECOM "
                           "(date episode commenced)", E),)),
    Case("episodes_unknown_rne", "episodes", Q2, _at(Q2, "episodes", m.set_cell, 2, "RNE", "X"),
         "blocked", (Fault(2, "RNE", "X", "RNE (reason for new episode) is not an SSDA903 RNE "
                           "code", E),)),
    Case("episodes_unknown_rec", "episodes", Q2, _at(Q2, "episodes", m.set_cell, 2, "REC", "E99"),
         "blocked", (Fault(2, "REC", "E99", "REC (reason episode ceased) is not an SSDA903 REC "
                           "code", E),)),
    Case("episodes_unknown_place", "episodes", Q2,
         _at(Q2, "episodes", m.set_cell, 2, "PLACE", "Q9"),
         "blocked", (Fault(2, "PLACE", "Q9", "PLACE (placement type) is not an SSDA903 "
                           "placement code", E),)),
    Case("cp_plans_unknown_category", "cp_plans", Q2,
         _at(Q2, "cp_plans", m.set_cell, 2, "InitialCategoryOfAbuse", "NEGLECT"),
         "blocked", (Fault(2, "InitialCategoryOfAbuse", "NEGLECT", "InitialCategoryOfAbuse is not "
                           "one of NEG, PHY, SAB, EMO, MUL", E),)),
    Case("foster_unknown_carer_type", "foster_approvals", Q2,
         _at(Q2, "foster_approvals", m.set_cell, 2, "CARER_TYPE", "kinship"),
         "blocked", (Fault(2, "CARER_TYPE", "kinship", "CARER_TYPE is not mainstream or "
                           "connected", E),)),
    Case("header_duplicate_child", "header", Q2, _at(Q2, "header", m.duplicate_line, 2),
         "blocked", (Fault(2, "CHILD", "100045", "CHILD appears on more than one header row", E),
                     Fault(3, "CHILD", "100045", "CHILD appears on more than one header row", E))),
    Case("episodes_duplicate_key", "episodes", Q2, _at(Q2, "episodes", m.duplicate_line, 2),
         "blocked", tuple(Fault(n, "CHILD, DECOM", "100045, 05/02/2019", "more than one episode "
                                "for the same CHILD starting on the same DECOM", E)
                          for n in (2, 3))),
    Case("indicators_duplicate_code", "indicators", None,
         _at(REF, "indicators", m.duplicate_line, 2),
         "blocked", tuple(Fault(n, "CODE", "CSC-CIC", "CODE appears on more than one row", E)
                          for n in (2, 3))),
    Case("schools_negative_pupils", "schools", Q2,
         _at(Q2, "schools", m.set_cell, 3, "PUPILS", "-5"),
         "blocked", (Fault(3, "PUPILS", "-5", "PUPILS is negative", E),)),
    Case("population_negative", "population", None,
         _at(REF, "population", m.set_cell, 3, "POPULATION", "-58105"),
         "blocked", (Fault(3, "POPULATION", "-58105", "POPULATION is negative", E),)),
    Case("manual_returns_negative_numerator", "manual_returns", Q2,
         _both(_at(Q2, "manual_returns", m.set_cell, 3, "NUMERATOR", "-12")),
         "blocked", (Fault(3, "NUMERATOR", "-12", "NUMERATOR is negative", E),)),
    Case("manual_returns_percent_over_100", "manual_returns", Q2,
         _both(_at(Q2, "manual_returns", m.set_cell, 4, "VALUE", "102.5")),
         "blocked", (Fault(4, "VALUE", "102.5", "VALUE is a percentage outside 0 to 100", E),)),
    Case("manual_returns_value_disagrees", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.set_cell, 2, "VALUE", "6.5"),
         "blocked", (Fault(2, "VALUE", "6.5", "VALUE does not agree with 100 × NUMERATOR / "
                           "DENOMINATOR rounded to the indicator's decimal places", E),)),
    Case("manual_returns_unknown_indicator", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.set_cell, 2, "INDICATOR_CODE", "EDU-NET"),
         "blocked", (Fault(2, "INDICATOR_CODE", "EDU-NET", NOT_IN_CATALOGUE, E),)),
    Case("targets_unknown_indicator", "targets", None,
         _at(REF, "targets", m.set_cell, 2, "INDICATOR_CODE", "CSC-FCRX"),
         "blocked", (Fault(2, "INDICATOR_CODE", "CSC-FCRX", NOT_IN_CATALOGUE, E),)),
    Case("targets_unknown_tolerance_type", "targets", None,
         _at(REF, "targets", m.set_cell, 2, "TOLERANCE_TYPE", "fraction"),
         "blocked", (Fault(2, "TOLERANCE_TYPE", "fraction", "TOLERANCE_TYPE is not one of points, "
                           "percent, level", E),)),
    Case("social_worker_child_without_header", "social_worker", Q2,
         _at(Q2, "social_worker", m.set_cell, 2, "CHILD", "999999"),
         "blocked", (Fault(2, "CHILD", "999999", "CHILD has no row in the header file of this "
                           "quarter", E),)),
    # --- row faults that quarantine the row
    Case("commentary_unknown_indicator", "commentary", Q2,
         _at(Q2, "commentary", m.set_cell, 2, "INDICATOR_CODE", "CSC-CICX"),
         "quarantined", (Fault(2, "INDICATOR_CODE", "CSC-CICX", NOT_IN_CATALOGUE, W),)),
    Case("benchmarks_unknown_indicator", "benchmarks", None,
         _at(REF, "benchmarks", m.set_cell, 2, "INDICATOR_CODE", "CSC-CICX"),
         "quarantined", (Fault(2, "INDICATOR_CODE", "CSC-CICX", NOT_IN_CATALOGUE, W),)),
    Case("benchmarks_bad_date", "benchmarks", None,
         _at(REF, "benchmarks", m.set_cell, 2, "PERIOD_END", "31/03/2019"),
         "quarantined", (Fault(2, "PERIOD_END", "31/03/2019", f"PERIOD_END {ISO}", W),)),
    Case("cp_plans_child_other_case_than_s47", "cp_plans", Q2, _child_case_in_cin,
         "quarantined", (Fault(2, "LAchildID", "c100171", "LAchildID differs only in letter case "
                               "from a LAchildID in the s47_enquiries file", W),)),
    # --- folders
    Case("quarter_folder_misnamed", "header", Q2, _rename_folder, "misnamed",
         message=("2021-22 Q2", "was ignored", "not a quarter key")),
)  # fmt: skip

# Run-level only: the file is valid, the consequence shows in the marts.
NO_TARGETS = Case(
    "targeted_indicator_without_targets",
    "targets",
    None,
    _no_2021_targets_for("CSC-PERM"),
    "loads",
)
