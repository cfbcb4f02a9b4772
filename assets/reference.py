"""Reference data and the report's published figures, loaded as dbt seeds."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt import ieo_dbt_project

OWNER = "team:data-engineering"


class IeoDbtTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by layer: seeds are reference data."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id, {})
        if node.get("resource_type") == "seed":
            return spec.replace_attributes(group_name="reference", owners=[OWNER])
        return spec


translator = IeoDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_code_references=True)
)


@dbt_assets(
    manifest=ieo_dbt_project.manifest_path,
    project=ieo_dbt_project,
    select="resource_type:seed",
    dagster_dbt_translator=translator,
    name="reference_seeds",
)
def reference_seeds(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Province list, countries, the domestic set, taxonomies and the report's figures."""
    yield from dbt.cli(["seed"], context=context).stream()
