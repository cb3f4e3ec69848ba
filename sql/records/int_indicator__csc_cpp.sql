-- CSC-CPP: each child (LAchildID) with a child protection plan open at QE
-- (CPPstartDate ≤ QE and CPPendDate blank or after QE).
with quarter as (
    select * from stg_calendar__quarters where quarter_key = $quarter_key
)

select
    plans.la_child_id,
    min(plans.cpp_start_date) as plan_started,
    1 as value,
from stg_cin__cp_plans as plans
inner join quarter
    on plans.quarter_key = quarter.quarter_key
where
    plans.cpp_start_date <= quarter.end_date
    and (plans.cpp_end_date is null or plans.cpp_end_date > quarter.end_date)
group by plans.la_child_id
order by plans.la_child_id
