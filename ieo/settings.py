"""The one settings object: every path and option the platform reads from its environment.

Settings are read, never written back: the Dagster resources, dbt (through ``--vars``) and
the Dagster instance are handed their values explicitly, so nothing depends on ``os.environ``
having been rewritten.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

# Telemetry off, the one place it is declared: the `ieo` command and the tests apply it to their
# processes (dbt's and GX's own switches are environment variables; Dagster's is in dagster.yaml).
TELEMETRY_OFF = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "GX_ANALYTICS_ENABLED": "False", "DO_NOT_TRACK": "1"}

# The engine that runs the dbt models and holds every table the pipeline computes (IEO_ENGINE).
DUCKDB, SPARK = "duckdb", "spark"
ENGINES = (DUCKDB, SPARK)
DEFAULT_ENGINE = DUCKDB
# Where the contract's suites run (IEO_VALIDATION_ENGINE): on the reader's frames in pandas, or on the written load
# in DuckDB; "auto" (the default) picks by the edition's rows. Measured (benchmarks/bench_validation.py, medians):
# pandas 1.67 s against DuckDB 2.25 s at 60 k rows, 3.94 against 3.25 s at 0.6 M; at 6.0 M rows (scale 100) DuckDB
# 16.4 s against pandas' 41.4 s, and lighter. Straight lines through the first two figures of each cross near 0.3 M.
VALIDATION_ENGINES = ("duckdb", "pandas")
AUTO_VALIDATION = "auto"
DEFAULT_VALIDATION_ENGINE = AUTO_VALIDATION
DUCKDB_VALIDATION_FROM_ROWS = 300_000

# Path settings: name -> (environment variable, default relative to the project root).
PATH_SETTINGS: dict[str, tuple[str, str]] = {
    "raw_dir": ("IEO_RAW_DIR", "data/raw"),
    "warehouse": ("IEO_WAREHOUSE", "data/warehouse.duckdb"),
    "publish_dir": ("IEO_PUBLISH_DIR", "data/published"),
    "dagster_home": ("DAGSTER_HOME", "data/dagster_home"),
    "data_docs_dir": ("IEO_DATA_DOCS_DIR", "data/data_docs"),
    "spark_dir": ("IEO_SPARK_DIR", "data/spark"),
}
SURVEY_DATE_VARIABLE = "IEO_SURVEY_DATE"
STABLE_SECONDS_VARIABLE = "IEO_RAW_STABLE_SECONDS"
VALIDATION_ENGINE_VARIABLE = "IEO_VALIDATION_ENGINE"
WRITER_TIMEOUT_VARIABLE = "IEO_WRITER_TIMEOUT_SECONDS"
LAKE_VARIABLE = "IEO_LAKE_DIR"
ENGINE_VARIABLE = "IEO_ENGINE"
SPARK_HOST_VARIABLE = "IEO_SPARK_HOST"
SPARK_PORT_VARIABLE = "IEO_SPARK_PORT"
SPARK_MASTER_PORT_VARIABLE = "IEO_SPARK_MASTER_PORT"
DEFAULT_SPARK_HOST = "127.0.0.1"
DEFAULT_SPARK_PORT = 10000
DEFAULT_SPARK_MASTER_PORT = 7077
DEFAULT_STABLE_SECONDS = 300.0
DEFAULT_WRITER_TIMEOUT_SECONDS = 3600.0  # how long a run waits for another writer before it gives up


class SettingError(ValueError):
    """An environment variable holds a value the platform cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path
    publish_dir: Path
    dagster_home: Path
    data_docs_dir: Path
    spark_dir: Path  # the local Spark cluster's logs, metastore and warehouse (`ieo spark up`)
    survey_date: dt.date | None = None  # None: 1 January after the edition year
    raw_stable_seconds: float = DEFAULT_STABLE_SECONDS
    validation_engine: str = DEFAULT_VALIDATION_ENGINE
    writer_timeout_seconds: float = DEFAULT_WRITER_TIMEOUT_SECONDS
    lake_dir: Path | None = None  # None: `lake/` beside the warehouse
    engine: str = DEFAULT_ENGINE
    spark_host: str = DEFAULT_SPARK_HOST  # the Spark Thrift server: local, or a cluster's
    spark_port: int = DEFAULT_SPARK_PORT
    spark_master_port: int = DEFAULT_SPARK_MASTER_PORT  # the local cluster's master only

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Each setting from ``overrides`` (command-line flags), else its environment variable, else its default."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, (var, default) in PATH_SETTINGS.items():
            path = Path(overrides.get(name) or env.get(var) or default)
            values[name] = path if path.is_absolute() else (PROJECT_ROOT / path)
        lake = overrides.get("lake_dir") or env.get(LAKE_VARIABLE)
        values["lake_dir"] = None if not lake else Path(lake) if Path(lake).is_absolute() else PROJECT_ROOT / lake
        values["survey_date"] = parse_survey_date(env.get(SURVEY_DATE_VARIABLE, ""))
        values["raw_stable_seconds"] = parse_stable_seconds(env.get(STABLE_SECONDS_VARIABLE, ""))
        values["writer_timeout_seconds"] = parse_seconds(WRITER_TIMEOUT_VARIABLE, env.get(WRITER_TIMEOUT_VARIABLE, ""),
                                                         DEFAULT_WRITER_TIMEOUT_SECONDS)
        values["validation_engine"] = parse_validation_engine(env.get(VALIDATION_ENGINE_VARIABLE, ""))
        values["engine"] = parse_engine(env.get(ENGINE_VARIABLE, ""))
        values["spark_host"] = env.get(SPARK_HOST_VARIABLE, "").strip() or DEFAULT_SPARK_HOST
        values["spark_port"] = parse_port(SPARK_PORT_VARIABLE, env.get(SPARK_PORT_VARIABLE, ""), DEFAULT_SPARK_PORT)
        values["spark_master_port"] = parse_port(SPARK_MASTER_PORT_VARIABLE, env.get(SPARK_MASTER_PORT_VARIABLE, ""),
                                                 DEFAULT_SPARK_MASTER_PORT)
        values.update({k: v for k, v in overrides.items() if k not in PATH_SETTINGS and v is not None})
        return cls(**values)

    @property
    def lake(self) -> Path:
        """The raw layer's Parquet lake (``ieo.lake``): IEO_LAKE_DIR, else `lake/` beside the warehouse."""
        return self.lake_dir or default_lake(self.warehouse)


def default_lake(warehouse: Path) -> Path:
    """Where the lake is when IEO_LAKE_DIR does not say: `lake/` beside the warehouse."""
    return Path(warehouse).parent / "lake"


def edition_survey_date(edition: int, configured: dt.date | None) -> dt.date:
    """When the edition's survey ran: the configured date (IEO_SURVEY_DATE), else 1 January after the edition year."""
    return configured or dt.date(edition + 1, 1, 1)


def parse_survey_date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SettingError(f"{SURVEY_DATE_VARIABLE} must be a date as YYYY-MM-DD; it is {text!r}") from None


def parse_seconds(variable: str, text: str, default: float) -> float:
    """A number of seconds, 0 or more; a value that is not one is named with its variable."""
    text = str(text).strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise SettingError(f"{variable} must be a number of seconds, 0 or more; it is {text!r}")
    return seconds


def parse_stable_seconds(text: str) -> float:
    """How long a raw drop must stay untouched (IEO_RAW_STABLE_SECONDS)."""
    return parse_seconds(STABLE_SECONDS_VARIABLE, text, DEFAULT_STABLE_SECONDS)


def parse_engine(text: str) -> str:
    """The engine of the dbt models and computed tables (IEO_ENGINE)."""
    text = text.strip() or DEFAULT_ENGINE
    if text not in ENGINES:
        raise SettingError(f"{ENGINE_VARIABLE} must be one of {', '.join(ENGINES)}; it is {text!r}")
    return text


def parse_port(variable: str, text: str, default: int) -> int:
    text = str(text).strip()
    if not text:
        return default
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise SettingError(f"{variable} must be a TCP port, 1 to 65535; it is {text!r}")
    return int(text)


def parse_validation_engine(text: str) -> str:
    text = text.strip() or DEFAULT_VALIDATION_ENGINE
    choices = (AUTO_VALIDATION, *VALIDATION_ENGINES)
    if text not in choices:
        raise SettingError(f"{VALIDATION_ENGINE_VARIABLE} must be one of {', '.join(choices)}; it is {text!r}")
    return text


def validation_engine_for(choice: str, rows: int) -> str:
    """The engine that validates a load of ``rows`` rows: the one chosen, or under "auto" the one measured
    faster for that size (DuckDB from DUCKDB_VALIDATION_FROM_ROWS rows, which also keeps less in memory)."""
    if choice != AUTO_VALIDATION:
        return parse_validation_engine(choice)
    return "duckdb" if rows >= DUCKDB_VALIDATION_FROM_ROWS else "pandas"
