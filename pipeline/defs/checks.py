"""The asset checks: the quality layer's queries and expectations, run on the warehouse.

A blocking check fails with ERROR severity and stops publishing; any other is a
WARN for the data team. The problem rows are listed in the check's description,
so the UI says exactly what to look at.
"""

from pathlib import Path

import dagster as dg
from dagster import AssetCheckExecutionContext
from dagster_duckdb import DuckDBResource

from pipeline.defs.partitions import QUARTERS
from pipeline.defs.resources import ScorecardPaths
from pipeline.quality.checks import QUERY_CHECKS, QueryCheck
from pipeline.quality.expectations import check_marts, request_data_docs


def _query_check(check: QueryCheck) -> dg.AssetChecksDefinition:
    severity = dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN

    @dg.asset_check(
        name=check.name,
        asset=check.asset,
        blocking=check.blocking,
        partitions_def=QUARTERS,
        description=check.description,
    )
    def _check(
        context: AssetCheckExecutionContext, warehouse: DuckDBResource
    ) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            problems = con.execute(check.sql, {"keys": list(context.partition_keys)}).fetchall()
        return dg.AssetCheckResult(
            passed=not problems,
            severity=severity,
            description=check.outcome(problems),
            metadata={"problems": len(problems)},
        )

    return _check


query_checks = [_query_check(check) for check in QUERY_CHECKS]


@dg.asset_check(
    asset="mart_rag_summary",
    additional_deps=["fct_indicator_quarter"],
    blocking=True,
    partitions_def=QUARTERS,
    description="Great Expectations suites on the fact table and the summary; Data Docs "
    "for the data team in the marts folder.",
)
def marts_meet_expectations(
    context: AssetCheckExecutionContext, warehouse: DuckDBResource, paths: ScorecardPaths
) -> dg.AssetCheckResult:
    """The suites' verdict, evaluated in the step; GX writes the Data Docs in the background.

    Importing and running Great Expectations takes seconds, so the verdict that blocks
    publishing is `check_marts` (the same suites, milliseconds) and the Data Docs site
    is built by a background process seconds later, for a failed run as well. What the
    site would still load from the internet (normally nothing) is noted on its index.
    """
    keys = list(context.partition_keys)
    with warehouse.get_connection() as con:
        outcome = check_marts(con, keys)
        index = request_data_docs(con, keys, Path(paths.marts_dir) / "data_docs")
    stats = outcome.statistics
    failed = outcome.failures
    return dg.AssetCheckResult(
        passed=outcome.success,
        description=(
            f"All {stats['evaluated_expectations']} expectations met."
            if outcome.success
            else f"{len(failed)} of {stats['evaluated_expectations']} expectations failed "
            "(see Data Docs): " + " | ".join(failed[:10])
        ),
        metadata={
            "evaluated_expectations": stats["evaluated_expectations"],
            "failed_expectations": len(failed),
            "success_percent": stats["success_percent"],
            "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in failed) or "none"),
            "data_docs": dg.MetadataValue.path(str(index)),
        },
    )
