"""Resources: the platform settings and the dbt CLI, built from the one Settings object."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ieo.settings import Settings


class IeoSettings(dg.ConfigurableResource):
    """Where raw files are read from, the DuckDB warehouse, and where releases are published."""

    raw_dir: str
    warehouse: str
    publish_dir: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "IeoSettings":
        return cls(raw_dir=str(settings.raw_dir), warehouse=str(settings.warehouse), publish_dir=str(settings.publish_dir))

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)
