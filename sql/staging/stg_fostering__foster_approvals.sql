-- Foster carer household approvals (spec/extracts.md foster_approvals.csv).
with foster_approvals as (select * from raw_foster_approvals)

select
    quarter_key as quarter_key,
    household_id as household_id,
    cast(approval_date as date) as approval_date,
    carer_type as carer_type,
from foster_approvals
