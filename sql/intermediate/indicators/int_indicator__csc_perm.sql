-- spec/indicators.md CSC-PERM: of the children whose care ended in the YTD window
-- (an episode with DEC in [FY start, QE] and REC not X1, a child counted once by their
-- latest such episode), the % whose REC is adoption or special guardianship
-- (ref_rec_codes.is_permanence: E11, E12, E43, E44, E45, E46, E47, E48).
with quarters as (select * from stg_calendar__quarters),

episodes as (select * from stg_903__episodes),

rec_codes as (select * from ref_rec_codes),

episodes_ended_in_year as (
    select
        episodes.quarter_key,
        episodes.child,
        episodes.decom,
        episodes.dec,
        episodes.rec,
    from episodes
    inner join quarters
        on episodes.quarter_key = quarters.quarter_key
    where
        episodes.dec between quarters.fy_start_date and quarters.end_date
        -- X1: the episode ends and a new one begins the same day; care did not end
        and episodes.rec is distinct from 'X1'
),

latest_ending_per_child as (
    -- one row per child: the REC of the latest ending (by DEC, then DECOM); an aggregate
    -- rather than a row_number() window, which would sort every ended episode; _null: a
    -- blank REC on the latest ending is kept, as the window kept it
    select
        quarter_key,
        child,
        arg_max_null(rec, struct_pack(dec, decom)) as rec,
    from episodes_ended_in_year
    group by quarter_key, child
),

counts as (
    select
        latest_ending_per_child.quarter_key,
        count(*) filter (where coalesce(rec_codes.is_permanence, false)) as numerator,
        count(*) as denominator,
    from latest_ending_per_child
    left join rec_codes
        on latest_ending_per_child.rec = rec_codes.code
    group by latest_ending_per_child.quarter_key
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
    'CSC-PERM' as indicator_code,
    coalesce(counts.numerator, 0) as numerator,
    coalesce(counts.denominator, 0) as denominator,
    100 as multiplier,
    cast(null as decimal(18, 6)) as value,
    coalesce(episode_rows.source_rows, 0) as source_rows,
from quarters
left join counts
    on quarters.quarter_key = counts.quarter_key
left join episode_rows
    on quarters.quarter_key = episode_rows.quarter_key
