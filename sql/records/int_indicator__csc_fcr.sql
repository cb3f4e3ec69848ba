-- CSC-FCR: each foster carer household approved in the YTD window [FY start, QE].
with quarter as (
    select * from stg_calendar__quarters where quarter_key = $quarter_key
)

select
    approvals.household_id,
    min(approvals.approval_date) as first_approval_in_year,
    count(*) as approvals_in_year,
    1 as value,
from stg_fostering__foster_approvals as approvals
inner join quarter
    on approvals.quarter_key = quarter.quarter_key
where approvals.approval_date between quarter.fy_start_date and quarter.end_date
group by approvals.household_id
order by approvals.household_id
