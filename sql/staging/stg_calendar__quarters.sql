-- Quarters loaded (raw_quarters, written by pipeline/periods.py) with the windows of
-- spec/indicators.md "Terms": YTD = [FY start, QE]; rolling-12 = (QE − 12 months, QE],
-- i.e. from QE − 1 year + 1 day.
with quarters as (select * from raw_quarters)

select
    quarter_key as quarter_key,
    financial_year as financial_year,
    cast(quarter_number as integer) as quarter_number,
    label as label,
    long_label as long_label,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    previous_quarter_key as previous_quarter_key,
    year_ago_quarter_key as year_ago_quarter_key,
    make_date(cast(left(financial_year, 4) as integer), 4, 1) as fy_start_date,
    cast(cast(end_date as date) - interval 1 year as date) + 1 as rolling12_start_date,
from quarters
