-- Targets and tolerances (spec/extracts.md targets.csv); QUARTER null = every quarter.
with targets as (select * from raw_targets)

select
    indicator_code as indicator_code,
    financial_year as financial_year,
    cast(quarter as integer) as quarter_number,
    cast(target as decimal(18, 6)) as target,
    lower(tolerance_type) as tolerance_type,
    cast(tolerance as decimal(18, 6)) as tolerance,
from targets
