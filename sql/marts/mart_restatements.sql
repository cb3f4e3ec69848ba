-- Every change accepted to a signed-off figure, RAG status, commentary or corrective
-- action (`scorecard run --restate --reason`), from the warehouse's copy of the sign-off
-- file (pipeline/signoff/store.py), with the sign-off it departs from. The sign-off lock
-- (pipeline/defs/signoff.py) records a run's restatements and rebuilds this table before
-- publishing, so the run that restates publishes its own rows.
with restatements as (select * from raw_restatements),

signoffs as (select * from raw_signoffs)

select
    cast(restatements.quarter_key as varchar) as quarter_key,
    cast(restatements.indicator_code as varchar) as indicator_code,
    cast(restatements.committee as varchar) as committee,
    cast(restatements.column_name as varchar) as column_name,
    cast(restatements.signed_off_value as varchar) as signed_off_value,
    cast(restatements.new_value as varchar) as new_value,
    cast(restatements.reason as varchar) as reason,
    cast(restatements.restated_by as varchar) as restated_by,
    cast(restatements.restated_at as timestamp with time zone) as restated_at,
    cast(restatements.run_id as varchar) as run_id,
    cast(signoffs.signed_off_by as varchar) as signed_off_by,
    cast(signoffs.signed_off_at as timestamp with time zone) as signed_off_at,
from restatements
left join signoffs
    on restatements.signoff_id = signoffs.signoff_id
order by
    restatements.quarter_key,
    restatements.indicator_code,
    restatements.column_name,
    restatements.restated_at
