"""The dbt project as assets: reference seeds (unpartitioned) and the survey models (per edition)."""

from collections.abc import Callable
from graphlib import TopologicalSorter
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from glue.dbt import (
    TARGET_DIR,
    build_fingerprint,
    docs_manifest_path,
    dbt_target_args,
    failed_nodes,
    ieo_dbt_project,
    invoke,
    keep_docs_manifest,
    keep_parse,
    manifest_path,
    translator,
)
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import (
    CARRIED_FROM_RUN,
    REBUILT,
    RELOADED,
    carried_check,
    carried_materialization,
    check_stands,
    engine_metadata,
    latest_check_record,
    latest_materialization,
)
from glue.tags import PARTITION_TAG, REBUILD_MODELS_TAG, RESEED_TAG
from ieo import names
from ieo.engine import Engine, model_schemas
from ieo.lineage import cached_column_lineage
from ieo.reference import seeds_fingerprint

MODEL_LAYERS = (names.STAGING, names.INTERMEDIATE, names.MARTS)
BUILD_FINGERPRINT = "build_fingerprint"  # materialization metadata: glue.dbt.build_fingerprint of the build
LINEAGE_CACHE = TARGET_DIR / "column_lineage"  # resolved lineage by the hash of its SQL and schema
Schema = dict[str, dict[str, dict[str, str]]]  # schema -> table -> column -> type
Lineage = dict[str, dict[str, list[tuple[str, str]]]]  # "layer/model" -> column -> upstream (asset, column)


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
            yield dg.MaterializeResult(asset_key=key, metadata={RELOADED: False, "seeds_fingerprint": fingerprint})
        # The seeds are byte for byte those their tests passed on, so those results stand; they say where from.
        for key, record in sorted(earlier.items(), key=lambda item: (item[0].asset_key.to_user_string(), item[0].name)):
            yield dg.AssetCheckResult(asset_key=key.asset_key, check_name=key.name, passed=True,
                                      metadata={CARRIED_FROM_RUN: record.run_id, "seeds_fingerprint": fingerprint})
        return
    context.log.info(f"loading the reference data: {reason}")
    # `build` loads the seeds and runs their tests; --full-refresh recreates a seed whose columns changed.
    # cautious: only the seeds' own tests, not the models' relationship tests that point at them. In an edition's
    # run the seeds take the edition's vars too (they do not read it), so the models' build reuses this parse.
    edition = context.run.tags.get(PARTITION_TAG)
    args = ["build", "--full-refresh", "--indirect-selection", "cautious",
            *dbt_target_args(settings.table_engine, int(edition) if edition else None)]
    invocation = invoke(dbt, args, context)
    try:
        yield from invocation.stream()
    finally:
        keep_parse(invocation, args)
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
    When nothing the build depends on changed since the models' last build (``glue.dbt.build_fingerprint``), the
    tables stand and their materializations and test results are reported with the run they came from, as the
    raw load's are; the run tag REBUILD_MODELS_TAG (`ieo run --rebuild-models`) builds anyway.
    """
    edition = int(context.partition_key)
    engine = settings.table_engine
    engine.prepare_raw()
    fingerprint = build_fingerprint(engine, edition, __name__)
    recorded = {key: latest_materialization(context.instance, key, context.partition_key)
                for key in context.selected_asset_keys}
    checks = {key: latest_check_record(context.instance, key, context.partition_key)
              for key in context.selected_asset_check_keys}
    reason = rebuild_reason(context.run.tags.get(REBUILD_MODELS_TAG) == "true", fingerprint,
                            {key: _run_and_fingerprint(record) for key, record in recorded.items()},
                            {key: record.run_id if check_stands(record) else None for key, record in checks.items()},
                            lambda: missing_relations(engine, edition, [*recorded, *_inputs(context)]))
    if reason is None:
        context.log.info(f"edition {edition}: nothing its dbt build depends on changed; its tables and test results stand")
        deps = context.assets_def.asset_deps
        # A multi-asset reports its assets upstream first.
        for key in TopologicalSorter({key: deps.get(key, set()) & recorded.keys() for key in recorded}).static_order():
            yield carried_materialization(key, recorded[key], REBUILT)
        for key in sorted(checks, key=lambda k: (k.asset_key.to_user_string(), k.name)):
            yield carried_check(checks[key])
        return
    context.log.info(f"building edition {edition}'s dbt models: {reason}")
    args = ["build", *dbt_target_args(engine, edition)]
    invocation = invoke(dbt, args, context)
    where = {**engine_metadata(engine), REBUILT: True, BUILD_FINGERPRINT: fingerprint}
    built: list[dg.Output | dg.AssetMaterialization] = []  # held back until their table metadata is known
    try:
        for event in invocation.stream():
            if isinstance(event, dg.Output | dg.AssetMaterialization):
                built.append(event)
            else:
                yield event
    except DagsterDbtCliRuntimeError:
        yield from (event.with_metadata({**event.metadata, **where}) for event in built)  # what was written
        failed = failed_nodes(invocation.get_artifact("run_results.json"))
        raise dg.Failure(description=f"dbt build of edition {edition} on {engine.name} ({engine.where}) failed: "
                         + "; ".join(failed or ["see the dbt log"])
                         + f"; dbt log: {invocation.target_path / 'dbt.log'}") from None
    finally:
        keep_parse(invocation, args)
    keep_docs_manifest(invocation, engine, edition)
    schema, lineage = record_column_lineage(engine, edition, invocation.target_path / "compiled")
    keys = [event.asset_key if isinstance(event, dg.AssetMaterialization) else context.asset_key_for_output(
        event.output_name) for event in built]
    counts = engine.row_counts([key.path for key in keys])
    for event, key in zip(built, keys):
        table = table_metadata(key.path, schema, lineage, counts)
        yield event.with_metadata({**event.metadata, **table, **where})


def rebuild_reason(forced: bool, fingerprint: str, recorded: dict[dg.AssetKey, tuple[str, str] | None],
                   checks: dict[dg.AssetCheckKey, str | None], missing: Callable[[], list[str]]) -> str | None:
    """Why the edition's models must be built again, or None when its tables stand: every model's last
    materialization (``recorded``: its run and BUILD_FINGERPRINT) was built from inputs with this ``fingerprint``,
    every test's last result (``checks``: the run that found it, None unless it passed or only warned) came from
    one of those runs, and the engine still holds every table the build reads and wrote and the build's
    documentation (``missing``, asked last: it queries the engine)."""
    if forced:
        return "the run asks for it"
    if any(found is None for found in recorded.values()):
        return "this Dagster instance has recorded no build of some of its models"
    if {found[1] for found in recorded.values() if found} != {fingerprint}:
        return ("the dbt project, the reference data, a current raw load (of any edition), the step's code or a "
                "library changed since its models were last built")
    if any(run is None for run in checks.values()):
        return "some of its tests have no recorded result that passed or only warned"
    built_in = {found[0] for found in recorded.values() if found}
    if any(run not in built_in for run in checks.values()):
        return "some of its tests' latest results come from another run than its models' latest build"
    if lacking := missing():
        return f"the engine lacks {', '.join(lacking[:5])}" + (f" and {len(lacking) - 5} more" if len(lacking) > 5 else "")
    return None


def missing_relations(engine: Engine, edition: int, keys: list[dg.AssetKey]) -> list[str]:
    """The tables and views among ``keys`` (the models, and the seeds and raw tables they read) the engine does not
    hold, the column lineage table and the edition's kept dbt documentation, if absent."""
    layers = tuple(sorted({key.path[0] for key in keys} | {names.LINEAGE}))
    try:
        schema = engine.columns(layers)
    except Exception as error:  # noqa: BLE001 (Spark refuses to list a schema it lacks: then nothing is there)
        return [f"a schema of {', '.join(layers)} ({type(error).__name__})"]
    missing = [key.to_user_string() for key in keys if key.path[-1] not in schema.get(key.path[0], {})]
    if "dbt_columns" not in schema.get(names.LINEAGE, {}):
        missing.append(f"{names.LINEAGE}/dbt_columns")
    if not docs_manifest_path(engine, edition).exists():
        missing.append(str(docs_manifest_path(engine, edition)))
    return missing


def _inputs(context: dg.AssetExecutionContext) -> set[dg.AssetKey]:
    """The tables the selected models read and do not build themselves: the reference seeds and the raw tables."""
    deps = context.assets_def.asset_deps
    return {dep for key in context.selected_asset_keys for dep in deps.get(key, set())} - context.assets_def.keys


def _run_and_fingerprint(record: dg.EventLogRecord | None) -> tuple[str, str] | None:
    if record is None or record.asset_materialization is None:
        return None
    found = record.asset_materialization.metadata.get(BUILD_FINGERPRINT)
    return record.run_id, str(getattr(found, "value", found))


def record_column_lineage(engine: Engine, edition: int, compiled: Path) -> tuple[Schema, Lineage]:
    """Resolve each compiled model's column lineage against the engine's schema and store it for the edition;
    returns the schema and the lineage ("layer/model" -> column -> its upstream (asset, column) pairs)."""
    schema = engine.columns(model_schemas())
    lineage: Lineage = {}
    rows = []
    for path in sorted(compiled.rglob("*.sql")):
        layer = path.parent.name
        if layer not in MODEL_LAYERS:
            continue  # tests
        asset = f"{layer}/{path.stem}"
        lineage[asset] = cached_column_lineage(path.read_text(encoding="utf-8"), schema, engine.name, LINEAGE_CACHE)
        for column, deps in lineage[asset].items():
            rows += [(asset, column, upstream, dep) for upstream, dep in deps] or [(asset, column, None, None)]
    frame = pd.DataFrame(rows, columns=["asset", "column_name", "upstream_asset", "upstream_column"])
    engine.replace_edition_tables(names.LINEAGE, edition, {"dbt_columns": frame})
    return schema, lineage


def table_metadata(path: list[str], schema: Schema, lineage: Lineage, counts: dict[tuple[str, str], int]) -> dict:
    """A model's row count, column types and column lineage, from one schema query and one count query for the
    whole build (dagster-dbt's own fetches cost two adapter queries per model, and parse every model again)."""
    layer, table = path
    metadata: dict = {"dagster/row_count": counts[(layer, table)]} if (layer, table) in counts else {}
    columns = schema.get(layer, {}).get(table)
    if columns:
        metadata["dagster/column_schema"] = dg.TableSchema(
            columns=[dg.TableColumn(name=name, type=kind) for name, kind in columns.items()])
    deps = lineage.get(f"{layer}/{table}")
    if deps:
        metadata["dagster/column_lineage"] = dg.TableColumnLineage(deps_by_column={
            column: [dg.TableColumnDep(asset_key=dg.AssetKey(upstream.split("/")), column_name=name)
                     for upstream, name in upstream_columns]
            for column, upstream_columns in deps.items() if upstream_columns})
    return metadata
