-- Commentary, corrective action and its owner per indicator (spec/extracts.md commentary.csv).
with commentary as (select * from raw_commentary)

select
    quarter_key as quarter_key,
    indicator_code as indicator_code,
    commentary as commentary,
    corrective_action as corrective_action,
    owner as owner,
    -- the figure the author saw when writing (optional column, NULL when not given)
    value_seen as value_seen,
from commentary
