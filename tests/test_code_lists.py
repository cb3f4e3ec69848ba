"""The SSDA903 code lists of schemas/codes/: complete against the DfE's rules, and
every code the shipped sample uses is on its list (the sample still loads).

The lists are those of the DfE's validator (csc-validator-be-903 0.1.17, rules 144
LS, 145 CIN, 178 PLACE_PROVIDER, 1009 REASON_PLACE_CHANGE, 103 ETHNIC, SW13 SW_REASON),
copied here by hand so that a code dropped or mistyped in a CSV is caught.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from pipeline.models.runner import prepare_connection
from schemas._common import codes

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw"

DFE_LISTS = {
    "ls": "C1 C2 D1 E1 V2 V3 V4 J1 J2 J3 L1 L2 L3",
    "cin": "N1 N2 N3 N4 N5 N6 N7 N8",
    "place_provider": "PR0 PR1 PR2 PR3 PR4 PR5",
    "reason_place_change": "CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE "
    "CUSTOD OTHER",
    "ethnic": "WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR "
    "BOTH CHNE OOTH REFU NOBT",
    "sw_reason": "MANAGE FCONTA LEFTRL ORGRST TSPROC ABSENC CHCHAN PCCHAN SWDIED OTHERS",
}

# (file of each quarter, column, code list)
USED = [
    ("episodes", "LS", "ls"),
    ("episodes", "CIN", "cin"),
    ("episodes", "PLACE_PROVIDER", "place_provider"),
    ("episodes", "REASON_PLACE_CHANGE", "reason_place_change"),
    ("header", "ETHNIC", "ethnic"),
    ("social_worker", "SW_REASON", "sw_reason"),
]


@pytest.mark.parametrize("name", sorted(DFE_LISTS))
def test_code_list_is_the_dfe_s(name: str) -> None:
    assert codes(name) == frozenset(DFE_LISTS[name].split())


@pytest.mark.parametrize(("extract", "column", "name"), USED)
def test_every_sample_value_is_on_its_code_list(extract: str, column: str, name: str) -> None:
    seen: set[str] = set()
    for folder in sorted(p for p in SAMPLE.iterdir() if p.name != "reference"):
        with (folder / f"{extract}.csv").open(newline="", encoding="utf-8-sig") as handle:
            seen |= {row[column] for row in csv.DictReader(handle) if row[column]}
    assert seen, f"the sample has no {column}: the check would prove nothing"
    assert seen <= codes(name), sorted(seen - codes(name))


def test_the_code_lists_reach_the_sql_as_ref_tables() -> None:
    con = duckdb.connect()
    prepare_connection(con)
    for name in DFE_LISTS:
        loaded = {row[0] for row in con.execute(f"select code from ref_{name}_codes").fetchall()}
        assert loaded == codes(name), name
