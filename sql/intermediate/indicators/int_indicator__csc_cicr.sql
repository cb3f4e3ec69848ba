-- spec/indicators.md CSC-CICR: CSC-CIC ÷ population aged 0–17 × 10,000, the population
-- being the row with the latest MID_YEAR whose 30 June is ≤ QE.
-- source_rows: episodes rows of the quarter plus the population row used.
with quarters as (select * from stg_calendar__quarters),

population as (select * from stg_reference__population),

children_in_care as (select * from int_indicator__csc_cic),

population_at_quarter_end as (
    select
        quarters.quarter_key,
        population.population,
    from quarters
    inner join population
        on population.estimate_date <= quarters.end_date
    where replace(replace(population.age_band, ' ', ''), '–', '-') = '0-17'
    qualify row_number() over (
        partition by quarters.quarter_key
        order by population.mid_year desc, population.area_code
    ) = 1
)

select
    quarters.quarter_key,
    'CSC-CICR' as indicator_code,
    cast(children_in_care.value as bigint) as numerator,
    population_at_quarter_end.population as denominator,
    10000 as multiplier,
    cast(null as decimal(18, 6)) as value,
    coalesce(children_in_care.source_rows, 0)
    + case when population_at_quarter_end.population is null then 0 else 1 end
        as source_rows,
from quarters
left join children_in_care
    on quarters.quarter_key = children_in_care.quarter_key
left join population_at_quarter_end
    on quarters.quarter_key = population_at_quarter_end.quarter_key
