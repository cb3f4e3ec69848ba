"""What must hold before the marts are published, and what a person must act on.

Each check is a query that finds problem rows for the run's quarters; it passes
when it finds none. Blocking checks stop the run before publishing when a wrong
number would otherwise reach councillors (an indicator missing or doubled, a
summary that does not add up). Warning checks publish but tell the data team
what needs a person: a Red indicator without corrective action, or a comparison
quarter not loaded. The Dagster asset checks are built from these in
`pipeline/defs/checks.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every catalogue indicator exactly once per quarter, and nothing that is not in it.
_INDICATOR_COVERAGE = """
with expected as (
    select q.quarter_key, i.code as indicator_code
    from dim_quarter as q
    cross join dim_indicator as i
    where q.quarter_key in (select unnest($keys))
),
actual as (
    select quarter_key, indicator_code, count(*) as n
    from fct_indicator_quarter
    where quarter_key in (select unnest($keys))
    group by all
)
select
    coalesce(e.quarter_key, a.quarter_key) as quarter_key,
    coalesce(e.indicator_code, a.indicator_code) as indicator_code,
    coalesce(a.n, 0) as rows_found,
    e.indicator_code is not null as in_catalogue
from expected as e
full join actual as a using (quarter_key, indicator_code)
where coalesce(a.n, 0) <> 1 or e.indicator_code is null
order by all
"""

# The summary's counts recomputed from the fact table.
_SUMMARY_RECONCILES = """
with recount as (
    select
        f.quarter_key,
        i.committee,
        count(*) as indicators_selected,
        count(*) filter (where f.is_available) as indicators_available,
        count(f.rag_status) as indicators_with_rag,
        count(*) filter (where f.rag_status = 'Green') as green,
        count(*) filter (where f.rag_status = 'Amber') as amber,
        count(*) filter (where f.rag_status = 'Red') as red
    from fct_indicator_quarter as f
    join dim_indicator as i on i.code = f.indicator_code
    where f.quarter_key in (select unnest($keys))
    group by all
)
select r.quarter_key, r.committee
from recount as r
left join mart_rag_summary as s using (quarter_key, committee)
where s.quarter_key is null
    or s.indicators_selected <> r.indicators_selected
    or s.indicators_available <> r.indicators_available
    or s.indicators_with_rag <> r.indicators_with_rag
    or s.green <> r.green or s.amber <> r.amber or s.red <> r.red
    or s.green + s.amber + s.red <> s.indicators_with_rag
order by all
"""

_RED_WITHOUT_ACTION = """
select quarter_key, indicator_code
from fct_indicator_quarter
where quarter_key in (select unnest($keys))
    and rag_status = 'Red'
    and nullif(trim(corrective_action), '') is null
order by all
"""

# An indicator the performance team sets targets for (it has a target in some year)
# but which has none this quarter: targets.csv decides, so it gets no RAG status, and
# someone should confirm that is intended rather than a forgotten row.
_TARGET_MISSING = """
select f.quarter_key, f.indicator_code
from fct_indicator_quarter as f
where f.quarter_key in (select unnest($keys))
    and f.target is null
    and f.indicator_code in (select indicator_code from stg_reference__targets)
order by all
"""

# Quarters not in this run that were rated on a target, tolerance type or tolerance
# that targets.csv no longer gives (the reference changed, then one quarter was run):
# their published RAG status may be wrong until they are run again. The applied
# target is worked out as int_targets_applied does, from the current targets.csv.
_STALE_TARGETS = """
with current_targets as (
    select q.quarter_key, t.indicator_code, t.target, t.tolerance_type, t.tolerance
    from stg_calendar__quarters as q
    join stg_reference__targets as t
        on q.financial_year = t.financial_year
        and (t.quarter_number = q.quarter_number or t.quarter_number is null)
    qualify row_number() over (
        partition by q.quarter_key, t.indicator_code order by t.quarter_number nulls last
    ) = 1
)
select
    f.quarter_key,
    f.indicator_code,
    'rated on ' || coalesce(cast(cast(f.target as double) as varchar) || ' '
        || f.tolerance_type || ' ' || cast(cast(f.tolerance as double) as varchar), 'no target'),
    'targets.csv now ' || coalesce(cast(cast(c.target as double) as varchar) || ' '
        || c.tolerance_type || ' ' || cast(cast(c.tolerance as double) as varchar), 'no target')
from fct_indicator_quarter as f
left join current_targets as c using (quarter_key, indicator_code)
where f.quarter_key not in (select unnest($keys))
    and (
        f.target is distinct from c.target
        or f.tolerance_type is distinct from c.tolerance_type
        or f.tolerance is distinct from c.tolerance
    )
order by all
"""

_MISSING_COMPARISONS = """
select distinct quarter_key, 'previous quarter' as comparison, previous_quarter_key as missing
from fct_indicator_quarter
where quarter_key in (select unnest($keys))
    and previous_quarter_key not in (select quarter_key from dim_quarter)
union all
select distinct quarter_key, 'same quarter last year', year_ago_quarter_key
from fct_indicator_quarter
where quarter_key in (select unnest($keys))
    and year_ago_quarter_key not in (select quarter_key from dim_quarter)
order by all
"""

# spec/signals.md: the limits are mean -/+ 2.66 x MR-bar and the 2-sigma lines two
# thirds of the way out, so they are ordered whenever they exist.
_SIGNAL_LIMITS_ORDERED = """
select quarter_key, indicator_code
from mart_indicator_signal
where quarter_key in (select unnest($keys))
    and spc_status = 'ok'
    and not (
        spc_lower_limit <= spc_lower_2sigma and spc_lower_2sigma <= spc_mean
        and spc_mean <= spc_upper_2sigma and spc_upper_2sigma <= spc_upper_limit
    )
order by all
"""

# The published value is rounded to the indicator's decimals while the interval is of
# the exact ratio, so the value may sit up to half a unit of its last decimal outside.
_SIGNAL_INTERVAL_HOLDS_VALUE = """
select s.quarter_key, s.indicator_code, f.value, s.interval_lower, s.interval_upper
from mart_indicator_signal as s
join fct_indicator_quarter as f using (quarter_key, indicator_code)
join dim_indicator as i on i.code = s.indicator_code
where s.quarter_key in (select unnest($keys))
    and s.interval_lower is not null
    and (
        f.value is null
        or f.value < s.interval_lower - 0.5 * pow(10, -i.decimals)
        or f.value > s.interval_upper + 0.5 * pow(10, -i.decimals)
    )
order by all
"""

_SIGNAL_OUTLOOK_HOLDS_POINT = """
select quarter_key, indicator_code, outlook_lower, outlook_value, outlook_upper
from mart_indicator_signal
where quarter_key in (select unnest($keys))
    and outlook is not null
    and not (outlook_lower <= outlook_value and outlook_value <= outlook_upper)
order by all
"""


@dataclass(frozen=True)
class QueryCheck:
    """A check that passes when `sql` finds no problem rows for the run's quarters ($keys)."""

    name: str
    asset: str
    sql: str
    description: str
    passed: str
    failed: str
    blocking: bool = False

    def outcome(self, problems: list[tuple]) -> str:
        """What the check says: the pass sentence, or the failure with the problem rows."""
        return self.passed if not problems else f"{self.failed}: {listing(problems)}"


def listing(rows: list[tuple], limit: int = 20) -> str:
    shown = "; ".join(" ".join(str(v) for v in row) for row in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return shown + more


QUERY_CHECKS = [
    QueryCheck(
        "every_indicator_once_per_quarter",
        "fct_indicator_quarter",
        _INDICATOR_COVERAGE,
        blocking=True,
        description="Every catalogue indicator appears exactly once per quarter, and nothing else.",
        passed="Each catalogue indicator has one row per quarter.",
        failed="Indicator rows missing, doubled or not in the catalogue "
        "(quarter, code, rows, in catalogue)",
    ),
    QueryCheck(
        "rag_summary_reconciles",
        "mart_rag_summary",
        _SUMMARY_RECONCILES,
        blocking=True,
        description="The summary's counts equal the fact table's, and Green+Amber+Red = with RAG.",
        passed="Summary counts reconcile with the fact table.",
        failed="Summary counts disagree with the fact table for",
    ),
    QueryCheck(
        "red_indicators_have_corrective_action",
        "fct_indicator_quarter",
        _RED_WITHOUT_ACTION,
        description="Red indicators carry corrective action from commentary.csv.",
        passed="Every Red indicator has corrective action.",
        failed="Red without corrective action (the report prints 'Corrective action not "
        "supplied'); ask the service for it in commentary.csv",
    ),
    QueryCheck(
        "targeted_indicators_have_a_target",
        "fct_indicator_quarter",
        _TARGET_MISSING,
        description="Indicators with targets in other years have one this quarter.",
        passed="Every indicator that has targets has one for this quarter.",
        failed="No target in targets.csv for this quarter, so no RAG status, although the "
        "indicator has targets in other years (quarter, code)",
    ),
    QueryCheck(
        "other_quarters_rated_on_current_targets",
        "fct_indicator_quarter",
        _STALE_TARGETS,
        description="Quarters not in this run were rated on the targets targets.csv now gives.",
        passed="Every published quarter is rated on the current targets.csv.",
        failed="targets.csv has changed since these published quarters were run, so their RAG "
        "status still uses the old target; run them again (scorecard run --quarter KEY for "
        "each) to rate them on the current one (quarter, code, rated on, now)",
    ),
    QueryCheck(
        "comparison_quarters_loaded",
        "fct_indicator_quarter",
        _MISSING_COMPARISONS,
        description="The previous quarter and the same quarter last year are loaded.",
        passed="Both comparison quarters are loaded.",
        failed="Direction of travel shows n/a because a comparison quarter is not loaded "
        "(quarter, comparison, missing quarter)",
    ),
    QueryCheck(
        "signal_limits_ordered",
        "mart_indicator_signal",
        _SIGNAL_LIMITS_ORDERED,
        blocking=True,
        description="Process limits are ordered: lower <= lower 2-sigma <= mean <= upper "
        "2-sigma <= upper.",
        passed="Every set of process limits is ordered.",
        failed="Process limits out of order (quarter, code)",
    ),
    QueryCheck(
        "signal_interval_holds_value",
        "mart_indicator_signal",
        _SIGNAL_INTERVAL_HOLDS_VALUE,
        blocking=True,
        description="Every 95% interval holds its published value (to its rounding).",
        passed="Every interval holds its value.",
        failed="Interval does not hold the published value (quarter, code, value, lower, upper)",
    ),
    QueryCheck(
        "signal_outlook_range_holds_point",
        "mart_indicator_signal",
        _SIGNAL_OUTLOOK_HOLDS_POINT,
        blocking=True,
        description="Every year-end outlook's 80% range holds its projected value.",
        passed="Every outlook range holds its projection.",
        failed="Outlook range does not hold its projection (quarter, code, lower, value, upper)",
    ),
]
