-- One row per catalogue indicator × loaded quarter with its published value
-- (spec/rules.md "The published value"): rounded half away from zero to the
-- catalogue's DECIMALS in exact arithmetic (macro round_half_away). The catalogue
-- decides where a value comes from (spec/extracts.md indicators.csv SOURCE): a
-- `computed` indicator from its model in intermediate/indicators/ (all of them
-- unioned as int_indicator_computed, sql/models.yml), a `manual` one from the
-- quarter's manual_returns row - 100 × NUMERATOR ÷ DENOMINATOR where both are given,
-- else VALUE (spec/indicators.md EDU-NEET, EDU-PEX, EDU-SUS) - so a new manual
-- indicator needs only a catalogue row. A denominator of 0 gives no value.
with indicators as (select * from stg_reference__indicators),

quarters as (select * from stg_calendar__quarters),

manual_returns as (select * from stg_manual__manual_returns),

computed_inputs as (select * from int_indicator_computed),

manual_inputs as (
    select
        quarter_key,
        indicator_code,
        numerator is not null and denominator is not null as is_ratio,
        case when is_ratio then numerator end as numerator,
        case when is_ratio then denominator end as denominator,
        case when is_ratio then 100 end as multiplier,
        case when not is_ratio then value end as value,
        1 as source_rows,
    from manual_returns
),

catalogue_quarters as (
    select
        quarters.quarter_key,
        indicators.code as indicator_code,
        indicators.decimals,
        indicators.source,
    from quarters
    cross join indicators
),

inputs as (
    select
        catalogue_quarters.quarter_key,
        catalogue_quarters.indicator_code,
        catalogue_quarters.decimals,
        coalesce(computed_inputs.numerator, manual_inputs.numerator) as numerator,
        coalesce(computed_inputs.denominator, manual_inputs.denominator) as denominator,
        coalesce(computed_inputs.multiplier, manual_inputs.multiplier) as multiplier,
        coalesce(computed_inputs.value, manual_inputs.value) as unrounded_value,
        coalesce(computed_inputs.source_rows, manual_inputs.source_rows, 0) as source_rows,
    from catalogue_quarters
    left join computed_inputs
        on
            catalogue_quarters.source = 'computed'
            and catalogue_quarters.quarter_key = computed_inputs.quarter_key
            and catalogue_quarters.indicator_code = computed_inputs.indicator_code
    left join manual_inputs
        on
            catalogue_quarters.source = 'manual'
            and catalogue_quarters.quarter_key = manual_inputs.quarter_key
            and catalogue_quarters.indicator_code = manual_inputs.indicator_code
)

select
    quarter_key,
    indicator_code,
    cast(numerator as decimal(18, 6)) as numerator,
    cast(denominator as decimal(18, 6)) as denominator,
    case
        when multiplier is not null
            then round_half_away(numerator, denominator, multiplier, decimals)
        else round_half_away(unrounded_value, 1, 1, decimals)
    end as value,
    cast(source_rows as integer) as source_rows,
from inputs
