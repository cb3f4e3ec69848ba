-- How the committee report writes a number (pipeline/report/formatting.py), for the
-- marts' *_display columns (docs/marts.md), so a BI tool shows what the report shows.
--   display_fixed(x, places): the published value to its indicator's decimals, rounded
--     half away from zero, thousands separated: 253 → '253', 65 → '65.0', 1200.5 → '1,200.5'
--   display_exact(x): a target, threshold or benchmark as held, trailing zeros dropped:
--     52.25 → '52.25', 15 → '15', 30.8025 → '30.8025', 1200 → '1,200'
--   with_unit(text, unit): 'percent' → '22.4%', 'rate' → '41.2 per 10,000', 'count' as is
-- Integer arithmetic on whole units of 10^-places, as in round_half_away: no doubles.
create or replace macro display_fixed(x, places) as (
    case when x is not null then
        (case when x < 0 then '-' else '' end)
        || format(
            '{:,}',
            cast(round(abs(cast(x as decimal(38, 6))) * cast(10 ** places as hugeint), 0)
                as hugeint) // cast(10 ** places as hugeint)
        )
        || case when places > 0 then '.' || lpad(
            cast(
                cast(round(abs(cast(x as decimal(38, 6))) * cast(10 ** places as hugeint), 0)
                    as hugeint) % cast(10 ** places as hugeint)
                as varchar
            ),
            places,
            '0'
        ) else '' end
    end
);

create or replace macro display_exact(x) as (
    case when x is not null then
        (case when x < 0 then '-' else '' end)
        || format('{:,}', cast(trunc(abs(cast(x as decimal(38, 6)))) as hugeint))
        || coalesce(
            '.' || nullif(rtrim(split_part(cast(abs(cast(x as decimal(38, 6))) as varchar), '.', 2), '0'), ''),
            ''
        )
    end
);

create or replace macro with_unit(text, unit) as (
    case
        when text is null then null
        when unit = 'percent' then text || '%'
        when unit = 'rate' then text || ' per 10,000'
        else text
    end
);
