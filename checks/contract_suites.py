"""Great Expectations suites generated from the raw-data contract: its one validation engine.

``build_suite`` turns a contract table into an ExpectationSuite for one
edition (edition-year bounds and reference sets depend on the edition).
``validate_edition`` runs every suite on one load, either where the load was
written (a GX SQL datasource on the DuckDB warehouse) or on the frames the
reader produced (a GX pandas datasource), builds the load's Data Docs, and
turns each unexpected row into a RawError naming file, row and column.

Both engines validate the same suites on the same columns: the rules a single
column cannot express (references, self-relations, taxonomy lists) become
derived columns, computed in SQL or in pandas.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from checks.duckdb_dialect import close_connections, duckdb_url
from checks.offline_data_docs import make_offline
from ieo import contract as c
from ieo.raw_reader import SOURCE_ROW, RawError, RawTable
from ieo.reference import country_lookup, province_lookup, taxonomy_lookup
from ieo.warehouse import LOADS_SCHEMA

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402  (analytics must be off before import)
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.row_conditions import Column as RowColumn  # noqa: E402

logging.getLogger("great_expectations").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)

RULE = "rule"  # the meta key holding the human wording of an expectation
ENGINES = ("duckdb", "pandas")
DEFAULT_ENGINE = "pandas"  # measured faster at scale 10: benchmarks/bench_validation.py, DEVELOPERS.md
SAMPLE_SIZE = 10  # bad values shown per failed expectation


@dataclass
class SuiteOutcome:
    """What one suite found on one table."""

    table: str
    file: str
    success: bool
    evaluated: int
    failed: list[dict] = field(default_factory=list)
    errors: list[RawError] = field(default_factory=list)


def _context(docs_dir: Path | None = None):
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


DOCS_SITE = "load"


def _with_rule(expectation, rule: str):
    expectation.meta = {RULE: rule}
    return expectation


def _year_bounds(column: c.Column, edition: int) -> tuple[object, object]:
    """Lowest and highest value allowed in an edition-bound date or year column."""
    if column.kind != c.DATE:
        return column.minimum, edition
    first = dt.datetime(edition, 1, 1) if column.edition_bound == c.WITHIN_EDITION else None
    return first, dt.datetime(edition, 12, 31)


def _edition_rule(column: c.Column, edition: int) -> str:
    if column.edition_bound == c.WITHIN_EDITION:
        return f"must fall within the edition year {edition}"
    if column.minimum is not None:
        return f"must be between {column.minimum:g} and the edition year {edition}"
    return f"must not be after the edition year {edition}"


def _column_expectations(column: c.Column, edition: int) -> list:
    e = gx.expectations
    name = column.name
    found = []
    if column.required:
        found.append(_with_rule(e.ExpectColumnValuesToNotBeNull(column=name), "a value is required"))
    if column.unique:
        found.append(_with_rule(e.ExpectColumnValuesToBeUnique(column=name), "must be unique within the table"))
    if column.kind == c.ENUM:
        rule = f"expected one of {', '.join(column.values)}"
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=list(column.values)), rule))
    elif column.kind == c.PROVINCE:
        rule = "expected one of the 31 provinces (Chinese or English name, alias or GB/T 2260 code)"
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=list(province_lookup().codes)), rule))
    elif column.kind == c.COUNTRY:
        rule = "expected an ISO 3166-1 alpha-2 country code"
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=list(country_lookup().codes)), rule))
    elif column.kind == c.TAXONOMY:
        rule = f"expected a value of the {column.taxonomy} taxonomy"
        codes = list(taxonomy_lookup(column.taxonomy).codes)
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=codes), rule))
    elif column.kind == c.TAXONOMY_LIST:
        rule = f"expected one or more {column.taxonomy} values separated by '{c.LIST_SEPARATOR}'"
        expectation = e.ExpectColumnValuesToBeInSet(column=_known_column(column.name), value_set=[True])
        expectation.meta = {RULE: rule, REPORTED_COLUMN: name}
        found.append(expectation)
    if column.edition_bound:
        low, high = _year_bounds(column, edition)
        found.append(
            _with_rule(
                e.ExpectColumnValuesToBeBetween(column=name, min_value=low, max_value=high),
                _edition_rule(column, edition),
            )
        )
    elif column.minimum is not None or column.maximum is not None:
        bounds = " and ".join(
            part
            for part in (
                f">= {column.minimum:g}" if column.minimum is not None else "",
                f"<= {column.maximum:g}" if column.maximum is not None else "",
            )
            if part
        )
        rule = f"expected a value {bounds}"
        found.append(
            _with_rule(
                e.ExpectColumnValuesToBeBetween(column=name, min_value=column.minimum, max_value=column.maximum), rule
            )
        )
    return found


def _row_rule_expectations(rule_id: str) -> list:
    e = gx.expectations
    wording = c.ROW_RULES[rule_id]
    if rule_id == "province_iff_domestic_cn":
        return [
            _with_rule(
                e.ExpectColumnValuesToNotBeNull(column="province", row_condition=RowColumn("country") == "CN"),
                "a province is required when country is CN",
            ),
            _with_rule(
                e.ExpectColumnValuesToBeNull(column="province", row_condition=RowColumn("country") != "CN"),
                "province must be empty when country is not CN",
            ),
        ]
    if rule_id == "counterpart_differs_from_sample":
        expectation = e.ExpectColumnValuesToBeInSet(column="_self_relation", value_set=[False])
        expectation.meta = {RULE: wording, REPORTED_COLUMN: "counterpart_id"}
        return [expectation]
    if rule_id == "amount_only_for_money_relations":
        return [
            _with_rule(
                e.ExpectColumnValuesToBeNull(
                    column="amount_cny",
                    row_condition=RowColumn("relation_type").is_not_in(list(c.MONEY_RELATION_TYPES)),
                ),
                wording,
            )
        ]
    raise KeyError(f"no expectation defined for row rule {rule_id!r}")


MISSING = "<missing>"
REPORTED_COLUMN = "reported_column"  # meta key: the contract column a derived column stands for


def _lookup_column(ref: c.Reference) -> str:
    return f"_ref_{ref.column}"


def _known_column(name: str) -> str:
    return f"_known_{name}"


def prepare_frame(table: c.Table, frame: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The pandas engine's derived columns: what each reference points at, self-relations, taxonomy lists.

    A reference becomes a lookup (the target's org_type, or "exists"), so that one fast
    in-set expectation checks it, however many organisations there are.
    """
    prepared = frame.copy()
    for ref in table.references:
        target = frames.get(ref.table)
        key = c.TABLES[ref.table].key
        if target is None:
            found = pd.Series(MISSING, index=frame.index)
        else:
            marker = target.set_index(key)["org_type"] if ref.org_types else pd.Series("exists", index=target[key])
            marker = marker[~marker.index.duplicated()]
            found = frame[ref.column].map(marker).fillna(MISSING)
        prepared[_lookup_column(ref)] = found.where(frame[ref.column].notna(), None)
    if "counterpart_differs_from_sample" in table.row_rules:
        prepared["_self_relation"] = (frame["sample_id"] == frame["counterpart_id"]).fillna(False).astype(bool)
    for column in table.columns:
        if column.kind == c.TAXONOMY_LIST:
            codes = set(taxonomy_lookup(column.taxonomy).codes)
            known = frame[column.name].map(
                lambda cell: None if pd.isna(cell) else all(part in codes for part in cell.split(c.LIST_SEPARATOR)),
                na_action="ignore",
            )
            prepared[_known_column(column.name)] = known.astype(object).where(frame[column.name].notna(), None)
    return prepared


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def prepare_query(table: c.Table, load_id: str) -> str:
    """The DuckDB engine's batch: one load's rows of ``table`` with the same derived columns as ``prepare_frame``."""
    load = _sql_text(load_id)
    selects, joins = ["t.*"], []
    for i, ref in enumerate(table.references):
        key = c.TABLES[ref.table].key
        marker = "any_value(org_type)" if ref.org_types else "'exists'"
        joins.append(
            f"LEFT JOIN (SELECT {key} AS target, {marker} AS marker FROM {LOADS_SCHEMA}.{ref.table} "
            f"WHERE _load_id = {load} GROUP BY {key}) r{i} ON r{i}.target = t.{ref.column}"
        )
        selects.append(
            f"CASE WHEN t.{ref.column} IS NULL THEN NULL ELSE coalesce(r{i}.marker, '{MISSING}') END AS {_lookup_column(ref)}"
        )
    if "counterpart_differs_from_sample" in table.row_rules:
        selects.append("coalesce(t.sample_id = t.counterpart_id, false) AS _self_relation")
    for column in table.columns:
        if column.kind == c.TAXONOMY_LIST:
            codes = ", ".join(_sql_text(code) for code in taxonomy_lookup(column.taxonomy).codes)
            selects.append(
                f"list_has_all([{codes}], string_split(t.{column.name}, {_sql_text(c.LIST_SEPARATOR)})) "
                f"AS {_known_column(column.name)}"
            )
    return (
        f"SELECT {', '.join(selects)} FROM {LOADS_SCHEMA}.{table.name} t {' '.join(joins)} "
        f"WHERE t._load_id = {load}"
    )


def build_suite(table: c.Table, edition: int) -> gx.ExpectationSuite:
    """The expectation suite for one contract table in one edition."""
    suite = gx.ExpectationSuite(name=f"raw_{table.name}_{edition}")
    for column in table.columns:
        for expectation in _column_expectations(column, edition):
            suite.add_expectation(expectation)
    for ref in table.references:
        kinds = f" with org_type {' or '.join(ref.org_types)}" if ref.org_types else ""
        rule = f"must be an existing {ref.table}.{c.TABLES[ref.table].key}{kinds}"
        expectation = gx.expectations.ExpectColumnValuesToBeInSet(
            column=_lookup_column(ref), value_set=list(ref.org_types) or ["exists"]
        )
        expectation.meta = {RULE: rule, REPORTED_COLUMN: ref.column}
        suite.add_expectation(expectation)
    for rule_id in table.row_rules:
        for expectation in _row_rule_expectations(rule_id):
            suite.add_expectation(expectation)
    return suite


def _outcome(table: c.Table, file: str, result) -> SuiteOutcome:
    """Turn a GX validation result into failed expectations (count, sample of bad values) and row errors."""
    outcome = SuiteOutcome(table.name, file, bool(result.success), len(result.results))
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        meta = config.meta or {}
        column = meta.get(REPORTED_COLUMN) or config.kwargs.get("column")
        rule = meta.get(RULE, config.type)
        if item.exception_info.get("raised_exception"):
            raise RuntimeError(f"{file}: expectation {config.type} on {column} could not run: {item.exception_info['exception_message']}")
        unexpected = sorted(item.result.get("unexpected_index_list") or [], key=lambda hit: hit[SOURCE_ROW])
        outcome.failed.append(
            {
                "expectation": config.type,
                "column": column,
                "rule": rule,
                "unexpected_count": item.result.get("unexpected_count", len(unexpected)),
                "sample_rows": [int(hit[SOURCE_ROW]) for hit in unexpected[:SAMPLE_SIZE]],
                "sample_values": list(dict.fromkeys(_show(hit.get(column)) for hit in unexpected))[:SAMPLE_SIZE],
            }
        )
        for hit in unexpected:
            outcome.errors.append(RawError(file, int(hit[SOURCE_ROW]), column, f"{rule}, got {_show(hit.get(column))}"))
    return outcome


def _reported_columns(table: c.Table) -> list[str]:
    reported = {SOURCE_ROW, *(ref.column for ref in table.references)}
    reported.update(col.name for col in table.columns if col.kind == c.TAXONOMY_LIST)
    if "counterpart_differs_from_sample" in table.row_rules:
        reported.add("counterpart_id")
    return sorted(reported)


def _show(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "an empty cell"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return repr(value.date().isoformat())
    if isinstance(value, dt.date):
        return repr(value.isoformat())
    return repr(value.item() if hasattr(value, "item") else value)


@dataclass
class EditionValidation:
    """Every suite's outcome on one load, and where its Data Docs were written."""

    outcomes: dict[str, SuiteOutcome]
    data_docs: Path | None

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes.values())


def validate_edition(
    tables: dict[str, RawTable],
    edition: int,
    *,
    engine: str = DEFAULT_ENGINE,
    warehouse: Path | None = None,
    load_id: str | None = None,
    docs_dir: Path | None = None,
) -> EditionValidation:
    """Run every table's suite on one load of an edition.

    ``engine`` "duckdb" validates the rows already written to the warehouse under
    ``load_id``; "pandas" validates the reader's frames. With ``docs_dir``, the
    load's Data Docs (suites and results, static HTML) are built there.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "duckdb" and (warehouse is None or load_id is None):
        raise ValueError("the duckdb engine validates a written load: give warehouse and load_id")
    context = _context(docs_dir)
    if engine == "duckdb":
        source = context.data_sources.add_sql("warehouse", connection_string=duckdb_url(warehouse))
    else:
        source = context.data_sources.add_pandas("reader")
        frames = {name: t.frame for name, t in tables.items()}
    outcomes = {}
    try:
        for name, raw in tables.items():
            table = c.TABLES[name]
            suite = context.suites.add(build_suite(table, edition))
            if engine == "duckdb":
                asset = source.add_query_asset(name, query=prepare_query(table, load_id))
                batch_definition = asset.add_batch_definition_whole_table("load")
                parameters = None
            else:
                asset = source.add_dataframe_asset(name)
                batch_definition = asset.add_batch_definition_whole_dataframe("load")
                parameters = {"dataframe": prepare_frame(table, raw.frame, frames)}
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{name}_{edition}", data=batch_definition, suite=suite)
            )
            result = validation.run(
                batch_parameters=parameters,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": _reported_columns(table)},
            )
            outcomes[name] = _outcome(table, raw.display_path, result)
    finally:
        if engine == "duckdb":
            close_connections()
    if docs_dir is not None:
        context.build_data_docs(site_names=[DOCS_SITE])
        external = make_offline(docs_dir)
        if external:
            logger.warning(
                "the Data Docs at %s load %d addresses from the internet (%s ...); run `make install` to "
                "install checks/data_docs_assets so that they open offline", docs_dir, len(external), external[0])
    return EditionValidation(outcomes, Path(docs_dir) / "index.html" if docs_dir is not None else None)
