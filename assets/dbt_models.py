"""The dbt project as assets: reference seeds (unpartitioned) and the survey models (per edition)."""

from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_dbt import DbtCliResource, dbt_assets

from glue.dbt import (
    dbt_vars,
    ieo_dbt_project,
    manifest_path,
    release_warehouse_connection,
    translator,
)
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings
from ieo import names
from ieo.lineage import sql_column_lineage
from ieo.warehouse import connect, replace_edition_tables

MODEL_LAYERS = (names.STAGING, names.INTERMEDIATE, names.MARTS)


@dbt_assets(
    manifest=manifest_path(),
    project=ieo_dbt_project,
    select="resource_type:seed",
    dagster_dbt_translator=translator,
    name="reference_seeds",
)
def reference_seeds(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: IeoSettings):
    """Province list, countries, the domestic set, taxonomies, index weights and the report's figures."""
    # --full-refresh: a seed whose columns changed is recreated instead of failing on the old table.
    yield from dbt.cli(["seed", "--full-refresh", "--vars", dbt_vars(settings.warehouse_path)], context=context).stream()


@dbt_assets(
    manifest=manifest_path(),
    project=ieo_dbt_project,
    select="resource_type:model source:raw",
    dagster_dbt_translator=translator,
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    name="survey_models",
)
def survey_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: IeoSettings):
    """Staging, intermediate and mart models for one edition; the edition is passed as a dbt var.

    Afterwards the column lineage of every model is resolved from the SQL dbt compiled for this
    edition and kept in the warehouse (lineage.dbt_columns), for the release's lineage document.
    """
    edition = int(context.partition_key)
    invocation = dbt.cli(["build", "--vars", dbt_vars(settings.warehouse_path, edition)], context=context)
    try:
        yield from invocation.stream().fetch_row_counts().fetch_column_metadata()
    finally:
        release_warehouse_connection()
    record_column_lineage(settings.warehouse_path, edition, invocation.target_path / "compiled")


def record_column_lineage(warehouse: Path, edition: int, compiled: Path) -> None:
    """Resolve each compiled model's column lineage against the warehouse schema and store it for the edition."""
    con = connect(warehouse)
    try:
        schema: dict = {}
        for db, table, column, kind in con.execute(
                "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns").fetchall():
            schema.setdefault(db, {}).setdefault(table, {})[column] = kind
    finally:
        con.close()
    rows = []
    for path in sorted(compiled.rglob("*.sql")):
        layer = path.parent.name
        if layer not in MODEL_LAYERS:
            continue  # tests
        for column, deps in sql_column_lineage(path.read_text(encoding="utf-8"), schema).items():
            rows += [(f"{layer}/{path.stem}", column, asset, dep) for asset, dep in deps] or [
                (f"{layer}/{path.stem}", column, None, None)]
    frame = pd.DataFrame(rows, columns=["asset", "column_name", "upstream_asset", "upstream_column"])
    replace_edition_tables(warehouse, names.LINEAGE, edition, {"dbt_columns": frame})
