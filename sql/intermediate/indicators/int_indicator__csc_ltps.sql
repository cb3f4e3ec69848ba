-- spec/indicators.md CSC-LTPS: of the children in care at QE aged under 16 at QE whose
-- current period of care started on or before QE − 2 years 6 months, the % whose
-- current placement started on or before QE − 2 years. Calendar arithmetic: interval
-- results are cast back to DATE (31 December − 2 years 6 months = 30 June).
with quarters as (select * from stg_calendar__quarters),

episodes as (select * from stg_903__episodes),

header as (select * from stg_903__header),

children_in_care as (select * from int_children_in_care_at_quarter_end),

periods_of_care as (select * from int_periods_of_care),

quarter_thresholds as (
    select
        quarter_key,
        end_date,
        cast(end_date - interval '2 years 6 months' as date) as period_start_cutoff,
        cast(end_date - interval '2 years' as date) as placement_start_cutoff,
    from quarters
),

current_periods as (
    select
        children_in_care.quarter_key,
        children_in_care.child,
        periods_of_care.period_start_date,
        periods_of_care.placement_start_date,
    from children_in_care
    inner join quarter_thresholds
        on children_in_care.quarter_key = quarter_thresholds.quarter_key
    inner join periods_of_care
        on
            children_in_care.quarter_key = periods_of_care.quarter_key
            and children_in_care.child = periods_of_care.child
            and periods_of_care.period_start_date <= quarter_thresholds.end_date
            and (
                periods_of_care.period_end_date is null
                or periods_of_care.period_end_date > quarter_thresholds.end_date
            )
    qualify row_number() over (
        partition by children_in_care.quarter_key, children_in_care.child
        order by periods_of_care.period_start_date desc
    ) = 1
),

long_term_children as (
    select
        current_periods.quarter_key,
        current_periods.child,
        current_periods.placement_start_date <= quarter_thresholds.placement_start_cutoff
            as is_in_long_term_placement,
    from current_periods
    inner join quarter_thresholds
        on current_periods.quarter_key = quarter_thresholds.quarter_key
    inner join header
        on
            current_periods.quarter_key = header.quarter_key
            and current_periods.child = header.child
    where
        -- under 16 at QE: the 16th birthday falls after QE (a child 16 on QE is out)
        cast(header.dob + interval '16 years' as date) > quarter_thresholds.end_date
        and current_periods.period_start_date <= quarter_thresholds.period_start_cutoff
),

counts as (
    select
        quarter_key,
        count(*) filter (where is_in_long_term_placement) as numerator,
        count(*) as denominator,
    from long_term_children
    group by quarter_key
),

source_rows as (
    select
        quarter_key,
        count(*) as source_rows,
    from (
        select quarter_key from episodes
        union all
        select quarter_key from header
    )
    group by quarter_key
)

select
    quarters.quarter_key,
    'CSC-LTPS' as indicator_code,
    coalesce(counts.numerator, 0) as numerator,
    coalesce(counts.denominator, 0) as denominator,
    100 as multiplier,
    cast(null as decimal(18, 6)) as value,
    coalesce(source_rows.source_rows, 0) as source_rows,
from quarters
left join counts
    on quarters.quarter_key = counts.quarter_key
left join source_rows
    on quarters.quarter_key = source_rows.quarter_key
