-- Where each figure comes from (issue "every number answerable"): one row per quarter ×
-- catalogue indicator × input file, with the file as it was loaded (name, size,
-- SHA-256, rows read and rejected, the run that loaded it; audit_files, written by
-- ingest) and the SQL model that computed the figure with its code version.
-- Roles: `figure` — the extracts the value is computed from (a computed indicator's
-- model and the models it reads, ref_indicator_inputs, derived from the model graph;
-- a manual indicator's manual_returns.csv, read by int_indicator_values);
-- `catalogue`, `target`, `london average`, `commentary` — the reference and quarter
-- files that give the rest of the published row.
with quarters as (select * from stg_calendar__quarters),

indicators as (select * from stg_reference__indicators),

indicator_inputs as (select * from ref_indicator_inputs),

model_versions as (select * from ref_model_versions),

files as (select * from audit_files),

figure_models as (
    select distinct
        indicators.code as indicator_code,
        coalesce(indicator_inputs.model, 'int_indicator_values') as model,
    from indicators
    left join indicator_inputs
        on
            indicators.source = 'computed'
            and indicators.code = indicator_inputs.indicator_code
),

figure_inputs as (
    select
        indicator_code,
        extract,
        'figure' as role,
    from indicator_inputs
    where indicator_code in (select code from indicators where source = 'computed')
    union all
    select
        code as indicator_code,
        'manual_returns' as extract,
        'figure' as role,
    from indicators
    where source = 'manual'
),

other_inputs as (
    select
        indicators.code as indicator_code,
        other.extract,
        other.role,
    from indicators
    cross join (
        values
        ('indicators', 'catalogue'),
        ('targets', 'target'),
        ('benchmarks', 'london average'),
        ('commentary', 'commentary')
    ) as other (extract, role)
),

inputs as (
    select * from figure_inputs
    union all
    select * from other_inputs
)

select
    quarters.quarter_key,
    inputs.indicator_code,
    inputs.role,
    inputs.extract,
    files.file_name,
    files.file_bytes,
    files.sha256,
    files.rows_read,
    files.rows_rejected,
    files.run_id as loaded_by_run_id,
    files.loaded_at,
    figure_models.model,
    model_versions.code_version as model_code_version,
from quarters
cross join inputs
inner join figure_models
    on inputs.indicator_code = figure_models.indicator_code
left join model_versions
    on figure_models.model = model_versions.model
left join files
    on
        inputs.extract = files.extract
        -- a quarter's own file, or the one copy of a reference file
        and (files.quarter_key = quarters.quarter_key or files.quarter_key is null)
