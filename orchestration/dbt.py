"""The dbt project as Dagster sees it, and the step that builds its manifest."""

from __future__ import annotations

import os

from dagster_dbt import DbtProject

from ieo.settings import DBT_PROJECT_DIR

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")

ieo_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt on load; the CLI and the tests call prepare_manifest().
ieo_dbt_project.prepare_if_dev()


def prepare_manifest() -> None:
    """Run `dbt parse` so that target/manifest.json exists and matches the project."""
    ieo_dbt_project.preparer.prepare(ieo_dbt_project)
