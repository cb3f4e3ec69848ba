-- spec/indicators.md CSC-ICPC: of the section 47 enquiries whose initial conference fell
-- in the YTD window, the % held within 15 working days of the enquiry starting. Working
-- days (Monday–Friday less England bank holidays) are counted after the start date up
-- to and including the conference date: a conference on the next working day is 1.
with quarters as (select * from stg_calendar__quarters),

s47_enquiries as (select * from stg_cin__s47_enquiries),

dates as (select * from stg_calendar__dates),

conferences_in_year as (
    select
        s47_enquiries.quarter_key,
        conference_day.working_day_number - start_day.working_day_number as working_days,
    from s47_enquiries
    inner join quarters
        on s47_enquiries.quarter_key = quarters.quarter_key
    left join dates as start_day
        on s47_enquiries.s47_start_date = start_day.date_day
    left join dates as conference_day
        on s47_enquiries.initial_cpc_date = conference_day.date_day
    where s47_enquiries.initial_cpc_date between quarters.fy_start_date and quarters.end_date
),

counts as (
    select
        quarter_key,
        count(*) filter (where working_days <= 15) as numerator,
        count(*) as denominator,
    from conferences_in_year
    group by quarter_key
),

enquiry_rows as (
    select
        quarter_key,
        count(*) as source_rows,
    from s47_enquiries
    group by quarter_key
)

select
    quarters.quarter_key,
    'CSC-ICPC' as indicator_code,
    coalesce(counts.numerator, 0) as numerator,
    coalesce(counts.denominator, 0) as denominator,
    100 as multiplier,
    cast(null as decimal(18, 6)) as value,
    coalesce(enquiry_rows.source_rows, 0) as source_rows,
from quarters
left join counts
    on quarters.quarter_key = counts.quarter_key
left join enquiry_rows
    on quarters.quarter_key = enquiry_rows.quarter_key
