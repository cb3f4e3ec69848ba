-- One row per catalogue indicator × loaded quarter with its published value
-- (spec/rules.md "The published value"): rounded half away from zero to the
-- catalogue's DECIMALS in exact arithmetic (macro round_half_away). The catalogue
-- decides where a value comes from (spec/extracts.md indicators.csv SOURCE): a
-- `computed` indicator from its int_indicator__* model, a `manual` one from the
-- quarter's manual_returns row - 100 × NUMERATOR ÷ DENOMINATOR where both are given,
-- else VALUE (spec/indicators.md EDU-NEET, EDU-PEX, EDU-SUS) - so a new manual
-- indicator needs only a catalogue row. A denominator of 0 gives no value.
with indicators as (select * from stg_reference__indicators),

quarters as (select * from stg_calendar__quarters),

manual_returns as (select * from stg_manual__manual_returns),

csc_cic as (select * from int_indicator__csc_cic),

csc_cicr as (select * from int_indicator__csc_cicr),

csc_perm as (select * from int_indicator__csc_perm),

csc_sw2 as (select * from int_indicator__csc_sw2),

csc_ltps as (select * from int_indicator__csc_ltps),

csc_fcr as (select * from int_indicator__csc_fcr),

csc_icpc as (select * from int_indicator__csc_icpc),

csc_cpp as (select * from int_indicator__csc_cpp),

edu_gop as (select * from int_indicator__edu_gop),

edu_gos as (select * from int_indicator__edu_gos),

computed_inputs as (
    select * from csc_cic
    union all by name select * from csc_cicr
    union all by name select * from csc_perm
    union all by name select * from csc_sw2
    union all by name select * from csc_ltps
    union all by name select * from csc_fcr
    union all by name select * from csc_icpc
    union all by name select * from csc_cpp
    union all by name select * from edu_gop
    union all by name select * from edu_gos
),

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
