-- spec/indicators.md EDU-GOS: of the pupils of Secondary schools with an Ofsted overall
-- effectiveness of 1–4, the % in schools rated 1 (Outstanding) or 2 (Good), weighted by
-- PUPILS (int_pupils_in_good_or_outstanding_schools).
with pupils as (select * from int_pupils_in_good_or_outstanding_schools)

select
    quarter_key,
    'EDU-GOS' as indicator_code,
    pupils_good_or_outstanding as numerator,
    pupils_rated as denominator,
    100 as multiplier,
    cast(null as decimal(18, 6)) as value,
    source_rows,
from pupils
where phase = 'Secondary'
