-- spec/indicators.md EDU-GOP: of the pupils of Primary schools with an Ofsted overall
-- effectiveness of 1–4, the % in schools rated 1 (Outstanding) or 2 (Good), weighted by
-- PUPILS. Schools with no rating are left out of both numerator and denominator.
with quarters as (select * from stg_calendar__quarters),

schools as (select * from stg_schools__schools),

rated_schools as (
    select
        quarter_key,
        cast(sum(pupils) filter (where overall_effectiveness in (1, 2)) as bigint)
            as numerator,
        cast(sum(pupils) as bigint) as denominator,
    from schools
    where
        lower(phase) = 'primary'
        and overall_effectiveness between 1 and 4
    group by quarter_key
),

school_rows as (
    select
        quarter_key,
        count(*) as source_rows,
    from schools
    group by quarter_key
)

select
    quarters.quarter_key,
    'EDU-GOP' as indicator_code,
    coalesce(rated_schools.numerator, 0) as numerator,
    coalesce(rated_schools.denominator, 0) as denominator,
    100 as multiplier,
    cast(null as decimal(18, 6)) as value,
    coalesce(school_rows.source_rows, 0) as source_rows,
from quarters
left join rated_schools
    on quarters.quarter_key = rated_schools.quarter_key
left join school_rows
    on quarters.quarter_key = school_rows.quarter_key
