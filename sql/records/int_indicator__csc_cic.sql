-- CSC-CIC: each child in care at QE (an episode with DECOM ≤ QE and DEC blank or > QE).
select
    child,
    current_episode_start_date,
    1 as value,
from int_children_in_care_at_quarter_end
where quarter_key = $quarter_key
order by child
