"""The Dagster instance class the shipped `orchestration/dagster.yaml` names: Dagster's own SQLite storage, except
that its event log keeps an engine and an open connection per database.

Dagster's SQLite event log creates a SQLAlchemy engine for every statement and closes its connection after it, so
each event of a run paid for an engine, a cold statement cache and, as the last connection to a WAL database
closed, a checkpoint (docs/performance.md has the measured cost). Writes still commit one event at a time with
SQLite's default durability, and other processes (the daemon, the UI) read and write the same files as before:
SQLite's own locking decides, as it did. A deployment configures PostgreSQL instead (deploy/dagster.yaml) and does
not use this class.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import dagster as dg
import sqlalchemy as sa
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData

# Databases whose engine stays open in one process: the index and the running run's shard need two; the UI,
# which reads many runs, keeps the most recent and closes the rest.
KEPT_ENGINES = 16


class KeptEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with one engine per database (run shard or index) for the process's life."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> sa.Engine:
        """The shard's engine, made on first use; the least recently used one is closed past KEPT_ENGINES.
        Called under the storage's lock, which also serialises every use of a connection across threads."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            # One connection kept open (an overflow one serves Dagster's schema check while it is in use).
            engine = sa.create_engine(
                self.conn_string_for_shard(shard), poolclass=sa.pool.QueuePool, pool_size=1, max_overflow=2,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        self._engines[shard] = engine
        while len(self._engines) > KEPT_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

    def has_table(self, table_name: str) -> bool:
        """Dagster asks before every asset event whether the index has a table (the answer changes only when a
        migration adds one), each time with a new engine: a table found is remembered for the process."""
        if table_name not in self._tables_found and super().has_table(table_name):
            self._tables_found.add(table_name)
        return table_name in self._tables_found

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


class KeptEngineSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, schedules, event log) with the kept-engine event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data=inst_data)
        self._event_log_storage.dispose()
        self._event_log_storage = KeptEngineSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: Mapping[str, str]) -> KeptEngineSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)


class IeoInstance(dg.DagsterInstance):
    """A Dagster instance whose default storage, under its own folder, is KeptEngineSqliteStorage. The folder
    comes from Dagster (DAGSTER_HOME, or the path given to `DagsterInstance.from_config`), which is why this is an
    instance class and not a `storage: custom:` entry: that would need the folder written into dagster.yaml."""

    @classmethod
    def config_schema(cls) -> Mapping[str, dg.Field]:
        return {}  # no settings of its own

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        defaults = dict(InstanceRef.config_defaults(base_dir))
        defaults["storage"] = ConfigurableClassData(__name__, KeptEngineSqliteStorage.__name__,
                                                    yaml.dump({"base_dir": base_dir}))
        return defaults
