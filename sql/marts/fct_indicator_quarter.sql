-- spec/marts.md fct_indicator_quarter: one row per loaded quarter × catalogue indicator,
-- driven by the catalogue so another committee or a new manual indicator needs no code.
-- RAG (spec/rules.md "RAG status") compares the published value in exact decimals:
-- Green on target or better; Amber within tolerance, whose threshold is
--   points:  target ∓ TOLERANCE,
--   percent: target ∓ TOLERANCE/100 × |target|,
--   level:   TOLERANCE itself,
-- (− for higher-is-better, + for lower-is-better); Red otherwise; boundaries inclusive on
-- the Green and Amber side. No RAG without a target and a value, nor for polarity none
-- (nothing is better or worse). The threshold is stored so a reader can check by hand.
-- The *_display columns and rag_label write each figure and status as the committee
-- report does (pipeline/report/formatting.py; sql/macros/display_number.sql), so a BI
-- tool need not apply dim_indicator.decimals and unit by hand (docs/marts.md).
with quarters as (select * from stg_calendar__quarters),

indicators as (select * from stg_reference__indicators),

indicator_values as (select * from int_indicator_values),

targets_applied as (select * from int_targets_applied),

london_average as (select * from int_london_average),

commentary as (select * from stg_manual__commentary),

indicator_quarters as (
    select
        quarters.quarter_key,
        quarters.previous_quarter_key,
        quarters.year_ago_quarter_key,
        indicators.code as indicator_code,
        indicators.polarity,
        indicators.unit,
        indicators.decimals,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.value,
        indicator_values.source_rows,
        targets_applied.target,
        targets_applied.tolerance_type,
        targets_applied.tolerance,
    from quarters
    cross join indicators
    left join indicator_values
        on
            quarters.quarter_key = indicator_values.quarter_key
            and indicators.code = indicator_values.indicator_code
    left join targets_applied
        on
            quarters.quarter_key = targets_applied.quarter_key
            and indicators.code = targets_applied.indicator_code
),

amber_thresholds as (
    select
        *,
        case
            when target is null or polarity not in ('higher', 'lower') then null
            when tolerance_type = 'points' and polarity = 'higher'
                then cast(target as decimal(38, 14)) - tolerance
            when tolerance_type = 'points' and polarity = 'lower'
                then cast(target as decimal(38, 14)) + tolerance
            when tolerance_type = 'percent' and polarity = 'higher'
                then target - cast(tolerance as decimal(38, 6)) * abs(target) * 0.01
            when tolerance_type = 'percent' and polarity = 'lower'
                then target + cast(tolerance as decimal(38, 6)) * abs(target) * 0.01
            when tolerance_type = 'level' then cast(tolerance as decimal(38, 14))
        end as amber_threshold_exact,
    from indicator_quarters
),

rag_statuses as (
    select
        *,
        case
            when target is null or value is null or polarity not in ('higher', 'lower')
                then null
            when polarity = 'higher' and value >= target then 'Green'
            when polarity = 'lower' and value <= target then 'Green'
            when polarity = 'higher' and value >= amber_threshold_exact then 'Amber'
            when polarity = 'lower' and value <= amber_threshold_exact then 'Amber'
            else 'Red'
        end as rag_status,
    from amber_thresholds
),

comparisons as (
    select
        rag_statuses.*,
        previous_quarter.value as previous_quarter_value,
        year_ago_quarter.value as year_ago_value,
    from rag_statuses
    left join indicator_values as previous_quarter
        on
            rag_statuses.previous_quarter_key = previous_quarter.quarter_key
            and rag_statuses.indicator_code = previous_quarter.indicator_code
    left join indicator_values as year_ago_quarter
        on
            rag_statuses.year_ago_quarter_key = year_ago_quarter.quarter_key
            and rag_statuses.indicator_code = year_ago_quarter.indicator_code
)

select
    cast(comparisons.quarter_key as varchar) as quarter_key,
    cast(comparisons.indicator_code as varchar) as indicator_code,
    cast(comparisons.numerator as decimal(18, 6)) as numerator,
    cast(comparisons.denominator as decimal(18, 6)) as denominator,
    cast(comparisons.value as decimal(18, 6)) as value,
    cast(coalesce(
        with_unit(display_fixed(comparisons.value, comparisons.decimals), comparisons.unit),
        'Not available'
    ) as varchar) as value_display,
    comparisons.value is not null as is_available,
    cast(comparisons.target as decimal(18, 6)) as target,
    cast(coalesce(
        with_unit(display_exact(comparisons.target), comparisons.unit), 'No target'
    ) as varchar) as target_display,
    cast(comparisons.tolerance_type as varchar) as tolerance_type,
    cast(comparisons.tolerance as decimal(18, 6)) as tolerance,
    cast(comparisons.amber_threshold_exact as decimal(18, 6)) as amber_threshold,
    cast(with_unit(
        display_exact(cast(comparisons.amber_threshold_exact as decimal(18, 6))),
        comparisons.unit
    ) as varchar) as amber_threshold_display,
    cast(comparisons.rag_status as varchar) as rag_status,
    cast(rag_label(comparisons.rag_status, comparisons.target, comparisons.value) as varchar)
        as rag_label,
    cast(comparisons.previous_quarter_key as varchar) as previous_quarter_key,
    cast(comparisons.previous_quarter_value as decimal(18, 6)) as previous_quarter_value,
    cast(with_unit(
        display_fixed(comparisons.previous_quarter_value, comparisons.decimals), comparisons.unit
    ) as varchar) as previous_quarter_value_display,
    cast(direction_of_travel(
        comparisons.value, comparisons.previous_quarter_value, comparisons.polarity
    ) as varchar) as dot_short_term,
    cast(comparisons.year_ago_quarter_key as varchar) as year_ago_quarter_key,
    cast(comparisons.year_ago_value as decimal(18, 6)) as year_ago_value,
    cast(with_unit(
        display_fixed(comparisons.year_ago_value, comparisons.decimals), comparisons.unit
    ) as varchar) as year_ago_value_display,
    cast(direction_of_travel(
        comparisons.value, comparisons.year_ago_value, comparisons.polarity
    ) as varchar) as dot_long_term,
    cast(london_average.london_average as decimal(18, 6)) as london_average,
    cast(with_unit(
        display_exact(london_average.london_average), comparisons.unit
    ) as varchar) as london_average_display,
    cast(london_average.london_average_period as varchar) as london_average_period,
    cast(commentary.commentary as varchar) as commentary,
    cast(commentary.corrective_action as varchar) as corrective_action,
    -- who answers for the commentary and action (a post, not a person's record)
    cast(commentary.owner as varchar) as commentary_owner,
    cast(coalesce(comparisons.source_rows, 0) as integer) as source_rows,
    cast(getvariable('run_id') as varchar) as run_id,
    cast(getvariable('loaded_at') as timestamp with time zone) as loaded_at,
from comparisons
left join london_average
    on
        comparisons.quarter_key = london_average.quarter_key
        and comparisons.indicator_code = london_average.indicator_code
left join commentary
    on
        comparisons.quarter_key = commentary.quarter_key
        and comparisons.indicator_code = commentary.indicator_code
