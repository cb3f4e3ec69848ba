"""Bad inputs that pandas (or a careless join) would once have taken silently (issue 12).

Each class of input that changed or dropped a published figure without a word now
gets a decision (docs/operations.md "Inputs that would change figures silently"):
refused with the file, row, column and rule named, or accepted with a warning.
Several invented cases per class; the expected faults are worked out by hand from
the sample's rows (quoted in the comments).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from badinputs import mutate as m
from badinputs.cases import Q2, REF, Case, Fault, _at, _both

E, W = "error", "warning"
AFTER_QE = "is after the end of the quarter the extract is for"
ROWS_RULE = "Rule: every row has exactly as many fields as the header"
DEN_ZERO = (
    "DENOMINATOR is 0, so 100 × NUMERATOR / DENOMINATOR is no figure (0/0 is not 0%): leave "
    "NUMERATOR and DENOMINATOR blank and give VALUE if the service has a figure, or leave "
    "the row out"
)
COMPUTED = (
    "INDICATOR_CODE is computed from the extracts (SOURCE computed in indicators.csv), so a "
    "manual return for it would be ignored; check the code"
)
NO_RETURN = (
    "no manual return for this manual indicator (SOURCE manual in indicators.csv) this "
    "quarter, so it is published as not available"
)
OTHER_AREAS = ("E09000002,2021,0-17,65800\n", "E09000001,2021,0-17,1510\n")


def _append(folder: str, stem: str, *lines: str) -> Callable[[Path], None]:
    def run(raw: Path) -> None:
        path = raw / folder / f"{stem}.csv"
        path.write_text(path.read_text(encoding="utf-8") + "".join(lines), encoding="utf-8")

    return run


def _only_council(rows: pd.DataFrame) -> None:
    # population.csv has 6 rows of E09000016 (mid-years 2017 to 2022) and the 2 appended
    # rows of other areas: only the council's 6 are loaded.
    assert sorted(set(rows["AREA_CODE"])) == ["E09000016"]
    assert sorted(rows["MID_YEAR"]) == [2017, 2018, 2019, 2020, 2021, 2022]


def _mixed(folder: str, stem: str, utf8: tuple, stray: tuple) -> Callable[[Path], None]:
    """A UTF-8 file with one line edited in UTF-8 and one holding a Windows-1252 byte."""

    def run(raw: Path) -> None:
        path = raw / folder / f"{stem}.csv"
        lines = path.read_bytes().split(b"\n")
        line, old, new = utf8
        lines[line - 1] = lines[line - 1].replace(old.encode(), new.encode("utf-8"), 1)
        line, old, new = stray
        lines[line - 1] = lines[line - 1].replace(old.encode(), new.encode("cp1252"), 1)
        path.write_bytes(b"\n".join(lines))

    return run


def _ragged(file: str, where: str, *parts: str) -> tuple[str, ...]:
    return (f"{file}: {where}", *parts, ROWS_RULE)


CASES: tuple[Case, ...] = (
    # --- rows with more or fewer fields than the header: refused -----------------------
    # Every data row of commentary.csv (13 rows, lines 2-14) ends with a comma: pandas
    # took the first column as the index and shifted every value one column left.
    Case("commentary_trailing_comma_every_row", "commentary", Q2,
         _at(Q2, "commentary", m.trailing_comma), "file_error",
         message=_ragged("commentary.csv", "rows 2 to 14, column OWNER", "trailing comma")),
    Case("manual_returns_trailing_comma_every_row", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.trailing_comma), "file_error",
         message=_ragged("manual_returns.csv", "rows 2 to 4, column NOTE", "trailing comma")),
    # Line 40 of episodes.csv cut after its 7th cell (PLACE_PROVIDER): DEC onwards absent.
    Case("episodes_row_cut_short", "episodes", Q2, _at(Q2, "episodes", m.cut_line, 40, 7),
         "file_error",
         message=_ragged("episodes.csv", "row 40, column DEC", "has 7 fields but the header "
                         "has 13", "cut off")),
    # An unquoted comma inside SCHOOL_NAME of line 3 makes 7 cells under 6 names.
    Case("schools_unquoted_comma_in_name", "schools", Q2,
         _at(Q2, "schools", m.replace_in_line, 3, "St Aidan's Primary", "St Aidan's, Primary"),
         "file_error",
         message=_ragged("schools.csv", "row 3, column PUPILS", "has 7 fields but the header "
                         "has 6", "unquoted comma")),
    # One trailing comma on one row only (line 10, child 102785) is a ragged row too.
    Case("header_one_row_with_extra_field", "header", Q2,
         _at(Q2, "header", m.append_to_line, 10, ","), "file_error",
         message=_ragged("header.csv", "row 10, column MC_DOB", "has 8 fields but the header "
                         "has 7")),
    # targets.csv line 5 (CSC-FCR,2019-20,4,12,percent,20) cut after TARGET: the reference
    # file stops the run, not just a quarter.
    Case("targets_row_cut_short", "targets", None, _at(REF, "targets", m.cut_line, 5, 4),
         "file_error",
         message=_ragged("targets.csv", "row 5, column TOLERANCE_TYPE", "has 4 fields")),
    # The header's third name deleted (a blank cell in row 1) while the values stay.
    Case("foster_approvals_unnamed_column_with_values", "foster_approvals", Q2,
         _at(Q2, "foster_approvals", m.rename_column, "CARER_TYPE", ""), "file_error",
         message=("foster_approvals.csv: row 2: the value 'connected' is in column 3, which has "
                  "no name in the header row (right of APPROVAL_DATE)",)),
    # In Excel: a note typed in column G, beyond the last named column (NOTE is E).
    Case("manual_returns_xlsx_value_beyond_header", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.xlsx_cells, {"G3": "see note"}), "file_error",
         message=("manual_returns.xlsx: row 3, column G", "'see note'", "no name in row 1",
                  "Rule: every value sits under a column name in row 1")),
    # In Excel: VALUE of EDU-PEX as a formula that no Excel ever computed and saved.
    Case("manual_returns_xlsx_formula_never_saved", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.xlsx_cells, {"D3": "=100*B3/C3"}), "file_error",
         message=("manual_returns.xlsx: row 3, column VALUE", "=100*B3/C3",
                  "result was never saved", "save it")),
    # --- control characters in a cell: refused ----------------------------------------
    # PUPILS 1581 of line 2 with a NUL inside: the old reader cut the cell to "15".
    Case("schools_nul_in_pupils", "schools", Q2,
         _at(Q2, "schools", m.replace_in_line, 2, "1581", "15\x0081"), "file_error",
         message=("schools.csv: row 2, column PUPILS", "control character NUL",
                  "Rule: cells hold printable text only")),
    Case("episodes_nul_in_child", "episodes", Q2,
         _at(Q2, "episodes", m.replace_in_line, 3, "100515", "1005\x0015"), "file_error",
         message=("episodes.csv: row 3, column CHILD", "control character NUL")),
    # An old DOS end-of-file mark (SUB, U+001A) inside a comment of line 5 (CSC-SW2).
    Case("commentary_sub_character", "commentary", Q2,
         _at(Q2, "commentary", m.replace_in_line, 5, "turnover", "turn\x1aover"), "file_error",
         message=("commentary.csv: row 5, column CORRECTIVE_ACTION", "U+001A")),
    # A vertical tab (U+000B) before the 2018 estimate 58105 (line 3).
    Case("population_vertical_tab", "population", None,
         _at(REF, "population", m.replace_in_line, 3, "58105", "\x0b58105"), "file_error",
         message=("population.csv: row 3, column POPULATION", "U+000B")),
    # A file padded with NULs after its last line (a crash while saving): line 1692.
    Case("header_nul_padding", "header", Q2,
         _at(Q2, "header", m.edit_bytes, lambda raw: raw + b"\x00" * 64), "file_error",
         message=("header.csv: row 1692, column CHILD", "control character NUL")),
    # --- a column named twice, exactly: refused ---------------------------------------
    Case("header_child_twice", "header", Q2, _at(Q2, "header", m.repeat_column, "CHILD"),
         "file_error", message=("header.csv: row 1: the column CHILD appears twice",)),
    Case("episodes_decom_twice", "episodes", Q2, _at(Q2, "episodes", m.repeat_column, "DECOM"),
         "file_error", message=("episodes.csv: row 1: the column DECOM appears twice",)),
    Case("indicators_title_twice", "indicators", None,
         _at(REF, "indicators", m.repeat_column, "TITLE"),
         "file_error", message=("indicators.csv: row 1: the column TITLE appears twice",)),
    Case("manual_returns_xlsx_value_twice", "manual_returns", Q2,
         _both(_at(Q2, "manual_returns", m.repeat_column, "VALUE"),
               _at(Q2, "manual_returns", m.to_xlsx)),
         "file_error", message=("manual_returns.xlsx: row 1: the column VALUE appears twice",)),
    # --- mostly UTF-8 with a stray Windows-1252 byte: refused --------------------------
    # indicators.csv is UTF-8 ("0–17" in CSC-CICR's title, line 3); line 5 gets a
    # Windows-1252 en dash (0x96) in CSC-SW2's TITLE. Read as Windows-1252, line 3's
    # title would be published as "0â€“17".
    Case("indicators_stray_windows_byte", "indicators", None,
         _mixed(REF, "indicators", (2, "Number", "Number"), (5, " 2 or more", " 2\u2013more")),
         "file_error",
         message=("indicators.csv: row 5, column TITLE holds the byte 0x96",
                  "while row 3 holds UTF-8 text ('\u2013')", "mixes two encodings")),
    Case("schools_stray_windows_byte", "schools", Q2,
         _mixed(Q2, "schools", (3, "St Aidan's", "St Aidan\u2019s"), (6, "School", "Sch\u00e9ol")),
         "file_error",
         message=("schools.csv: row 6, column SCHOOL_NAME holds the byte 0xE9",
                  "row 3 holds UTF-8 text ('\u2019')")),
    Case("commentary_stray_windows_byte", "commentary", Q2,
         _mixed(Q2, "commentary", (2, "demand", "demand \u00a3"), (4, "outside", "\u2013outside")),
         "file_error",
         message=("commentary.csv: row 4, column COMMENTARY holds the byte 0x96",
                  "Save it again as 'CSV UTF-8'")),
    # --- dates a quarter's extract cannot hold: blocked ---------------------------------
    # 2021-22-Q2 ends on 30/09/2021. Line 28: child 102785's open episode from 18/03/2019,
    # keyed as 2022.
    Case("episodes_decom_after_quarter_end", "episodes", Q2,
         _at(Q2, "episodes", m.set_cell, 28, "DECOM", "18/03/2022"), "blocked",
         (Fault(28, "DECOM", "18/03/2022", f"DECOM (date episode commenced) {AFTER_QE}", E),)),
    # Line 2: child 100045's episode ceased 21/02/2021, keyed as 2022.
    Case("episodes_dec_after_quarter_end", "episodes", Q2,
         _at(Q2, "episodes", m.set_cell, 2, "DEC", "21/02/2022"), "blocked",
         (Fault(2, "DEC", "21/02/2022", f"DEC (date episode ceased) {AFTER_QE}", E),)),
    # Line 2: child 100045 born 07/11/2007, keyed as 07/11/2021 (after 30/09/2021).
    Case("header_dob_after_quarter_end", "header", Q2,
         _at(Q2, "header", m.set_cell, 2, "DOB", "07/11/2021"), "blocked",
         (Fault(2, "DOB", "07/11/2021", f"DOB (date of birth) {AFTER_QE}", E),)),
    # Child 100045 (one episode, line 2, from 05/02/2019) given a DOB of 07/11/2019: in
    # care nine months before birth. The episode is refused, DOB being the header's.
    Case("episodes_start_before_dob", "episodes", Q2,
         _at(Q2, "header", m.set_cell, 2, "DOB", "07/11/2019"), "blocked",
         (Fault(2, "DECOM", "05/02/2019", "DECOM (date episode commenced) is before the "
                "child's DOB in the header file", E),)),
    # Line 3: child 100586's open plan from 2020-07-22, keyed four days after the quarter.
    Case("cp_plans_start_after_quarter_end", "cp_plans", Q2,
         _at(Q2, "cp_plans", m.set_cell, 3, "CPPstartDate", "2021-10-04"), "blocked",
         (Fault(3, "CPPstartDate", "2021-10-04", f"CPPstartDate (plan start) {AFTER_QE}", E),)),
    Case("foster_approval_in_2031", "foster_approvals", Q2,
         _at(Q2, "foster_approvals", m.set_cell, 2, "APPROVAL_DATE", "2031-08-03"), "blocked",
         (Fault(2, "APPROVAL_DATE", "2031-08-03", f"APPROVAL_DATE (date of approval) {AFTER_QE}",
                E),)),
    Case("schools_inspection_after_quarter_end", "schools", Q2,
         _at(Q2, "schools", m.set_cell, 2, "INSPECTION_DATE", "2021-11-10"), "blocked",
         (Fault(2, "INSPECTION_DATE", "2021-11-10",
                f"INSPECTION_DATE (date of the latest inspection) {AFTER_QE}", E),)),
    # --- manual returns: 0 as denominator, a computed code, a missing return -------------
    # EDU-PEX (line 3) as 0 of 0: no percentage exists; it used to publish "no value".
    Case("manual_returns_zero_over_zero", "manual_returns", Q2,
         _both(_at(Q2, "manual_returns", m.set_cell, 3, "NUMERATOR", "0"),
               _at(Q2, "manual_returns", m.set_cell, 3, "DENOMINATOR", "0")),
         "blocked", (Fault(3, "DENOMINATOR", "0", DEN_ZERO, E),)),
    # EDU-NEET (line 2: 386, 6440, 6.0) with DENOMINATOR 0: 386 > 0 for a percentage, and
    # VALUE 6.0 cannot agree with a division by 0, so three faults, sorted by column.
    Case("manual_returns_zero_denominator", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.set_cell, 2, "DENOMINATOR", "0"), "blocked",
         (Fault(2, "DENOMINATOR", "0", DEN_ZERO, E),
          Fault(2, "NUMERATOR", "386", "NUMERATOR is larger than DENOMINATOR for a percentage "
                "indicator", E),
          Fault(2, "VALUE", "6.0", "VALUE does not agree with 100 × NUMERATOR / DENOMINATOR "
                "rounded to the indicator's decimal places", E))),
    # EDU-SUS (line 4, VALUE 2.37) keyed as CSC-SW2, which is computed from records. The
    # now missing EDU-SUS return is not reported while the file is blocked.
    Case("manual_returns_names_computed_percent", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.set_cell, 4, "INDICATOR_CODE", "CSC-SW2"), "blocked",
         (Fault(4, "INDICATOR_CODE", "CSC-SW2", COMPUTED, E),)),
    # EDU-NEET keyed as CSC-CIC (a count): 100 × 386 / 6440 = 5.99 → 6 at 0 decimals agrees
    # with VALUE 6.0, so the code is the only fault.
    Case("manual_returns_names_computed_count", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.set_cell, 2, "INDICATOR_CODE", "CSC-CIC"), "blocked",
         (Fault(2, "INDICATOR_CODE", "CSC-CIC", COMPUTED, E),)),
    # EDU-PEX's row (line 3) left out: a warning with no row; EDU-PEX is not available.
    Case("manual_returns_missing_return", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.keep_lines, lambda header, row: row[0] != "EDU-PEX"),
         "warned", (Fault(None, "INDICATOR_CODE", "EDU-PEX", NO_RETURN, W),)),
    Case("manual_returns_header_only", "manual_returns", Q2,
         _at(Q2, "manual_returns", m.header_only), "warned",
         tuple(Fault(None, "INDICATOR_CODE", code, NO_RETURN, W)
               for code in ("EDU-NEET", "EDU-PEX", "EDU-SUS"))),
    # --- population.csv with other areas' rows -----------------------------------------
    Case("population_other_areas_unconfigured", "population", None,
         _append(REF, "population", *OTHER_AREAS), "file_error",
         message=("population.csv: column AREA_CODE: the file holds 3 areas (E09000001, "
                  "E09000002, E09000016)",
                  "Set SCORECARD_AREA_CODE")),
    Case("population_other_areas_configured", "population", None,
         _append(REF, "population", *OTHER_AREAS), "loads", loaded=_only_council,
         env=(("SCORECARD_AREA_CODE", "E09000016"),)),
    Case("population_council_area_absent", "population", None,
         _at(REF, "population", m.replace_in_column, "AREA_CODE", "E09000016", "E09000002"),
         "file_error", env=(("SCORECARD_AREA_CODE", "E09000016"),),
         message=("population.csv: column AREA_CODE: no row has AREA_CODE E09000016",
                  "the areas in the file are E09000002")),
    # A single area that is not the configured council: another council's file.
    Case("population_of_another_council", "population", None,
         _at(REF, "population", m.replace_in_column, "AREA_CODE", "E09000016", "E09000002"),
         "file_error", env=(("SCORECARD_AREA_CODE", "E09000016"),),
         message=("no row has AREA_CODE E09000016",)),
)  # fmt: skip

CASES_BY_NAME = {case.name: case for case in CASES}
