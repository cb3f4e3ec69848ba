"""mart_indicator_signal and mart_outlook_backtest on the shipped sample, and the report.

Reads the session's sample run (tests/conftest.py). The statistics themselves are
tested against hand-worked values in tests/test_signals.py; here, one window of
the sample is worked by hand too, and the published shape and the report are checked.
"""

from __future__ import annotations

import re
from decimal import Decimal

import duckdb
import pytest
from pypdf import PdfReader

from pipeline.report.build import render_report
from pipeline.signals.build import SIGNAL_COLUMNS

QUARTER = "2022-23-Q2"


@pytest.fixture(scope="module")
def marts(sample_history):
    con = duckdb.connect(str(sample_history.marts / "scorecard.duckdb"), read_only=True)
    yield con
    con.close()


def test_published_for_every_quarter_and_indicator(marts, sample_history):
    count, quarters = marts.execute(
        "select count(*), count(distinct quarter_key) from mart_indicator_signal"
    ).fetchone()
    assert (count, quarters) == (16 * 13, 16)
    types = dict(
        marts.execute(
            "select column_name, column_type from (describe mart_indicator_signal)"
        ).fetchall()
    )
    assert tuple(types) == SIGNAL_COLUMNS
    assert types["spc_mean"] == "DECIMAL(18,6)"
    assert types["special_cause_rules"] == "VARCHAR[]"
    assert types["small_numbers"] == "BOOLEAN"
    for table in ("mart_indicator_signal", "mart_outlook_backtest"):
        parquet = sample_history.marts / f"{table}.parquet"
        rows = marts.execute(f"select count(*) from read_parquet('{parquet}')").fetchone()[0]
        assert rows == marts.execute(f"select count(*) from {table}").fetchone()[0]


def test_children_in_care_limits_worked_by_hand(marts):
    # CSC-CIC (snapshot, own value = published value), 2019-20 Q3 .. 2022-23 Q2:
    # 273 284 269 256 249 248 248 245 235 244 249 261 -> sum 3061, mean 255.083333
    # moving ranges 11 15 13 7 1 0 3 10 9 5 12 -> sum 86; 2.66 x 86/11 = 20.796364
    # limits 234.286970 / 275.879697; 261 is inside, one point above the mean: common cause.
    row = marts.execute(
        "select spc_points, spc_mean, spc_lower_limit, spc_upper_limit, variation, "
        "special_cause_rules, assurance from mart_indicator_signal "
        "where quarter_key = ? and indicator_code = 'CSC-CIC'",
        [QUARTER],
    ).fetchone()
    assert row == (
        12,
        Decimal("255.083333"),
        Decimal("234.286970"),
        Decimal("275.879697"),
        "common cause",
        [],
        None,  # no target
    )


def test_states_the_sample_shows(marts):
    def count(where: str) -> int:
        return marts.execute(
            f"select count(*) from mart_indicator_signal where {where}"
        ).fetchone()[0]

    for rule in "1234":
        assert count(f"list_contains(special_cause_rules, '{rule}')") > 0, rule
    assert count("spc_status = 'too few points'") == 11 * 7  # the first 7 quarters
    assert count("spc_status = 'not applicable'") == 2 * 16  # EDU-PEX, EDU-SUS (annual)
    assert count("assurance = 'consistently passes'") > 0
    assert count("small_numbers") > 0
    assert count("change_short_term_significant") > 0
    assert count("not change_short_term_significant") > 0
    # Not in the sample (reported, not forced): no process consistently fails its target.
    assert count("assurance = 'consistently fails'") == 0


def test_backtest_has_every_outlook_indicator(marts):
    rows = marts.execute(
        "select indicator_code, projections_made, outturns_in_range from mart_outlook_backtest "
        "order by all"
    ).fetchall()
    assert [code for code, *_ in rows] == [
        "CSC-FCR", "CSC-ICPC", "CSC-LTPS", "CSC-PERM", "CSC-SW2", "EDU-GOP", "EDU-GOS",
    ]  # fmt: skip
    # 2020-21, 2021-22 and 2022-23, each projected from Q1, Q2 and Q3.
    assert {made for _, made, _ in rows} == {9}


def test_report_shows_symbols_xmr_charts_and_the_paragraph(sample_history, tmp_path):
    [files] = render_report(sample_history.marts, QUARTER, out_dir=tmp_path)
    html = files.html.read_text(encoding="utf-8")
    assert '<th scope="col">Variation</th>' in html and '<th scope="col">Assurance</th>' in html
    assert "Statistical process control: of the 11 indicators with process limits" in html
    # An XmR chart for every indicator with limits (all but the two annual ones).
    assert len(re.findall(r'<svg class="xmr-chart" role="img"', html)) == 11
    # Every drawn symbol is hidden from screen readers and followed by its words.
    openings = re.findall(r'<svg class="sym"[^>]*>', html)
    assert openings and all('aria-hidden="true"' in tag for tag in openings)
    in_table = re.findall(r'<svg class="sym".*?</svg>(.{0,30})', html)
    assert all(after.startswith(('<span class="sym-text">', " <strong>")) for after in in_table)
    assert "Is the change real?" in html
    pages = [page.extract_text() for page in PdfReader(files.pdf).pages]
    starts = [i for i, text in enumerate(pages) if re.match(r"(CSC|EDU)-[A-Z0-9]+ ", text)]
    assert len(starts) == 13 and starts == list(range(starts[0], starts[0] + 13))
    assert len(pages) == starts[0] + 13, "every indicator still fits its one page"
