-- A published figure as the report prints it, for the words of a data-quality note:
-- 21.9 at 1 decimal place, 245 at none (the value is already rounded exactly).
create or replace macro format_figure(figure, places) as
    format('{:.{}f}', cast(figure as double), cast(coalesce(places, 0) as integer));
