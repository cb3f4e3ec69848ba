-- CIN census section 47 enquiries (spec/extracts.md s47_enquiries.csv).
with s47_enquiries as (select * from raw_s47_enquiries)

select
    quarter_key as quarter_key,
    lachildid as la_child_id,
    cast(s47actualstartdate as date) as s47_start_date,
    cast(dateofinitialcpc as date) as initial_cpc_date,
    cast(icpcnotrequired as boolean) as icpc_not_required,
from s47_enquiries
