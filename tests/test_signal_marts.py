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

from pipeline.cli.summary import format_summary
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
    assert (count, quarters) == (17 * 13, 17)
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
    assert count("spc_status = 'not applicable'") == 2 * 17  # EDU-PEX, EDU-SUS (annual)
    assert count("assurance = 'consistently passes'") > 0
    assert count("assurance = 'hit and miss'") > 0
    assert count("small_numbers") > 0
    assert count("change_short_term_significant") > 0
    assert count("not change_short_term_significant") > 0
    for word in ("improvement", "concern", "low"):
        assert count(f"variation = 'special cause {word}'") > 0, word

    def where(condition: str) -> list[tuple[str, str]]:
        return marts.execute(
            f"select quarter_key, indicator_code from mart_indicator_signal where {condition}"
        ).fetchall()

    # Each exactly once, in 2023-24 Q1 (worked by hand in the two tests below).
    assert where("assurance = 'consistently fails'") == [("2023-24-Q1", "EDU-GOP")]
    assert where("variation = 'special cause high'") == [("2023-24-Q1", "CSC-CPP")]


def _window(marts, code: str) -> list[Decimal]:
    """The published values of the 12 quarters 2020-21 Q2 .. 2023-24 Q1 (own = published
    for a snapshot indicator)."""
    return [
        value
        for (value,) in marts.execute(
            "select value from fct_indicator_quarter where indicator_code = ? "
            "and quarter_key between '2020-21-Q2' and '2023-24-Q1' order by quarter_key",
            [code],
        ).fetchall()
    ]


def _signal(marts, code: str) -> tuple:
    return marts.execute(
        "select spc_points, spc_mean, spc_lower_limit, spc_upper_limit, spc_lower_2sigma, "
        "spc_upper_2sigma, special_cause_rules, variation, assurance "
        "from mart_indicator_signal where quarter_key = '2023-24-Q1' and indicator_code = ?",
        [code],
    ).fetchone()


def test_children_on_a_plan_special_cause_high_worked_by_hand(marts):
    # CSC-CPP (count, snapshot, polarity none, no target), 2020-21 Q2 .. 2023-24 Q1: the
    # spring 2023 surge of section 47 enquiries takes it from 204 to 242.
    # 204 201 202 196 211 208 219 211 203 190 204 242 -> sum 2491, mean 2491/12 = 207.583333
    # moving ranges 3 1 6 15 3 11 8 8 13 14 38 -> sum 120; MR-bar 120/11 = 10.909091
    # 2.66 x 120/11 = 319.2/11 = 29.018182 -> limits 178.565152 / 236.601515
    # 2-sigma: (2/3) x 29.018182 = 19.345455 -> 188.237879 / 226.928788
    # Rule 1: 242 > 236.601515. Rule 2: of 190, 204, 242 only 242 is beyond 226.93.
    # Rule 3: 204 is below the mean, so no run. Rule 4: 190 -> 204 -> 242 are two rises.
    # Above the upper limit, polarity none: special cause high. No target: no assurance.
    assert _window(marts, "CSC-CPP") == [
        Decimal(v) for v in (204, 201, 202, 196, 211, 208, 219, 211, 203, 190, 204, 242)
    ]
    assert _signal(marts, "CSC-CPP") == (
        12,
        Decimal("207.583333"),
        Decimal("178.565152"),
        Decimal("236.601515"),
        Decimal("188.237879"),
        Decimal("226.928788"),
        ["1"],
        "special cause high",
        None,
    )


def test_primary_schools_target_consistently_fails_worked_by_hand(marts):
    # EDU-GOP (percent, snapshot, polarity higher), 2020-21 Q2 .. 2023-24 Q1; the council
    # raised the 2023-24 target from 90 to 96.
    # 94.3 94.3 94.2 94.2 94.2 95.9 92.6 92.6 92.6 92.6 92.5 93.8
    # sum 188.6 + 282.6 + 95.9 + 370.4 + 92.5 + 93.8 = 1123.8, mean 1123.8/12 = 93.65
    # moving ranges 0 .1 0 0 1.7 3.3 0 0 0 .1 1.3 -> sum 6.5; MR-bar 6.5/11 = 0.590909
    # 2.66 x 6.5/11 = 17.29/11 = 1.571818 -> limits 92.078182 / 95.221818
    # 2-sigma: (2/3) x 1.571818 = 1.047879 -> 92.602121 / 94.697879
    # 93.8 is inside both lines and above the mean after 92.5 below it: common cause.
    # Target 96 > upper limit 95.221818, on the better side (higher): consistently fails.
    assert _window(marts, "EDU-GOP") == [
        Decimal(v)
        for v in ("94.3", "94.3", "94.2", "94.2", "94.2", "95.9", "92.6", "92.6", "92.6",
                  "92.6", "92.5", "93.8")
    ]  # fmt: skip
    target, rag = marts.execute(
        "select target, rag_status from fct_indicator_quarter "
        "where quarter_key = '2023-24-Q1' and indicator_code = 'EDU-GOP'"
    ).fetchone()
    # 96 - 93.8 = 2.2 points short, beyond the 2-point tolerance: Red, as the RAG says.
    assert (target, rag) == (Decimal("96"), "Red")
    assert _signal(marts, "EDU-GOP") == (
        12,
        Decimal("93.650000"),
        Decimal("92.078182"),
        Decimal("95.221818"),
        Decimal("92.602121"),
        Decimal("94.697879"),
        [],
        "common cause",
        "consistently fails",
    )


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


def test_summary_of_2023_24_q1_names_the_target_that_consistently_fails(sample_history):
    text = format_summary(sample_history.marts, "2023-24-Q1")
    assert (
        "The process will not meet the target without a change (assurance ‘consistently "
        "fails’) for % of primary pupils attending a school judged Good or Outstanding "
        "(EDU-GOP)."
    ) in text
    [gop] = [line for line in text.splitlines() if line.startswith("EDU-GOP ")]
    [cpp] = [line for line in text.splitlines() if line.startswith("CSC-CPP ")]
    assert "■ Red" in gop and "✗ fails" in gop
    assert "Special cause (high)" in cpp
