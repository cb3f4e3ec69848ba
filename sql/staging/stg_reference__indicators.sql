-- The indicator catalogue (spec/extracts.md indicators.csv): reference data, not code,
-- so a new committee or manual-return indicator is a new row.
with indicators as (select * from raw_indicators)

select
    code as code,
    title as title,
    committee as committee,
    objective as objective,
    service as service,
    lower(unit) as unit,
    cast(decimals as integer) as decimals,
    lower(polarity) as polarity,
    lower(basis) as basis,
    lower(source) as source,
from indicators
