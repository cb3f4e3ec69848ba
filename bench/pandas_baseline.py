"""A plain pandas implementation of the 13 indicators, to check the pipeline and the sample.

Written as an analyst would, straight from spec/indicators.md: read one quarter
folder (CSV or XLSX), compute numerator, denominator and the published value
(rounded half away from zero in decimal arithmetic, rules.md). It shares no
code with the pipeline or the sample generator, so agreement means something.

    .venv/bin/python bench/pandas_baseline.py data/raw 2021-22-Q2
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

CODES_DIR = Path(__file__).resolve().parents[1] / "schemas" / "codes"
SSDA903 = {"header", "episodes", "social_worker"}


# --- reading -------------------------------------------------------------
def read_extract(folder: Path, name: str) -> pd.DataFrame:
    """One extract as text, columns upper-cased and trimmed, blanks as NaN."""
    csv_path, xlsx_path = folder / f"{name}.csv", folder / f"{name}.xlsx"
    if csv_path.exists():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(xlsx_path, dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip()).replace("", np.nan)
    return frame


def to_dates(series: pd.Series, name: str) -> pd.Series:
    fmt = "%d/%m/%Y" if name in SSDA903 else "%Y-%m-%d"
    return pd.to_datetime(series, format=fmt)


def code_list(name: str, flag: str) -> set[str]:
    codes = pd.read_csv(CODES_DIR / f"{name}.csv", dtype=str)
    return set(codes.loc[codes[flag].str.lower() == "true", "code"])


# --- periods and rounding -------------------------------------------------
def quarter_end(quarter_key: str) -> date:
    start_year, number = int(quarter_key[:4]), int(quarter_key[-1])
    return {1: date(start_year, 6, 30), 2: date(start_year, 9, 30),
            3: date(start_year, 12, 31), 4: date(start_year + 1, 3, 31)}[number]  # fmt: skip


def rounded(numerator: int, denominator: int, decimals: int, scale: int = 100) -> Decimal | None:
    if denominator == 0:
        return None
    exact = Decimal(scale) * Decimal(numerator) / Decimal(denominator)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int, decimals: int, scale: int = 100) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "value": rounded(numerator, denominator, decimals, scale)}  # fmt: skip


def count(n: int) -> dict:
    return {"numerator": None, "denominator": None, "value": Decimal(n)}


# --- indicators -----------------------------------------------------------
def children_in_care(episodes: pd.DataFrame, qe: pd.Timestamp) -> set[str]:
    open_at_qe = (episodes["DECOM"] <= qe) & (episodes["DEC"].isna() | (episodes["DEC"] > qe))
    return set(episodes.loc[open_at_qe, "CHILD"])


def csc_perm(episodes: pd.DataFrame, fy_start: pd.Timestamp, qe: pd.Timestamp) -> dict:
    ended = episodes[episodes["DEC"].between(fy_start, qe) & (episodes["REC"] != "X1")]
    latest = ended.sort_values(["CHILD", "DEC"]).groupby("CHILD").tail(1)
    permanence = code_list("rec", "is_permanence")
    return ratio(int(latest["REC"].isin(permanence).sum()), len(latest), 1)


def csc_sw2(social_worker: pd.DataFrame, in_care: set[str], qe: pd.Timestamp) -> dict:
    sw = social_worker.sort_values(["CHILD", "SW_DECOM", "SW_ID"])
    sw = sw[sw.groupby("CHILD").cumcount() > 0]  # not the child's first-ever row
    window_start = qe - relativedelta(years=1) + relativedelta(days=1)
    changes = sw[sw["SW_DECOM"].between(window_start, qe)].groupby("CHILD").size()
    numerator = sum(1 for child in in_care if changes.get(child, 0) >= 2)
    return ratio(numerator, len(in_care), 1)


def csc_ltps(
    episodes: pd.DataFrame, header: pd.DataFrame, in_care: set[str], qe: pd.Timestamp
) -> dict:
    placement_starts = code_list("rne", "starts_new_placement")
    dob = header.set_index("CHILD")["DOB"]
    eps = episodes[episodes["DECOM"] <= qe].sort_values(["CHILD", "DECOM"])
    previous_dec = eps.groupby("CHILD")["DEC"].shift(1)
    eps = eps.assign(
        new_period=(eps["RNE"] == "S") | previous_dec.isna() | (previous_dec != eps["DECOM"])
    )
    eps = eps.assign(period=eps.groupby("CHILD")["new_period"].cumsum())
    # Each child's current period is the period of their latest episode (grouped, not a
    # loop over children: the loop was quadratic, minutes at ×100 the sample).
    eps = eps[eps["CHILD"].isin(in_care)]
    current = eps[eps["period"] == eps.groupby("CHILD")["period"].transform("last")]
    periods = current.groupby("CHILD").agg(start=("DECOM", "first"))
    starts = current[current["RNE"].isin(placement_starts)].groupby("CHILD")["DECOM"].max()
    periods["placement_start"] = starts.reindex(periods.index)
    periods["dob"] = dob.reindex(periods.index)
    under_16 = periods["dob"] + pd.DateOffset(years=16) > qe
    long_term = periods[under_16 & (periods["start"] <= qe - relativedelta(years=2, months=6))]
    numerator = int((long_term["placement_start"] <= qe - relativedelta(years=2)).sum())
    return ratio(numerator, len(long_term), 1)


def working_days_after(start: pd.Timestamp, end: pd.Timestamp, bank_holidays: set[date]) -> int:
    days = pd.date_range(start + pd.Timedelta(days=1), end, freq="D")
    return sum(1 for d in days if d.weekday() < 5 and d.date() not in bank_holidays)


def csc_icpc(s47: pd.DataFrame, fy_start: pd.Timestamp, qe: pd.Timestamp) -> dict:
    held = s47[s47["DATEOFINITIALCPC"].between(fy_start, qe)]
    years = range(held["S47ACTUALSTARTDATE"].dt.year.min() if len(held) else 2000, qe.year + 1)
    bank_holidays = set(holidays.country_holidays("GB", subdiv="ENG", years=years))
    timely = sum(
        working_days_after(row.S47ACTUALSTARTDATE, row.DATEOFINITIALCPC, bank_holidays) <= 15
        for row in held.itertuples()
    )
    return ratio(int(timely), len(held), 1)


def good_or_outstanding(schools: pd.DataFrame, phase: str) -> dict:
    rated = schools[
        (schools["PHASE"] == phase) & schools["OVERALL_EFFECTIVENESS"].isin(["1", "2", "3", "4"])
    ]
    pupils = rated["PUPILS"].str.replace(",", "").astype(int)
    good = pupils[rated["OVERALL_EFFECTIVENESS"].isin(["1", "2"])]
    return ratio(int(good.sum()), int(pupils.sum()), 1)


def manual(returns: pd.DataFrame, code: str, decimals: int) -> dict:
    row = returns[returns["INDICATOR_CODE"] == code].iloc[0]
    if pd.notna(row["NUMERATOR"]) and pd.notna(row["DENOMINATOR"]):
        num = int(row["NUMERATOR"].replace(",", ""))
        den = int(row["DENOMINATOR"].replace(",", ""))
        return ratio(num, den, decimals)
    value = Decimal(row["VALUE"]).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return {"numerator": None, "denominator": None, "value": value}


def population_at(raw_dir: Path, qe: pd.Timestamp) -> int:
    population = read_extract(raw_dir / "reference", "population")
    population["MID_YEAR"] = population["MID_YEAR"].astype(int)
    known = population[(population["AGE_BAND"] == "0-17") & (population["MID_YEAR"].map(
        lambda y: pd.Timestamp(y, 6, 30)) <= qe)]  # fmt: skip
    latest = known.sort_values("MID_YEAR").iloc[-1]
    return int(latest["POPULATION"].replace(",", ""))


def compute_indicators(raw_dir: Path, quarter_key: str) -> dict[str, dict]:
    """numerator, denominator and value (Decimal or None) of each indicator."""
    folder = Path(raw_dir) / quarter_key
    qe = pd.Timestamp(quarter_end(quarter_key))
    fy_start = pd.Timestamp(int(quarter_key[:4]), 4, 1)
    data = {}
    for name, date_columns in {
        "header": ["DOB"], "episodes": ["DECOM", "DEC"], "social_worker": ["SW_DECOM", "SW_DEC"],
        "s47_enquiries": ["S47ACTUALSTARTDATE", "DATEOFINITIALCPC"],
        "cp_plans": ["CPPSTARTDATE", "CPPENDDATE"], "foster_approvals": ["APPROVAL_DATE"],
        "schools": [], "manual_returns": [],
    }.items():  # fmt: skip
        frame = read_extract(folder, name)
        for column in date_columns:
            frame[column] = to_dates(frame[column], name)
        data[name] = frame
    episodes = data["episodes"]
    in_care = children_in_care(episodes, qe)
    plans = data["cp_plans"]
    on_plan = plans[
        (plans["CPPSTARTDATE"] <= qe) & (plans["CPPENDDATE"].isna() | (plans["CPPENDDATE"] > qe))
    ]
    approvals = data["foster_approvals"]
    approved = approvals[approvals["APPROVAL_DATE"].between(fy_start, qe)]
    return {
        "CSC-CIC": count(len(in_care)),
        "CSC-CICR": ratio(len(in_care), population_at(Path(raw_dir), qe), 1, scale=10000),
        "CSC-PERM": csc_perm(episodes, fy_start, qe),
        "CSC-SW2": csc_sw2(data["social_worker"], in_care, qe),
        "CSC-LTPS": csc_ltps(episodes, data["header"], in_care, qe),
        "CSC-FCR": count(approved["HOUSEHOLD_ID"].nunique()),
        "CSC-ICPC": csc_icpc(data["s47_enquiries"], fy_start, qe),
        "CSC-CPP": count(on_plan["LACHILDID"].nunique()),
        "EDU-GOP": good_or_outstanding(data["schools"], "Primary"),
        "EDU-GOS": good_or_outstanding(data["schools"], "Secondary"),
        "EDU-NEET": manual(data["manual_returns"], "EDU-NEET", 1),
        "EDU-PEX": manual(data["manual_returns"], "EDU-PEX", 2),
        "EDU-SUS": manual(data["manual_returns"], "EDU-SUS", 2),
    }


# --- RAG, as rules.md states it (used by the tests and the report below) ----
def applicable_target(raw_dir: Path, code: str, quarter_key: str) -> dict | None:
    targets = read_extract(Path(raw_dir) / "reference", "targets")
    mine = targets[
        (targets["INDICATOR_CODE"] == code) & (targets["FINANCIAL_YEAR"] == quarter_key[:7])
    ]
    specific = mine[mine["QUARTER"] == quarter_key[-1]]
    chosen = specific if len(specific) else mine[mine["QUARTER"].isna()]
    return None if chosen.empty else chosen.iloc[0].to_dict()


def rag_status(value: Decimal | None, target: dict | None, polarity: str) -> str | None:
    if value is None or target is None:
        return None
    goal, tolerance = Decimal(target["TARGET"]), Decimal(target["TOLERANCE"])

    def better(a: Decimal, b: Decimal) -> bool:
        return a >= b if polarity == "higher" else a <= b

    if better(value, goal):
        return "Green"
    kind = target["TOLERANCE_TYPE"]
    if kind == "points":
        within = abs(value - goal) <= tolerance
    elif kind == "percent":
        within = abs(value - goal) <= tolerance / 100 * abs(goal)
    else:
        within = better(value, tolerance)
    return "Amber" if within else "Red"


def scorecard(raw_dir: Path, quarter_key: str) -> dict[str, dict]:
    """Each indicator's figures plus target, tolerance type and RAG status."""
    catalogue = read_extract(Path(raw_dir) / "reference", "indicators").set_index("CODE")
    figures = compute_indicators(raw_dir, quarter_key)
    for code, figure in figures.items():
        target = applicable_target(raw_dir, code, quarter_key)
        figure["target"] = Decimal(target["TARGET"]) if target else None
        figure["tolerance_type"] = target["TOLERANCE_TYPE"] if target else None
        figure["rag"] = rag_status(figure["value"], target, catalogue.loc[code, "POLARITY"])
    return figures


if __name__ == "__main__":
    raw, key = Path(sys.argv[1]), sys.argv[2]
    for code, fig in scorecard(raw, key).items():
        print(f"{code:9} {fig['numerator']!s:>6} / {fig['denominator']!s:<6} = {fig['value']!s:>7}"
              f"  target {fig['target']!s:>5}  {fig['rag'] or ''}")  # fmt: skip
