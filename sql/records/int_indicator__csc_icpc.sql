-- CSC-ICPC: each section 47 enquiry whose initial conference fell in the YTD window
-- (denominator), its working days from the enquiry start to the conference, and
-- whether it was within 15 (numerator).
with quarter as (
    select * from stg_calendar__quarters where quarter_key = $quarter_key
),

conferences as (
    select
        s47.la_child_id,
        s47.s47_start_date,
        s47.initial_cpc_date,
        conference_day.working_day_number - start_day.working_day_number as working_days,
    from stg_cin__s47_enquiries as s47
    inner join quarter
        on s47.quarter_key = quarter.quarter_key
    left join stg_calendar__dates as start_day
        on s47.s47_start_date = start_day.date_day
    left join stg_calendar__dates as conference_day
        on s47.initial_cpc_date = conference_day.date_day
    where s47.initial_cpc_date between quarter.fy_start_date and quarter.end_date
)

select
    la_child_id,
    s47_start_date,
    initial_cpc_date,
    working_days,
    case when working_days <= 15 then 1 else 0 end as numerator,
    1 as denominator,
from conferences
order by la_child_id, s47_start_date
