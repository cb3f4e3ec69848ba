-- SSDA903 header: only what the indicators need. DOB is record-level personal data; it
-- stays in the warehouse for CSC-LTPS's age test and never reaches a mart
-- (spec/marts.md: no dates of birth in the marts).
with header as (select * from raw_header)

select
    quarter_key as quarter_key,
    child as child,
    cast(dob as date) as dob,
from header
