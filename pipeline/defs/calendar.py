"""The calendar assets: the date dimension and the run's quarters, in the warehouse."""

import dagster as dg
import pandas as pd
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from pipeline.core.calendar import date_dimension
from pipeline.core.periods import Quarter
from pipeline.defs.partitions import QUARTERS, SINGLE_RUN


@dg.asset(group_name="calendar", kinds={"python", "duckdb"})
def raw_dates(warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Calendar days 1990-2060 with England bank holidays from the `holidays` package.

    Not partitioned: one table of every day, rebuilt whole, serves every quarter.
    """
    frame = date_dimension()
    with warehouse.get_connection() as con:
        con.execute(
            "create or replace table raw_dates as select date_day::date as date_day, "
            "is_weekend, is_bank_holiday, bank_holiday_name from frame"
        )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "bank_holidays": int(frame["is_bank_holiday"].sum()),
        }
    )


@dg.asset(
    partitions_def=QUARTERS,
    backfill_policy=SINGLE_RUN,
    group_name="calendar",
    kinds={"python", "duckdb"},
)
def raw_quarters(context: AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """The run's quarters with their labels, dates and comparison quarters."""
    keys = context.partition_keys
    frame = pd.DataFrame([Quarter.parse(k).as_row() for k in keys])
    with warehouse.get_connection() as con, con.cursor() as cur:
        cur.execute("begin")
        cur.execute(
            "create table if not exists raw_quarters (quarter_key varchar primary key, "
            "financial_year varchar, quarter_number integer, label varchar, "
            "long_label varchar, start_date date, end_date date, "
            "previous_quarter_key varchar, year_ago_quarter_key varchar)"
        )
        cur.execute(
            "delete from raw_quarters where quarter_key in (select unnest($k))", {"k": keys}
        )
        cur.execute("insert into raw_quarters by name select * from frame")
        cur.execute("commit")
    return dg.MaterializeResult(
        metadata={"dagster/row_count": len(frame), "quarters": ", ".join(keys)}
    )
