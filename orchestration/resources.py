"""Resources: the platform settings and the dbt CLI, built from the one Settings object."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from checks.contract_suites import DEFAULT_ENGINE
from ieo.settings import Settings


class IeoSettings(dg.ConfigurableResource):
    """Where raw files are read from, the DuckDB warehouse, where releases are published and
    Data Docs written, and which engine runs the contract's expectation suites."""

    raw_dir: str
    warehouse: str
    publish_dir: str
    data_docs_dir: str = ""
    validation_engine: str = DEFAULT_ENGINE

    @classmethod
    def from_settings(cls, settings: Settings) -> "IeoSettings":
        return cls(
            raw_dir=str(settings.raw_dir),
            warehouse=str(settings.warehouse),
            publish_dir=str(settings.publish_dir),
            data_docs_dir=str(settings.data_docs_dir),
        )

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def data_docs_path(self) -> Path | None:
        return Path(self.data_docs_dir) if self.data_docs_dir else None
