"""Resources: the platform settings, built from the one Settings object."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from ieo.settings import (
    DEFAULT_STABLE_SECONDS,
    DEFAULT_VALIDATION_ENGINE,
    Settings,
    parse_engine,
    parse_survey_date,
)


class IeoSettings(dg.ConfigurableResource):
    """Where raw files are read from, the DuckDB warehouse, where releases are published and
    Data Docs written, which engine runs the contract's expectation suites, and the survey date."""

    raw_dir: str
    warehouse: str
    publish_dir: str
    data_docs_dir: str = ""
    validation_engine: str = DEFAULT_VALIDATION_ENGINE
    survey_date: str = ""  # YYYY-MM-DD; empty: 1 January after the edition year
    raw_stable_seconds: float = DEFAULT_STABLE_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> "IeoSettings":
        return cls(
            raw_dir=str(settings.raw_dir),
            warehouse=str(settings.warehouse),
            publish_dir=str(settings.publish_dir),
            data_docs_dir=str(settings.data_docs_dir),
            validation_engine=settings.validation_engine,
            survey_date=settings.survey_date.isoformat() if settings.survey_date else "",
            raw_stable_seconds=settings.raw_stable_seconds,
        )

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def publish_path(self) -> Path:
        return Path(self.publish_dir)

    @property
    def data_docs_path(self) -> Path | None:
        return Path(self.data_docs_dir) if self.data_docs_dir else None

    @property
    def engine(self) -> str:
        return parse_engine(self.validation_engine)

    def edition_survey_date(self, edition: int) -> dt.date:
        return parse_survey_date(self.survey_date) or dt.date(edition + 1, 1, 1)
