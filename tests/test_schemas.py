"""Every rule of spec/extracts.md as an exact fault, and a round trip into DuckDB."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.extracts.load import context_from_connection, load_raw, record_faults
from pipeline.extracts.readers import read_extract
from pipeline.extracts.registry import EXTRACTS
from pipeline.extracts.validate import Fault, QuarterBlocked, ValidationContext, validate_extract
from schemas._parse import column_kinds

VALID: dict[str, dict[str, str | None]] = {
    "indicators": dict(CODE="EDU-NEET", TITLE="NEET", COMMITTEE="Children and Learning",
                       OBJECTIVE="Communities", SERVICE="Education", UNIT="percent",
                       DECIMALS="1", POLARITY="lower", BASIS="snapshot", SOURCE="manual"),
    "targets": dict(INDICATOR_CODE="CSC-PERM", FINANCIAL_YEAR="2021-22", QUARTER=None,
                    TARGET="65", TOLERANCE_TYPE="points", TOLERANCE="5"),
    "benchmarks": dict(INDICATOR_CODE="CSC-PERM", AREA="London", PERIOD_LABEL="2020-21",
                       PERIOD_END="2021-03-31", VALUE="12.5", SOURCE="LAIT"),
    "population": dict(AREA_CODE="E09000016", MID_YEAR="2021", AGE_BAND="0-17",
                       POPULATION="60,000"),
    "header": dict(CHILD="C1", SEX="1", DOB="01/02/2010", ETHNIC="WBRI"),
    "episodes": dict(CHILD="C1", DECOM="01/04/2020", RNE="S", LS="C2", CIN="N1", PLACE="U1",
                     PLACE_PROVIDER="PR1", DEC=None, REC=None, REASON_PLACE_CHANGE=None,
                     HOME_POST="AB1 2CD", PL_POST=None, URN="1234567"),
    "social_worker": dict(CHILD="C1", SW_ID="SW1", SW_DECOM="01/04/2020", SW_DEC=None),
    "s47_enquiries": dict(LAchildID="L1", S47ActualStartDate="2021-04-01",
                          InitialCPCtarget="2021-04-22", DateOfInitialCPC="2021-04-20",
                          ICPCnotRequired="false"),
    "cp_plans": dict(LAchildID="L1", CPPstartDate="2021-04-20", CPPendDate=None,
                     InitialCategoryOfAbuse="NEG"),
    "foster_approvals": dict(HOUSEHOLD_ID="H1", APPROVAL_DATE="2021-05-01",
                             CARER_TYPE="mainstream"),
    "schools": dict(URN="100001", SCHOOL_NAME="Park Primary", PHASE="Primary",
                    OVERALL_EFFECTIVENESS="2", INSPECTION_DATE="2019-05-01", PUPILS="1,234"),
    "manual_returns": dict(INDICATOR_CODE="EDU-NEET", NUMERATOR="50", DENOMINATOR="1000",
                           VALUE="5.0", NOTE=None),
    "commentary": dict(INDICATOR_CODE="EDU-NEET", COMMENTARY="Improving",
                       CORRECTIVE_ACTION=None, OWNER="Head of Service"),
}  # fmt: skip

CATALOGUE = pd.DataFrame(
    {"CODE": ["EDU-NEET", "EDU-PEX", "CSC-PERM"], "UNIT": ["percent"] * 3, "DECIMALS": [1, 2, 1]}
)
CONTEXT = (
    ValidationContext()
    .with_indicators(CATALOGUE)
    .with_ids("header", "CHILD", pd.Series(["C1", "C2"]))
    .with_ids("cp_plans", "LAchildID", pd.Series(["L1"]))
    .with_ids("s47_enquiries", "LAchildID", pd.Series(["L1"]))
)


def text_frame(extract: str, *rows: dict[str, str | None]) -> pd.DataFrame:
    """Rows of ``extract`` as ``read_extract`` gives them: valid values unless overridden."""
    records = [{**VALID[extract], **row} for row in rows]
    frame = pd.DataFrame(records, dtype=object, index=pd.RangeIndex(2, len(rows) + 2))
    return frame.where(frame.notna(), None)


def faults_of(extract: str, *rows: dict, context: ValidationContext = CONTEXT) -> list[tuple]:
    result = validate_extract(extract, text_frame(extract, *rows), context)
    return [(f.row_number, f.column_name, f.value, f.rule, f.severity) for f in result.faults]


@pytest.mark.parametrize("extract", [e.name for e in EXTRACTS])
def test_valid_row_of_every_extract_passes(extract: str) -> None:
    result = validate_extract(extract, text_frame(extract, {}), CONTEXT)
    assert result.faults == []
    assert len(result.valid_rows) == 1


def test_fault_record_is_complete_and_personal_columns_are_flagged() -> None:
    result = validate_extract("header", text_frame("header", {"DOB": "31/02/2021"}), CONTEXT)
    assert result.faults == [
        Fault("header", "header.csv", 2, "DOB", "31/02/2021",
              "DOB is not a real date written as dd/mm/yyyy", "error", True)
    ]  # fmt: skip
    assert result.valid_rows.empty


E, W = "error", "warning"
CASES = [
    # types and formats
    ("episodes", [{"DECOM": "31/02/2021"}],
     [(2, "DECOM", "31/02/2021", "DECOM is not a real date written as dd/mm/yyyy", E)]),
    ("header", [{"DOB": "2010-02-01"}],
     [(2, "DOB", "2010-02-01", "DOB is not a real date written as dd/mm/yyyy", E)]),
    ("foster_approvals", [{"APPROVAL_DATE": "2021-13-01"}],
     [(2, "APPROVAL_DATE", "2021-13-01",
       "APPROVAL_DATE is not a real date written as yyyy-mm-dd", E)]),
    ("benchmarks", [{"PERIOD_END": "31/03/2021"}],
     [(2, "PERIOD_END", "31/03/2021", "PERIOD_END is not a real date written as yyyy-mm-dd", W)]),
    ("population", [{"POPULATION": "1,23"}],
     [(2, "POPULATION", "1,23", "POPULATION is not a whole number", E)]),
    ("indicators", [{"DECIMALS": "1.5"}],
     [(2, "DECIMALS", "1.5", "DECIMALS is not a whole number", E)]),
    ("manual_returns", [{"VALUE": "5.1234567", "NUMERATOR": None, "DENOMINATOR": None}],
     [(2, "VALUE", "5.1234567",
       "VALUE is not a number (up to 12 digits, at most 6 decimal places)", E)]),
    ("s47_enquiries", [{"ICPCnotRequired": "yes"}],
     [(2, "ICPCnotRequired", "yes", "ICPCnotRequired is not true or false", E)]),
    ("header", [{"CHILD": None}],
     [(2, "CHILD", None, "CHILD is blank but must be filled in", E)]),
    # code lists
    ("indicators", [{"UNIT": "percentage"}],
     [(2, "UNIT", "percentage", "UNIT is not one of count, percent, rate", E)]),
    ("indicators", [{"POLARITY": "up"}],
     [(2, "POLARITY", "up", "POLARITY is not one of higher, lower, none", E)]),
    ("indicators", [{"BASIS": "monthly"}],
     [(2, "BASIS", "monthly", "BASIS is not one of snapshot, ytd, rolling12, annual", E)]),
    ("indicators", [{"SOURCE": "survey"}],
     [(2, "SOURCE", "survey", "SOURCE is not one of computed, manual", E)]),
    ("indicators", [{"DECIMALS": "4"}],
     [(2, "DECIMALS", "4", "DECIMALS is not a whole number 0 to 3", E)]),
    ("targets", [{"TOLERANCE_TYPE": "pct"}],
     [(2, "TOLERANCE_TYPE", "pct", "TOLERANCE_TYPE is not one of points, percent, level", E)]),
    ("targets", [{"FINANCIAL_YEAR": "2021-23"}],
     [(2, "FINANCIAL_YEAR", "2021-23",
       "FINANCIAL_YEAR is not a financial year written like 2021-22", E)]),
    ("targets", [{"QUARTER": "5"}], [(2, "QUARTER", "5", "QUARTER is not 1, 2, 3, 4 or blank", E)]),
    ("targets", [{"TOLERANCE": "-1"}],
     [(2, "TOLERANCE", "-1",
       "TOLERANCE is negative, which a points or percent tolerance cannot be", E)]),
    ("episodes", [{"RNE": "Q"}],
     [(2, "RNE", "Q", "RNE (reason for new episode) is not an SSDA903 RNE code", E)]),
    ("episodes", [{"DEC": "01/05/2020", "REC": "E99"}],
     [(2, "REC", "E99", "REC (reason episode ceased) is not an SSDA903 REC code", E)]),
    # issue 16: LS=ZZ loaded without a word; each 903 code column has its DfE code list
    ("episodes", [{"LS": "ZZ"}],
     [(2, "LS", "ZZ", "LS (legal status) is not an SSDA903 legal status code", E)]),
    ("episodes", [{"LS": "V1"}],  # V1 is not a legal status (V2, V3, V4 are)
     [(2, "LS", "V1", "LS (legal status) is not an SSDA903 legal status code", E)]),
    ("episodes", [{"CIN": "N9"}],
     [(2, "CIN", "N9", "CIN (category of need) is not an SSDA903 code N1 to N8", E)]),
    ("episodes", [{"PLACE_PROVIDER": "PR6"}],
     [(2, "PLACE_PROVIDER", "PR6",
       "PLACE_PROVIDER (placement provider) is not an SSDA903 code PR0 to PR5", E)]),
    ("episodes", [{"REASON_PLACE_CHANGE": "MOVED"}],
     [(2, "REASON_PLACE_CHANGE", "MOVED",
       "REASON_PLACE_CHANGE is not an SSDA903 reason for placement change code", E)]),
    ("header", [{"ETHNIC": "WBR"}],
     [(2, "ETHNIC", "WBR", "ETHNIC is not an SSDA903 ethnic origin code", E)]),
    ("social_worker", [{"SW_REASON": "QUIT"}],
     [(2, "SW_REASON", "QUIT",
       "SW_REASON (reason for change of social worker) is not an SSDA903 code", E)]),
    ("header", [{"SEX": "3"}], [(2, "SEX", "3", "SEX is not 1 (male) or 2 (female)", E)]),
    ("cp_plans", [{"InitialCategoryOfAbuse": "XYZ"}],
     [(2, "InitialCategoryOfAbuse", "XYZ",
       "InitialCategoryOfAbuse is not one of NEG, PHY, SAB, EMO, MUL", E)]),
    ("foster_approvals", [{"CARER_TYPE": "kinship"}],
     [(2, "CARER_TYPE", "kinship", "CARER_TYPE is not mainstream or connected", E)]),
    ("schools", [{"PHASE": "Junior"}],
     [(2, "PHASE", "Junior",
       "PHASE is not one of Primary, Secondary, Special, Nursery, All-through", E)]),
    ("schools", [{"OVERALL_EFFECTIVENESS": "5"}],
     [(2, "OVERALL_EFFECTIVENESS", "5",
       "OVERALL_EFFECTIVENESS is not an Ofsted grade 1 to 4 (or blank)", E)]),
    # ranges
    ("schools", [{"PUPILS": "-1"}], [(2, "PUPILS", "-1", "PUPILS is negative", E)]),
    ("schools", [{"PUPILS": None}],
     [(2, "PUPILS", None, "PUPILS is blank for a school with an Ofsted judgement", E)]),
    ("population", [{"POPULATION": "-5"}], [(2, "POPULATION", "-5", "POPULATION is negative", E)]),
    ("manual_returns", [{"NUMERATOR": "-1"}],
     [(2, "NUMERATOR", "-1", "NUMERATOR is negative", E),
      (2, "VALUE", "5.0", "VALUE does not agree with 100 × NUMERATOR / DENOMINATOR "
       "rounded to the indicator's decimal places", E)]),
    ("manual_returns", [{"NUMERATOR": None, "DENOMINATOR": None, "VALUE": "101"}],
     [(2, "VALUE", "101", "VALUE is a percentage outside 0 to 100", E)]),
    ("manual_returns", [{"NUMERATOR": "11", "DENOMINATOR": "10", "VALUE": None}],
     [(2, "NUMERATOR", "11", "NUMERATOR is larger than DENOMINATOR for a percentage indicator",
       E)]),
    # cross-column
    ("episodes", [{"DEC": "01/03/2020", "REC": "E11"}],
     [(2, "DEC", "01/03/2020",
       "DEC (date episode ceased) is before DECOM (date episode commenced)", E)]),
    ("episodes", [{"DEC": "01/05/2020"}],
     [(2, "REC", None,
       "REC (reason episode ceased) must be blank exactly when DEC (date ceased) is blank", E)]),
    ("episodes", [{"REC": "E11"}],
     [(2, "REC", "E11",
       "REC (reason episode ceased) must be blank exactly when DEC (date ceased) is blank", E)]),
    ("s47_enquiries", [{"ICPCnotRequired": "TRUE"}],
     [(2, "DateOfInitialCPC", "2021-04-20",
       "ICPCnotRequired is true but a DateOfInitialCPC (conference date) is given", E)]),
    ("s47_enquiries", [{"DateOfInitialCPC": "2021-03-31"}],
     [(2, "DateOfInitialCPC", "2021-03-31",
       "DateOfInitialCPC (conference date) is before S47ActualStartDate (enquiry start)", E)]),
    ("cp_plans", [{"CPPendDate": "2021-04-19"}],
     [(2, "CPPendDate", "2021-04-19", "CPPendDate (plan end) is before CPPstartDate (plan start)",
       E)]),
    ("social_worker", [{"SW_DEC": "31/03/2020"}],
     [(2, "SW_DEC", "31/03/2020",
       "SW_DEC (social worker end date) is before SW_DECOM (social worker start date)", E)]),
    ("manual_returns", [{"NUMERATOR": None, "DENOMINATOR": None, "VALUE": None}],
     [(2, "VALUE", None, "no figure: give NUMERATOR and DENOMINATOR, or VALUE, or both", E)]),
    ("manual_returns", [{"DENOMINATOR": None}],
     [(2, "NUMERATOR, DENOMINATOR", "50, ",
       "NUMERATOR and DENOMINATOR must be given together (or both left blank)", E)]),
    ("manual_returns", [{"VALUE": "5.1"}],
     [(2, "VALUE", "5.1", "VALUE does not agree with 100 × NUMERATOR / DENOMINATOR "
       "rounded to the indicator's decimal places", E)]),
    ("manual_returns",  # 6.485 rounds half away from zero to 6.49, never to 6.48
     [{"INDICATOR_CODE": "EDU-PEX", "NUMERATOR": "6485", "DENOMINATOR": "100000",
       "VALUE": "6.48"}],
     [(2, "VALUE", "6.48", "VALUE does not agree with 100 × NUMERATOR / DENOMINATOR "
       "rounded to the indicator's decimal places", E)]),
    # keys
    ("indicators", [{}, {}],
     [(2, "CODE", "EDU-NEET", "CODE appears on more than one row", E),
      (3, "CODE", "EDU-NEET", "CODE appears on more than one row", E)]),
    ("episodes", [{}, {"RNE": "P"}],
     [(2, "CHILD, DECOM", "C1, 01/04/2020",
       "more than one episode for the same CHILD starting on the same DECOM", E),
      (3, "CHILD, DECOM", "C1, 01/04/2020",
       "more than one episode for the same CHILD starting on the same DECOM", E)]),
    ("targets", [{"QUARTER": "2"}, {"QUARTER": "2"}, {}],
     [(2, "INDICATOR_CODE, FINANCIAL_YEAR, QUARTER", "CSC-PERM, 2021-22, 2",
       "more than one target for the same indicator, financial year and quarter", E),
      (3, "INDICATOR_CODE, FINANCIAL_YEAR, QUARTER", "CSC-PERM, 2021-22, 2",
       "more than one target for the same indicator, financial year and quarter", E)]),
    ("commentary", [{}, {}],
     [(2, "INDICATOR_CODE", "EDU-NEET",
       "more than one commentary row for the same INDICATOR_CODE", W),
      (3, "INDICATOR_CODE", "EDU-NEET",
       "more than one commentary row for the same INDICATOR_CODE", W)]),
    ("schools", [{}, {"URN": "100002"}, {"URN": "100001"}],
     [(2, "URN", "100001", "URN appears on more than one row", E),
      (4, "URN", "100001", "URN appears on more than one row", E)]),
    # cross-file
    ("targets", [{"INDICATOR_CODE": "CSC-XX"}],
     [(2, "INDICATOR_CODE", "CSC-XX",
       "INDICATOR_CODE is not an indicator in the catalogue (indicators.csv)", E)]),
    ("benchmarks", [{"INDICATOR_CODE": "CSC-XX"}],
     [(2, "INDICATOR_CODE", "CSC-XX",
       "INDICATOR_CODE is not an indicator in the catalogue (indicators.csv)", W)]),
    ("commentary", [{"INDICATOR_CODE": "CSC-XX"}],
     [(2, "INDICATOR_CODE", "CSC-XX",
       "INDICATOR_CODE is not an indicator in the catalogue (indicators.csv)", W)]),
    ("manual_returns", [{"INDICATOR_CODE": "EDU-NET"}],
     [(2, "INDICATOR_CODE", "EDU-NET",
       "INDICATOR_CODE is not an indicator in the catalogue (indicators.csv)", E)]),
    ("social_worker", [{"CHILD": "C9"}],
     [(2, "CHILD", "C9", "CHILD has no row in the header file of this quarter", E)]),
    ("episodes", [{"CHILD": "c1"}],
     [(2, "CHILD", "c1", "CHILD has no row in the header file of this quarter", E),
      (2, "CHILD", "c1", "CHILD differs only in letter case from a CHILD in the header file", W)]),
    ("header", [{}, {"CHILD": "c1"}],
     [(2, "CHILD", "C1", "CHILD differs only in letter case from another CHILD in this file", W),
      (3, "CHILD", "c1", "CHILD differs only in letter case from another CHILD in this file", W)]),
    ("cp_plans", [{"LAchildID": "l1"}],
     [(2, "LAchildID", "l1",
       "LAchildID differs only in letter case from a LAchildID in the s47_enquiries file", W)]),
]  # fmt: skip


@pytest.mark.parametrize(("extract", "rows", "expected"), CASES)
def test_rule_gives_exact_fault(extract: str, rows: list[dict], expected: list[tuple]) -> None:
    assert sorted(faults_of(extract, *rows), key=str) == sorted(expected, key=str)


def test_value_agreeing_after_rounding_half_away_from_zero_passes() -> None:
    row = {"INDICATOR_CODE": "EDU-PEX", "NUMERATOR": "6485", "DENOMINATOR": "100000"}
    assert faults_of("manual_returns", {**row, "VALUE": "6.49"}) == []


def test_cross_file_checks_wait_for_unknown_facts() -> None:
    empty = ValidationContext()
    assert faults_of("episodes", {"CHILD": "C9"}, context=empty) == []
    assert faults_of("commentary", {"INDICATOR_CODE": "CSC-XX"}, context=empty) == []


def test_warning_rows_are_quarantined_and_error_rows_block() -> None:
    frame = text_frame("commentary", {}, {"INDICATOR_CODE": "CSC-XX"})
    result = validate_extract("commentary", frame, CONTEXT)
    assert result.valid_rows.index.tolist() == [2] and not result.blocked
    bad = validate_extract("episodes", text_frame("episodes", {"RNE": "Q"}), CONTEXT)
    with pytest.raises(QuarterBlocked) as caught:
        bad.raise_if_blocked("2021-22-Q2")
    assert str(caught.value) == (
        "Quarter 2021-22-Q2 was not loaded: 1 fault in the extracts must be fixed first. "
        "episodes.csv row 2, column RNE, value 'Q': RNE (reason for new episode) is not an "
        "SSDA903 RNE code. Every fault is kept with its row in the rejects table; "
        "published figures stay as they were."
    )


def test_schema_columns_match_the_registry() -> None:
    for extract in EXTRACTS:
        assert tuple(column_kinds(extract.schema)) == extract.loaded_columns
        assert set(extract.keys) <= set(extract.loaded_columns)
        assert set(extract.personal) <= set(extract.columns)


def write_csv(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_round_trip_into_duckdb_keeps_exact_decimals_and_dates(tmp_path: Path) -> None:
    con = duckdb.connect()
    path = write_csv(tmp_path, "indicators", "CODE,TITLE,COMMITTEE,OBJECTIVE,SERVICE,UNIT,"
                     "DECIMALS,POLARITY,BASIS,SOURCE\nEDU-PEX,PEX,C&L,O,S,percent,2,lower,"
                     "annual,manual\n")  # fmt: skip
    load_raw(con, "indicators", None, validate_extract("indicators", read_extract(path)).valid_rows)
    context = context_from_connection(con, "2021-22-Q2")
    path = write_csv(tmp_path, "manual_returns", "INDICATOR_CODE,NUMERATOR,DENOMINATOR,VALUE,NOTE"
                     "\nEDU-PEX,\"1,297\",\"20,000\",6.485,checked\n")  # fmt: skip
    result = validate_extract("manual_returns", read_extract(path), context)
    for _ in range(2):  # delete-then-insert: a re-run does not duplicate
        assert load_raw(con, "manual_returns", "2021-22-Q2", result.valid_rows) == 1
    assert con.execute("SELECT * FROM raw_manual_returns").fetchall() == [
        ("2021-22-Q2", 2, "EDU-PEX", Decimal("1297"), Decimal("20000"), Decimal("6.485"),
         "checked")
    ]  # fmt: skip
    types = con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                        "WHERE table_name = 'raw_manual_returns'").fetchall()  # fmt: skip
    assert dict(types)["VALUE"] == "DECIMAL(18,6)"
    assert dict(types)["row_number"] == "INTEGER"


def test_round_trip_of_ssda903_dates_and_dropped_postcodes(tmp_path: Path) -> None:
    con = duckdb.connect()
    header = write_csv(tmp_path, "header", "CHILD,SEX,DOB,ETHNIC\n1234.0,1,29/02/2012,WBRI\n")
    load_raw(
        con, "header", "2021-22-Q2", validate_extract("header", read_extract(header)).valid_rows
    )
    context = context_from_connection(con, "2021-22-Q2")
    assert context.header_children == frozenset({"1234"})
    text = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
            "PL_POST,URN\n1234,01/04/2020,S,C2,N1,U1,PR1,30/06/2021,E11,,AB1 2CD,CD3 4EF,"
            "1234567.0\n9,02/04/2020,S,,,,,,,,,,\n")  # fmt: skip
    result = validate_extract("episodes", read_extract(write_csv(tmp_path, "episodes", text)),
                              context)  # fmt: skip
    assert [(f.row_number, f.column_name, f.severity) for f in result.faults] == [
        (3, "CHILD", "error")
    ]
    load_raw(con, "episodes", "2021-22-Q2", result.valid_rows)
    record_faults(con, result.faults, "2021-22-Q2", "episodes", "run-1")
    record_faults(con, result.fault_frame, "2021-22-Q2", "episodes", "run-2")
    row = con.execute("SELECT DECOM, DEC, URN FROM raw_episodes").fetchall()
    assert [(str(a), str(b), c) for a, b, c in row] == [("2020-04-01", "2021-06-30", "1234567")]
    columns = [r[0] for r in con.execute("DESCRIBE raw_episodes").fetchall()]
    assert "HOME_POST" not in columns and "PL_POST" not in columns
    assert con.execute("SELECT DISTINCT data_type FROM duckdb_columns() WHERE table_name = "
                       "'raw_episodes' AND column_name IN ('DECOM', 'DEC')").fetchall() == [
        ("DATE",)
    ]  # fmt: skip
    assert con.execute("SELECT quarter_key, extract, row_number, column_name, value, severity, "
                       "is_personal, run_id FROM audit_rejects").fetchall() == [
        ("2021-22-Q2", "episodes", 3, "CHILD", "9", "error", True, "run-2")
    ]  # fmt: skip
