-- SSDA903 episodes, as at QE with all history (spec/extracts.md). Postcodes were dropped
-- at validation; placement details are not used by any indicator.
with episodes as (select * from raw_episodes)

select
    quarter_key as quarter_key,
    child as child,
    cast(decom as date) as decom,
    upper(rne) as rne,
    cast(dec as date) as dec,
    upper(rec) as rec,
from episodes
