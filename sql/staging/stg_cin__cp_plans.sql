-- CIN census child protection plans (spec/extracts.md cp_plans.csv).
with cp_plans as (select * from raw_cp_plans)

select
    quarter_key as quarter_key,
    lachildid as la_child_id,
    cast(cppstartdate as date) as cpp_start_date,
    cast(cppenddate as date) as cpp_end_date,
    initialcategoryofabuse as initial_category_of_abuse,
from cp_plans
