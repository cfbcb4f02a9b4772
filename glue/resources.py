"""Resources: the platform settings, built from the one Settings object, and the warehouse's writer lock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from glue.tags import PARTITION_TAG
from ieo.engine import Engine
from ieo.settings import (
    DEFAULT_ENGINE,
    DEFAULT_SPARK_HOST,
    DEFAULT_SPARK_PORT,
    DEFAULT_VALIDATION_ENGINE,
    DEFAULT_WRITER_TIMEOUT_SECONDS,
    Settings,
    default_lake,
    edition_survey_date,
    parse_engine,
    parse_validation_engine,
    parse_survey_date,
)
from ieo.writer_lock import Holder, WriterLock


class IeoSettings(dg.ConfigurableResource):
    """Where raw files are read from, the DuckDB warehouse, where releases are published and
    Data Docs written, which engine runs the contract's expectation suites, the survey date, and the
    engine that runs the dbt models and keeps the computed tables (DuckDB, or Spark's Thrift server)."""

    raw_dir: str
    warehouse: str
    publish_dir: str
    data_docs_dir: str = ""
    validation_engine: str = DEFAULT_VALIDATION_ENGINE
    survey_date: str = ""  # YYYY-MM-DD; empty: 1 January after the edition year
    lake_dir: str = ""
    engine: str = DEFAULT_ENGINE  # where the dbt models run and computed tables are kept: duckdb or spark
    spark_host: str = DEFAULT_SPARK_HOST
    spark_port: int = DEFAULT_SPARK_PORT

    @classmethod
    def from_settings(cls, settings: Settings) -> "IeoSettings":
        return cls(
            raw_dir=str(settings.raw_dir),
            warehouse=str(settings.warehouse),
            publish_dir=str(settings.publish_dir),
            data_docs_dir=str(settings.data_docs_dir),
            validation_engine=settings.validation_engine,
            survey_date=settings.survey_date.isoformat() if settings.survey_date else "",
            lake_dir=str(settings.lake),
            engine=settings.engine,
            spark_host=settings.spark_host,
            spark_port=settings.spark_port,
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
    def lake_path(self) -> Path | None:
        return Path(self.lake_dir) if self.lake_dir else None

    @property
    def data_docs_path(self) -> Path | None:
        return Path(self.data_docs_dir) if self.data_docs_dir else None

    @property
    def validation(self) -> str:
        return parse_validation_engine(self.validation_engine)

    @property
    def table_engine(self) -> Engine:
        """The engine holding the models and computed tables (``ieo.engine``)."""
        return Engine(parse_engine(self.engine), self.warehouse_path, self.lake_path or default_lake(self.warehouse_path),
                      self.spark_host, int(self.spark_port))

    def edition_survey_date(self, edition: int) -> dt.date:
        return edition_survey_date(edition, parse_survey_date(self.survey_date))


class WarehouseWriter(dg.ConfigurableResource):
    """Holds the warehouse's writer lock (``ieo.writer_lock``) for the whole run, whoever launched it.

    Every asset and check that opens the warehouse requires it, so a run waits here, at its start, while
    another run (from `ieo run`, the daemon or the UI) writes, and says which; it never meets DuckDB's lock.
    """

    warehouse: str
    timeout_seconds: float = DEFAULT_WRITER_TIMEOUT_SECONDS
    _lock: WriterLock | None = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings) -> "WarehouseWriter":
        return cls(warehouse=str(settings.warehouse), timeout_seconds=settings.writer_timeout_seconds)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.dagster_run
        what = f"{run.job_name}" + (f" {run.tags[PARTITION_TAG]}" if run and PARTITION_TAG in run.tags else "")
        holder = Holder.this_process(context.run_id or "no run", what if run else "a step")

        def notice(message: str) -> None:
            print(message, flush=True)  # `ieo run` shows it as it happens; the run's log keeps it too
            if context.log:
                context.log.warning(message)

        self._lock = WriterLock(Path(self.warehouse))
        waited = self._lock.acquire(holder, self.timeout_seconds, notice)
        if waited >= 1 and context.log:
            context.log.info(f"waited {waited:.0f} s for the warehouse")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()
