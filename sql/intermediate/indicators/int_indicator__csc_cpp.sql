-- spec/indicators.md CSC-CPP: distinct LAchildID with a plan open at QE,
-- CPPstartDate ≤ QE and (CPPendDate blank or CPPendDate > QE) (a count).
with quarters as (select * from stg_calendar__quarters),

cp_plans as (select * from stg_cin__cp_plans),

children_on_plans as (
    select
        cp_plans.quarter_key,
        count(distinct cp_plans.la_child_id) as children,
    from cp_plans
    inner join quarters
        on cp_plans.quarter_key = quarters.quarter_key
    where
        cp_plans.cpp_start_date <= quarters.end_date
        and (cp_plans.cpp_end_date is null or cp_plans.cpp_end_date > quarters.end_date)
    group by cp_plans.quarter_key
),

plan_rows as (
    select
        quarter_key,
        count(*) as source_rows,
    from cp_plans
    group by quarter_key
)

select
    quarters.quarter_key,
    'CSC-CPP' as indicator_code,
    cast(null as bigint) as numerator,
    cast(null as bigint) as denominator,
    cast(null as integer) as multiplier,
    cast(coalesce(children_on_plans.children, 0) as decimal(18, 6)) as value,
    coalesce(plan_rows.source_rows, 0) as source_rows,
from quarters
left join children_on_plans
    on quarters.quarter_key = children_on_plans.quarter_key
left join plan_rows
    on quarters.quarter_key = plan_rows.quarter_key
