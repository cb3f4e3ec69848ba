"""Reading extract files: encodings, delimiters, headers, XLSX cells, row numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from pipeline.extracts.readers import ExtractError, find_extract, read_extract
from pipeline.extracts.validate import validate_extract

HEADER = "CHILD,SEX,DOB,ETHNIC\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def cells(frame: pd.DataFrame) -> list[dict]:
    return frame.reset_index().to_dict(orient="records")


def test_utf8_with_bom_reads_first_header(tmp_path: Path) -> None:
    path = write(tmp_path / "header.csv", HEADER + "C1,1,01/02/2010,WBRI\n", "utf-8-sig")
    frame = read_extract(path)
    assert list(frame.columns) == ["CHILD", "SEX", "DOB", "ETHNIC"]
    assert cells(frame) == [
        {"row_number": 2, "CHILD": "C1", "SEX": "1", "DOB": "01/02/2010", "ETHNIC": "WBRI"}
    ]


def test_windows_1252_is_decoded(tmp_path: Path) -> None:
    text = "URN,SCHOOL_NAME,PHASE,OVERALL_EFFECTIVENESS,INSPECTION_DATE,PUPILS\n"
    text += "100001,St Mary\u2019s Caf\u00e9 School,Primary,2,2019-05-01,300\n"
    frame = read_extract(write(tmp_path / "schools.csv", text, "cp1252"))
    assert frame.loc[2, "SCHOOL_NAME"] == "St Mary\u2019s Caf\u00e9 School"


def test_headers_matched_ignoring_case_and_spaces_extra_columns_dropped(tmp_path: Path) -> None:
    text = " child ,Sex,  dob,Ethnic , Comment\n C1 ,1,01/02/2010,WBRI,note\n"
    frame = read_extract(write(tmp_path / "HEADER.csv", text))
    assert list(frame.columns) == ["CHILD", "SEX", "DOB", "ETHNIC"]
    assert frame.loc[2, "CHILD"] == "C1"


def test_blank_cells_are_missing_and_blank_lines_keep_row_numbers(tmp_path: Path) -> None:
    text = HEADER + "C1,1,01/02/2010,\n\n,,,\nC2,2,03/04/2011, \n"
    frame = read_extract(write(tmp_path / "header.csv", text))
    assert frame.index.tolist() == [2, 5]
    assert pd.isna(frame.loc[2, "ETHNIC"])  # a blank cell is missing, not ""
    assert pd.isna(frame.loc[5, "ETHNIC"])  # a blank cell is missing, not ""


def test_identifier_written_as_float_is_read_back_as_whole_number(tmp_path: Path) -> None:
    frame = read_extract(write(tmp_path / "header.csv", HEADER + " 1234.0 ,1,01/02/2010,A\n"))
    assert frame.loc[2, "CHILD"] == "1234"


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolons"), ("\t", "tabs")])
def test_wrong_delimiter_is_reported(tmp_path: Path, delimiter: str, word: str) -> None:
    text = HEADER.replace(",", delimiter) + delimiter.join(["C1", "1", "01/02/2010", "A"])
    with pytest.raises(ExtractError) as caught:
        read_extract(write(tmp_path / "header.csv", text + "\n"))
    assert str(caught.value) == (
        f"header.csv: the columns are separated by {word}, not commas; save it as CSV"
    )


def test_empty_file_is_an_extract_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="header.csv: the file is empty"):
        read_extract(write(tmp_path / "header.csv", ""))


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    frame = read_extract(write(tmp_path / "header.csv", "CHILD,SEX,ETHNIC\nC1,1,A\n"))
    with pytest.raises(ExtractError) as caught:
        validate_extract("header", frame)
    assert caught.value.file == "header.csv"
    assert caught.value.column == "DOB"
    assert "the required column DOB is missing" in str(caught.value)


def test_header_only_file_is_a_valid_empty_extract_where_allowed(tmp_path: Path) -> None:
    frame = read_extract(
        write(tmp_path / "foster_approvals.csv", "HOUSEHOLD_ID,APPROVAL_DATE,CARER_TYPE\n")
    )
    result = validate_extract("foster_approvals", frame)
    assert len(result.valid_rows) == 0 and result.faults == []
    assert result.notes == [
        "foster_approvals.csv has a header row but no data rows: loaded as an empty extract"
    ]


def test_header_only_episodes_is_an_extract_error(tmp_path: Path) -> None:
    frame = read_extract(write(tmp_path / "header.csv", HEADER))
    with pytest.raises(ExtractError, match="header row but no data rows"):
        validate_extract("header", frame)


def make_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("ignored").append(["not", "read"])
    book.save(path)
    return path


def test_xlsx_cells_become_the_text_a_csv_would_hold(tmp_path: Path) -> None:
    rows = [
        [" Child", "SEX", "DOB", "ETHNIC", None],
        [1234.0, 1, dt.datetime(2010, 2, 1), "WBRI", None],
        ["  AB12 ", 2.0, dt.date(2011, 4, 3), None, None],
        [None, None, None, None, None],
    ]
    frame = read_extract(make_workbook(tmp_path / "Header.xlsx", rows))
    assert cells(frame) == [
        {"row_number": 2, "CHILD": "1234", "SEX": "1", "DOB": "01/02/2010", "ETHNIC": "WBRI"},
        {"row_number": 3, "CHILD": "AB12", "SEX": "2", "DOB": "03/04/2011", "ETHNIC": None},
    ]


def test_xlsx_iso_dates_numbers_and_booleans(tmp_path: Path) -> None:
    rows = [
        [
            "LAchildID",
            "S47ActualStartDate",
            "InitialCPCtarget",
            "DateOfInitialCPC",
            "ICPCnotRequired",
        ],
        [77.0, dt.datetime(2021, 4, 1), dt.datetime(2021, 4, 22), None, True],
    ]
    frame = read_extract(make_workbook(tmp_path / "s47_enquiries.xlsx", rows))
    assert cells(frame)[0] == {
        "row_number": 2,
        "LAchildID": "77",
        "S47ActualStartDate": "2021-04-01",
        "InitialCPCtarget": "2021-04-22",
        "DateOfInitialCPC": None,
        "ICPCnotRequired": "true",
    }


def test_xlsx_decimal_keeps_its_digits(tmp_path: Path) -> None:
    rows = [["INDICATOR_CODE", "NUMERATOR", "DENOMINATOR", "VALUE", "NOTE"]]
    rows.append(["EDU-PEX", 12, 10000, 0.12, None])
    frame = read_extract(make_workbook(tmp_path / "manual_returns.xlsx", rows))
    assert frame.loc[2, "VALUE"] == "0.12"
    assert frame.loc[2, "DENOMINATOR"] == "10000"


def test_find_extract_matches_ignoring_case(tmp_path: Path) -> None:
    write(tmp_path / "Episodes.CSV", "x\n")
    assert find_extract(tmp_path, "episodes").name == "Episodes.CSV"


def test_find_extract_refuses_csv_and_xlsx_together(tmp_path: Path) -> None:
    write(tmp_path / "commentary.csv", "x\n")
    write(tmp_path / "commentary.xlsx", "x")
    with pytest.raises(ExtractError, match="both commentary.csv and commentary.xlsx"):
        find_extract(tmp_path, "commentary")


def test_find_extract_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match=r"^cp_plans.csv: the file is missing"):
        find_extract(tmp_path, "cp_plans")
