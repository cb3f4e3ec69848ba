-- spec/indicators.md CSC-SW2: of the children in care at QE, the % with 2 or more
-- changes of social worker in the rolling-12 window [QE − 1 year + 1 day, QE]. A change
-- is a social_worker row starting in the window that is not the child's first-ever row
-- (ordered by SW_DECOM, then SW_ID): allocating the first worker changes nothing.
with quarters as (select * from stg_calendar__quarters),

episodes as (select * from stg_903__episodes),

social_worker as (select * from stg_903__social_worker),

children_in_care as (select * from int_children_in_care_at_quarter_end),

social_worker_ordered as (
    select
        quarter_key,
        child,
        sw_decom,
        row_number() over (
            partition by quarter_key, child order by sw_decom, sw_id
        ) as social_worker_number,
    from social_worker
),

changes_in_window as (
    select
        social_worker_ordered.quarter_key,
        social_worker_ordered.child,
        count(*) as changes,
    from social_worker_ordered
    inner join quarters
        on social_worker_ordered.quarter_key = quarters.quarter_key
    where
        social_worker_ordered.social_worker_number > 1
        and social_worker_ordered.sw_decom
        between quarters.rolling12_start_date and quarters.end_date
    group by social_worker_ordered.quarter_key, social_worker_ordered.child
),

counts as (
    select
        children_in_care.quarter_key,
        count(*) filter (where changes_in_window.changes >= 2) as numerator,
        count(*) as denominator,
    from children_in_care
    left join changes_in_window
        on
            children_in_care.quarter_key = changes_in_window.quarter_key
            and children_in_care.child = changes_in_window.child
    group by children_in_care.quarter_key
),

source_rows as (
    select
        quarter_key,
        count(*) as source_rows,
    from (
        select quarter_key from episodes
        union all
        select quarter_key from social_worker
    )
    group by quarter_key
)

select
    quarters.quarter_key,
    'CSC-SW2' as indicator_code,
    coalesce(counts.numerator, 0) as numerator,
    coalesce(counts.denominator, 0) as denominator,
    100 as multiplier,
    cast(null as decimal(18, 6)) as value,
    coalesce(source_rows.source_rows, 0) as source_rows,
from quarters
left join counts
    on quarters.quarter_key = counts.quarter_key
left join source_rows
    on quarters.quarter_key = source_rows.quarter_key
