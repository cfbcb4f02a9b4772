"""A SQLAlchemy dialect for GX's reads of the DuckDB warehouse.

GX returns each connection to the pool before it fetches the query's rows.
duckdb_engine rolls the connection back on check-in, and a DuckDB rollback
discards the pending result, so every metric came back empty. Validation only
reads, so this dialect runs without transactions: begin, commit and rollback
do nothing, and results survive the check-in. It also opens the file with
DuckDB's default configuration, so it shares the process's database instance
with the warehouse's own connections instead of being refused as a second,
differently configured one. GX keeps engines beyond a validation, so the
dialect tracks what it opened and ``close_connections`` releases the file for
the next writer (dbt runs in another process and needs the file lock).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_engine
from sqlalchemy.dialects import registry

DIALECT = "duckdb.ieo_read"


class ReadWithoutTransactions(duckdb_engine.Dialect):
    supports_statement_cache = True

    def connect(self, *cargs, **cparams) -> duckdb_engine.ConnectionWrapper:
        connection = duckdb.connect(cparams["database"])
        _OPENED.append(connection)
        return duckdb_engine.ConnectionWrapper(connection)

    def do_begin(self, dbapi_connection) -> None:
        """Reads need no transaction."""

    def do_commit(self, dbapi_connection) -> None:
        """Nothing was written."""

    def do_rollback(self, dbapi_connection) -> None:
        """Nothing to undo, and a rollback would discard the result GX is about to fetch."""


_OPENED: list[duckdb.DuckDBPyConnection] = []


def close_connections() -> None:
    """Close every connection this dialect opened."""
    while _OPENED:
        _OPENED.pop().close()


registry.register(DIALECT, __name__, ReadWithoutTransactions.__name__)


def duckdb_url(warehouse: Path) -> str:
    return f"{DIALECT.replace('.', '+')}:///{Path(warehouse).resolve()}"
