-- spec/indicators.md CSC-FCR: distinct HOUSEHOLD_ID approved in the YTD window
-- [FY start, QE] (a count).
with quarters as (select * from stg_calendar__quarters),

foster_approvals as (select * from stg_fostering__foster_approvals),

approvals_in_year as (
    select
        foster_approvals.quarter_key,
        count(distinct foster_approvals.household_id) as households,
    from foster_approvals
    inner join quarters
        on foster_approvals.quarter_key = quarters.quarter_key
    where foster_approvals.approval_date between quarters.fy_start_date and quarters.end_date
    group by foster_approvals.quarter_key
),

approval_rows as (
    select
        quarter_key,
        count(*) as source_rows,
    from foster_approvals
    group by quarter_key
)

select
    quarters.quarter_key,
    'CSC-FCR' as indicator_code,
    cast(null as bigint) as numerator,
    cast(null as bigint) as denominator,
    cast(null as integer) as multiplier,
    cast(coalesce(approvals_in_year.households, 0) as decimal(18, 6)) as value,
    coalesce(approval_rows.source_rows, 0) as source_rows,
from quarters
left join approvals_in_year
    on quarters.quarter_key = approvals_in_year.quarter_key
left join approval_rows
    on quarters.quarter_key = approval_rows.quarter_key
