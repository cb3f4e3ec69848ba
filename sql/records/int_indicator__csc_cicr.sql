-- CSC-CICR: each child in care at QE (numerator) and the population estimate aged
-- 0–17 used (denominator: the row with the latest MID_YEAR whose 30 June is ≤ QE).
with quarter as (
    select * from stg_calendar__quarters where quarter_key = $quarter_key
),

population_used as (
    select
        population.area_code,
        population.mid_year,
        population.population,
    from stg_reference__population as population
    inner join quarter
        on population.estimate_date <= quarter.end_date
    where replace(replace(population.age_band, ' ', ''), '–', '-') = '0-17'
    qualify row_number() over (order by population.mid_year desc, population.area_code) = 1
)

select
    'child in care at quarter end' as record,
    child,
    cast(null as varchar) as area_code,
    cast(null as integer) as mid_year,
    1 as numerator,
    0 as denominator,
from int_children_in_care_at_quarter_end
where quarter_key = $quarter_key
union all
select
    'population aged 0-17' as record,
    null as child,
    area_code,
    mid_year,
    0 as numerator,
    population as denominator,
from population_used
order by record, child
