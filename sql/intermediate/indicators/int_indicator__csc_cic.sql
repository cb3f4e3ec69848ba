-- spec/indicators.md CSC-CIC: children in care at QE (a count: no numerator/denominator).
-- source_rows: rows of the quarter's episodes extract.
with quarters as (select * from stg_calendar__quarters),

episodes as (select * from stg_903__episodes),

children_in_care as (select * from int_children_in_care_at_quarter_end),

children_in_care_counts as (
    select
        quarter_key,
        count(distinct child) as children,
    from children_in_care
    group by quarter_key
),

episode_rows as (
    select
        quarter_key,
        count(*) as source_rows,
    from episodes
    group by quarter_key
)

select
    quarters.quarter_key,
    'CSC-CIC' as indicator_code,
    cast(null as bigint) as numerator,
    cast(null as bigint) as denominator,
    cast(null as integer) as multiplier,
    cast(coalesce(children_in_care_counts.children, 0) as decimal(18, 6)) as value,
    coalesce(episode_rows.source_rows, 0) as source_rows,
from quarters
left join children_in_care_counts
    on quarters.quarter_key = children_in_care_counts.quarter_key
left join episode_rows
    on quarters.quarter_key = episode_rows.quarter_key
