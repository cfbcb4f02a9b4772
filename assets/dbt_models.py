"""The dbt project as assets: reference seeds (unpartitioned) and the survey models (per edition)."""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from assets.common import OWNER
from orchestration.dbt import ieo_dbt_project, release_warehouse_connection
from ieo.lineage import sql_column_lineage
from ieo.warehouse import connect, replace_edition_tables
from orchestration.partitions import ONE_EDITION_PER_RUN, edition_partitions
from orchestration.resources import IeoSettings

LINEAGE_SCHEMA = "lineage"

# dbt folder -> Dagster group, so the asset graph reads by layer.
GROUP_BY_FOLDER = {"staging": "staging", "intermediate": "staging", "marts": "marts"}


class IeoDbtTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by layer (seeds are reference data) and names their owner."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id, {})
        if node.get("resource_type") == "seed":
            return spec.replace_attributes(group_name="reference", owners=[OWNER])
        if node.get("resource_type") == "model":
            folder = node["fqn"][1] if len(node["fqn"]) > 2 else "marts"
            return spec.replace_attributes(group_name=GROUP_BY_FOLDER.get(folder, "marts"), owners=[OWNER])
        return spec


translator = IeoDbtTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True, enable_code_references=True, enable_source_tests_as_checks=True
    )
)


@dbt_assets(
    manifest=ieo_dbt_project.manifest_path,
    project=ieo_dbt_project,
    select="resource_type:seed",
    dagster_dbt_translator=translator,
    name="reference_seeds",
)
def reference_seeds(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Province list, countries, the domestic set, taxonomies, index weights and the report's figures."""
    # --full-refresh: a seed whose columns changed is recreated instead of failing on the old table.
    yield from dbt.cli(["seed", "--full-refresh"], context=context).stream()


@dbt_assets(
    manifest=ieo_dbt_project.manifest_path,
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
    invocation = dbt.cli(["build", "--vars", json.dumps({"edition": edition})], context=context)
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
        if layer not in GROUP_BY_FOLDER:
            continue  # tests
        for column, deps in sql_column_lineage(path.read_text(encoding="utf-8"), schema).items():
            rows += [(f"{layer}/{path.stem}", column, asset, dep) for asset, dep in deps] or [
                (f"{layer}/{path.stem}", column, None, None)]
    frame = pd.DataFrame(rows, columns=["asset", "column_name", "upstream_asset", "upstream_column"])
    replace_edition_tables(warehouse, LINEAGE_SCHEMA, edition, {"dbt_columns": frame})


# The mart models: the report's tables, published under their model name.
MART_KEYS = sorted((k for k in survey_models.keys if k.path[0] == "marts"), key=lambda k: k.to_user_string())
