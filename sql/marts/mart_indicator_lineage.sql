-- Published lineage of every figure (the "where does this number come from" of BI):
-- one row per quarter × indicator × input file, without any record-level data. See
-- int_indicator_inputs for the roles. run_id is the run that computed the figure,
-- loaded_by_run_id the run that loaded the file.
with inputs as (select * from int_indicator_inputs)

select
    cast(quarter_key as varchar) as quarter_key,
    cast(indicator_code as varchar) as indicator_code,
    cast(role as varchar) as role,
    cast(extract as varchar) as extract,
    cast(file_name as varchar) as file_name,
    cast(file_bytes as bigint) as file_bytes,
    cast(sha256 as varchar) as sha256,
    cast(rows_read as integer) as rows_read,
    cast(rows_rejected as integer) as rows_rejected,
    cast(loaded_by_run_id as varchar) as loaded_by_run_id,
    cast(loaded_at as timestamp with time zone) as file_loaded_at,
    cast(model as varchar) as model,
    cast(model_code_version as varchar) as model_code_version,
    cast(getvariable('run_id') as varchar) as run_id,
from inputs
