-- Mid-year population estimates (spec/extracts.md population.csv): MID_YEAR 2021 is the
-- estimate at 30 June 2021, which CSC-CICR needs as a date.
with population as (select * from raw_population)

select
    area_code as area_code,
    cast(mid_year as integer) as mid_year,
    make_date(cast(mid_year as integer), 6, 30) as estimate_date,
    age_band as age_band,
    cast(population as bigint) as population,
from population
