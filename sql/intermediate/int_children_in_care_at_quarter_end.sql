-- spec/indicators.md "Terms": children in care at QE = distinct CHILD with an episode
-- where DECOM ≤ QE and (DEC is blank or DEC > QE). A child whose care ends on QE is not
-- in care at QE; one whose episode starts on QE is.
with quarters as (select * from stg_calendar__quarters),

episodes as (select * from stg_903__episodes),

episodes_open_at_quarter_end as (
    select
        episodes.quarter_key,
        episodes.child,
        episodes.decom,
    from episodes
    inner join quarters
        on episodes.quarter_key = quarters.quarter_key
    where
        episodes.decom <= quarters.end_date
        and (episodes.dec is null or episodes.dec > quarters.end_date)
),

children_in_care_at_quarter_end as (
    select
        quarter_key,
        child,
        max(decom) as current_episode_start_date,
    from episodes_open_at_quarter_end
    group by quarter_key, child
)

select
    quarter_key,
    child,
    current_episode_start_date,
from children_in_care_at_quarter_end
