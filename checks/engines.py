"""The two validation engines that run the contract's suites on one load, one class each.

``PandasEngine`` validates the frames the reader produced; ``DuckDBEngine`` validates the rows
already written to the warehouse, in SQL, through a GX SQL datasource. Both compute
the same derived columns (references, row rules, taxonomy lists; see ``checks.suites``) and
run the same suites, so they give the same findings.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from checks import suites
from checks.duckdb_dialect import close_connections, duckdb_url
from ieo import contract as c
from ieo.raw_reader import RawTable
from ieo.reference import taxonomy_lookup
from ieo.warehouse import LOADS_SCHEMA, transaction

DOCS_SITE = "load"
SCRATCH_SCHEMA_PREFIX = "_validating_"  # + the load id: the DuckDB engine's scratch tables, dropped after


def gx_context(docs_dir: Path | None = None):
    """A fresh in-memory GX context, with one Data Docs site when ``docs_dir`` is given."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            },
        )
    return context


def forget_context() -> None:
    """Let the last GX context go. GX keeps the last context it made in a process-wide project manager, and with it
    every batch of data validated through it: the raw load's whole frames, held for the rest of a run (measured at
    scale 100: the run's process stayed at 3.4 GiB after the raw step). The context and its validators also refer
    to each other in cycles, which hold the frames until the collector's next full pass, so that pass is made now
    (at scale 100: 3.13 -> 1.31 GiB after the raw load)."""
    from great_expectations.data_context.data_context.context_factory import project_manager

    project_manager.set_project(None)
    gc.collect()


class PandasEngine:
    """Validates the reader's frames; derived columns are computed in pandas."""

    name = "pandas"

    def __init__(self, context, tables: dict[str, RawTable]):
        self.source = context.data_sources.add_pandas("reader")
        self.frames = {name: t.frame for name, t in tables.items()}

    def batch(self, table: c.Table):
        asset = self.source.add_dataframe_asset(table.name)
        parameters = {"dataframe": self.prepare_frame(table, self.frames[table.name])}
        return asset.add_batch_definition_whole_dataframe("load"), parameters

    def prepare_frame(self, table: c.Table, frame: pd.DataFrame) -> pd.DataFrame:
        """The derived columns: what each reference points at, the row rules', taxonomy lists.

        A reference becomes a lookup (the target's org_type, or "exists"), so that one fast
        in-set expectation checks it, however many organisations there are.
        """
        prepared = frame.copy()
        for ref in table.references:
            target = self.frames.get(ref.table)
            key = c.TABLES[ref.table].key
            if target is None:
                found = pd.Series(suites.MISSING, index=frame.index)
            else:
                marker = target.set_index(key)["org_type"] if ref.org_types else pd.Series("exists", index=target[key])
                marker = marker[~marker.index.duplicated()]
                found = frame[ref.column].map(marker).fillna(suites.MISSING)
            prepared[suites.lookup_column(ref)] = found.where(frame[ref.column].notna(), None)
        for rule_id in table.row_rules:
            rule = suites.ROW_RULES[rule_id]
            if rule.derived_column:
                prepared[rule.derived_column] = rule.pandas(frame)
        for column in table.columns:
            if column.kind == c.TAXONOMY_LIST:
                codes = set(taxonomy_lookup(column.taxonomy).codes)
                known = frame[column.name].map(
                    lambda cell: None if pd.isna(cell) else all(part in codes for part in cell.split(c.LIST_SEPARATOR)),
                    na_action="ignore",
                )
                prepared[suites.known_column(column.name)] = known.astype(object).where(frame[column.name].notna(), None)
        return prepared

    def close(self) -> None:
        """Nothing to release: the frames belong to the reader."""


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DuckDBEngine:
    """Validates one written load in the warehouse; derived columns are computed in SQL.

    Each table's rows, with their derived columns, are first written to a scratch table of their own, dropped
    when the validation closes: GX runs dozens of queries over a batch, and a query batch made every one of them
    join the references again (at scale 100, the relations' joins over 2.3 M organisations in each)."""

    name = "duckdb"

    def __init__(self, context, warehouse: Path, load_id: str):
        self.source = context.data_sources.add_sql("warehouse", connection_string=duckdb_url(warehouse))
        self.warehouse, self.load_id = warehouse, load_id
        self.scratch = SCRATCH_SCHEMA_PREFIX + re.sub(r"\W", "_", load_id)  # one per load: loads never share it

    def batch(self, table: c.Table):
        with transaction(self.warehouse) as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {self.scratch}")
            con.execute(f"CREATE OR REPLACE TABLE {self.scratch}.{table.name} AS {self.prepare_query(table)}")
        # A query asset over the scratch table: GX's table asset reads the column types without the schema.
        asset = self.source.add_query_asset(table.name, query=f"SELECT * FROM {self.scratch}.{table.name}")
        return asset.add_batch_definition_whole_table("load"), None

    def prepare_query(self, table: c.Table) -> str:
        """One load's rows of ``table`` with the same derived columns as ``PandasEngine.prepare_frame``."""
        load = _sql_text(self.load_id)
        selects, joins = ["t.*"], []
        for i, ref in enumerate(table.references):
            key = c.TABLES[ref.table].key
            marker = "any_value(org_type)" if ref.org_types else "'exists'"
            joins.append(
                f"LEFT JOIN (SELECT {key} AS target, {marker} AS marker FROM {LOADS_SCHEMA}.{ref.table} "
                f"WHERE _load_id = {load} GROUP BY {key}) r{i} ON r{i}.target = t.{ref.column}"
            )
            selects.append(f"CASE WHEN t.{ref.column} IS NULL THEN NULL "
                           f"ELSE coalesce(r{i}.marker, '{suites.MISSING}') END AS {suites.lookup_column(ref)}")
        for rule_id in table.row_rules:
            rule = suites.ROW_RULES[rule_id]
            if rule.derived_column:
                selects.append(f"{rule.sql} AS {rule.derived_column}")
        for column in table.columns:
            if column.kind == c.TAXONOMY_LIST:
                codes = ", ".join(_sql_text(code) for code in taxonomy_lookup(column.taxonomy).codes)
                selects.append(
                    f"list_has_all([{codes}], string_split(t.{column.name}, {_sql_text(c.LIST_SEPARATOR)})) "
                    f"AS {suites.known_column(column.name)}"
                )
        return (f"SELECT {', '.join(selects)} FROM {LOADS_SCHEMA}.{table.name} t {' '.join(joins)} "
                f"WHERE t._load_id = {load}")

    def close(self) -> None:
        close_connections()
        with transaction(self.warehouse) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {self.scratch} CASCADE")
