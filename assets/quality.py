"""Reconciliation against the report, and the checks of the report's own figures.

`reconciliation` sets every figure the report prints beside the one the pipeline computes,
for each edition; it is published like every other table. The report-figure checks flag the
report's internal inconsistencies on the seeds that hold its figures; they warn, never block.
"""

import datetime as dt
import os

import dagster as dg
import duckdb
import pandas as pd

from assets.common import OWNER
from assets.dbt_models import MART_KEYS
from assets.network import NETWORK_KEYS, NETWORK_SCHEMA
from checks import edition_checks as edition
from checks.report_checks import REPORT_CHECKS
from ieo.reconciliation import Computed, reconcile, summary
from ieo.warehouse import connect, edition_rows, replace_edition_tables
from orchestration.partitions import ONE_EDITION_PER_RUN, edition_partitions
from orchestration.resources import IeoSettings

QUALITY_SCHEMA = "quality"
RECONCILIATION = dg.AssetKey(["quality", "reconciliation"])


def _seed_key(seed: str) -> dg.AssetKey:
    return dg.AssetKey(["reference" if seed == "index_weights" else "report", seed])


def computed_tables(con: duckdb.DuckDBPyConnection, edition: int) -> dict[str, pd.DataFrame]:
    """The edition's mart and network tables by table id, in a stable row order: what the
    reconciliation compares and the release publishes."""
    names = [("marts", k.path[-1]) for k in MART_KEYS] + [(NETWORK_SCHEMA, name) for name in NETWORK_KEYS]
    return {name: edition_rows(con, f"{schema}.{name}", edition) for schema, name in names}


def read_computed(settings: IeoSettings, edition: int) -> Computed:
    con = connect(settings.warehouse_path)
    try:
        return Computed(edition, computed_tables(con, edition))
    finally:
        con.close()


@dg.asset(
    key=RECONCILIATION,
    deps=[*MART_KEYS, *NETWORK_KEYS.values(), *(_seed_key(s) for s in (
        "report_sample_composition", "report_sample_totals", "report_relation_summary", "report_tech_layers",
        "report_technology_relations_top10", "report_value_network_stats", "report_weighted_degree_top",
        "report_technology_io_top30", "report_rd_intensity_top20_listed", "report_tables", "report_discrepancies"))],
    group_name="publish",
    kinds={"python", "duckdb"},
    owners=[OWNER],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    description="Every figure the 2020 report prints for the edition beside the figure the pipeline computes: report "
    "value, computed value, absolute and relative difference, and status (exact at the printed precision, close "
    "within 5%, mismatch, or missing from the computed table), with the report_discrepancies row that explains "
    "figures the report itself gets wrong. Table id `reconciliation`.",
)
def reconciliation(context: dg.AssetExecutionContext, settings: IeoSettings) -> dg.MaterializeResult:
    edition = int(context.partition_key)
    table = reconcile(read_computed(settings, edition))
    replace_edition_tables(settings.warehouse_path, QUALITY_SCHEMA, edition, {"reconciliation": table})
    counts = summary(table)
    worst = table[table["status"].isin(["mismatch", "missing"])].sort_values("rel_diff", ascending=False)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(table),
        **{f"figures_{status}": count for status, count in counts.items()},
        "mismatches": dg.MetadataValue.md(worst.head(20).to_markdown(index=False, floatfmt=".4g")) if len(worst)
        else "none",
    })


def _report_check(check, seed: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=_seed_key(seed), name=check.__name__, description=check.__doc__, blocking=False)
    def _check() -> dg.AssetCheckResult:
        outcome = check()
        return dg.AssetCheckResult(passed=outcome.passed, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"found": dg.MetadataValue.json(outcome.metadata)})

    return _check


report_figure_checks = [_report_check(check, seed) for check, seed in REPORT_CHECKS.items()]


def survey_date(edition: int) -> dt.date:
    """When the edition's survey ran: IEO_SURVEY_DATE (YYYY-MM-DD) if set, else 1 January after the edition year."""
    configured = os.environ.get("IEO_SURVEY_DATE")
    return dt.date.fromisoformat(configured) if configured else dt.date(edition + 1, 1, 1)


def _edition_check(check, asset: dg.AssetKey, blocking: bool, *extra) -> dg.AssetChecksDefinition:
    """A partitioned check of one edition, run after ``asset`` in the same run."""

    @dg.asset_check(asset=asset, name=check.__name__, description=check.__doc__, blocking=blocking,
                    partitions_def=edition_partitions)
    def _check(context: dg.AssetCheckExecutionContext, settings: IeoSettings) -> dg.AssetCheckResult:
        edition = int(context.partition_key)
        con = connect(settings.warehouse_path)
        try:
            outcome = check(con, edition, *(argument(edition) for argument in extra))
        finally:
            con.close()
        return dg.AssetCheckResult(
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
            metadata={"details": dg.MetadataValue.json(outcome.metadata)},
        )

    return _check


edition_checks = [
    _edition_check(edition.subject_counts_match_sample_composition, dg.AssetKey(["marts", "sample_composition"]), True),
    _edition_check(edition.subject_counts_change_under_half, dg.AssetKey(["marts", "sample_composition"]), False),
    _edition_check(edition.relations_are_well_formed, dg.AssetKey(["staging", "stg_relations"]), True),
    _edition_check(edition.org_types_stable_across_editions, dg.AssetKey(["raw", "organizations"]), True),
    _edition_check(edition.cumulative_counts_do_not_decrease, dg.AssetKey(["raw", "policies"]), True),
    _edition_check(edition.raw_files_are_fresh, dg.AssetKey(["raw", "relations"]), False, survey_date),
]
