-- The date dimension (raw_dates, England bank holidays from the `holidays` package,
-- spec/indicators.md "Working days"). working_day_number counts working days up to and
-- including the day, so the working days after d1 up to and including d2 are
-- working_day_number(d2) − working_day_number(d1).
with dates as (select * from raw_dates),

working_days as (
    select
        cast(date_day as date) as date_day,
        is_weekend,
        is_bank_holiday,
        bank_holiday_name,
        not coalesce(is_weekend, false) and not coalesce(is_bank_holiday, false)
            as is_working_day,
    from dates
)

select
    date_day as date_day,
    is_weekend as is_weekend,
    is_bank_holiday as is_bank_holiday,
    bank_holiday_name as bank_holiday_name,
    is_working_day as is_working_day,
    cast(count(*) filter (where is_working_day) over (
        order by date_day rows between unbounded preceding and current row
    ) as integer) as working_day_number,
from working_days
