-- Figures services supply as numbers (spec/extracts.md manual_returns.csv).
with manual_returns as (select * from raw_manual_returns)

select
    quarter_key as quarter_key,
    indicator_code as indicator_code,
    cast(numerator as decimal(18, 6)) as numerator,
    cast(denominator as decimal(18, 6)) as denominator,
    cast(value as decimal(18, 6)) as value,
from manual_returns
