"""Reconciliation against the 2020 report, the checks of its printed figures, and the edition checks.

`reconciliation` sets every figure the report prints beside the one the pipeline computes,
for each edition; it is published like every other table. The report-figure checks flag the
report's internal inconsistencies on the seeds that hold its figures; they warn, never block.
"""

import dagster as dg

from checks import edition_checks as edition
from checks.printed_figures import PRINTED_FIGURE_CHECKS
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import OWNER, check_result, engine_metadata
from ieo import names
from ieo.reconciliation import Computed, reconcile, summary
from ieo.release_tables import computed_tables

RECONCILIATION = dg.AssetKey(list(names.RECONCILIATION.asset_path))
COMPUTED_KEYS = [dg.AssetKey(list(t.asset_path)) for t in names.COMPUTED_TABLES]


def _seed_key(seed: str) -> dg.AssetKey:
    return dg.AssetKey([names.REFERENCE if seed == "index_weights" else names.REPORT, seed])


def read_computed(settings: IeoSettings, edition: int) -> Computed:
    engine = settings.table_engine
    with engine.connect() as con:
        return Computed(edition, computed_tables(engine, con, edition))


@dg.asset(
    key=RECONCILIATION,
    deps=[*COMPUTED_KEYS, *(_seed_key(s) for s in names.RECONCILED_SEEDS)],
    group_name=names.QUALITY,
    kinds={"python", "duckdb"},
    owners=[OWNER],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    description="Every figure the 2020 report prints for the edition beside the figure the pipeline computes: report "
    "value, computed value, absolute and relative difference, and status (exact at the printed precision, close "
    "within 5%, mismatch, or missing from the computed table), with the report_discrepancies row that explains "
    "figures the report itself gets wrong. Table id `reconciliation`.",
)
def reconciliation(context: dg.AssetExecutionContext, settings: IeoSettings,
                   warehouse_writer: WarehouseWriter) -> dg.MaterializeResult:
    edition = int(context.partition_key)
    table = reconcile(read_computed(settings, edition))
    settings.table_engine.replace_edition_tables(names.QUALITY, edition, {names.RECONCILIATION.table_id: table})
    counts = summary(table)
    worst = table[table["status"].isin(["mismatch", "missing"])].sort_values("rel_diff", ascending=False)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(table), **engine_metadata(settings.table_engine),
        **{f"figures_{status}": count for status, count in counts.items()},
        "mismatches": dg.MetadataValue.md(worst.head(20).to_markdown(index=False, floatfmt=".4g")) if len(worst)
        else "none",
    })


def _printed_figure_check(check, seed: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=_seed_key(seed), name=check.__name__, description=check.__doc__, blocking=False)
    def _check() -> dg.AssetCheckResult:
        return check_result(check(), blocking=False)

    return _check


printed_figure_checks = [_printed_figure_check(check, seed) for check, seed in PRINTED_FIGURE_CHECKS.items()]


def _edition_check(check, asset: dg.AssetKey, blocking: bool, survey_date: bool = False) -> dg.AssetChecksDefinition:
    """A partitioned check of one edition, run after ``asset`` in the same run: on the engine's tables, or, for a
    check of the raw layer, on the DuckDB warehouse, which keeps the raw layer whichever engine runs the models."""

    @dg.asset_check(asset=asset, name=check.__name__, description=check.__doc__, blocking=blocking,
                    partitions_def=edition_partitions)
    def _check(context: dg.AssetCheckExecutionContext, settings: IeoSettings,
               warehouse_writer: WarehouseWriter) -> dg.AssetCheckResult:
        edition = int(context.partition_key)
        extra = (settings.edition_survey_date(edition),) if survey_date else ()
        engine = settings.table_engine
        with (engine.connect_registry() if asset.path[0] == names.RAW else engine.connect()) as con:
            outcome = check(con, edition, *extra)
        return check_result(outcome, blocking=blocking)

    return _check


SAMPLE_COMPOSITION = dg.AssetKey(list(names.TABLE["sample_composition"].asset_path))
edition_checks = [
    _edition_check(edition.subject_counts_match_sample_composition, SAMPLE_COMPOSITION, True),
    _edition_check(edition.subject_counts_change_under_half, SAMPLE_COMPOSITION, False),
    _edition_check(edition.relations_are_well_formed, dg.AssetKey([names.STAGING, "stg_relations"]), True),
    _edition_check(edition.org_types_stable_across_editions, dg.AssetKey([names.RAW, "organizations"]), True),
    _edition_check(edition.cumulative_counts_do_not_decrease, dg.AssetKey([names.RAW, "policies"]), True),
    _edition_check(edition.raw_files_are_fresh, dg.AssetKey([names.RAW, "relations"]), False, survey_date=True),
]
