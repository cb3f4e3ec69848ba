"""The edges of every indicator's window, and RAG at the edges of its arithmetic.

Issue 16: letting CSC-ICPC's year-to-date window leave out 1 April changed 13 sample
quarters and no test noticed. Each windowed indicator is pinned here on its first and
last day, a day on a weekend or bank holiday, and (for working days) zero working days.
Quarter 2021-22-Q2: FY start Thu 1 April 2021, QE Thu 30 September 2021, rolling-12
window 1 October 2020 .. 30 September 2021. England's bank holidays in 2021 used here:
Good Friday 2 April, Easter Monday 5 April, late summer 30 August (Scotland's summer
holiday was 2 August, a working day in England). Every figure is worked out by hand in
the comments.
"""

from __future__ import annotations

from decimal import Decimal

from sqlfixtures import d, fact, insert, manual_indicator, new_warehouse, run

Q1, Q2 = "2021-22-Q1", "2021-22-Q2"


def _ratio(con, code, quarter_key=Q2):
    row = fact(con, quarter_key, code)
    return row["numerator"], row["denominator"], row["value"]


# --- CSC-ICPC: YTD window on the conference date, 15 working days after the start ---------


def s47(child, start, cpc, quarter_key=Q2):
    return {
        "quarter_key": quarter_key,
        "LAchildID": child,
        "S47ActualStartDate": d(start),
        "DateOfInitialCPC": d(cpc),
        "ICPCnotRequired": False,
    }


ICPC_EDGES = [
    # A: conference on the window's first day, 1 April. From Mon 15 March: 16-19 (4),
    #    22-26 (9), 29-31 (12), Thu 1 April (13): timely. In the denominator.
    ("A", "2021-03-15", "2021-04-01"),
    # B: conference on 31 March, the day before the window: out of both
    ("B", "2021-03-01", "2021-03-31"),
    # C: conference on QE. From Thu 9 Sep: 10 (1), 13-17 (6), 20-24 (11), 27-30 (15): timely
    ("C", "2021-09-09", "2021-09-30"),
    # H: conference on QE, a day earlier start. From Wed 8 Sep: 9-10 (2), 13-17 (7),
    #    20-24 (12), 27-30 (16): late
    ("H", "2021-09-08", "2021-09-30"),
    # D: enquiry started on Saturday 3 July, conference Monday 5 July: 1 working day
    ("D", "2021-07-03", "2021-07-05"),
    # E: enquiry started on the bank holiday Mon 30 August, conference Tue 31 Aug: 1
    ("E", "2021-08-30", "2021-08-31"),
    # F: started Friday 9 July, conference Saturday 10 July: zero working days, timely
    ("F", "2021-07-09", "2021-07-10"),
    # G: conference the same day the enquiry started: zero working days, timely
    ("G", "2021-07-09", "2021-07-09"),
    # I: from Mon 9 Aug 2021 to Wed 1 Sep: 10-13 (4), 16-20 (9), 23-27 (14), 30 Aug is a
    #    bank holiday, 31 Aug (15), 1 Sep (16): late. With Scotland's holidays (2 Aug,
    #    not 30 Aug) it would be 15 and timely.
    ("I", "2021-08-09", "2021-09-01"),
    # J: Good Friday and Easter Monday 2021: from Wed 31 March: 1 Apr (1), 6-9 Apr (5),
    #    12-16 (10), 19-23 (15) = Fri 23 April: timely
    ("J", "2021-03-31", "2021-04-23"),
    # K: one day later, Mon 26 April: 16: late
    ("K", "2021-03-31", "2021-04-26"),
]


def test_icpc_window_edges_weekends_bank_holidays_and_zero_working_days():
    con = new_warehouse(Q2)
    insert(con, "raw_s47_enquiries", [s47(*case) for case in ICPC_EDGES])
    run(con, Q2)
    # denominator: all but B = 10; numerator A, C, D, E, F, G, J = 7; 70.0%.
    # Leaving out 1 April would give 6 / 9 = 66.7%.
    assert _ratio(con, "CSC-ICPC") == (Decimal(7), Decimal(10), Decimal("70.0"))


def test_icpc_in_the_first_quarter_counts_a_conference_on_1_april():
    con = new_warehouse(Q1)
    insert(
        con,
        "raw_s47_enquiries",
        [
            s47("A", "2021-03-15", "2021-04-01", Q1),  # 13 working days (above): in, timely
            s47("B", "2021-06-01", "2021-06-30", Q1),  # QE of Q1; 2-30 June: 21: late
            s47("C", "2021-06-01", "2021-07-01", Q1),  # after QE: out
        ],
    )
    run(con, Q1)
    assert _ratio(con, "CSC-ICPC", Q1) == (Decimal(1), Decimal(2), Decimal("50.0"))


# --- CSC-FCR: approvals in the YTD window, calendar days --------------------------------


def approval(household, day, quarter_key=Q2):
    return {"quarter_key": quarter_key, "HOUSEHOLD_ID": household, "APPROVAL_DATE": d(day)}


def test_fcr_window_counts_weekend_and_bank_holiday_approvals():
    con = new_warehouse(Q2)
    insert(
        con,
        "raw_foster_approvals",
        [
            approval("H1", "2021-04-02"),  # Good Friday: in (the window is calendar days)
            approval("H2", "2021-04-03"),  # Saturday: in
            approval("H3", "2021-08-30"),  # bank holiday: in
            approval("H4", "2021-03-31"),  # the day before: out
        ],
    )
    run(con, Q2)
    assert fact(con, Q2, "CSC-FCR")["value"] == Decimal(3)


def test_fcr_with_no_approval_in_the_window_is_zero():
    con = new_warehouse(Q1)
    insert(con, "raw_foster_approvals", [approval("H1", "2021-03-31", Q1)])
    run(con, Q1)
    row = fact(con, Q1, "CSC-FCR")
    assert (row["value"], row["is_available"]) == (Decimal(0), True)


def test_fcr_first_quarter_window_starts_on_1_april():
    con = new_warehouse(Q1)
    insert(
        con,
        "raw_foster_approvals",
        [approval("H1", "2021-04-01", Q1), approval("H2", "2021-06-30", Q1)],  # both edges
    )
    run(con, Q1)
    assert fact(con, Q1, "CSC-FCR")["value"] == Decimal(2)


# --- CSC-PERM: care ended in the YTD window ---------------------------------------------


def episode(child, decom, dec=None, rne="S", rec=None):
    return {
        "quarter_key": Q2,
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


def _episodes_warehouse(episodes, social_worker=()):
    con = new_warehouse(Q2)
    insert(con, "raw_episodes", episodes)
    children = sorted({e["CHILD"] for e in episodes})
    insert(
        con,
        "raw_header",
        [{"quarter_key": Q2, "CHILD": c, "SEX": 1, "DOB": d("2010-01-01")} for c in children],
    )
    insert(con, "raw_social_worker", list(social_worker))
    run(con, Q2)
    return con


def test_perm_window_counts_endings_on_a_bank_holiday_and_a_weekend():
    con = _episodes_warehouse(
        [
            episode("P1", "2019-01-01", dec="2021-04-05", rec="E11"),  # Easter Monday: in
            episode("P2", "2019-01-01", dec="2021-07-03", rec="E13"),  # Saturday: in
            episode("P3", "2019-01-01", dec="2021-03-31", rec="E11"),  # day before: out
            episode("P4", "2019-01-01", dec="2021-04-01", rec="E45"),  # first day: in
        ]
    )
    # denominator P1, P2, P4 = 3; numerator P1 (E11), P4 (E45) = 2; 66.7%
    assert _ratio(con, "CSC-PERM") == (Decimal(2), Decimal(3), Decimal("66.7"))


# --- CSC-SW2: rolling 12 months, calendar days -------------------------------------------


def sw(child, sw_id, day):
    return {"quarter_key": Q2, "CHILD": child, "SW_ID": sw_id, "SW_DECOM": d(day)}


def test_sw2_rolling_window_on_weekends_and_bank_holidays_and_both_edges():
    con = _episodes_warehouse(
        [episode(c, "2019-01-01") for c in ("S1", "S2", "S3")],
        social_worker=[
            # S1: changes on Christmas Day 2020 (a Friday bank holiday) and Saturday 2 Jan
            # 2021: 2 changes, in the numerator
            sw("S1", "W1", "2019-01-01"),
            sw("S1", "W2", "2020-12-25"),
            sw("S1", "W3", "2021-01-02"),
            # S2: changes on the window's first day (1 Oct 2020) and last day (QE): 2
            sw("S2", "W1", "2019-01-01"),
            sw("S2", "W2", "2020-10-01"),
            sw("S2", "W3", "2021-09-30"),
            # S3: a change the day before the window (30 Sep 2020) and one on QE: 1
            sw("S3", "W1", "2019-01-01"),
            sw("S3", "W2", "2020-09-30"),
            sw("S3", "W3", "2021-09-30"),
        ],
    )
    # denominator S1, S2, S3 = 3; numerator S1, S2 = 2; 66.7%
    assert _ratio(con, "CSC-SW2") == (Decimal(2), Decimal(3), Decimal("66.7"))


# --- RAG at the edges of the arithmetic ----------------------------------------------------


def manual_return(code, numerator=None, denominator=None, value=None):
    def dec(x):
        return None if x is None else Decimal(str(x))

    return {
        "quarter_key": Q2,
        "INDICATOR_CODE": code,
        "NUMERATOR": dec(numerator),
        "DENOMINATOR": dec(denominator),
        "VALUE": dec(value),
    }


def target(code, goal, kind, tolerance):
    return {
        "INDICATOR_CODE": code,
        "FINANCIAL_YEAR": "2021-22",
        "QUARTER": None,
        "TARGET": Decimal(str(goal)),
        "TOLERANCE_TYPE": kind,
        "TOLERANCE": Decimal(str(tolerance)),
    }


def _rag(cases):
    """cases: code -> (polarity, decimals, target, kind, tolerance, return)."""
    con = new_warehouse(Q2, catalogue=[
        manual_indicator(code, polarity=p, decimals=dp, unit="count")
        for code, (p, dp, *_) in cases.items()
    ])  # fmt: skip
    insert(con, "raw_manual_returns", [r for *_, r in cases.values()])
    insert(con, "raw_targets", [target(c, g, k, t) for c, (_, _, g, k, t, _) in cases.items()])
    run(con, Q2)
    return {code: fact(con, Q2, code) for code in cases}


def test_a_negative_target_with_a_percent_tolerance():
    # target -2.0, tolerance 10% of |-2.0| = 0.2. Higher is better: amber threshold
    # -2.0 - 0.2 = -2.2; lower is better: -2.0 + 0.2 = -1.8. (Taking 10% of -2.0 without
    # the absolute value would swap them: -1.8 and -2.2.)
    values = {
        "NEG-H-AMBER": "-2.2", "NEG-H-RED": "-2.21", "NEG-H-GREEN": "-1.9",
        "NEG-L-AMBER": "-1.8", "NEG-L-RED": "-1.79", "NEG-L-GREEN": "-2.1",
    }  # fmt: skip
    cases = {
        code: ("higher" if "-H-" in code else "lower", 2, "-2", "percent", 10,
               manual_return(code, value=v))
        for code, v in values.items()
    }  # fmt: skip
    facts = _rag(cases)
    thresholds = {"higher": Decimal("-2.2"), "lower": Decimal("-1.8")}
    for code, (polarity, *_) in cases.items():
        assert facts[code]["amber_threshold"] == thresholds[polarity], code
        assert facts[code]["rag_status"] == code.rsplit("-", 1)[1].title(), code
    assert facts["NEG-H-AMBER"]["amber_threshold_display"] == "-2.2"


def test_a_value_that_reaches_a_threshold_only_after_rounding():
    cases = {
        # 100 x 5995 / 10000 = 59.95, published 60.0 = the amber threshold 65 - 5: Amber
        # (the unrounded 59.95 would be Red)
        "ROUND-AMBER": ("higher", 1, 65, "points", 5, manual_return("ROUND-AMBER", 5995, 10000)),
        # 100 x 6495 / 10000 = 64.95, published 65.0 = the target: Green (not Amber)
        "ROUND-GREEN": ("higher", 1, 65, "points", 5, manual_return("ROUND-GREEN", 6495, 10000)),
        # lower is better: 100 x 1704 / 10000 = 17.04, published 17.0 = threshold 15 + 2
        "ROUND-LOWER": ("lower", 1, 15, "points", 2, manual_return("ROUND-LOWER", 1704, 10000)),
        # 59.949 given as VALUE rounds to 59.9: still Red
        "ROUND-RED": ("higher", 1, 65, "points", 5, manual_return("ROUND-RED", value="59.949")),
    }  # fmt: skip
    facts = _rag(cases)
    assert facts["ROUND-AMBER"]["value"] == Decimal("60.0")
    assert facts["ROUND-AMBER"]["rag_status"] == "Amber"
    assert facts["ROUND-GREEN"]["rag_status"] == "Green"
    assert (facts["ROUND-LOWER"]["value"], facts["ROUND-LOWER"]["rag_status"]) == (
        Decimal("17.0"),
        "Amber",
    )
    assert (facts["ROUND-RED"]["value"], facts["ROUND-RED"]["rag_status"]) == (
        Decimal("59.9"),
        "Red",
    )
    assert facts["ROUND-AMBER"]["value_display"] == "60.0"
