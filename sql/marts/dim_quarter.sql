-- spec/marts.md dim_quarter: one row per loaded quarter (spec/rules.md "Periods").
with quarters as (select * from stg_calendar__quarters)

select
    cast(quarter_key as varchar) as quarter_key,
    cast(financial_year as varchar) as financial_year,
    cast(quarter_number as integer) as quarter_number,
    cast(label as varchar) as label,
    cast(long_label as varchar) as long_label,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    cast(previous_quarter_key as varchar) as previous_quarter_key,
    cast(year_ago_quarter_key as varchar) as year_ago_quarter_key,
from quarters
