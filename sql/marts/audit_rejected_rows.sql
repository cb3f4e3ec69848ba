-- spec/marts.md audit_rejected_rows: every row fault found at validation, with the
-- offending value redacted where the column holds personal data (spec/marts.md: no
-- record-level personal data reaches the marts).
with rejects as (select * from audit_rejects)

select
    cast(quarter_key as varchar) as quarter_key,
    cast(extract as varchar) as extract,
    cast(row_number as integer) as row_number,
    cast(column_name as varchar) as column_name,
    cast(case when coalesce(is_personal, true) then '[redacted]' else value end as varchar)
        as value,
    cast(rule as varchar) as rule,
    cast(severity as varchar) as severity,
    cast(run_id as varchar) as run_id,
from rejects
