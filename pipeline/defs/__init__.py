"""Every Dagster definition of the scorecard, and nothing else.

`pipeline/definitions.py` loads this folder with `dg.load_from_defs_folder`: each
module holds the definitions of one part of the graph (the calendar, the
extracts, the SQL models, the checks, publishing, the report) or of its
automation (jobs, schedules, sensors), and the plain logic they call lives in
the layer folders of `pipeline/`, which import no Dagster.
"""
