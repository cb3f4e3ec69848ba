-- spec/marts.md mart_rag_summary and spec/rules.md "The summary": per quarter and
-- committee, indicators selected (in the catalogue), available (with a value) and with
-- a RAG status; Green/Amber/Red counts and whole-number percentages of "with RAG"
-- rounded half up in integer arithmetic (5 of 7 → 71, 2 of 7 → 29; none when no
-- indicator has a RAG status); the Red codes; and the report's summary text, e.g.
--   In total, 13 performance indicators have been selected for the sub-committee to
--   monitor and all 13 are available for reporting this quarter. Seven indicators have
--   also been assigned a RAG status.
--   In summary, of the 7 indicators: 5 (71%) have a status of Green; 0 (0%) have a
--   status of Amber; 2 (29%) have a status of Red.
-- followed by a sentence naming each Red indicator by title and code, as the report's
-- equalities section does. The count that opens a sentence is spelled out.
-- indicators_flagged: how many of the committee's figures carry a data-quality flag
-- (fct_indicator_quarter.dq_flags not empty).
with facts as (select * from fct_indicator_quarter),

indicators as (select * from dim_indicator),

committee_facts as (
    select
        facts.quarter_key,
        indicators.committee,
        indicators.code,
        indicators.title,
        facts.is_available,
        facts.rag_status,
        len(facts.dq_flags) > 0 as is_flagged,
    from facts
    inner join indicators
        on facts.indicator_code = indicators.code
),

counts as (
    select
        quarter_key,
        committee,
        cast(count(*) as integer) as indicators_selected,
        cast(count(*) filter (where is_available) as integer) as indicators_available,
        cast(count(rag_status) as integer) as indicators_with_rag,
        cast(count(*) filter (where rag_status = 'Green') as integer) as green,
        cast(count(*) filter (where rag_status = 'Amber') as integer) as amber,
        cast(count(*) filter (where rag_status = 'Red') as integer) as red,
        cast(count(*) filter (where is_flagged) as integer) as indicators_flagged,
        coalesce(
            list(code order by code) filter (where rag_status = 'Red'), []
        ) as red_indicators,
        coalesce(
            list(title || ' (' || code || ')' order by code) filter (where rag_status = 'Red'),
            []
        ) as red_indicator_names,
    from committee_facts
    group by quarter_key, committee
),

percentages as (
    select
        *,
        case when indicators_with_rag > 0
            then cast((200 * green + indicators_with_rag) // (2 * indicators_with_rag) as integer)
        end as green_pct,
        case when indicators_with_rag > 0
            then cast((200 * amber + indicators_with_rag) // (2 * indicators_with_rag) as integer)
        end as amber_pct,
        case when indicators_with_rag > 0
            then cast((200 * red + indicators_with_rag) // (2 * indicators_with_rag) as integer)
        end as red_pct,
    from counts
),

selection_sentences as (
    select
        *,
        case
            when indicators_selected = 1
                then 'In total, 1 performance indicator has been selected for the '
                || 'sub-committee to monitor and it is '
                || case when indicators_available = 1 then '' else 'not ' end
                || 'available for reporting this quarter.'
            else 'In total, ' || indicators_selected || ' performance indicators have been '
                || 'selected for the sub-committee to monitor and '
                || case
                    when indicators_available = indicators_selected
                        then 'all ' || indicators_available || ' are'
                    when indicators_available = 0 then 'none of them are'
                    when indicators_available = 1 then '1 of them is'
                    else indicators_available || ' of them are'
                end
                || ' available for reporting this quarter.'
        end as selection_sentence,
        case
            when indicators_with_rag = 0 then 'No indicators have been assigned a RAG status.'
            when indicators_with_rag = 1 then 'One indicator has also been assigned a RAG status.'
            else upper(left(number_to_words(indicators_with_rag), 1))
                || substr(number_to_words(indicators_with_rag), 2)
                || ' indicators have also been assigned a RAG status.'
        end as rag_sentence,
    from percentages
),

status_sentences as (
    select
        *,
        case when indicators_with_rag > 0
            then 'In summary, of the ' || indicators_with_rag
                || case when indicators_with_rag = 1 then ' indicator: ' else ' indicators: ' end
                || green || ' (' || green_pct || '%) '
                || case when green = 1 then 'has' else 'have' end || ' a status of Green; '
                || amber || ' (' || amber_pct || '%) '
                || case when amber = 1 then 'has' else 'have' end || ' a status of Amber; '
                || red || ' (' || red_pct || '%) '
                || case when red = 1 then 'has' else 'have' end || ' a status of Red.'
        end as status_sentence,
        case
            when red = 1 then 'The indicator rated Red is: ' || red_indicator_names[1] || '.'
            when red > 1
                then 'The indicators rated Red are: '
                || array_to_string(red_indicator_names[1:red - 1], '; ')
                || '; and ' || red_indicator_names[red] || '.'
        end as red_sentence,
    from selection_sentences
)

select
    cast(quarter_key as varchar) as quarter_key,
    cast(committee as varchar) as committee,
    indicators_selected,
    indicators_available,
    indicators_with_rag,
    green,
    amber,
    red,
    green_pct,
    amber_pct,
    red_pct,
    cast(red_indicators as varchar[]) as red_indicators,
    cast(
        concat_ws(
            chr(10), selection_sentence || ' ' || rag_sentence, status_sentence, red_sentence
        ) as varchar
    ) as summary_text,
    indicators_flagged,
from status_sentences
