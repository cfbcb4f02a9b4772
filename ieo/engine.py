"""The engine seam: where the dbt models run and every computed table is kept, DuckDB or Spark.

The Python stages (value network, index, reconciliation, release) read and write through an ``Engine``
and never name one: ``connect`` gives a connection with DuckDB's API on either engine, ``edition_rows``
reads one edition in the published row order, ``query`` runs a query both engines accept,
``replace_edition_tables`` writes one edition's rows.
The raw layer's bookkeeping (loads, their audit, the current load) stays in the DuckDB warehouse and
the lake whichever engine runs the models: Spark reads the current loads from the lake.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ieo import names
from ieo import warehouse as duckdb_warehouse
from ieo.settings import SPARK


@dataclass(frozen=True)
class Engine:
    name: str
    warehouse: Path  # the DuckDB warehouse: the raw layer's bookkeeping, and every table when name is duckdb
    lake: Path
    spark_host: str = "127.0.0.1"
    spark_port: int = 10000

    @property
    def where(self) -> str:
        """Where the tables are, for messages and the release manifest."""
        return f"spark://{self.spark_host}:{self.spark_port}" if self.name == SPARK else str(self.warehouse)

    def _open(self):
        if self.name == SPARK:
            from ieo.spark_warehouse import SparkConnection

            return SparkConnection(self.spark_host, self.spark_port)
        return duckdb_warehouse.connect(self.warehouse)

    def connect(self) -> closing:
        """A connection to the engine's tables, closed at the end of the `with` block."""
        return closing(self._open())

    def connect_registry(self) -> closing:
        """The DuckDB warehouse, which keeps the raw layer (its views and registry of loads) whichever engine holds
        the other tables."""
        return closing(duckdb_warehouse.connect(self.warehouse))

    def edition_rows(self, con, relation: str, edition: int, order: str | None = "ALL") -> pd.DataFrame:
        if self.name == SPARK:
            from ieo.spark_warehouse import edition_rows

            return edition_rows(con, relation, edition, order)
        return duckdb_warehouse.edition_rows(con, relation, edition, order)

    def query(self, con, sql: str, params: list[object]) -> pd.DataFrame:
        """The rows of a query written in the SQL both engines accept, as a frame."""
        if self.name == SPARK:
            return con.execute(sql, params).df()
        return duckdb_warehouse.query_frame(con, sql, params)

    def read(self, relation: str, edition: int, order: str | None = "ALL") -> pd.DataFrame:
        with self.connect() as con:
            return self.edition_rows(con, relation, edition, order)

    def replace_edition_tables(self, schema: str, edition: int, frames: dict[str, pd.DataFrame]) -> None:
        if self.name == SPARK:
            from ieo.spark_warehouse import replace_edition_tables

            with self.connect() as con:
                replace_edition_tables(con, self.lake, schema, edition, frames)
        else:
            duckdb_warehouse.replace_edition_tables(self.warehouse, schema, edition, frames)

    def seeded_fingerprint(self) -> str | None:
        """The fingerprint of the reference seeds the engine holds, if it holds any."""
        if self.name == SPARK:
            from ieo.spark_warehouse import seeded_fingerprint

            with self.connect() as con:
                return seeded_fingerprint(con)
        return duckdb_warehouse.seeded_fingerprint(self.warehouse)

    def record_seeded(self, fingerprint: str) -> None:
        if self.name == SPARK:
            from ieo.spark_warehouse import record_seeded

            with self.connect() as con:
                record_seeded(con, fingerprint)
        else:
            duckdb_warehouse.record_seeded(self.warehouse, fingerprint)

    def prepare_raw(self) -> None:
        """Point the engine's ``raw.<table>`` at the current loads (DuckDB's views are kept by every load)."""
        if self.name == SPARK:
            from ieo.spark_warehouse import refresh_raw_views

            with self.connect() as con:
                refresh_raw_views(con, self.lake)

    def row_counts(self, relations: list[list[str]]) -> dict[tuple[str, str], int]:
        """(schema, table) -> rows, for each relation, in one query (one round trip to the engine)."""
        if not relations:
            return {}
        counts = " UNION ALL ".join(f"SELECT '{schema}', '{table}', count(*) FROM {schema}.{table}"
                                    for schema, table in relations)
        with self.connect() as con:
            return {(schema, table): int(n) for schema, table, n in con.execute(counts).fetchall()}

    def columns(self, schemas: tuple[str, ...]) -> dict[str, dict[str, dict[str, str]]]:
        """schema -> table -> column -> type, for the tables of ``schemas``."""
        found: dict[str, dict[str, dict[str, str]]] = {}
        with self.connect() as con:
            if self.name == SPARK:
                from ieo.spark_warehouse import described_columns, tables_in

                return {schema: {table: described_columns(con, f"{schema}.{table}") for table in tables_in(con, schema)}
                        for schema in schemas}
            listed = ", ".join("?" for _ in schemas)
            for schema, table, column, kind in con.execute(
                    "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
                    f"WHERE table_schema IN ({listed})", list(schemas)).fetchall():
                found.setdefault(schema, {}).setdefault(table, {})[column] = kind
        return found


def model_schemas() -> tuple[str, ...]:
    """The schemas dbt builds into: what column lineage resolves against."""
    return (names.RAW, names.REFERENCE, names.REPORT, names.STAGING, names.INTERMEDIATE, names.MARTS)
