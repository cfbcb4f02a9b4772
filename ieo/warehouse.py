"""The raw layer of the DuckDB warehouse: one table per contract table, keyed by edition.

An edition is written in one transaction, so a reload replaces it atomically
and a failure leaves the previous load in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from ieo import contract as c
from ieo.raw_reader import EXTRA_COLUMNS, SOURCE_ROW, RawTable

RAW_SCHEMA = "raw"
LOADS_TABLE = f"{RAW_SCHEMA}._loads"
_SQL_TYPES = {c.INT: "BIGINT", c.DECIMAL: "DOUBLE", c.MONEY: "DOUBLE", c.DATE: "DATE"}
PROVENANCE_COLUMNS = (
    (EXTRA_COLUMNS, "JSON"),
    (SOURCE_ROW, "INTEGER"),
    ("_source_file", "VARCHAR"),
    ("_source_sha256", "VARCHAR"),
    ("_load_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
)


def sql_type(column: c.Column) -> str:
    return _SQL_TYPES.get(column.kind, "VARCHAR")


def raw_table_ddl(table: c.Table) -> str:
    columns = ["edition INTEGER NOT NULL"]
    columns += [f'"{col.name}" {sql_type(col)}' for col in table.columns]
    columns += [f"{name} {kind}" for name, kind in PROVENANCE_COLUMNS]
    return f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table.name} (\n  " + ",\n  ".join(columns) + "\n)"


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse))


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    for table in c.CONTRACT:
        con.execute(raw_table_ddl(table))
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {LOADS_TABLE} (
            load_id VARCHAR, edition INTEGER, table_name VARCHAR, source_file VARCHAR,
            source_sha256 VARCHAR, row_count BIGINT, loaded_at TIMESTAMP)"""
    )


@contextmanager
def transaction(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose work is committed together at the end, or rolled back on any error."""
    con = connect(warehouse)
    try:
        con.begin()
        try:
            yield con
            con.commit()
        except Exception:
            con.rollback()
            raise
    finally:
        con.close()


def write_edition(warehouse: Path, edition: int, tables: dict[str, RawTable], load_id: str) -> dt.datetime:
    """Replace every raw table's rows for ``edition`` in a single transaction."""
    loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with transaction(warehouse) as con:
        ensure_raw_schema(con)
        for name, raw in tables.items():
            table = c.TABLES[name]
            incoming = raw.frame
            con.register("incoming", incoming)
            columns = ", ".join(f'"{col.name}"' for col in table.columns)
            con.execute(f"DELETE FROM {RAW_SCHEMA}.{name} WHERE edition = ?", [edition])
            con.execute(
                f"""INSERT INTO {RAW_SCHEMA}.{name}
                    SELECT ?, {columns}, {EXTRA_COLUMNS}, {SOURCE_ROW}, ?, ?, ?, ? FROM incoming""",
                [edition, str(raw.path), raw.sha256, load_id, loaded_at],
            )
            con.unregister("incoming")
            con.execute(
                f"INSERT INTO {LOADS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
                [load_id, edition, name, str(raw.path), raw.sha256, len(incoming), loaded_at],
            )
    return loaded_at


def edition_rows(con: duckdb.DuckDBPyConnection, table: str, edition: int, order: str | None = "ALL") -> pd.DataFrame:
    """One edition's rows of ``table``, without the edition column; ``order`` None keeps storage order."""
    order_by = f" ORDER BY {order}" if order else ""
    return con.execute(f"SELECT * EXCLUDE (edition) FROM {table} WHERE edition = ?{order_by}", [edition]).df()


def replace_edition_tables(warehouse: Path, schema: str, edition: int, frames: dict[str, pd.DataFrame]) -> None:
    """Replace ``edition``'s rows of each table in ``schema`` in one transaction.

    Tables are created from the first frame written to them; a column added later is
    appended (as dbt's append_new_columns does), so earlier editions keep their rows.
    """
    with transaction(warehouse) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for name, frame in frames.items():
            con.register("incoming", _text_if_empty(frame.assign(edition=edition)[["edition", *frame.columns]]))
            con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{name} AS SELECT * FROM incoming WHERE false")
            existing = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {schema}.{name})").fetchall())
            for column, kind, *_ in con.execute("DESCRIBE incoming").fetchall():
                if column not in existing:
                    con.execute(f'ALTER TABLE {schema}.{name} ADD COLUMN "{column}" {kind}')
                elif existing[column] == '"NULL"' and kind != '"NULL"':  # typed by an all-empty first write
                    con.execute(f'ALTER TABLE {schema}.{name} ALTER COLUMN "{column}" TYPE {kind}')
            con.execute(f"DELETE FROM {schema}.{name} WHERE edition = ?", [edition])
            con.execute(f"INSERT INTO {schema}.{name} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")


def _text_if_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Give all-empty object columns a text type; DuckDB would otherwise type them NULL and refuse
    the values a later edition brings."""
    empty = [c for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()]
    return frame.astype({c: "string" for c in empty}) if empty else frame
