-- CSC-SW2: each child in care at QE (denominator), their changes of social worker in
-- the rolling-12 window (a social_worker row starting in the window that is not the
-- child's first-ever row, by SW_DECOM then SW_ID), and whether they count in the
-- numerator (2 or more changes).
with quarter as (
    select * from stg_calendar__quarters where quarter_key = $quarter_key
),

social_worker_ordered as (
    select
        child,
        sw_decom,
        row_number() over (partition by child order by sw_decom, sw_id) as social_worker_number,
    from stg_903__social_worker
    where quarter_key = $quarter_key
),

changes_in_window as (
    select
        social_worker_ordered.child,
        count(*) as changes,
    from social_worker_ordered
    cross join quarter
    where
        social_worker_ordered.social_worker_number > 1
        and social_worker_ordered.sw_decom
        between quarter.rolling12_start_date and quarter.end_date
    group by social_worker_ordered.child
)

select
    children.child,
    coalesce(changes_in_window.changes, 0) as changes_of_social_worker_in_window,
    case when coalesce(changes_in_window.changes, 0) >= 2 then 1 else 0 end as numerator,
    1 as denominator,
from int_children_in_care_at_quarter_end as children
left join changes_in_window
    on children.child = changes_in_window.child
where children.quarter_key = $quarter_key
order by children.child
