-- SSDA903 social worker rows (2024 layout); SW_REASON is not used by any indicator.
with social_worker as (select * from raw_social_worker)

select
    quarter_key as quarter_key,
    child as child,
    sw_id as sw_id,
    cast(sw_decom as date) as sw_decom,
    cast(sw_dec as date) as sw_dec,
from social_worker
