"""The raw layer of the DuckDB warehouse, written, audited and published (WAP).

Every load of an edition is kept: its rows go to ``raw_loads.<table>`` under a
load id, and ``raw._loads`` / ``raw._load_files`` record what was read and what
the checks found. Only a load whose checks pass becomes the edition's current
load (``raw._current``); the views ``raw.<table>``, which dbt reads as sources,
show current loads only, so a failed load stays visible and nothing downstream
reads it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ieo import contract as c
from ieo import lake as lake_files
from ieo import names
from ieo.raw_reader import EXTRA_COLUMNS, SOURCE_ROW, RawTable
from ieo.settings import default_lake

RAW_SCHEMA = names.RAW  # views: each edition's current load
LOADS_SCHEMA = names.RAW_LOADS  # every load's rows, kept
LOADS_TABLE = f"{RAW_SCHEMA}._loads"  # one row per load
LOAD_FILES_TABLE = f"{RAW_SCHEMA}._load_files"  # one row per table of a load
CURRENT_TABLE = f"{RAW_SCHEMA}._current"  # edition -> its current load

AUDITING, PASSED, FAILED, REJECTED = "auditing", "passed", "failed", "rejected"
WITH_ROWS = (AUDITING, PASSED, FAILED)  # loads whose rows are kept (a rejected load has none)
LEGACY_REPLACED = "replaced_before_history"  # loads from before every load was kept; their rows are gone
PROBLEMS_KEPT = 200  # reader errors or failed expectations stored per load

PROVENANCE_COLUMNS = (
    (EXTRA_COLUMNS, "JSON"),
    (SOURCE_ROW, "INTEGER"),
    ("_source_file", "VARCHAR"),
    ("_source_sha256", "VARCHAR"),
    ("_load_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
)


def sql_type(column: c.Column) -> str:
    return c.KINDS[column.kind].sql_type


def raw_table_ddl(table: c.Table) -> str:
    columns = ["edition INTEGER NOT NULL"]
    columns += [f'"{col.name}" {sql_type(col)}' for col in table.columns]
    columns += [f"{name} {kind}" for name, kind in PROVENANCE_COLUMNS]
    return f"CREATE TABLE IF NOT EXISTS {LOADS_SCHEMA}.{table.name} (\n  " + ",\n  ".join(columns) + "\n)"


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if not read_only:
        Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {LOADS_SCHEMA}")
    _upgrade_single_load_layout(con)
    _create_bookkeeping(con)
    for table in c.CONTRACT:
        con.execute(raw_table_ddl(table))
    for table in c.CONTRACT:  # until the lake has a load of the table (refresh_raw_views)
        con.execute(f"CREATE VIEW IF NOT EXISTS {RAW_SCHEMA}.{table.name} AS {_current_rows(LOADS_SCHEMA + '.' + table.name)}")


def _current_rows(source: str) -> str:
    return f"""SELECT rows.* FROM {source} rows
               JOIN {CURRENT_TABLE} cur ON cur.edition = rows.edition AND cur.load_id = rows._load_id"""


def refresh_raw_views(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """Point each ``raw.<table>`` view at the current loads' Parquet files in the lake."""
    for table in c.CONTRACT:
        if lake_files.has_table_files(lake, table.name):
            source = f"read_parquet('{lake_files.table_glob(lake, table.name)}', union_by_name = true)"
            con.execute(f"CREATE OR REPLACE VIEW {RAW_SCHEMA}.{table.name} AS {_current_rows(source)}")


def _create_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {LOADS_TABLE} (
            load_id VARCHAR PRIMARY KEY, edition INTEGER, status VARCHAR, engine VARCHAR,
            started_at TIMESTAMP, finished_at TIMESTAMP, problem_count BIGINT, problems JSON, data_docs VARCHAR)"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {LOAD_FILES_TABLE} (
            load_id VARCHAR, edition INTEGER, table_name VARCHAR, source_file VARCHAR,
            source_sha256 VARCHAR, row_count BIGINT, loaded_at TIMESTAMP,
            suite_passed BOOLEAN, failed_expectations JSON)"""
    )
    con.execute(f"CREATE TABLE IF NOT EXISTS {CURRENT_TABLE} (edition INTEGER PRIMARY KEY, load_id VARCHAR, promoted_at TIMESTAMP)")


def _upgrade_single_load_layout(con: duckdb.DuckDBPyConnection) -> None:
    """Move a warehouse written before loads were kept (raw tables held the one current load) to this layout."""
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = '_loads'", [RAW_SCHEMA]
    ).fetchall()}
    if "table_name" not in columns:
        return
    con.execute(f"ALTER TABLE {LOADS_TABLE} RENAME TO {LOAD_FILES_TABLE.split('.')[1]}")
    con.execute(f"ALTER TABLE {LOAD_FILES_TABLE} ADD COLUMN suite_passed BOOLEAN DEFAULT true")
    con.execute(f"ALTER TABLE {LOAD_FILES_TABLE} ADD COLUMN failed_expectations JSON")
    kept = {}
    for table in c.CONTRACT:
        if con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ? AND table_type = 'BASE TABLE'",
            [RAW_SCHEMA, table.name],
        ).fetchone()[0]:
            con.execute(f"CREATE TABLE {LOADS_SCHEMA}.{table.name} AS SELECT * FROM {RAW_SCHEMA}.{table.name}")
            con.execute(f"DROP TABLE {RAW_SCHEMA}.{table.name}")
            kept.update(con.execute(f"SELECT DISTINCT edition, _load_id FROM {LOADS_SCHEMA}.{table.name}").fetchall())
    _create_bookkeeping(con)
    for load_id, edition, loaded_at in con.execute(
        f"SELECT load_id, any_value(edition), max(loaded_at) FROM {LOAD_FILES_TABLE} GROUP BY load_id"
    ).fetchall():
        current = kept.get(edition) == load_id
        con.execute(
            f"INSERT INTO {LOADS_TABLE} VALUES (?, ?, ?, NULL, ?, ?, 0, NULL, NULL)",
            [load_id, edition, PASSED if current else LEGACY_REPLACED, loaded_at, loaded_at],
        )
        if current:
            con.execute(f"INSERT INTO {CURRENT_TABLE} VALUES (?, ?, ?)", [edition, load_id, loaded_at])


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def write_load(warehouse: Path, edition: int, tables: dict[str, RawTable], load_id: str, engine: str,
               lake: Path | None = None) -> dt.datetime:
    """Write: keep every table's rows under ``load_id``, in one transaction, as a load still being audited; then
    write them, unchanged from then on, to the lake."""
    loaded_at = _now()
    with transaction(warehouse) as con:
        ensure_raw_schema(con)
        con.execute(
            f"INSERT INTO {LOADS_TABLE} VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)",
            [load_id, edition, AUDITING, engine, loaded_at],
        )
        for name, raw in tables.items():
            table = c.TABLES[name]
            con.register("incoming", raw.frame)
            columns = ", ".join(f'"{col.name}"' for col in table.columns)
            con.execute(
                f"""INSERT INTO {LOADS_SCHEMA}.{name}
                    SELECT ?, {columns}, {EXTRA_COLUMNS}, {SOURCE_ROW}, ?, ?, ?, ? FROM incoming""",
                [edition, str(raw.path), raw.sha256, load_id, loaded_at],
            )
            con.unregister("incoming")
            con.execute(
                f"INSERT INTO {LOAD_FILES_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [load_id, edition, name, str(raw.path), raw.sha256, len(raw.frame), loaded_at],
            )
    con = connect(warehouse)
    try:
        lake_files.export_load(con, lake or default_lake(warehouse), LOADS_SCHEMA, edition, load_id)
    finally:
        con.close()
    return loaded_at


def finish_load(
    warehouse: Path, edition: int, load_id: str, table_results: dict[str, tuple[bool, list[dict]]], data_docs: str | None,
    lake: Path | None = None,
) -> str | None:
    """Audit result, then publish: a load whose suites all passed becomes the edition's current load.

    ``table_results`` maps each table to (suite passed, failed expectations). Returns
    the load it replaced as current, if any. A failed load is kept, marked failed.
    """
    passed = all(ok for ok, _failed in table_results.values())
    problems = [dict(item, table=name) for name, (_ok, failed) in table_results.items() for item in failed]
    with transaction(warehouse) as con:
        for name, (ok, failed) in table_results.items():
            con.execute(
                f"UPDATE {LOAD_FILES_TABLE} SET suite_passed = ?, failed_expectations = ? WHERE load_id = ? AND table_name = ?",
                [ok, json.dumps(failed, default=str), load_id, name],
            )
        con.execute(
            f"UPDATE {LOADS_TABLE} SET status = ?, finished_at = ?, problem_count = ?, problems = ?, data_docs = ? WHERE load_id = ?",
            [PASSED if passed else FAILED, _now(), len(problems), json.dumps(problems[:PROBLEMS_KEPT], default=str), data_docs, load_id],
        )
        previous = next(iter(con.execute(f"SELECT load_id FROM {CURRENT_TABLE} WHERE edition = ?", [edition]).fetchall()),
                        None)
        if passed:
            con.execute(
                f"INSERT OR REPLACE INTO {CURRENT_TABLE} VALUES (?, ?, ?)", [edition, load_id, _now()]
            )
        lake = lake or default_lake(warehouse)
        lake_files.export_missing_loads(con, lake, LOADS_SCHEMA, LOADS_TABLE, WITH_ROWS)
        refresh_raw_views(con, lake)
    _export_registry(warehouse, lake)
    return previous[0] if previous else None


def _export_registry(warehouse: Path, lake: Path) -> None:
    con = connect(warehouse)
    try:
        registry = dict(zip(lake_files.REGISTRY_NAMES, (LOADS_TABLE, LOAD_FILES_TABLE, CURRENT_TABLE)))
        lake_files.export_registry(con, lake, registry)
    finally:
        con.close()


def reject_load(warehouse: Path, edition: int, load_id: str, engine: str, errors: list[dict],
                lake: Path | None = None) -> None:
    """Record a load the reader refused (unreadable files): no rows, only what was wrong."""
    now = _now()
    with transaction(warehouse) as con:
        ensure_raw_schema(con)
        con.execute(
            f"INSERT INTO {LOADS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [load_id, edition, REJECTED, engine, now, now, len(errors), json.dumps(errors[:PROBLEMS_KEPT], default=str)],
        )
    _export_registry(warehouse, lake or default_lake(warehouse))


def current_load_files(con: duckdb.DuckDBPyConnection, edition: int) -> pd.DataFrame:
    """The files of ``edition``'s current load: table, source file, sha256, row count and load id."""
    return con.execute(
        f"""SELECT f.table_name, f.source_file, f.source_sha256, f.row_count, f.load_id
            FROM {LOAD_FILES_TABLE} f JOIN {CURRENT_TABLE} cur ON cur.load_id = f.load_id
            WHERE cur.edition = ? ORDER BY f.table_name""",
        [edition],
    ).df()


def current_load_id(warehouse: Path, edition: int) -> str | None:
    """The edition's current load, or None when the warehouse has none (or does not exist yet)."""
    return current_loads(warehouse).get(edition)


def current_loads(warehouse: Path) -> dict[int, str]:
    """Every edition's current load (none when the warehouse does not exist yet)."""
    if not Path(warehouse).exists():
        return {}
    con = connect(warehouse)
    try:
        return (dict(con.execute(f"SELECT edition, load_id FROM {CURRENT_TABLE} ORDER BY edition").fetchall())
                if _has_table(con, CURRENT_TABLE) else {})
    finally:
        con.close()


def _has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """Whether ``schema.table`` exists (a warehouse may predate the bookkeeping table asked for)."""
    schema, name = qualified.split(".")
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                       [schema, name]).fetchone()[0] > 0


def load_record(con: duckdb.DuckDBPyConnection, load_id: str) -> dict:
    """One load's row of ``raw._loads`` as a dict (empty if there is no such load)."""
    found = con.execute(f"SELECT * FROM {LOADS_TABLE} WHERE load_id = ?", [load_id]).df()
    return {k: (None if pd.isna(v) else v) for k, v in found.iloc[0].items()} if len(found) else {}


def load_history(con: duckdb.DuckDBPyConnection, edition: int | None = None) -> pd.DataFrame:
    """Every load, newest first, with whether it is its edition's current load."""
    where = "WHERE l.edition = ?" if edition is not None else ""
    return con.execute(
        f"""SELECT l.edition, l.load_id, l.status, cur.load_id IS NOT NULL AS current, l.engine,
                   l.started_at, l.finished_at, l.problem_count, l.data_docs
            FROM {LOADS_TABLE} l LEFT JOIN {CURRENT_TABLE} cur ON cur.load_id = l.load_id
            {where} ORDER BY l.started_at DESC""",
        [edition] if edition is not None else [],
    ).df()


def edition_rows(con: duckdb.DuckDBPyConnection, table: str, edition: int, order: str | None = "ALL") -> pd.DataFrame:
    """One edition's rows of ``table``, without the edition column; ``order`` None keeps storage order."""
    order_by = f" ORDER BY {order}" if order else ""
    return query_frame(con, f"SELECT * EXCLUDE (edition) FROM {table} WHERE edition = ?{order_by}", [edition])


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """The rows of ``sql`` as DuckDB's `.df()` gives them, each column converted through Arrow where Arrow gives
    the same pandas column, and by DuckDB from the Arrow table where it does not (dates, decimals, booleans and
    integers with a null, text without a value). DuckDB's own conversion builds a Python string per text cell:
    the value network's 2.3 M nodes took 5.5 s, through Arrow 1.5 s."""
    table = con.sql(sql, params=list(params)).to_arrow_table()
    if len(set(table.column_names)) < table.num_columns:  # DuckDB renames repeated names its own way
        return duckdb.from_arrow(table, connection=con).df()
    alike = [i for i, column in enumerate(table.columns) if _arrow_converts_alike(column)]
    if len(alike) == table.num_columns:
        return table.to_pandas()
    rest = [i for i in range(table.num_columns) if i not in alike]
    parts = [table.select(alike).to_pandas(), duckdb.from_arrow(table.select(rest), connection=con).df()]
    return pd.concat(parts, axis=1)[table.column_names]  # the names are distinct here


def _arrow_converts_alike(column: pa.ChunkedArray) -> bool:
    """Whether pyarrow's `to_pandas` gives this column the dtype and values DuckDB's `.df()` gives it."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.null_count < len(column)  # DuckDB gives a column without a value the object dtype
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind):
        return column.null_count == 0  # DuckDB gives pandas' nullable dtypes, Arrow object or float64
    return pa.types.is_floating(kind) or (pa.types.is_timestamp(kind) and kind.tz is None)


def replace_edition_tables(warehouse: Path, schema: str, edition: int, frames: dict[str, pd.DataFrame]) -> None:
    """Replace ``edition``'s rows of each table in ``schema`` in one transaction.

    Tables are created from the first frame written to them; a column added later is
    appended (as dbt's append_new_columns does), so earlier editions keep their rows.
    """
    with transaction(warehouse) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for name, frame in frames.items():
            con.register("incoming", text_if_empty(frame.assign(edition=edition)[["edition", *frame.columns]]))
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


def text_if_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Give all-empty object columns a text type; DuckDB would otherwise type them NULL and refuse
    the values a later edition brings (and Parquet has no type for them)."""
    empty = [c for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()]
    return frame.astype({c: "string" for c in empty}) if empty else frame


SEEDED_TABLE = f"{names.REFERENCE}._seeded"  # the seeds' fingerprint when they were last loaded


def seeded_fingerprint(warehouse: Path) -> str | None:
    """The fingerprint of the seeds the warehouse holds (``ieo.reference.seeds_fingerprint``), if recorded."""
    if not Path(warehouse).exists():
        return None
    con = connect(warehouse)
    try:
        return con.execute(f"SELECT fingerprint FROM {SEEDED_TABLE}").fetchone()[0] if _has_table(con, SEEDED_TABLE) else None
    finally:
        con.close()


def record_seeded(warehouse: Path, fingerprint: str) -> None:
    with transaction(warehouse) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {names.REFERENCE}")
        con.execute(f"CREATE OR REPLACE TABLE {SEEDED_TABLE} (fingerprint VARCHAR, seeded_at TIMESTAMP)")
        con.execute(f"INSERT INTO {SEEDED_TABLE} VALUES (?, ?)", [fingerprint, _now()])


def snapshot_path(warehouse: Path) -> Path:
    """The read snapshot beside the warehouse: what analysts query (`ieo sql`) without taking the writer's lock."""
    warehouse = Path(warehouse)
    return warehouse.with_name(f"{warehouse.stem}.read{warehouse.suffix or '.duckdb'}")


def write_snapshot(warehouse: Path) -> Path:
    """Copy the warehouse, checkpointed, to its read snapshot, swapped in by rename: a reader sees the old
    snapshot or the new one, never a part-written file. The caller holds the writer lock."""
    con = connect(warehouse)
    try:
        con.execute("CHECKPOINT")  # everything in the main file, nothing left in the write-ahead log
    finally:
        con.close()
    target = snapshot_path(warehouse)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(warehouse, staging)
    os.replace(staging, target)
    return target
