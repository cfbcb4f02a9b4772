"""The edition's published tables read from the warehouse, by table id, in their published row order.

Reconciliation compares the computed tables (marts and network) with the report's figures;
the release publishes them with reconciliation and the index. Both read through here, and the
list of tables is ``ieo.names``'s.
"""

from __future__ import annotations

import pandas as pd

from ieo import names
from ieo.engine import Engine


def read_tables(engine: Engine, con, edition: int, tables) -> dict[str, pd.DataFrame]:
    return {t.table_id: engine.edition_rows(con, t.relation, edition, t.order) for t in tables}


def computed_tables(engine: Engine, con, edition: int) -> dict[str, pd.DataFrame]:
    """The edition's mart and network tables: what reconciliation compares."""
    return read_tables(engine, con, edition, names.COMPUTED_TABLES)


def read_release_tables(engine: Engine, edition: int) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The edition's tables for ``tables/`` (marts, network, reconciliation) and for ``index/``."""
    with engine.connect() as con:
        tables = read_tables(engine, con, edition, names.COMPUTED_TABLES + (names.RECONCILIATION,))
        index = read_tables(engine, con, edition, names.INDEX_TABLES)
    return tables, index
