-- spec/marts.md dim_indicator: the indicator catalogue as published.
with indicators as (select * from stg_reference__indicators)

select
    cast(code as varchar) as code,
    cast(title as varchar) as title,
    cast(committee as varchar) as committee,
    cast(objective as varchar) as objective,
    cast(service as varchar) as service,
    cast(unit as varchar) as unit,
    cast(decimals as integer) as decimals,
    cast(polarity as varchar) as polarity,
    cast(basis as varchar) as basis,
    cast(source as varchar) as source,
from indicators
