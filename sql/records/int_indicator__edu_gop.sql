-- EDU-GOP: each Primary school with an Ofsted overall effectiveness of 1–4: its
-- PUPILS in the denominator, and in the numerator when rated 1 (Outstanding) or 2 (Good).
select
    urn,
    overall_effectiveness,
    pupils,
    case when overall_effectiveness in (1, 2) then pupils else 0 end as numerator,
    pupils as denominator,
from stg_schools__schools
where
    quarter_key = $quarter_key
    and lower(phase) = 'primary'
    and overall_effectiveness between 1 and 4
order by urn
