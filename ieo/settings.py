"""The one settings object: every path the platform reads or writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

# name -> (environment variable, default relative to the project root)
SETTING_DEFAULTS: dict[str, tuple[str, str]] = {
    "raw_dir": ("IEO_RAW_DIR", "data/raw"),
    "warehouse": ("IEO_WAREHOUSE", "data/warehouse.duckdb"),
    "publish_dir": ("IEO_PUBLISH_DIR", "data/published"),
    "dagster_home": ("DAGSTER_HOME", "data/dagster_home"),
    "data_docs_dir": ("IEO_DATA_DOCS_DIR", "data/data_docs"),
}


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path
    publish_dir: Path
    dagster_home: Path
    data_docs_dir: Path

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> "Settings":
        """Read each setting from its environment variable, else its documented default."""
        env = os.environ if environ is None else environ
        values = {}
        for name, (var, default) in SETTING_DEFAULTS.items():
            path = Path(env.get(var) or default)
            values[name] = path if path.is_absolute() else (PROJECT_ROOT / path)
        return cls(**values)

    def export(self) -> None:
        """Write these settings back to the environment, so Dagster code locations see them."""
        for name, (var, _default) in SETTING_DEFAULTS.items():
            os.environ[var] = str(getattr(self, name))
