-- CSC-LTPS: each child in care at QE, under 16 at QE, whose current period of care
-- started on or before QE − 2 years 6 months (denominator); numerator when the
-- current placement started on or before QE − 2 years.
with quarter as (
    select
        quarter_key,
        end_date,
        cast(end_date - interval '2 years 6 months' as date) as period_start_cutoff,
        cast(end_date - interval '2 years' as date) as placement_start_cutoff,
    from stg_calendar__quarters
    where quarter_key = $quarter_key
),

current_periods as (
    select
        children.child,
        periods.period_start_date,
        periods.placement_start_date,
    from int_children_in_care_at_quarter_end as children
    inner join quarter
        on children.quarter_key = quarter.quarter_key
    inner join int_periods_of_care as periods
        on
            children.quarter_key = periods.quarter_key
            and children.child = periods.child
            and periods.period_start_date <= quarter.end_date
            and (periods.period_end_date is null or periods.period_end_date > quarter.end_date)
    qualify row_number() over (
        partition by children.child order by periods.period_start_date desc
    ) = 1
)

select
    current_periods.child,
    current_periods.period_start_date as current_period_of_care_started,
    current_periods.placement_start_date as current_placement_started,
    case
        when current_periods.placement_start_date <= quarter.placement_start_cutoff then 1
        else 0
    end as numerator,
    1 as denominator,
from current_periods
cross join quarter
inner join stg_903__header as header
    on header.quarter_key = quarter.quarter_key and current_periods.child = header.child
where
    cast(header.dob + interval '16 years' as date) > quarter.end_date
    and current_periods.period_start_date <= quarter.period_start_cutoff
order by current_periods.child
