-- spec/rules.md "London average": the London row of benchmarks.csv for the indicator
-- with the greatest PERIOD_END on or before QE, with its PERIOD_LABEL (and PERIOD_END,
-- so a figure can be flagged when its London average is more than a year old).
with quarters as (select * from stg_calendar__quarters),

benchmarks as (select * from stg_reference__benchmarks),

latest_london_average as (
    select
        quarters.quarter_key,
        benchmarks.indicator_code,
        benchmarks.value as london_average,
        benchmarks.period_label as london_average_period,
        benchmarks.period_end as london_average_period_end,
    from quarters
    inner join benchmarks
        on
            lower(trim(benchmarks.area)) = 'london'
            and benchmarks.period_end <= quarters.end_date
    qualify row_number() over (
        partition by quarters.quarter_key, benchmarks.indicator_code
        order by benchmarks.period_end desc
    ) = 1
)

select
    quarter_key,
    indicator_code,
    london_average,
    london_average_period,
    london_average_period_end,
from latest_london_average
