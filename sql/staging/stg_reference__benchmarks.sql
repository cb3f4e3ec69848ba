-- London (and other) averages (spec/extracts.md benchmarks.csv).
with benchmarks as (select * from raw_benchmarks)

select
    indicator_code as indicator_code,
    area as area,
    period_label as period_label,
    cast(period_end as date) as period_end,
    cast(value as decimal(18, 6)) as value,
    source as source,
from benchmarks
