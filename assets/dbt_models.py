"""The dbt project as assets: reference seeds (unpartitioned) and the survey models (per edition)."""

from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from glue.dbt import (
    dbt_target_args,
    failed_nodes,
    ieo_dbt_project,
    manifest_path,
    release_warehouse_connection,
    translator,
)
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import engine_metadata, latest_check_record
from glue.tags import RESEED_TAG
from ieo import names
from ieo.engine import Engine, model_schemas
from ieo.lineage import sql_column_lineage
from ieo.reference import seeds_fingerprint
from ieo.settings import DUCKDB

MODEL_LAYERS = (names.STAGING, names.INTERMEDIATE, names.MARTS)


@dbt_assets(
    manifest=manifest_path(),
    project=ieo_dbt_project,
    select="resource_type:seed",
    dagster_dbt_translator=translator,
    name="reference_seeds",
)
def reference_seeds(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: IeoSettings,
                    warehouse_writer: WarehouseWriter):
    """Province list, countries, the domestic set, taxonomies, index weights and the report's figures.

    Every edition run includes them, so a fresh warehouse gets its reference data before anything reads it;
    they are reloaded only when their files changed (or the reference_data job asks), else reported current.
    """
    fingerprint = seeds_fingerprint()
    earlier = {key: latest_check_record(context.instance, key) for key in context.selected_asset_check_keys}
    reason = reseed_reason(context.run.tags.get(RESEED_TAG) == "true", settings.table_engine.seeded_fingerprint(),
                           fingerprint, all(r is not None and r.status.value == "SUCCEEDED" for r in earlier.values()))
    if reason is None:
        context.log.info(f"reference data unchanged (seeds {fingerprint[:12]}); not reloaded")
        for key in sorted(context.selected_asset_keys, key=lambda k: k.to_user_string()):
            yield dg.MaterializeResult(asset_key=key, metadata={"reloaded": False, "seeds_fingerprint": fingerprint})
        # The seeds are byte for byte those their tests passed on, so those results stand; they say where from.
        for key, record in sorted(earlier.items(), key=lambda item: (item[0].asset_key.to_user_string(), item[0].name)):
            yield dg.AssetCheckResult(asset_key=key.asset_key, check_name=key.name, passed=True,
                                      metadata={"carried_from_run": record.run_id, "seeds_fingerprint": fingerprint})
        return
    context.log.info(f"loading the reference data: {reason}")
    # `build` loads the seeds and runs their tests; --full-refresh recreates a seed whose columns changed.
    # cautious: only the seeds' own tests, not the models' relationship tests that point at them.
    yield from dbt.cli(["build", "--full-refresh", "--indirect-selection", "cautious",
                        *dbt_target_args(settings.table_engine)], context=context).stream()
    settings.table_engine.record_seeded(fingerprint)


def reseed_reason(forced: bool, recorded: str | None, fingerprint: str, checks_recorded: bool) -> str | None:
    """Why the seeds must be (re)loaded into the warehouse, or None when the warehouse already holds these files."""
    if forced:
        return "the run asks for it"
    if recorded is None:
        return "the warehouse has no reference data yet"
    if recorded != fingerprint:
        return "the seed files changed since they were loaded"
    if not checks_recorded:
        return "this Dagster instance has no passing results of the seeds' tests"
    return None


@dbt_assets(
    manifest=manifest_path(),
    project=ieo_dbt_project,
    select="resource_type:model source:raw",
    dagster_dbt_translator=translator,
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    name="survey_models",
)
def survey_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: IeoSettings,
                  warehouse_writer: WarehouseWriter):
    """Staging, intermediate and mart models for one edition; the edition is passed as a dbt var.

    Afterwards the column lineage of every model is resolved from the SQL dbt compiled for this
    edition and kept in the warehouse (lineage.dbt_columns), for the release's lineage document.
    """
    edition = int(context.partition_key)
    engine = settings.table_engine
    engine.prepare_raw()
    invocation = dbt.cli(["build", *dbt_target_args(engine, edition)], context=context)
    where = engine_metadata(engine)
    events = invocation.stream()
    if engine.name == DUCKDB:  # on Spark each costs a query per model; the lineage reads the schema itself
        events = events.fetch_row_counts().fetch_column_metadata()
    try:
        for event in events:
            materialized = isinstance(event, dg.Output | dg.AssetMaterialization)
            yield event.with_metadata({**event.metadata, **where}) if materialized else event
    except DagsterDbtCliRuntimeError:
        failed = failed_nodes(invocation.get_artifact("run_results.json"))
        raise dg.Failure(description=f"dbt build of edition {edition} on {engine.name} ({engine.where}) failed: "
                         + "; ".join(failed or ["see the dbt log"])
                         + f"; dbt log: {invocation.target_path / 'dbt.log'}") from None
    finally:
        release_warehouse_connection()
    record_column_lineage(engine, edition, invocation.target_path / "compiled")


def record_column_lineage(engine: Engine, edition: int, compiled: Path) -> None:
    """Resolve each compiled model's column lineage against the engine's schema and store it for the edition."""
    schema = engine.columns(model_schemas())
    rows = []
    for path in sorted(compiled.rglob("*.sql")):
        layer = path.parent.name
        if layer not in MODEL_LAYERS:
            continue  # tests
        for column, deps in sql_column_lineage(path.read_text(encoding="utf-8"), schema, engine.name).items():
            rows += [(f"{layer}/{path.stem}", column, asset, dep) for asset, dep in deps] or [
                (f"{layer}/{path.stem}", column, None, None)]
    frame = pd.DataFrame(rows, columns=["asset", "column_name", "upstream_asset", "upstream_column"])
    engine.replace_edition_tables(names.LINEAGE, edition, {"dbt_columns": frame})
