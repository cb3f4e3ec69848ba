-- spec/rules.md "Direction of travel": compares published values. Polarity higher/lower
-- gives better/worse/same (a fall in a lower-is-better indicator is better); polarity
-- none gives up/down/same. No value on either side: no DoT.
create or replace macro direction_of_travel(current_value, comparison_value, polarity) as (
    case
        when current_value is null or comparison_value is null then null
        when current_value = comparison_value then 'same'
        when polarity = 'higher'
            then case when current_value > comparison_value then 'better' else 'worse' end
        when polarity = 'lower'
            then case when current_value < comparison_value then 'better' else 'worse' end
        when current_value > comparison_value then 'up'
        else 'down'
    end
)
