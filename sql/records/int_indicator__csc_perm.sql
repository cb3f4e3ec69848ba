-- CSC-PERM: each child whose care ended in the YTD window (an episode with DEC in
-- [FY start, QE], REC not X1), by their latest such episode; numerator when its REC
-- is adoption or special guardianship (ref_rec_codes.is_permanence).
with quarter as (
    select * from stg_calendar__quarters where quarter_key = $quarter_key
),

endings as (
    select
        episodes.child,
        arg_max_null(
            struct_pack(episodes.dec, episodes.decom, episodes.rec),
            struct_pack(episodes.dec, episodes.decom)
        ) as latest,
    from stg_903__episodes as episodes
    inner join quarter
        on episodes.quarter_key = quarter.quarter_key
    where
        episodes.dec between quarter.fy_start_date and quarter.end_date
        and episodes.rec is distinct from 'X1'
    group by episodes.child
)

select
    endings.child,
    endings.latest.decom as episode_start_date,
    endings.latest.dec as care_ended_date,
    endings.latest.rec as reason_ceased,
    case when coalesce(rec_codes.is_permanence, false) then 1 else 0 end as numerator,
    1 as denominator,
from endings
left join ref_rec_codes as rec_codes
    on endings.latest.rec = rec_codes.code
order by endings.child
