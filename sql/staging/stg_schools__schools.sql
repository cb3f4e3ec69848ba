-- Schools with their latest Ofsted judgement and roll (spec/extracts.md schools.csv);
-- OVERALL_EFFECTIVENESS is null for a school not yet rated.
with schools as (select * from raw_schools)

select
    quarter_key as quarter_key,
    urn as urn,
    phase as phase,
    cast(overall_effectiveness as integer) as overall_effectiveness,
    cast(pupils as bigint) as pupils,
from schools
