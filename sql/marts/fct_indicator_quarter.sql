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
-- dq_flags: the caveats that travel with the figure, as codes (dq_notes: the same in
-- plain words, in the same order), each a reason a reader should know:
--   rows_quarantined          rows of a file the figure is computed from were
--                             quarantined (left out) that quarter
--   manual_return             the value was supplied as a number, not computed from records
--   comparison_missing        a comparison quarter is not loaded, or has no figure
--   london_average_old        the London average's period ended more than 12 months
--                             before the quarter end
--   restated_after_signoff    the value, RAG status or commentary differs from what the
--                             committee signed off (a run may only publish that with
--                             --restate, recorded in mart_restatements)
--   commentary_out_of_date    commentary.csv's VALUE_SEEN (the figure its author saw)
--                             is not the published value
with quarters as (select * from stg_calendar__quarters),

indicators as (select * from stg_reference__indicators),

indicator_values as (select * from int_indicator_values),

targets_applied as (select * from int_targets_applied),

london_average as (select * from int_london_average),

commentary as (select * from stg_manual__commentary),

indicator_inputs as (select * from int_indicator_inputs),

signoffs as (select * from raw_signoffs),

signoff_figures as (select * from raw_signoff_figures),

quarantined_inputs as (
    select
        quarter_key,
        indicator_code,
        string_agg(
            rows_rejected || ' row(s) of ' || file_name
            || ' quarantined this quarter and left out of the figure',
            '; ' order by file_name
        ) as note,
    from indicator_inputs
    where role = 'figure' and rows_rejected > 0
    group by quarter_key, indicator_code
),

signed_off as (
    -- what the latest sign-off of the quarter and the indicator's committee recorded
    select
        signoff_figures.quarter_key,
        signoff_figures.indicator_code,
        signoff_figures.value,
        signoff_figures.rag_status,
        signoff_figures.commentary,
        signoff_figures.corrective_action,
        signoffs.signed_off_at,
    from signoff_figures
    inner join signoffs
        on signoff_figures.signoff_id = signoffs.signoff_id
    qualify row_number() over (
        partition by signoff_figures.quarter_key, signoff_figures.indicator_code
        order by signoffs.signed_off_at desc
    ) = 1
),

indicator_quarters as (
    select
        quarters.quarter_key,
        quarters.previous_quarter_key,
        quarters.year_ago_quarter_key,
        indicators.code as indicator_code,
        indicators.polarity,
        indicators.unit,
        indicators.decimals,
        indicators.source,
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
        previous_quarter.quarter_key is not null as previous_quarter_loaded,
        year_ago_quarter.quarter_key is not null as year_ago_quarter_loaded,
    from rag_statuses
    left join indicator_values as previous_quarter
        on
            rag_statuses.previous_quarter_key = previous_quarter.quarter_key
            and rag_statuses.indicator_code = previous_quarter.indicator_code
    left join indicator_values as year_ago_quarter
        on
            rag_statuses.year_ago_quarter_key = year_ago_quarter.quarter_key
            and rag_statuses.indicator_code = year_ago_quarter.indicator_code
),

published as (
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
        comparisons.decimals,
        comparisons.source,
        comparisons.previous_quarter_loaded,
        comparisons.year_ago_quarter_loaded,
        london_average.london_average_period_end,
        quarters.end_date,
        commentary.value_seen,
    from comparisons
    inner join quarters
        on comparisons.quarter_key = quarters.quarter_key
    left join london_average
        on
            comparisons.quarter_key = london_average.quarter_key
            and comparisons.indicator_code = london_average.indicator_code
    left join commentary
        on
            comparisons.quarter_key = commentary.quarter_key
            and comparisons.indicator_code = commentary.indicator_code
),

flagged as (
    select
        published.*,
        quarantined_inputs.note as quarantine_note,
        published.source = 'manual' as is_manual_return,
        published.value is not null
        and (published.previous_quarter_value is null or published.year_ago_value is null)
            as is_comparison_missing,
        published.london_average_period_end
        < cast(published.end_date - interval 12 month as date) as is_london_average_old,
        signed_off.quarter_key is not null
        and (
            published.value is distinct from signed_off.value
            or published.rag_status is distinct from signed_off.rag_status
            or published.commentary is distinct from signed_off.commentary
            or published.corrective_action is distinct from signed_off.corrective_action
        ) as is_restated,
        signed_off.value as signed_off_value,
        signed_off.rag_status as signed_off_rag_status,
        published.value_seen is not null
        and published.value is distinct from published.value_seen as is_commentary_out_of_date,
    from published
    left join quarantined_inputs
        on
            published.quarter_key = quarantined_inputs.quarter_key
            and published.indicator_code = quarantined_inputs.indicator_code
    left join signed_off
        on
            published.quarter_key = signed_off.quarter_key
            and published.indicator_code = signed_off.indicator_code
),

noted as (
    select
        *,
        case when is_comparison_missing
            then 'no comparison for '
            || concat_ws(
                ' or ',
                case when previous_quarter_value is null
                    then 'the previous quarter (' || previous_quarter_key
                    || case when previous_quarter_loaded
                        then ' has no figure)' else ' is not loaded)' end
                end,
                case when year_ago_value is null
                    then 'the same quarter last year (' || year_ago_quarter_key
                    || case when year_ago_quarter_loaded
                        then ' has no figure)' else ' is not loaded)' end
                end
            )
        end as comparison_note,
        case when is_restated
            then 'restated after sign-off: the committee was given '
            || concat_ws(
                ', ',
                case when value is distinct from signed_off_value
                    then coalesce(format_figure(signed_off_value, decimals), 'no figure')
                end,
                case when rag_status is distinct from signed_off_rag_status
                    then coalesce(signed_off_rag_status, 'no RAG status')
                end,
                case when value is not distinct from signed_off_value
                    and rag_status is not distinct from signed_off_rag_status
                    then 'other commentary'
                end
            )
        end as restated_note,
    from flagged
)

select
    quarter_key,
    indicator_code,
    numerator,
    denominator,
    value,
    value_display,
    is_available,
    target,
    target_display,
    tolerance_type,
    tolerance,
    amber_threshold,
    amber_threshold_display,
    rag_status,
    rag_label,
    previous_quarter_key,
    previous_quarter_value,
    previous_quarter_value_display,
    dot_short_term,
    year_ago_quarter_key,
    year_ago_value,
    year_ago_value_display,
    dot_long_term,
    london_average,
    london_average_display,
    london_average_period,
    commentary,
    corrective_action,
    commentary_owner,
    source_rows,
    run_id,
    loaded_at,
    cast(list_filter([
        case when quarantine_note is not null then 'rows_quarantined' end,
        case when is_manual_return then 'manual_return' end,
        case when is_comparison_missing then 'comparison_missing' end,
        case when is_london_average_old then 'london_average_old' end,
        case when is_restated then 'restated_after_signoff' end,
        case when is_commentary_out_of_date then 'commentary_out_of_date' end,
    ], lambda flag: flag is not null) as varchar[]) as dq_flags,
    cast(list_filter([
        quarantine_note,
        case when is_manual_return
            then 'a manual return supplied by the service, not computed from records'
        end,
        comparison_note,
        case when is_london_average_old
            then 'the London average is for ' || london_average_period
            || ', which ended more than 12 months before the quarter'
        end,
        restated_note,
        case when is_commentary_out_of_date
            then 'commentary written against ' || format_figure(value_seen, decimals)
            || '; figure now ' || coalesce(format_figure(value, decimals), 'not available')
        end,
    ], lambda note: note is not null) as varchar[]) as dq_notes,
from noted
