-- The target and tolerance that apply to each indicator in each loaded quarter
-- (spec/extracts.md targets.csv): a row for the quarter wins over a row with a blank
-- QUARTER (every quarter of the financial year).
with quarters as (select * from stg_calendar__quarters),

targets as (select * from stg_reference__targets),

targets_applied as (
    select
        quarters.quarter_key,
        targets.indicator_code,
        targets.target,
        targets.tolerance_type,
        targets.tolerance,
    from quarters
    inner join targets
        on
            quarters.financial_year = targets.financial_year
            and (
                targets.quarter_number = quarters.quarter_number
                or targets.quarter_number is null
            )
    qualify row_number() over (
        partition by quarters.quarter_key, targets.indicator_code
        order by targets.quarter_number nulls last
    ) = 1
)

select
    quarter_key,
    indicator_code,
    target,
    tolerance_type,
    tolerance,
from targets_applied
