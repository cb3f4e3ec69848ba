-- spec/indicators.md CSC-LTPS: a period of care is a run of one child's episodes in
-- which each DECOM equals the previous episode's DEC; a new period starts at RNE `S` or
-- at any gap. One row per period, from the episodes that had started by QE.
-- The current placement started at the DECOM of the latest episode of the period whose
-- RNE starts a new placement (S, P, U: ref_rne_codes.starts_new_placement); L, T and B
-- keep the same carer. A period that began after a gap with an L, T or B episode (which
-- the 903 rules do not allow) is taken to have begun a placement at its start.
with quarters as (select * from stg_calendar__quarters),

episodes as (select * from stg_903__episodes),

rne_codes as (select * from ref_rne_codes),

episodes_to_quarter_end as (
    select
        episodes.quarter_key,
        episodes.child,
        episodes.decom,
        episodes.dec,
        episodes.rne,
        coalesce(rne_codes.starts_new_placement, false) as starts_new_placement,
        lag(episodes.dec) over (
            partition by episodes.quarter_key, episodes.child order by episodes.decom
        ) as previous_dec,
    from episodes
    inner join quarters
        on episodes.quarter_key = quarters.quarter_key
    left join rne_codes
        on episodes.rne = rne_codes.code
    where episodes.decom <= quarters.end_date
),

period_starts as (
    select
        *,
        -- a child's first episode has no previous DEC, so it starts a period too (DECOM
        -- is never blank); one window less than numbering the episodes
        rne = 'S' or decom is distinct from previous_dec as starts_new_period,
    from episodes_to_quarter_end
),

numbered_periods as (
    select
        *,
        sum(cast(starts_new_period as integer)) over (
            partition by quarter_key, child
            order by decom
            rows between unbounded preceding and current row
        ) as period_number,
    from period_starts
),

periods_of_care as (
    select
        quarter_key,
        child,
        period_number,
        min(decom) as period_start_date,
        -- the period is open while any of its episodes is (only the last one may be)
        case when count(dec) = count(*) then max(dec) end as period_end_date,
        max(decom) filter (where starts_new_placement or starts_new_period)
            as placement_start_date,
        count(*) as episodes,
    from numbered_periods
    group by quarter_key, child, period_number
)

select
    quarter_key,
    child,
    period_number,
    period_start_date,
    period_end_date,
    placement_start_date,
    episodes,
from periods_of_care
