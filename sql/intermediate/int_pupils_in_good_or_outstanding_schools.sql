-- spec/indicators.md EDU-GOP / EDU-GOS: per quarter and school phase, the pupils of
-- schools with an Ofsted overall effectiveness of 1–4 (the denominator) and of those
-- rated 1 (Outstanding) or 2 (Good) (the numerator). Schools with no rating are left out
-- of both. One model for every phase, so the two indicators cannot drift apart.
with quarters as (select * from stg_calendar__quarters),

schools as (select * from stg_schools__schools),

phases as (
    select phase
    from (values ('Primary'), ('Secondary')) as phases (phase)
),

rated_schools as (
    select
        quarter_key,
        lower(phase) as phase_key,
        cast(sum(pupils) filter (where overall_effectiveness in (1, 2)) as bigint)
            as pupils_good_or_outstanding,
        cast(sum(pupils) as bigint) as pupils_rated,
    from schools
    where overall_effectiveness between 1 and 4
    group by quarter_key, lower(phase)
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
    phases.phase,
    coalesce(rated_schools.pupils_good_or_outstanding, 0) as pupils_good_or_outstanding,
    coalesce(rated_schools.pupils_rated, 0) as pupils_rated,
    coalesce(school_rows.source_rows, 0) as source_rows,
from quarters
cross join phases
left join rated_schools
    on
        quarters.quarter_key = rated_schools.quarter_key
        and lower(phases.phase) = rated_schools.phase_key
left join school_rows
    on quarters.quarter_key = school_rows.quarter_key
