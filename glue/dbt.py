"""The dbt project as Dagster sees it: the project, its manifest, the translator and the CLI resource.

Importing this module does no work: the manifest is built by `make install` and by `ieo`
when it is stale, under `dagster dev` too (``manifest_path``). A missing
manifest is an error that names the command that builds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
)
from packaging import version

from glue.results import OWNER
from ieo import names
from ieo.engine import Engine
from ieo.dbt_docs import docs_anchors, docs_page, empty_catalog, reproducible
from ieo.fingerprint import Fingerprint
from ieo.settings import DBT_PROJECT_DIR, DUCKDB, PROJECT_ROOT, SPARK
from ieo.warehouse import current_loads

# dbt is installed beside this interpreter; it is named explicitly so no PATH setup is needed.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
PREPARE_COMMAND = "`make install` or `.venv/bin/ieo prepare`"
# What dbt's manifest is built from: it is stale when any of these is newer.
PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")

SPARK_TARGET = "spark"  # the Spark engine's output in profiles.yml (DuckDB's is the default target)

ieo_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class ManifestMissing(FileNotFoundError):
    """The dbt manifest has not been built; the message says how to build it."""


def manifest_path() -> Path:
    """The manifest the dbt assets are defined from; building it is `ieo prepare`'s job, not an import's. Under
    `dagster dev` it is rebuilt when the project changed (dagster-dbt's own preparer would run `dbt parse` at every
    load of the definitions, measured at about 5 s each)."""
    if ieo_dbt_project.preparer.using_dagster_dev():
        prepare_manifest()
    path = ieo_dbt_project.manifest_path
    if not path.exists():
        raise ManifestMissing(f"the dbt manifest {path} does not exist; build it with {PREPARE_COMMAND}")
    return path


def project_files() -> list[Path]:
    """The dbt project's files that dbt reads (PROJECT_INPUTS), in a stable order."""
    found = []
    for name in PROJECT_INPUTS:
        root = DBT_PROJECT_DIR / name
        found += [root] if root.is_file() else sorted(f for f in root.rglob("*") if f.is_file()) if root.is_dir() else []
    return found


def manifest_is_stale() -> bool:
    path = ieo_dbt_project.manifest_path
    if not path.exists():
        return True
    built = path.stat().st_mtime
    return any(f.stat().st_mtime > built for f in project_files())


def prepare_manifest(force: bool = False) -> bool:
    """Run `dbt parse` when the manifest is missing or older than the project; True if it ran."""
    if not force and not manifest_is_stale():
        return False
    command = [str(DBT_EXECUTABLE), "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
               "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"`dbt parse` failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    return True


TARGET_DIR = DBT_PROJECT_DIR / "target"  # dbt's artifacts: the manifest, each build's folder, the saved parses
PARTIAL_PARSE = "partial_parse.msgpack"  # where dbt saves its parse, in a command's target folder
SAVED_PARSES = TARGET_DIR / "saved_parses"


PARSE_ARGS = ("--vars", "--target")  # the options dbt's saved parse depends on (with its files and version)


def saved_parse(args: Sequence[str]) -> Path:
    """Where the parse of dbt commands with these --vars and --target is kept. dbt parses the whole project again
    whenever a command's vars or target differ from those of the parse it finds, and the edition and the warehouse
    are vars, so the one parse `ieo prepare` leaves would never serve: each combination keeps its own. The
    subcommand and its selection do not enter dbt's check, so the seeds' build and the models' build of one
    edition run share one parse."""
    relevant = [f"{arg}={args[i + 1]}" for i, arg in enumerate(args[:-1]) if arg in PARSE_ARGS]
    return SAVED_PARSES / f"{hashlib.sha256(chr(0).join(relevant).encode()).hexdigest()[:16]}.msgpack"


KEPT_BUILDS = 20  # per dbt step, the newest target folders kept (each build's dbt.log, run_results.json, SQL)
BUSY_SECONDS = 3600.0  # a folder written to more recently may belong to a build still running: never pruned


def prune_builds(target_root: Path, step: str, keep: int = KEPT_BUILDS, now: float | None = None) -> list[Path]:
    """Delete the target folders of a dbt step's earlier builds beyond the newest ``keep`` (each holds about 12 MB;
    they would otherwise pile up, one per build), except those written to in the last BUSY_SECONDS."""
    now = time.time() if now is None else now
    folders = sorted((p for p in target_root.glob(f"{step}-*") if p.is_dir()), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    removed = [p for p in folders[keep:] if now - p.stat().st_mtime > BUSY_SECONDS]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def invoke(dbt: DbtCliResource, args: list[str], context: dg.AssetExecutionContext) -> DbtCliInvocation:
    """`dbt.cli`, starting from the parse saved by the last invocation of the same command line, if any (dbt still
    checks every file against it and parses again what changed); `keep_parse` saves the new one. The step's
    older build folders are pruned first (`prune_builds`)."""
    step = context.op_execution_context.op.name
    prune_builds(TARGET_DIR, step)
    target = TARGET_DIR / f"{step}-{context.run.run_id[:8]}-{uuid.uuid4().hex[:7]}"
    saved = saved_parse(args)
    if saved.exists():
        target.mkdir(parents=True)
        shutil.copyfile(saved, target / PARTIAL_PARSE)
    return dbt.cli(args, context=context, target_path=target)


def keep_parse(invocation: DbtCliInvocation, args: list[str]) -> None:
    """Save the parse dbt wrote for this command line."""
    _save_parse(invocation.target_path / PARTIAL_PARSE, args)


def _save_parse(written: Path, args: list[str]) -> None:
    """Keep ``written`` as the saved parse of ``args``, replacing the file at once (other processes may read it)."""
    if not written.exists():
        return
    saved = saved_parse(args)
    saved.parent.mkdir(parents=True, exist_ok=True)
    partial = saved.with_name(f"{saved.name}.{os.getpid()}.{uuid.uuid4().hex[:7]}")
    shutil.copyfile(written, partial)
    os.replace(partial, saved)


class DocsMissing(FileNotFoundError):
    """The edition's dbt documentation was not kept: its models have not been built in this checkout."""


DOCS_DIR = TARGET_DIR / "docs"  # per engine and edition: the manifest of the last build, made reproducible


def docs_manifest_path(engine: Engine, edition: int) -> Path:
    return DOCS_DIR / f"{engine.name}-{edition}.json"


def keep_docs_manifest(invocation: DbtCliInvocation, engine: Engine, edition: int) -> None:
    """Keep the build's manifest (every model's SQL as compiled for the edition) as the edition's dbt
    documentation, without what differs between two builds of the same inputs (ieo.dbt_docs.reproducible), so
    that publishing it takes no dbt command of its own."""
    manifest = json.loads((invocation.target_path / "manifest.json").read_text(encoding="utf-8"))
    replacements = {str(invocation.target_path): "target", str(DBT_PROJECT_DIR): "dbt_project",
                    str(PROJECT_ROOT): ".", str(engine.warehouse): "warehouse", str(engine.lake): "lake"}
    database = Path(engine.warehouse).stem if engine.name == DUCKDB else None
    path = docs_manifest_path(engine, edition)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:7]}")
    partial.write_text(json.dumps(reproducible(manifest, replacements, database), ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def edition_docs(engine: Engine, edition: int) -> tuple[bytes, dict[str, str]]:
    """dbt's documentation site of the edition as one offline page, and each documented asset's anchor in it."""
    from dbt.task.docs import DOCS_INDEX_FILE_PATH

    path = docs_manifest_path(engine, edition)
    if not path.exists():
        raise DocsMissing(f"no dbt documentation of edition {edition} on {engine.name} ({path}); build the "
                          "edition's dbt models (the survey_models step) in this checkout first")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    index_html = Path(DOCS_INDEX_FILE_PATH).read_text(encoding="utf-8")
    return docs_page(index_html, manifest, empty_catalog(manifest)), docs_anchors(manifest)


def dbt_target_args(engine: Engine, edition: int | None = None) -> list[str]:
    """The `--target` and `--vars` of a dbt command: the engine's profile target, where it is (read by
    profiles.yml: the DuckDB file, or the Spark Thrift server's host and port), and the edition."""
    values: dict[str, object] = {"warehouse": str(engine.warehouse)}
    target: list[str] = []
    if engine.name == SPARK:  # DuckDB is the profile's default target, which dagster-dbt's metadata fetches use
        values.update(spark_host=engine.spark_host, spark_port=engine.spark_port)
        target = ["--target", SPARK_TARGET]
    if edition is not None:
        values["edition"] = edition
    return [*target, "--vars", json.dumps(values)]


# What an edition's build runs besides the project's files: the step's modules (any of these packages it reaches)
# and these libraries (distribution names).
BUILD_PACKAGES = ("ieo", "checks", "glue", "assets")
BUILD_LIBRARIES = ("dbt-core", "dbt-adapters", "dbt-duckdb", "dbt-spark", "dagster-dbt", "duckdb", "sqlglot")


def build_fingerprint(engine: Engine, edition: int, step_module: str) -> str:
    """sha256 over everything an edition's dbt build depends on: the project's files, the reference data the
    warehouse holds, the current raw load of every edition (the staging views and the tests read them all), the
    build's target and vars, the source of the step's modules (its metadata and column lineage) and the libraries'
    versions. Two builds with one fingerprint write the same tables and find the same test results."""
    fingerprint = Fingerprint()
    for path in project_files():
        fingerprint.add_file(f"dbt/{path.relative_to(DBT_PROJECT_DIR).as_posix()}", path)
    fingerprint.add("seeded", engine.seeded_fingerprint() or "none")
    for loaded, load_id in current_loads(engine.warehouse).items():
        fingerprint.add(f"load/{loaded}", load_id)
    fingerprint.add("args", json.dumps(dbt_target_args(engine, edition)))
    fingerprint.add_modules(step_module, BUILD_PACKAGES)
    fingerprint.add_libraries(BUILD_LIBRARIES)
    return fingerprint.hexdigest()


FAILED_STATUSES = ("error", "fail", "runtime error")
MESSAGE_LINES = 6  # of each failed node's message: the engine's error, without a server's stack trace


def failed_nodes(run_results: Mapping[str, Any]) -> list[str]:
    """Each node dbt's run_results.json reports as failed: its name and the first lines of the engine's error
    (lines of a Java stack trace, which the Spark Thrift server sends along, are left out)."""
    found = []
    for result in run_results.get("results", []):
        if str(result.get("status")).lower() not in FAILED_STATUSES:
            continue
        lines = [line.strip() for line in str(result.get("message") or "").splitlines()
                 if line.strip() and not line.strip().startswith(("at ", "... "))]
        found.append(f"{result.get('unique_id')}: " + " | ".join(lines[:MESSAGE_LINES]))
    return found


class SubprocessDbtResource(DbtCliResource):
    """dagster-dbt's CLI resource without its two in-process costs, measured at about 3.5 s per dbt build:
    it asks the dbt executable its version with a `dbt --version` subprocess (once per run), and it opens an
    in-process dbt adapter on the warehouse, loading the project's macros (on every build), which only its
    row-count and column-metadata fetches use. The dbt step takes that metadata from the warehouse itself
    (assets.dbt_models.table_metadata), so no adapter is opened, and the version is the dbt-core package's:
    the executable is this environment's own dbt (DBT_EXECUTABLE)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # noqa: ARG002 (dagster-dbt's signature)
        return None


def dbt_resource() -> DbtCliResource:
    return SubprocessDbtResource(project_dir=ieo_dbt_project, dbt_executable=str(DBT_EXECUTABLE))


class IeoDbtTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by their layer (a model's folder, a seed's folder) and names their owner."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id, {})
        if node.get("resource_type") == "seed":
            return spec.replace_attributes(group_name=names.REFERENCE_GROUP, owners=[OWNER])
        if node.get("resource_type") == "model":
            return spec.replace_attributes(group_name=node["fqn"][1], owners=[OWNER])
        return spec


translator = IeoDbtTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True, enable_code_references=True, enable_source_tests_as_checks=True
    )
)
