"""The dbt project as assets: reference seeds (unpartitioned) and the survey models (per edition)."""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from assets.common import OWNER
from orchestration.dbt import ieo_dbt_project, release_warehouse_connection
from orchestration.partitions import ONE_EDITION_PER_RUN, edition_partitions

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
def survey_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Staging, intermediate and mart models for one edition; the edition is passed as a dbt var."""
    edition_vars = json.dumps({"edition": int(context.partition_key)})
    invocation = dbt.cli(["build", "--vars", edition_vars], context=context)
    try:
        yield from invocation.stream().fetch_row_counts().fetch_column_metadata()
    finally:
        release_warehouse_connection()


# The mart models: the report's tables, published under their model name.
MART_KEYS = sorted((k for k in survey_models.keys if k.path[0] == "marts"), key=lambda k: k.to_user_string())
