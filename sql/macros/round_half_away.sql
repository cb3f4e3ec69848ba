-- spec/rules.md "The published value": multiplier × numerator ÷ denominator rounded
-- half away from zero to `places` decimals (64.95 → 65.0, never banker's rounding),
-- in exact integer arithmetic: DuckDB divides decimals in floating point, so both
-- operands are scaled to whole millionths (the raw tables' DECIMAL(18,6)) and the
-- rounding is done with integer division. A denominator of 0 gives no value
-- (spec/indicators.md "Definitions"). A plain value rounds as round_half_away(v, 1, 1, p).
create or replace macro round_half_away(numerator, denominator, multiplier, places) as (
    case
        when numerator is null or denominator is null or denominator = 0 then null
        else cast(
            cast(
                sign(numerator) * sign(denominator)
                * (
                    (
                        2 * abs(cast(cast(numerator as decimal(38, 6)) * 1000000 as hugeint))
                        * cast(multiplier as hugeint)
                        * cast(10 ** places as hugeint)
                        + abs(cast(cast(denominator as decimal(38, 6)) * 1000000 as hugeint))
                    )
                    // (2 * abs(cast(cast(denominator as decimal(38, 6)) * 1000000 as hugeint)))
                )
                * cast(10 ** (6 - places) as hugeint)
                as decimal(38, 0)
            ) * cast(0.000001 as decimal(7, 6))
            as decimal(18, 6)
        )
    end
)
