"""The dbt project as Dagster sees it, and the step that builds its manifest."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from ieo.settings import DBT_PROJECT_DIR

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")

# dbt is installed beside this interpreter; it is named explicitly so no PATH setup is needed.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"

ieo_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_manifest() -> None:
    """Run `dbt parse` so that target/manifest.json exists and matches the project."""
    # dagster-dbt's preparer looks dbt up on PATH; make it find the one beside this interpreter.
    os.environ["PATH"] = os.pathsep.join([str(DBT_EXECUTABLE.parent), os.environ.get("PATH", "")])
    ieo_dbt_project.preparer.prepare(ieo_dbt_project)


# Under `dagster dev` the manifest is rebuilt on every load; the CLI and the tests call
# prepare_manifest() before they run. Any other first load of a fresh checkout (a webserver, a daemon,
# `dagster definitions validate`, a test that builds the definitions) would otherwise fail on a missing
# target/manifest.json, so it is built here once when absent.
ieo_dbt_project.prepare_if_dev()
if not ieo_dbt_project.manifest_path.exists():
    prepare_manifest()


def release_warehouse_connection() -> None:
    """Close the DuckDB database that dbt-duckdb keeps open in this process.

    dagster-dbt fetches row counts and column metadata through the dbt adapter in-process, and
    dbt-duckdb caches that database at class level. DuckDB allows one writer per file, so the next
    step of the run (or the next partition in `ieo run`) could not open the warehouse until it is
    closed. dbt-duckdb offers no public call for this, hence the class attribute.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
