"""The published release of an edition: every table, the index and a manifest, behind the checks.

Dagster skips this asset when a blocking check upstream fails in the same run; the asset
also refuses to publish when any upstream check's latest result for the edition is failed
or missing, so publishing on its own cannot bypass the gate.
"""

import json
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from assets.index import IndexSettings
from assets.quality import printed_figure_checks
from glue.dbt import DocsMissing, edition_docs, manifest_path
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import OWNER, latest_check_results, written_elsewhere
from glue.tags import RELEASE_KIND_TAG
from ieo import names
from ieo.engine import Engine
from ieo.lineage import Step, build_lineage, render_lineage_html, source_file_of
from ieo.raw_reader import sha256_of
from ieo.release import FINAL, Release, ReleaseRefused, code_version, publish
from ieo.dbt_docs import DOCS_FILE
from ieo.release_formats import table_docs
from ieo.release_tables import read_release_tables
from ieo.settings import PROJECT_ROOT, SEEDS_DIR
from ieo.spark_warehouse import SparkError
from ieo.warehouse import connect, current_load_files, load_record

PUBLISHED_KEYS = [dg.AssetKey(list(t.asset_path)) for t in names.PUBLISHED_TABLES]


LINEAGE_JSON, LINEAGE_HTML = "lineage.json", "lineage.html"


class PublicationBlocked(Exception):
    """An upstream check failed or has not run for the edition."""


def read_inputs(warehouse: Path, raw_dir: Path, edition: int) -> tuple[list[dict], dict, bool]:
    """The raw files of the edition's current load (sha256, row counts), that load's record, and
    whether the previous edition has a current load (the year-over-year checks compare with it)."""
    con = connect(warehouse)
    try:
        files = current_load_files(con, edition)
        load = load_record(con, str(files["load_id"].iloc[0])) if len(files) else {}
        previous_loaded = not current_load_files(con, edition - 1).empty
    finally:
        con.close()
    inputs = []
    for table, source, sha256, count, _load in files.itertuples(index=False):
        path = Path(source)
        shown = path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else path.as_posix()
        inputs.append({"table": table, "file": shown, "sha256": sha256, "rows": count})
    return inputs, load, previous_loaded


def gate_checks(context: dg.AssetExecutionContext) -> list[dict]:
    """Every check on an upstream asset with its result for this edition; raises if a blocking one did not pass.

    Non-blocking checks (warnings, such as the report's own inconsistencies) are reported, never gating.
    """
    graph = context.job_def.asset_layer.asset_graph
    ancestors, frontier = set(), [context.asset_key]
    while frontier:
        parents = graph.get(frontier.pop()).parent_keys
        frontier += [p for p in parents if p not in ancestors]
        ancestors |= set(parents)
    # The report-figure checks run with the (unpartitioned) seeds, outside this job's graph; they only warn.
    warn_only = {key for check in printed_figure_checks for key in check.check_keys}
    check_keys = sorted({k for k in graph.asset_check_keys if k.asset_key in ancestors} | warn_only,
                        key=lambda k: (k.asset_key.to_user_string(), k.name))
    # Results of this run first; a check not run here falls back to its latest record (for this edition
    # when its asset is partitioned).
    in_run = {}
    for entry in context.instance.all_logs(context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.asset_check_evaluation_data
        in_run[evaluation.asset_check_key] = "SUCCEEDED" if evaluation.passed else "FAILED"
    earlier = latest_check_results(context.instance, [k for k in check_keys if k not in in_run],
                                   {k.asset_key for k in check_keys if k not in warn_only
                                    and graph.get(k.asset_key).is_partitioned}, context.partition_key)
    results, blocked = [], []
    for key in check_keys:
        status = in_run.get(key) or earlier.get(key, "NOT_RUN")
        blocking = key not in warn_only and graph.get_check_spec(key).blocking
        results.append({"asset": key.asset_key.to_user_string(), "check": key.name, "status": status,
                        "blocking": blocking})
        if blocking and status != "SUCCEEDED":
            blocked.append(f"{key.asset_key.to_user_string()}:{key.name} {status}")
    if blocked:
        raise PublicationBlocked(f"{len(blocked)} upstream checks did not pass for edition {context.partition_key}: "
                                 + ", ".join(blocked[:20]))
    return results


def same_engine(context: dg.AssetExecutionContext, engine: Engine) -> None:
    """Refuse to publish when a published table's latest materialization of the edition was written to another
    engine than the one this run reads: its rows there are older, so the release would mix two computations."""
    elsewhere = written_elsewhere(context.instance, PUBLISHED_KEYS, context.partition_key, engine.where)
    if elsewhere:
        shown = ", ".join(f"{key} (on {where})" for key, where in sorted(elsewhere.items())[:10])
        raise PublicationBlocked(f"{len(elsewhere)} tables of edition {context.partition_key} were last computed on "
                                 f"another engine than this run's {engine.where}: {shown}; run the whole edition "
                                 f"on one engine (`ieo run --engine {engine.name}`)")


def published_assets(frames: dict[str, tuple[str, pd.DataFrame]]) -> dict[str, tuple[str, list[str]]]:
    """Release CSV -> (the asset that produced it, its columns)."""
    return {path: ("/".join(names.TABLE[name].asset_path), list(frame.columns)) for name, (path, frame) in frames.items()}


def read_dbt_columns(engine: Engine, edition: int) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """The dbt models' column lineage recorded for the edition: asset -> column -> [(asset, column)]."""
    found: dict[str, dict[str, list[tuple[str, str]]]] = {}
    with engine.connect() as con:
        try:
            rows = engine.edition_rows(con, f"{names.LINEAGE}.dbt_columns", edition).itertuples(index=False)
        except (duckdb.CatalogException, SparkError):  # models that ran before lineage was recorded
            return found
    for asset, column, upstream, upstream_column in rows:
        deps = found.setdefault(asset, {}).setdefault(column, [])
        if isinstance(upstream, str):
            deps.append((upstream, upstream_column))
    return found


def lineage_steps(context: dg.AssetExecutionContext, settings: IeoSettings, checks: list[dict]) -> dict[str, Step]:
    """Every ancestor of the release as a lineage step: its parents, the dbt column lineage recorded
    for this edition, code version, source file and check results."""
    graph = context.job_def.asset_layer.asset_graph
    by_asset: dict[str, list[dict]] = {}
    for check in checks:
        by_asset.setdefault(check["asset"], []).append({"check": check["check"], "status": check["status"]})
    commit = code_version()["git_commit"]
    dbt_columns = read_dbt_columns(settings.table_engine, int(context.partition_key))
    steps, frontier = {}, list(graph.get(context.asset_key).parent_keys)
    while frontier:
        key = frontier.pop()
        name = key.to_user_string()
        if name in steps:
            continue
        if not graph.has(key):  # seeds: outside the edition job, sources of the lineage
            steps[name] = Step(name, "seed", [], checks=by_asset.get(name, []))
            continue
        node = graph.get(key)
        parents = sorted(p.to_user_string() for p in node.parent_keys)
        frontier += list(node.parent_keys)
        references = node.metadata.get("dagster/code_references")
        source = source_file_of(references.code_references[0].file_path) if references else None
        kind = ("seed" if key.path[0] in (names.REFERENCE, names.REPORT) else "dbt" if "dbt" in node.kinds
                else "raw load" if key.path[0] == names.RAW else "python")
        # dbt gives each model the checksum of its SQL; a Python step is named by its module's hash and the commit.
        version = node.code_version or (
            f"{source}@{sha256_of(PROJECT_ROOT / source)[:12]} (commit {commit[:12]})" if source else None)
        column_deps = dbt_columns.get(name, {})
        steps[name] = Step(name, kind, parents, column_deps, version, source, by_asset.get(name, []))
    return steps


def seed_hashes(steps: dict[str, Step]) -> dict[str, str]:
    """sha256 of the CSV of every seed the release descends from."""
    found = {}
    for name, step in steps.items():
        if step.kind == "seed":
            path = SEEDS_DIR / f"{name}.csv"
            if path.exists():
                found[name] = sha256_of(path)
    return found


@dg.asset(
    key=dg.AssetKey([names.PUBLISH, "published_release"]),
    deps=PUBLISHED_KEYS,
    group_name=names.PUBLISH,
    kinds={"python"},
    owners=[OWNER],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    description="The edition's release folder <IEO_PUBLISH_DIR>/<edition>/: every published table as UTF-8 CSV, the "
    "competitiveness index files, lineage.json and lineage.html (every published column traced to the raw contract "
    "columns and seeds, with each step's code version and checks) and manifest.json (inputs with sha256 and rows, "
    "outputs with sha256, check "
    "results, code version, weight and normalisation choices, release kind). Published only when every upstream "
    "check passed; swapped into place atomically. A final release (the annual one) is never replaced by a "
    "provisional one (the quarterly refresh of the edition in progress); the run tag ieo/release_kind says which.",
)
def published_release(context: dg.AssetExecutionContext, settings: IeoSettings, index_settings: IndexSettings,
                      warehouse_writer: WarehouseWriter):
    edition = int(context.partition_key)
    try:
        checks = gate_checks(context)
        same_engine(context, settings.table_engine)
    except PublicationBlocked as blocked:
        raise dg.Failure(description=str(blocked)) from None
    tables, index = read_release_tables(settings.table_engine, edition)
    choices = index_settings.options().as_dict()
    choices["weights_source"] = str(index["weights"]["source"].iloc[0]) if len(index["weights"]) else None
    inputs, load, previous_loaded = read_inputs(settings.warehouse_path, settings.raw_path, edition)
    steps = lineage_steps(context, settings, checks)
    release = Release(
        edition=edition,
        tables=tables,
        index=index,
        inputs=inputs,
        checks=checks,
        choices=choices,
        kind=context.run.tags.get(RELEASE_KIND_TAG, FINAL),
        previous_edition_loaded=previous_loaded,
        docs=table_docs(json.loads(manifest_path().read_text(encoding="utf-8"))),
        engine={"name": settings.table_engine.name, "where": settings.table_engine.where},
        run={
            "run_id": context.run_id,
            "raw_load_id": load.get("load_id"),
            "raw_data_docs": load.get("data_docs"),
            "created_at": pd.Timestamp.now(tz="UTC").isoformat(),
        },
    )
    try:
        page, anchors = edition_docs(settings.table_engine, edition)
    except DocsMissing as missing:
        raise dg.Failure(description=str(missing)) from None
    lineage = build_lineage(edition, published_assets(release.frames()), steps, inputs, seed_hashes(steps),
                            release.derived_files(), {asset: f"{DOCS_FILE}{anchor}" for asset, anchor in anchors.items()})
    release.documents = {
        LINEAGE_JSON: (json.dumps(lineage, indent=1, ensure_ascii=False) + "\n").encode("utf-8"),
        LINEAGE_HTML: render_lineage_html(lineage).encode("utf-8"),
        DOCS_FILE: page,
    }
    try:
        target = publish(release, settings.publish_path)
    except ReleaseRefused as refused:
        raise dg.Failure(description=str(refused)) from None
    return dg.MaterializeResult(metadata={
        "release_kind": release.kind,
        "release": dg.MetadataValue.path(str(target)),
        "manifest": dg.MetadataValue.path(str(target / "manifest.json")),
        "tables": len(tables),
        "index_files": len(index),
        "checks_passed": len(checks),
        "weights_source": choices["weights_source"],
    })
