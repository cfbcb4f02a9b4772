"""The edition's published tables read from the warehouse, by table id, in their published row order.

Reconciliation compares the computed tables (marts and network) with the report's figures;
the release publishes them with reconciliation and the index. Both read through here, and the
list of tables is ``ieo.names``'s.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ieo import names
from ieo.warehouse import connect, edition_rows


def read_tables(con: duckdb.DuckDBPyConnection, edition: int, tables) -> dict[str, pd.DataFrame]:
    return {t.table_id: edition_rows(con, t.relation, edition, t.order) for t in tables}


def computed_tables(con: duckdb.DuckDBPyConnection, edition: int) -> dict[str, pd.DataFrame]:
    """The edition's mart and network tables: what reconciliation compares."""
    return read_tables(con, edition, names.COMPUTED_TABLES)


def read_release_tables(warehouse: Path, edition: int) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The edition's tables for ``tables/`` (marts, network, reconciliation) and for ``index/``."""
    con = connect(warehouse)
    try:
        tables = read_tables(con, edition, names.COMPUTED_TABLES + (names.RECONCILIATION,))
        index = read_tables(con, edition, names.INDEX_TABLES)
    finally:
        con.close()
    return tables, index
