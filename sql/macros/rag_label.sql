-- The committee report's RAG label (pipeline/report/formatting.py rag_badge), published
-- as fct_indicator_quarter.rag_label so a BI tool shows why a row has no status:
-- a target but no value is "not available"; no target (or polarity none, which the
-- report also labels "no target") is "no target".
create or replace macro rag_label(status, target, value) as (
    case
        when status = 'Green' then 'Green – on track'
        when status = 'Amber' then 'Amber – within tolerance'
        when status = 'Red' then 'Red – off track'
        when target is not null and value is null then 'No RAG status – not available'
        else 'No RAG status – no target'
    end
);
