"""spec/signals.md against values worked out by hand (arithmetic in the comments).

Every expected number here was computed on paper from the spec's definitions or
from published tables, not by calling the code under test, so a wrong formula in
pipeline/signals fails here.
"""

from __future__ import annotations

import pytest

from pipeline.signals import IndicatorInfo, Point, build_backtest, build_signals
from pipeline.signals.backtest import calibration
from pipeline.signals.outlook import project
from pipeline.signals.own import Own, own_figures
from pipeline.signals.spc import judge
from pipeline.signals.stats import change_significant, interval, small_numbers

approx = pytest.approx

# Rule 1 fixture: eight points, the last far above the rest.
# mean = (10+12+10+12+10+12+10+30)/8 = 106/8 = 13.25
# moving ranges 2,2,2,2,2,2,20 -> sum 32 -> MR-bar = 32/7; 2.66 x 32/7 = 85.12/7 = 12.16
# limits 13.25 -/+ 12.16 = 1.09 / 25.41; 2-sigma 13.25 -/+ 8.106667 = 5.143333 / 21.356667
RULE1 = [10, 12, 10, 12, 10, 12, 10, 30]


def test_limits_and_rule_1_above_the_upper_limit():
    verdict = judge(RULE1, "higher", None)
    assert verdict.status == "ok"
    assert verdict.points == 8
    limits = verdict.limits
    assert limits.mean == approx(13.25)
    assert limits.lower == approx(1.09)
    assert limits.upper == approx(25.41)
    assert limits.lower_2sigma == approx(5.143333, abs=1e-6)
    assert limits.upper_2sigma == approx(21.356667, abs=1e-6)
    # 30 > 25.41: rule 1. Rule 2 needs another of the last three beyond 21.36: 12, 10 are not.
    # Rule 3: only 30 is above the mean. Rule 4: 10 -> 30 is one rise after a fall.
    assert verdict.rules == ("1",)
    assert verdict.variation == "special cause improvement"


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("higher", "special cause improvement"),
        ("lower", "special cause concern"),
        ("none", "special cause high"),
    ],
)
def test_variation_follows_polarity(polarity, expected):
    assert judge(RULE1, polarity, None).variation == expected


def test_rule_1_below_the_lower_limit_is_low():
    # Mirror image: 30 - x. mean 16.75, limits 16.75 -/+ 12.16; the last value 0 < 4.59.
    verdict = judge([30 - v for v in RULE1], "higher", None)
    assert verdict.rules == ("1",)
    assert verdict.limits.lower == approx(4.59)
    assert verdict.variation == "special cause concern"


@pytest.mark.parametrize(
    ("target", "polarity", "expected"),
    [
        # Limits 1.09 .. 25.41 (RULE1).
        (0.5, "higher", "consistently passes"),  # below the lower limit: every value meets it
        (26, "higher", "consistently fails"),  # above the upper limit: no value meets it
        (15, "higher", "hit and miss"),
        (26, "lower", "consistently passes"),
        (0.5, "lower", "consistently fails"),
        (25.41, "lower", "hit and miss"),  # on a limit is between the limits
        (15, "none", None),  # no better side, no assurance
    ],
)
def test_assurance(target, polarity, expected):
    assert judge(RULE1, polarity, target).assurance == expected


# Rule 2 fixture: twelve points, the last two high but inside the limits.
# mean = (5 x (8+12) + 19 + 19)/12 = 138/12 = 11.5
# moving ranges: nine of 4 (= 36), |12-19| = 7, 0 -> 43/11; 2.66 x 43/11 = 114.38/11 = 10.398182
# upper limit 21.898182; upper 2-sigma 11.5 + 2/3 x 10.398182 = 18.432121
RULE2 = [8, 12] * 5 + [19, 19]


def test_rule_2_two_of_three_beyond_the_two_sigma_line():
    verdict = judge(RULE2, "lower", None)
    assert verdict.limits.upper == approx(21.898182, abs=1e-6)
    assert verdict.limits.upper_2sigma == approx(18.432121, abs=1e-6)
    # 19 and 19 > 18.43 (two of the last three) and < 21.90 (no rule 1); the run above the
    # mean is 12, 19, 19 (3 < 7); 12 -> 19 is a rise, 19 -> 19 a tie (no rule 4).
    assert verdict.rules == ("2",)
    assert verdict.variation == "special cause concern"  # high, and lower is better


def test_rule_2_needs_the_quarter_itself_beyond_the_line():
    # ..., 19, 11: the earlier 19 is beyond but the quarter judged is not.
    assert judge([8, 12] * 5 + [19, 11], "lower", None).rules == ()


# Rule 3 fixture: 10,14,10,14,10 then 13,12.5,13,12.5,13,12.5,13.
# mean = (58 + 4x13 + 3x12.5)/12 = 147.5/12 = 12.291667: all seven last points above it.
# moving ranges 4,4,4,4,3 and six of 0.5 -> 22/11 = 2; 2.66 x 2 = 5.32
# upper limit 17.611667, upper 2-sigma 12.291667 + 3.546667 = 15.838333 (13 is inside both)
RULE3 = [10, 14, 10, 14, 10, 13, 12.5, 13, 12.5, 13, 12.5, 13]


def test_rule_3_a_run_of_seven_on_one_side():
    verdict = judge(RULE3, "higher", None)
    assert verdict.limits.mean == approx(12.291667, abs=1e-6)
    assert verdict.limits.upper == approx(17.611667, abs=1e-6)
    assert verdict.rules == ("3",)
    assert verdict.variation == "special cause improvement"


def test_rule_3_run_of_six_does_not_fire():
    # Drop the first 13: the run above the mean is six points (the window is 11 long).
    # mean = (58 + 3x13 + 3x12.5)/11 = 134.5/11 = 12.227273, 12.5 still above it.
    assert judge(RULE3[:5] + RULE3[6:], "higher", None).rules == ()


# Rule 4 fixture: 13, then 10 rising by one to 16.
# mean = (13 + 10+11+12+13+14+15+16)/8 = 104/8 = 13
# moving ranges 3 and six of 1 -> 9/7; 2.66 x 9/7 = 23.94/7 = 3.42
# limits 9.58 / 16.42; 2-sigma 10.72 / 15.28
RULE4 = [13, 10, 11, 12, 13, 14, 15, 16]


def test_rule_4_six_rises_in_a_row():
    verdict = judge(RULE4, "higher", None)
    assert verdict.limits.upper == approx(16.42)
    assert verdict.limits.upper_2sigma == approx(15.28)
    # 16 < 16.42 (no rule 1); 16 > 15.28 but 15 and 14 are not (no rule 2); the run above
    # the mean is 14, 15, 16 (13 is on the mean and breaks it: no rule 3); 10..16 rise 6 times.
    assert verdict.rules == ("4",)
    assert verdict.variation == "special cause improvement"


def test_rule_4_a_tie_breaks_the_run():
    # 12, 12 is a tie: only 12 -> 14 -> 15 -> 16 rise after it.
    assert judge([13, 10, 11, 12, 12, 14, 15, 16], "higher", None).rules == ()


def test_rules_pointing_both_ways_rule_1_decides():
    # Falls 22 .. 16 (six falls: rule 4 low) then 40 far above: rule 1 high.
    # mean = (22+21+20+19+18+17+16+40)/8 = 173/8 = 21.625; ranges 1 x6 and 24 -> 30/7;
    # 2.66 x 30/7 = 11.4; upper limit 33.025 < 40. Rule 4: 16 -> 40 is a rise, so no.
    verdict = judge([22, 21, 20, 19, 18, 17, 16, 40], "lower", None)
    assert verdict.rules == ("1",)
    assert verdict.variation == "special cause concern"


def test_a_flat_series_is_common_cause():
    verdict = judge([5.0] * 9, "higher", 5.0)
    assert verdict.rules == ()
    assert verdict.variation == "common cause"
    assert verdict.assurance == "hit and miss"  # the target is on both limits


def test_too_few_points_and_the_window():
    assert judge([1, 2, 3, 4, 5, 6, 7], "higher", None).status == "too few points"
    assert judge([1, 2, 3, 4, 5, 6, 7], "higher", None).points == 7
    # A missing quarter ends the window: 7 points after the gap.
    broken = judge([1, 2, 3, None, 4, 5, 6, 7, 8, 9, 10], "higher", None)
    assert (broken.status, broken.points, broken.limits) == ("too few points", 7, None)
    # At most twelve points.
    assert judge(list(range(15)), "higher", None).points == 12
    assert judge([1, 2, 3, None], "higher", None).status == "not applicable"


def test_wilson_interval():
    # 5 of 20: p = 0.25, z = 1.959964, z^2/n = 0.1920729
    # centre = (0.25 + 0.0960365)/1.1920729 = 0.290281
    # half = 1.959964/1.1920729 x sqrt(0.25x0.75/20 + 3.841459/1600) = 1.644163 x 0.108517
    #      = 0.178420 -> (0.111862, 0.468701), times 100
    lower, upper = interval("percent", 25.0, 5, 20)
    assert lower == approx(11.1862, abs=1e-3)
    assert upper == approx(46.8701, abs=1e-3)
    # A rate per 10,000 scales by 10,000.
    lower, upper = interval("rate", 2500.0, 5, 20)
    assert (lower, upper) == (approx(1118.62, abs=0.1), approx(4687.01, abs=0.1))
    # A manual percentage supplied without numerator and denominator: no interval.
    assert interval("percent", 3.2, None, None) is None


def test_exact_poisson_interval():
    # Garwood: lower = chi2(0.025; 2x7)/2 = 5.6287/2, upper = chi2(0.975; 2x8)/2 = 28.8454/2
    # (chi-square table values).
    lower, upper = interval("count", 7.0, None, None)
    assert lower == approx(2.8144, abs=1e-3)
    assert upper == approx(14.4227, abs=1e-3)
    # Zero: lower 0, upper chi2(0.975; 2)/2 = 7.3778/2 = 3.6889.
    assert interval("count", 0.0, None, None) == (0.0, approx(3.6889, abs=1e-3))


def test_newcombe_change_significant_and_not():
    # 30/50 against 10/50. Wilson intervals (z^2/n = 0.0768292, 1 + z^2/n = 1.0768292):
    #   30/50: centre 0.6384146/1.0768292 = 0.592866, half 1.820125 x 0.0720010 = 0.131051
    #          -> (0.461815, 0.723917)
    #   10/50: centre 0.2384146/1.0768292 = 0.221404, half 1.820125 x 0.0598678 = 0.108967
    #          -> (0.112437, 0.330371)
    # Newcombe lower = 0.4 - sqrt(0.138185^2 + 0.130371^2) = 0.4 - 0.189979 = 0.210 > 0.
    now, then = Own(30, 50, 60.0), Own(10, 50, 20.0)
    assert change_significant("percent", now, then) is True
    # 12/50 against 10/50: 12/50 Wilson (0.142974, 0.374128);
    # lower = 0.04 - sqrt(0.097026^2 + 0.130371^2) = 0.04 - 0.162515 < 0 < upper.
    assert change_significant("percent", Own(12, 50, 24.0), then) is False
    # No numerator and denominator (a manual value), or no own figures: null.
    assert change_significant("percent", Own(None, None, 24.0), then) is None
    assert change_significant("percent", now, Own()) is None


def test_exact_conditional_count_change():
    # 20 against 6: X ~ Bin(26, 1/2), P(X <= 6) = (1+26+325+2600+14950+65780+230230)/2^26
    # = 313912/67108864 = 0.004678; two-sided p = 0.009356 < 0.05.
    assert change_significant("count", Own(value=20.0), Own(value=6.0)) is True
    # 9 against 5: P(X <= 5 | 14) = (1+14+91+364+1001+2002)/16384 = 3473/16384 = 0.211975;
    # two-sided p = 0.42395.
    assert change_significant("count", Own(value=9.0), Own(value=5.0)) is False
    assert change_significant("count", Own(value=0.0), Own(value=0.0)) is False


def test_small_numbers():
    assert small_numbers("percent", 50.0, 29) is True
    assert small_numbers("percent", 50.0, 30) is False
    assert small_numbers("count", 9.0, None) is True
    assert small_numbers("count", 10.0, None) is False
    assert small_numbers("percent", 3.2, None) is None  # no denominator supplied
    assert small_numbers("percent", None, None) is None


def test_own_figures_of_a_ytd_indicator():
    q1 = Point("2021-22-Q1", 17.2, 5, 29)
    q2 = Point("2021-22-Q2", 15.1, 8, 53)
    # Q1 is its own YTD, unrounded: 5/29 x 100 = 17.241379
    assert own_figures("ytd", "percent", q1, None) == Own(5, 29, approx(17.241379))
    # Q2: (8-5)/(53-29) = 3/24 = 12.5%
    assert own_figures("ytd", "percent", q2, q1) == Own(3, 24, 12.5)
    # A count: 9 this YTD, 5 last quarter -> 4 of its own.
    counted = own_figures("ytd", "count", Point("2021-22-Q3", 9.0), Point("2021-22-Q2", 5.0))
    assert counted == Own(None, None, 4.0)
    # Previous quarter of the year missing: no own figures.
    assert own_figures("ytd", "percent", q2, None) == Own()
    # Snapshot: the published figures.
    assert own_figures("snapshot", "percent", q2, q1) == Own(8, 53, 15.1)


def _keys(first_year: int, count: int) -> list[str]:
    keys = []
    for n in range(count):
        year, quarter = first_year + n // 4, n % 4 + 1
        keys.append(f"{year}-{(year + 1) % 100:02d}-Q{quarter}")
    return keys


def test_build_signals_rows_of_a_ytd_count():
    # Foster carers: YTD 3, 5, 9, 12 each year -> own 3, 2, 4, 3 every year.
    keys = _keys(2019, 8)
    ytd = [3, 5, 9, 12] * 2
    info = IndicatorInfo("FCR", "count", "higher", "ytd")
    points = {"FCR": [Point(k, float(v), target=12.0) for k, v in zip(keys, ytd, strict=True)]}
    rows = build_signals([info], points, {("FCR", "2020-21"): 12.0})
    assert [r["own_value"] for r in rows] == [3, 2, 4, 3, 3, 2, 4, 3]
    last = rows[-1]
    # Eight own points: mean 3; ranges 1,2,1,0,1,2,1 -> 8/7; 2.66 x 8/7 = 3.04.
    assert last["spc_status"] == "ok"
    assert last["spc_mean"] == approx(3.0)
    assert last["spc_upper_limit"] == approx(6.04)
    assert last["special_cause_rules"] == []
    assert last["variation"] == "common cause"
    assert last["assurance"] is None  # a ytd count's target is cumulative
    assert rows[6]["spc_status"] == "too few points"
    # Q4 (12) against the year before's Q4 own 3 vs 3: not significant; 3 < 10: small numbers.
    assert last["change_long_term_significant"] is False
    assert last["small_numbers"] is False  # 12 is not below 10
    assert rows[0]["small_numbers"] is True  # 3 is
    assert last["outlook"] is None  # Q4 is the outturn
    # 2020-21 Q2: YTD 5, own window 3,2,4,3,3,2 (sd: mean 17/6, squares sum 2.833333, /5
    # = 0.566667, sd 0.752773); projection 5 + 2 x 5/2 = 10; half = 1.281552 x 0.752773
    # x sqrt(2) = 1.364322 -> (8.635678, 11.364322), all below 12: likely to miss.
    q2 = rows[5]
    assert q2["outlook_value"] == approx(10.0)
    assert q2["outlook_lower"] == approx(8.635678, abs=1e-5)
    assert q2["outlook_upper"] == approx(11.364322, abs=1e-5)
    assert q2["outlook"] == "likely to miss"


def test_annual_and_missing_quarters_are_not_applicable():
    info = IndicatorInfo("PEX", "percent", "lower", "annual")
    points = {"PEX": [Point(k, 0.05, 5, 10000) for k in _keys(2019, 9)]}
    rows = build_signals([info], points, {})
    assert {r["spc_status"] for r in rows} == {"not applicable"}
    assert all(r["special_cause_rules"] is None and r["variation"] is None for r in rows)
    assert all(r["outlook"] is None for r in rows)
    # Intervals as for a snapshot: Wilson of 5/10000 times 100.
    assert rows[0]["interval_lower"] < 0.05 < rows[0]["interval_upper"]
    # A quarter with no value: no own figures, nothing to judge.
    gap = build_signals(
        [IndicatorInfo("X", "percent", "higher", "snapshot")],
        {"X": [Point("2019-20-Q1", 50.0, 5, 10), Point("2019-20-Q2", None)]},
        {},
    )
    assert gap[1]["spc_status"] == "not applicable"
    assert gap[1]["change_short_term_significant"] is None


def test_outlook_of_a_snapshot():
    # Window 60, 62, 61, 63, 62 ending at Q2: changes 2, -1, 2, -1, RMS = sqrt(10/4) = 1.581139;
    # two quarters left: half = 1.281552 x 1.581139 x sqrt(2) = 2.865638.
    args = dict(
        basis="snapshot",
        unit="percent",
        polarity="higher",
        quarter_key="2021-22-Q2",
        value=62.0,
        published_window=[60, 62, 61, 63, 62],
        own_window=[60, 62, 61, 63, 62],
    )
    result = project(q4_target=65.0, **args)
    assert result.value == 62.0
    assert result.lower == approx(59.134362, abs=1e-5)
    assert result.upper == approx(64.865638, abs=1e-5)
    assert result.outlook == "likely to miss"  # 64.87 < 65
    assert project(q4_target=59.0, **args).outlook == "likely to meet"  # 59.13 >= 59
    assert project(q4_target=62.0, **args).outlook == "uncertain"
    assert project(q4_target=None, **args) is None
    assert project(q4_target=65.0, **{**args, "published_window": [61, 62, 62]}) is None


def test_outlook_of_a_ytd_percentage():
    # Q1 at 90%, own window 88, 92, 90, 94: mean 91, squares 9+1+1+9 = 20, /3, sd 2.581989;
    # three quarters left carry 3/4 of the year: half = 1.281552 x 2.581989 x sqrt(3)/4
    # = 1.432819 -> (88.567181, 91.432819); a target of 95 is above it all.
    result = project(
        basis="ytd",
        unit="percent",
        polarity="higher",
        quarter_key="2021-22-Q1",
        value=90.0,
        q4_target=95.0,
        published_window=[90.0],
        own_window=[88, 92, 90, 94],
    )
    assert (result.value, result.outlook) == (90.0, "likely to miss")
    assert result.lower == approx(88.567181, abs=1e-5)
    assert result.upper == approx(91.432819, abs=1e-5)


def test_backtest():
    def row(key, value, lower, upper):
        return {
            "indicator_code": "X",
            "quarter_key": key,
            "outlook_value": value,
            "outlook_lower": lower,
            "outlook_upper": upper,
        }

    signals = [
        row("2020-21-Q1", 60.0, 55.0, 65.0),  # outturn 64: inside, error 4
        row("2020-21-Q2", 62.0, 60.0, 64.0),  # inside, error 2
        row("2020-21-Q3", 63.0, 62.5, 63.5),  # outside, error 1
        row("2021-22-Q1", 50.0, 45.0, 55.0),  # no outturn yet: not counted
    ]
    [result, untested] = build_backtest(signals, {("X", "2020-21"): 64.0}, eligible=["Y"])
    assert (untested["indicator_code"], untested["projections_made"]) == ("Y", 0)
    assert untested["calibration"] == "no outturn yet"
    assert result["projections_made"] == 3
    assert result["outturns_in_range"] == 2
    assert result["share_in_range"] == approx(2 / 3)
    assert result["mean_absolute_error"] == approx(7 / 3)  # (4 + 2 + 1)/3
    # Bin(3, 0.8): P(0,1,2,3) = .008, .096, .384, .512; p(2) = .008+.096+.384 = .488
    assert result["calibration"] == "consistent with 80%"


def test_calibration_verdicts():
    assert calibration(0, 0) == "no outturn yet"
    # 0 of 10 inside: P = 0.2^10 ~ 1e-7.
    assert calibration(10, 0) == "range too narrow"
    # 30 of 30 inside: P(30) = 0.8^30 = 0.0012 and every rarer outcome lies far in the
    # lower tail, so the two-sided p is well under 0.05.
    assert calibration(30, 30) == "range too wide"
