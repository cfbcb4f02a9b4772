"""The Spark engine's warehouse, reached through a Spark Thrift server (local or a cluster's).

``SparkConnection`` answers the part of DuckDB's connection API the pipeline uses (``execute`` with ``?``
or ``$name`` parameters, ``fetchone``, ``fetchall``, ``df``), so that the checks, readers and release run
unchanged on either engine; its frames carry the dtypes DuckDB's ``df()`` gives the same SQL types, so a
release's files come out byte for byte the same. Tables the Python stages compute are written through the
lake (Parquet staged under ``<lake>/staging/``), then ``INSERT OVERWRITE`` one edition's partition.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from ieo import contract as c
from ieo import lake as lake_files
from ieo import names
from ieo.warehouse import SEEDED_TABLE, text_if_empty

FETCH_ROWS = 10_000
# Spark's result types (Hive Thrift names) -> (dtype without nulls, dtype with nulls), as DuckDB's df() gives them.
_INTEGERS = {"TINYINT_TYPE": ("int8", "Int8"), "SMALLINT_TYPE": ("int16", "Int16"), "INT_TYPE": ("int32", "Int32"),
             "BIGINT_TYPE": ("int64", "Int64")}
TEXT_DTYPE = pd.Series(["", None]).dtype  # pandas' default for text, which DuckDB's df() gives too
_PARAMETER = re.compile(r"'(?:[^']|'')*'|\?|\$([A-Za-z_]\w*)")


class SparkError(RuntimeError):
    """A statement the Spark engine refused, with Spark's own message (not its Java stack)."""


def spark_message(error: BaseException) -> str:
    """Spark's error message from a PyHive error, without the server's Java stack."""
    args = getattr(error, "args", ())
    status = getattr(args[0], "status", None) if args else None
    return (getattr(status, "errorMessage", None) or str(error)).strip()


def sql_literal(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "NULL"
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | np.integer | np.floating):
        return repr(value.item() if hasattr(value, "item") else value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def bind(sql: str, parameters=None) -> str:
    """``sql`` with DuckDB-style parameters (``?`` in order, or ``$name``) replaced by Spark literals."""
    if not parameters:
        return sql
    positional = iter(parameters) if isinstance(parameters, list | tuple) else None

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token
        if token == "?":
            return sql_literal(next(positional))
        return sql_literal(parameters[match.group(1)])

    return _PARAMETER.sub(replace, sql)


def typed_frame(rows: list[tuple], description) -> pd.DataFrame:
    """Rows from the Thrift server as a frame with DuckDB's df() dtypes for the same SQL types."""
    columns = [d[0] for d in description or []]
    frame = pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    for (name, kind, *_), position in zip(description or [], range(len(columns))):
        values = frame.iloc[:, position]
        if kind in _INTEGERS:
            plain, nullable = _INTEGERS[kind]
            typed = values.astype(nullable if values.isna().any() else plain)
        elif kind == "BOOLEAN_TYPE":
            typed = values.astype("boolean" if values.isna().any() else bool)
        elif kind in ("DOUBLE_TYPE", "FLOAT_TYPE", "DECIMAL_TYPE"):
            typed = pd.to_numeric(values, errors="raise").astype("float64")
        elif kind in ("DATE_TYPE", "TIMESTAMP_TYPE", "TIMESTAMP_NTZ_TYPE"):
            typed = pd.to_datetime(values).astype("datetime64[us]")
        elif kind == "STRING_TYPE":
            typed = values.astype(TEXT_DTYPE)
        else:  # arrays, maps, structs: Python values
            typed = values.astype(object)
        frame.isetitem(position, typed)
    return frame


class SparkConnection:
    """A connection to the Spark Thrift server with the subset of DuckDB's API the pipeline uses."""

    def __init__(self, host: str, port: int):
        from pyhive import hive

        try:
            self._con = hive.connect(host=host, port=int(port), username="ieo")
        except Exception as error:  # thrift raises its own transport errors
            raise SparkError(f"cannot reach the Spark Thrift server at {host}:{port} ({error}); start the local "
                             f"cluster with `ieo spark up`, or set IEO_SPARK_HOST and IEO_SPARK_PORT") from error
        self._cursor = self._con.cursor(arraysize=FETCH_ROWS)
        self.where = f"{host}:{port}"

    def execute(self, sql: str, parameters=None) -> "SparkConnection":
        try:
            self._cursor.execute(bind(sql, parameters))
        except Exception as error:  # Spark's message only: the server's Java stack would bury it
            raise SparkError(f"Spark ({self.where}) refused a statement: {spark_message(error)}") from None
        return self

    def _decoded(self, row):
        """Arrays come over Thrift as JSON text; they are lists, as DuckDB gives them."""
        if row is None:
            return None
        kinds = [d[1] for d in self._cursor.description or []]
        return tuple(json.loads(v) if kind == "ARRAY_TYPE" and isinstance(v, str) else v for v, kind in zip(row, kinds))

    def fetchall(self) -> list[tuple]:
        return [self._decoded(row) for row in self._cursor.fetchall()]

    def fetchone(self):
        return self._decoded(self._cursor.fetchone())

    def df(self) -> pd.DataFrame:
        description = self._cursor.description
        return typed_frame(self.fetchall(), description)

    def close(self) -> None:
        try:
            self._cursor.close()
        finally:
            self._con.close()


def _spark_type(dtype) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(dtype):
        return {1: "TINYINT", 2: "SMALLINT", 4: "INT"}.get(np.dtype(dtype.numpy_dtype if hasattr(dtype, "numpy_dtype")
                                                                      else dtype).itemsize, "BIGINT")
    if pd.api.types.is_float_dtype(dtype):
        return "DOUBLE"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "TIMESTAMP"
    return "STRING"


def tables_in(con: SparkConnection, schema: str) -> list[str]:
    return [row[1] for row in con.execute(f"SHOW TABLES IN {schema}").fetchall()]


def described_columns(con: SparkConnection, relation: str) -> dict[str, str]:
    """Column -> type of ``relation``, in the table's order."""
    columns: dict[str, str] = {}
    for name, kind, *_ in con.execute(f"DESCRIBE {relation}").fetchall():
        if not name or name.startswith("#"):
            break  # the partition information section follows the columns
        columns[name] = kind
    return columns


def _existing_columns(con: SparkConnection, relation: str) -> dict[str, str] | None:
    schema, table = relation.split(".")
    return described_columns(con, relation) if table in tables_in(con, schema) else None


def replace_edition_tables(con: SparkConnection, lake: Path, schema: str, edition: int,
                           frames: dict[str, pd.DataFrame]) -> None:
    """Replace ``edition``'s partition of each table in ``schema``; create a table from its first frame, and add
    a column a later frame brings (as DuckDB's path does), so earlier editions keep their rows."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for name, frame in frames.items():
        relation = f"{schema}.{name}"
        kinds = {column: _spark_type(frame[column].dtype) for column in frame.columns}
        existing = _existing_columns(con, relation)
        if existing is None:
            columns = ", ".join(f"`{column}` {kind}" for column, kind in kinds.items())
            con.execute(f"CREATE TABLE {relation} ({columns}, edition INT) USING parquet PARTITIONED BY (edition)")
            existing = {**kinds, "edition": "int"}
        added = {column: kind for column, kind in kinds.items() if column not in existing}
        if added:
            con.execute(f"ALTER TABLE {relation} ADD COLUMNS (" + ", ".join(f"`{k}` {v}" for k, v in added.items()) + ")")
            existing = _existing_columns(con, relation)
        staged = _stage(frame, lake, schema, name, edition)
        try:
            select = ", ".join(f"CAST(`{column}` AS {existing[column]})" if column in frame.columns
                               else f"CAST(NULL AS {existing[column]})" for column in existing if column != "edition")
            con.execute(f"INSERT OVERWRITE TABLE {relation} PARTITION (edition = {int(edition)}) "
                        f"SELECT {select} FROM parquet.`{staged}`")
        finally:
            shutil.rmtree(staged, ignore_errors=True)


def _stage(frame: pd.DataFrame, lake: Path, schema: str, name: str, edition: int) -> Path:
    """The frame as one Parquet file in a folder of its own under the lake's staging area."""
    folder = Path(lake) / "staging" / schema / name / f"edition={edition}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    text_if_empty(frame).to_parquet(folder / "data.parquet", index=False)
    return folder


def _order_terms(order: str, columns: list[str]) -> str:
    """An ORDER BY with DuckDB's null order (last) made explicit, since Spark puts nulls first; ``ALL`` spelt out."""
    terms = [f"`{column}`" for column in columns] if order.strip().upper() == "ALL" else order.split(",")
    return ", ".join(term.strip() if "NULLS" in term.upper() else f"{term.strip()} NULLS LAST" for term in terms)


def edition_rows(con: SparkConnection, relation: str, edition: int, order: str | None = "ALL") -> pd.DataFrame:
    """One edition's rows of ``relation`` without the edition column, ordered as DuckDB orders them."""
    columns = [name for name in (_existing_columns(con, relation) or {}) if name != "edition"]
    if not columns:
        raise SparkError(f"Spark ({con.where}) has no table {relation}")
    order_by = f" ORDER BY {_order_terms(order, columns)}" if order else ""
    listed = ", ".join(f"`{column}`" for column in columns)
    return con.execute(f"SELECT {listed} FROM {relation} WHERE edition = ?{order_by}", [edition]).df()


def seeded_fingerprint(con: SparkConnection) -> str | None:
    """The fingerprint of the seeds Spark holds (``ieo.reference.seeds_fingerprint``), if recorded."""
    schema, table = SEEDED_TABLE.split(".")
    if not any(row[0] == schema for row in con.execute("SHOW SCHEMAS").fetchall()):
        return None
    if table not in tables_in(con, schema):
        return None
    found = con.execute(f"SELECT fingerprint FROM {SEEDED_TABLE}").fetchall()
    return found[0][0] if found else None


def record_seeded(con: SparkConnection, fingerprint: str) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {names.REFERENCE}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {SEEDED_TABLE} (fingerprint STRING, seeded_at TIMESTAMP) USING parquet")
    con.execute(f"INSERT OVERWRITE TABLE {SEEDED_TABLE} SELECT ?, current_timestamp()", [fingerprint])


def refresh_raw_views(con: SparkConnection, lake: Path) -> None:
    """``raw.<table>`` on Spark: the current loads' rows, read from the lake's Parquet and its registry."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {names.RAW}")
    current = lake_files.registry_file(lake, lake_files.CURRENT)
    for table in c.CONTRACT:
        if lake_files.has_table_files(lake, table.name) and current.exists():
            con.execute(
                f"""CREATE OR REPLACE VIEW {names.RAW}.{table.name} AS
                    SELECT rows.* FROM parquet.`{lake_files.table_glob(lake, table.name)}` rows
                    JOIN parquet.`{current}` cur ON cur.edition = rows.edition AND cur.load_id = rows._load_id""")
