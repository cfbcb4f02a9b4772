"""The engine-neutral raw layer: every load's rows as Parquet, written once, and the registry of loads beside them.

Layout under the lake folder (``IEO_LAKE_DIR``, by default ``lake/`` beside the warehouse)::

    raw/<table>/edition=<edition>/load_id=<load id>/data.parquet   every load, passing or failing, immutable
    registry/loads.parquet, registry/load_files.parquet, registry/current.parquet   the registry: status,
                                                                                files, each edition's current load

Any engine reads it (DuckDB's ``read_parquet``, Spark's ``parquet``). The DuckDB warehouse's ``raw.<table>``
views read the current loads from here; ``raw_loads`` in the warehouse keeps its own copy for the audit.
Files are written to a temporary name and renamed into place, so a reader never sees a half-written file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from ieo import contract as c
from ieo import names

DATA_FILE = "data.parquet"


def load_file(lake: Path, table: str, edition: int, load_id: str) -> Path:
    return Path(lake) / names.RAW / table / f"edition={edition}" / f"load_id={load_id}" / DATA_FILE


def table_glob(lake: Path, table: str) -> str:
    return str(Path(lake) / names.RAW / table / "*" / "*" / DATA_FILE)


REGISTRY = "registry"  # not under raw/, and no leading underscore: Spark skips files named `_*` as hidden
LOADS, LOAD_FILES, CURRENT = "loads", "load_files", "current"  # the registry's files
REGISTRY_NAMES = (LOADS, LOAD_FILES, CURRENT)


def registry_file(lake: Path, name: str) -> Path:
    return Path(lake) / REGISTRY / f"{name}.parquet"


def _sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """Write ``query``'s rows to ``target`` as Parquet, through a temporary file renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    con.execute(f"COPY ({query}) TO {_sql_text(staging)} (FORMAT parquet)")
    os.replace(staging, target)


def export_load(con: duckdb.DuckDBPyConnection, lake: Path, loads_schema: str, edition: int, load_id: str) -> None:
    """Write one load's rows of every contract table to the lake, unless already there (a load is written once)."""
    for table in c.CONTRACT:
        target = load_file(lake, table.name, edition, load_id)
        if not target.exists():
            _copy(con, f"SELECT * FROM {loads_schema}.{table.name} WHERE _load_id = {_sql_text(load_id)}", target)


def export_missing_loads(con: duckdb.DuckDBPyConnection, lake: Path, loads_schema: str, loads_table: str,
                         with_rows: tuple[str, ...]) -> int:
    """Write every load with rows (status in ``with_rows``) that the lake lacks: a warehouse from before the lake,
    or a lake folder that moved. Returns how many loads were written."""
    written = 0
    statuses = ", ".join(_sql_text(s) for s in with_rows)
    for load_id, edition in con.execute(
            f"SELECT load_id, edition FROM {loads_table} WHERE status IN ({statuses}) ORDER BY started_at").fetchall():
        if not all(load_file(lake, t.name, edition, load_id).exists() for t in c.CONTRACT):
            export_load(con, lake, loads_schema, edition, load_id)
            written += 1
    return written


def export_registry(con: duckdb.DuckDBPyConnection, lake: Path, tables: dict[str, str]) -> None:
    """The registry of loads (``tables``: registry name -> warehouse table) as Parquet, each file replaced whole."""
    for name, table in tables.items():
        _copy(con, f"SELECT * FROM {table} ORDER BY ALL", registry_file(lake, name))


def has_table_files(lake: Path, table: str) -> bool:
    return any((Path(lake) / names.RAW / table).glob(f"*/*/{DATA_FILE}"))
