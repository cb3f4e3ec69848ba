"""The ten computed indicators of spec/indicators.md, on small hand-made extracts.

Each test builds a warehouse holding only the rows it needs, runs every SQL model and
reads the published value from fct_indicator_quarter. The answers are worked out by
hand in the comments. Quarter 2021-22-Q2: QE = 2021-09-30, FY start = 2021-04-01,
rolling-12 window = 2020-10-01 .. 2021-09-30.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from sqlfixtures import d, fact, insert, new_warehouse, run, value

Q2 = "2021-22-Q2"


def episode(child, decom, dec=None, rne="S", rec=None, quarter_key=Q2):
    if dec is not None and rec is None:
        rec = "E13"
    return {
        "quarter_key": quarter_key,
        "CHILD": child,
        "DECOM": d(decom),
        "RNE": rne,
        "DEC": d(dec),
        "REC": rec,
        "LS": "C2",
        "CIN": "N1",
        "PLACE": "U1",
        "PLACE_PROVIDER": "PR1",
    }


def warehouse_with_episodes(
    episodes: list[dict],
    dobs: dict[str, str] | None = None,
    social_worker: list[dict] | None = None,
    quarter_keys: tuple[str, ...] = (Q2,),
) -> duckdb.DuckDBPyConnection:
    """Episodes plus a header row for every child (DOB 2010-01-01 unless given)."""
    con = new_warehouse(*quarter_keys)
    insert(con, "raw_episodes", episodes)
    dobs = dobs or {}
    children = sorted({(e["quarter_key"], e["CHILD"]) for e in episodes})
    insert(
        con,
        "raw_header",
        [
            {"quarter_key": k, "CHILD": c, "SEX": 1, "DOB": d(dobs.get(c, "2010-01-01"))}
            for k, c in children
        ],
    )
    insert(con, "raw_social_worker", social_worker or [])
    run(con, *quarter_keys)
    return con


def ratio(con, code, quarter_key=Q2):
    row = fact(con, quarter_key, code)
    return row["numerator"], row["denominator"], row["value"]


# --- CSC-CIC: children in care at QE -------------------------------------------------


def test_cic_counts_children_in_care_at_quarter_end():
    con = warehouse_with_episodes(
        [
            episode("A", "2020-01-01"),  # open: in care
            episode("B", "2021-01-01", dec="2021-09-30"),  # DEC = QE: not in care
            episode("C", "2021-09-30"),  # DECOM = QE: in care
            episode("E", "2019-01-01", dec="2021-10-05"),  # DEC after QE: in care
            episode("F", "2020-01-01", dec="2020-06-01", rec="X1"),  # F: two episodes,
            episode("F", "2020-06-01", rne="P"),  # counted once
            episode("G", "2018-01-01", dec="2021-09-29"),  # left the day before QE
        ]
    )
    row = fact(con, Q2, "CSC-CIC")
    assert row["value"] == Decimal(4)  # A, C, E, F
    assert row["numerator"] is None and row["denominator"] is None
    assert row["is_available"] is True
    assert row["source_rows"] == 7  # rows of the episodes extract


# --- CSC-CICR: per 10,000 of the latest mid-year population ----------------------------


def population_rows():
    return [
        {"AREA_CODE": "E09000016", "MID_YEAR": 2020, "AGE_BAND": "0-17", "POPULATION": 50000},
        {"AREA_CODE": "E09000016", "MID_YEAR": 2021, "AGE_BAND": "0-17", "POPULATION": 60000},
        {"AREA_CODE": "E09000016", "MID_YEAR": 2022, "AGE_BAND": "0-17", "POPULATION": 1},
    ]


def test_cicr_uses_latest_mid_year_on_or_before_quarter_end():
    q1, q4_prev = "2021-22-Q1", "2020-21-Q4"
    episodes = [episode(c, "2019-01-01", quarter_key=k) for k in (q1, q4_prev) for c in "ABCD"]
    con = new_warehouse(q1, q4_prev)
    insert(con, "raw_episodes", episodes)
    insert(con, "raw_population", population_rows())
    run(con, q1, q4_prev)
    # QE 2021-06-30 is the 30 June of MID_YEAR 2021: 4 / 60,000 × 10,000 = 0.666… → 0.7
    assert ratio(con, "CSC-CICR", q1) == (Decimal(4), Decimal(60000), Decimal("0.7"))
    # QE 2021-03-31: MID_YEAR 2021 is not yet out; 4 / 50,000 × 10,000 = 0.8
    assert ratio(con, "CSC-CICR", q4_prev) == (Decimal(4), Decimal(50000), Decimal("0.8"))


def test_cicr_without_population_is_not_available():
    con = warehouse_with_episodes([episode("A", "2020-01-01")])
    row = fact(con, Q2, "CSC-CICR")
    assert row["value"] is None and row["is_available"] is False


# --- CSC-PERM: adoption or SGO among children whose care ended YTD ----------------------


def test_perm_counts_each_leaver_once_by_latest_episode_and_skips_x1():
    con = warehouse_with_episodes(
        [
            episode("P1", "2019-01-01", dec="2021-04-01", rec="E11"),  # FY start: in, adopted
            episode("P2", "2019-01-01", dec="2021-03-31", rec="E11"),  # before the window
            episode("P3", "2019-01-01", dec="2021-09-30", rec="E13"),  # QE: in, not permanence
            episode("P4", "2019-01-01", dec="2021-06-01", rec="X1"),  # X1 is not an ending
            episode("P4", "2021-06-01", dec="2021-08-01", rne="L", rec="E45"),  # SGO
            episode("P5", "2019-01-01", dec="2021-05-01", rec="X1"),  # X1 only: not a leaver
            episode("P5", "2021-05-01", rne="P"),
            episode("P6", "2019-01-01", dec="2021-05-01", rec="E12"),  # left, came back,
            episode("P6", "2021-06-01", dec="2021-09-01", rec="E4A"),  # latest ending: E4A
            episode("P7", "2019-01-01", dec="2021-10-01", rec="E11"),  # after QE
            episode("P8", "2015-01-01", dec="2021-07-15", rec="E43"),  # historic SGO code
        ]
    )
    # denominator P1, P3, P4, P6, P8 = 5; numerator P1 (E11), P4 (E45), P8 (E43) = 3
    assert ratio(con, "CSC-PERM") == (Decimal(3), Decimal(5), Decimal("60.0"))


@pytest.mark.parametrize("rec", ["E11", "E12", "E43", "E44", "E45", "E46", "E47", "E48"])
def test_perm_permanence_codes(rec):
    con = warehouse_with_episodes(
        [
            episode("A", "2019-01-01", dec="2021-05-01", rec=rec),
            episode("B", "2019-01-01", dec="2021-05-01", rec="E41"),
            episode("C", "2019-01-01", dec="2021-05-01", rec="E13"),
        ]
    )
    assert ratio(con, "CSC-PERM") == (Decimal(1), Decimal(3), Decimal("33.3"))


def test_perm_with_no_leavers_is_not_available():
    con = warehouse_with_episodes([episode("A", "2019-01-01")])
    row = fact(con, Q2, "CSC-PERM")
    assert (row["denominator"], row["value"], row["is_available"]) == (0, None, False)


# --- CSC-SW2: 2+ changes of social worker in the rolling 12 months ---------------------


def sw(child, sw_id, sw_decom):
    return {"quarter_key": Q2, "CHILD": child, "SW_ID": sw_id, "SW_DECOM": d(sw_decom)}


def test_sw2_changes_in_rolling_window_excluding_first_ever_worker():
    con = warehouse_with_episodes(
        [episode(c, "2019-01-01") for c in ("S1", "S2", "S3", "S4", "S5")]
        + [episode("X", "2019-01-01", dec="2021-09-01")],  # left care: not in denominator
        social_worker=[
            # S1: 2019 first worker; 2020-10-01 is the window's first day: 2 changes
            sw("S1", "W1", "2019-01-01"),
            sw("S1", "W2", "2020-10-01"),
            sw("S1", "W3", "2021-03-01"),
            # S2: 2020-09-30 is the day before the window: 1 change
            sw("S2", "W1", "2019-01-01"),
            sw("S2", "W2", "2020-09-30"),
            sw("S2", "W3", "2021-03-01"),
            # S3: the first-ever worker, though in the window, is no change: 1 change
            sw("S3", "W1", "2020-11-01"),
            sw("S3", "W2", "2021-01-01"),
            # S4: two rows on the first day; first-ever is SW_ID A; B and C are changes
            sw("S4", "B", "2021-01-01"),
            sw("S4", "A", "2021-01-01"),
            sw("S4", "C", "2021-02-01"),
            # X: many changes but not in care at QE
            sw("X", "W1", "2019-01-01"),
            sw("X", "W2", "2021-01-01"),
            sw("X", "W3", "2021-02-01"),
        ],
    )
    # denominator S1..S5 = 5; numerator S1, S4 = 2
    assert ratio(con, "CSC-SW2") == (Decimal(2), Decimal(5), Decimal("40.0"))
    assert fact(con, Q2, "CSC-SW2")["source_rows"] == 6 + 14


def test_sw2_change_after_quarter_end_not_counted():
    con = warehouse_with_episodes(
        [episode("S1", "2019-01-01")],
        social_worker=[
            sw("S1", "W1", "2019-01-01"),
            sw("S1", "W2", "2021-09-30"),  # QE: in
            sw("S1", "W3", "2021-10-01"),  # after QE: out
        ],
    )
    assert ratio(con, "CSC-SW2") == (Decimal(0), Decimal(1), Decimal("0.0"))


# --- CSC-LTPS: long-term placement stability --------------------------------------------
# QE 2021-09-30: period of care must start on or before 2019-03-30 (QE − 2y6m), the
# placement on or before 2019-09-30 (QE − 2y); under 16 at QE means born after 2005-09-30.


def test_ltps_periods_placements_and_age():
    con = warehouse_with_episodes(
        [
            episode("L1", "2019-03-30"),  # period starts exactly QE − 2y6m: in, placement ok
            episode("L2", "2019-03-31"),  # a day too late: out
            episode("L3", "2015-01-01"),  # 16th birthday on QE: out
            episode("L4", "2015-01-01"),  # 16 the day after QE: in, numerator
            episode("L5", "2018-01-01", dec="2019-10-01"),  # moved carer after QE − 2y:
            episode("L5", "2019-10-01", rne="P"),  # in denominator, not numerator
            episode("L6", "2018-01-01", dec="2020-01-01"),  # T, L and B keep the carer:
            episode("L6", "2020-01-01", dec="2021-01-01", rne="T"),
            episode("L6", "2021-01-01", dec="2021-02-01", rne="L"),
            episode("L6", "2021-02-01", rne="B"),  # placement 2018-01-01: numerator
            episode("L7", "2015-01-01", dec="2019-01-01", rec="E4A"),  # gap: a new period
            episode("L7", "2019-05-01", rne="L"),  # starts 2019-05-01 even without S: out
            episode("L8", "2016-01-01", dec="2019-06-01"),  # contiguous but RNE S: a new
            episode("L8", "2019-06-01", rne="S"),  # period from 2019-06-01: out
            episode("L9", "2018-01-01", dec="2019-09-30"),  # U on QE − 2y exactly:
            episode("L9", "2019-09-30", rne="U"),  # numerator
            episode("L10", "2015-01-01", dec="2021-06-01"),  # not in care at QE: out
            episode("L11", "2017-01-01", dec="2018-01-01", rec="E4A"),  # gap then P:
            episode("L11", "2018-02-01", rne="P"),  # period and placement 2018-02-01: in, num
        ],
        dobs={"L3": "2005-09-30", "L4": "2005-10-01", "L10": "2010-01-01"},
    )
    # denominator L1, L4, L5, L6, L9, L11 = 6; numerator L1, L4, L6, L9, L11 = 5
    assert ratio(con, "CSC-LTPS") == (Decimal(5), Decimal(6), Decimal("83.3"))


def test_ltps_calendar_arithmetic_at_year_end():
    # QE 2021-12-31: QE − 2y6m = 2019-06-30 (no 31 June), QE − 2y = 2019-12-31
    q3 = "2021-22-Q3"
    con = warehouse_with_episodes(
        [
            episode("A", "2019-06-30", quarter_key=q3),  # in, and numerator
            episode("B", "2019-07-01", quarter_key=q3),  # out
            episode("C", "2019-01-01", dec="2019-12-31", quarter_key=q3),
            episode("C", "2019-12-31", rne="P", quarter_key=q3),  # placement on QE − 2y: num
            episode("D", "2019-01-01", dec="2020-01-01", quarter_key=q3),
            episode("D", "2020-01-01", rne="U", quarter_key=q3),  # a day later: not num
        ],
        quarter_keys=(q3,),
    )
    assert ratio(con, "CSC-LTPS", q3) == (Decimal(2), Decimal(3), Decimal("66.7"))


# --- CSC-FCR: new foster carer households YTD -------------------------------------------


def test_fcr_distinct_households_approved_in_year():
    con = new_warehouse(Q2)
    insert(
        con,
        "raw_foster_approvals",
        [
            {"quarter_key": Q2, "HOUSEHOLD_ID": hid, "APPROVAL_DATE": d(day)}
            for hid, day in [
                ("H1", "2021-04-01"),  # FY start: in
                ("H1", "2021-08-01"),  # same household again: once
                ("H2", "2021-03-31"),  # previous year
                ("H3", "2021-09-30"),  # QE: in
                ("H4", "2021-10-01"),  # after QE
            ]
        ],
    )
    run(con, Q2)
    row = fact(con, Q2, "CSC-FCR")
    assert (row["value"], row["numerator"], row["source_rows"]) == (Decimal(2), None, 5)


# --- CSC-ICPC: conferences within 15 working days ---------------------------------------


def s47(child, start, cpc, quarter_key=Q2, not_required=False):
    return {
        "quarter_key": quarter_key,
        "LAchildID": child,
        "S47ActualStartDate": d(start),
        "DateOfInitialCPC": d(cpc),
        "ICPCnotRequired": not_required,
    }


def test_icpc_working_days_skip_weekends_and_late_august_bank_holiday():
    con = new_warehouse(Q2)
    insert(
        con,
        "raw_s47_enquiries",
        [
            # Mon 9 Aug → Tue 31 Aug: 10–13 (4), 16–20 (5), 23–27 (5), 30 Aug is the late
            # summer bank holiday, 31 Aug = 15 working days: within
            s47("I1", "2021-08-09", "2021-08-31"),
            s47("I2", "2021-08-09", "2021-09-01"),  # 16: not within
            s47("I3", "2021-07-02", "2021-07-05"),  # Fri → Mon is 1 working day
            s47("I4", "2021-03-01", "2021-03-31"),  # conference before FY start: out
            s47("I5", "2021-09-01", None, not_required=True),  # no conference: out
            s47("I6", "2021-09-01", "2021-09-30"),  # conference on QE, 21 days: not within
            s47("I7", "2021-09-20", "2021-10-01"),  # conference after QE: out
        ],
    )
    run(con, Q2)
    # denominator I1, I2, I3, I6 = 4; numerator I1, I3 = 2
    assert ratio(con, "CSC-ICPC") == (Decimal(2), Decimal(4), Decimal("50.0"))


def test_icpc_conference_spanning_christmas_and_new_year():
    q4 = "2021-22-Q4"
    con = new_warehouse(q4)
    insert(
        con,
        "raw_s47_enquiries",
        [
            # Fri 10 Dec 2021: 13–17 (5), 20–24 (10), 27 and 28 Dec are the Christmas and
            # Boxing Day substitutes, 29–31 (13), 3 Jan 2022 New Year substitute, 4 Jan (14),
            # 5 Jan (15): within; 6 Jan (16): not within
            s47("A", "2021-12-10", "2022-01-05", quarter_key=q4),
            s47("B", "2021-12-10", "2022-01-06", quarter_key=q4),
            s47("C", "2021-12-24", "2021-12-29", quarter_key=q4),  # 1 working day
        ],
    )
    run(con, q4)
    assert ratio(con, "CSC-ICPC", q4) == (Decimal(2), Decimal(3), Decimal("66.7"))


def test_icpc_with_no_conferences_is_not_available():
    con = new_warehouse(Q2)
    insert(con, "raw_s47_enquiries", [s47("A", "2021-09-01", None, not_required=True)])
    run(con, Q2)
    assert fact(con, Q2, "CSC-ICPC")["is_available"] is False


# --- CSC-CPP: children on a child protection plan at QE --------------------------------


def test_cpp_children_subject_to_a_plan_at_quarter_end():
    con = new_warehouse(Q2)
    plans = [
        ("C1", "2020-01-01", "2020-06-01"),  # an earlier plan of C1, ended
        ("C1", "2021-09-30", None),  # starts on QE: in
        ("C2", "2021-01-01", "2021-09-30"),  # ends on QE: out
        ("C3", "2021-01-01", "2021-10-01"),  # ends after QE: in
        ("C4", "2021-10-01", None),  # starts after QE: out
        ("C5", "2021-01-01", None),  # two open plans: once
        ("C5", "2021-02-01", None),
    ]
    insert(
        con,
        "raw_cp_plans",
        [
            {"quarter_key": Q2, "LAchildID": c, "CPPstartDate": d(s), "CPPendDate": d(e)}
            for c, s, e in plans
        ],
    )
    run(con, Q2)
    assert value(con, Q2, "CSC-CPP") == Decimal(3)  # C1, C3, C5


# --- EDU-GOP / EDU-GOS: pupils in Good or Outstanding schools ---------------------------


def school(urn, phase, rating, pupils, quarter_key=Q2):
    return {
        "quarter_key": quarter_key,
        "URN": urn,
        "SCHOOL_NAME": f"School {urn}",
        "PHASE": phase,
        "OVERALL_EFFECTIVENESS": rating,
        "PUPILS": pupils,
    }


def test_good_or_outstanding_weighted_by_pupils_unrated_left_out():
    con = new_warehouse(Q2)
    insert(
        con,
        "raw_schools",
        [
            school("1", "Primary", 1, 300),
            school("2", "Primary", 2, 200),
            school("3", "Primary", 3, 100),
            school("4", "Primary", None, 1000),  # not yet rated: out of both
            school("5", "Primary", 4, 400),
            school("6", "Secondary", 2, 1000),
            school("7", "Secondary", 3, 500),
            school("8", "Special", 1, 90),  # other phases are not counted
        ],
    )
    run(con, Q2)
    assert ratio(con, "EDU-GOP") == (Decimal(500), Decimal(1000), Decimal("50.0"))
    # 1000 / 1500 = 66.666… → 66.7
    assert ratio(con, "EDU-GOS") == (Decimal(1000), Decimal(1500), Decimal("66.7"))


def test_no_rated_secondary_school_means_not_available():
    con = new_warehouse(Q2)
    insert(con, "raw_schools", [school("1", "Primary", 2, 10), school("2", "Secondary", None, 5)])
    run(con, Q2)
    row = fact(con, Q2, "EDU-GOS")
    assert (row["denominator"], row["value"], row["is_available"]) == (0, None, False)
    assert value(con, Q2, "EDU-GOP") == Decimal("100.0")


# --- each quarter from its own drop ----------------------------------------------------


def test_quarters_are_computed_from_their_own_extract():
    q1 = "2021-22-Q1"
    con = warehouse_with_episodes(
        [episode("A", "2020-01-01", quarter_key=q1)]
        + [episode(c, "2020-01-01") for c in ("A", "B", "C")],
        quarter_keys=(q1, Q2),
    )
    assert value(con, q1, "CSC-CIC") == Decimal(1)
    assert value(con, Q2, "CSC-CIC") == Decimal(3)
