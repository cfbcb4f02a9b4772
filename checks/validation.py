"""Validate one load of an edition against the contract's suites, and say what failed in the contract's terms.

``validate_edition`` runs every table's suite in the chosen engine (``checks.engines``), builds
the load's Data Docs, and turns each unexpected row into a RawError naming file, row and column.
Great Expectations is imported here only when a validation runs, so importing the platform's
definitions does not load it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ieo import contract as c
from ieo.raw_reader import SOURCE_ROW, RawError, RawTable
from ieo.settings import DEFAULT_VALIDATION_ENGINE, VALIDATION_ENGINES

logger = logging.getLogger(__name__)

RULE = "rule"  # the meta key holding the human wording of an expectation
REPORTED_COLUMN = "reported_column"  # meta key: the contract column a derived column stands for
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
    engine: str = DEFAULT_VALIDATION_ENGINE,
    warehouse: Path | None = None,
    load_id: str | None = None,
    docs_dir: Path | None = None,
) -> EditionValidation:
    """Run every table's suite on one load of an edition.

    ``engine`` "duckdb" validates the rows already written to the warehouse under
    ``load_id``; "pandas" validates the reader's frames. With ``docs_dir``, the
    load's Data Docs (suites and results, static HTML) are built there.
    """
    if engine not in VALIDATION_ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; expected one of {', '.join(VALIDATION_ENGINES)}")
    if engine == "duckdb" and (warehouse is None or load_id is None):
        raise ValueError("the duckdb engine validates a written load: give warehouse and load_id")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    from checks.engines import DOCS_SITE, DuckDBEngine, PandasEngine, gx_context
    from checks.offline_data_docs import make_offline
    from checks.suites import build_suite

    context = gx_context(docs_dir)
    runner = DuckDBEngine(context, warehouse, load_id) if engine == "duckdb" else PandasEngine(context, tables)
    outcomes = {}
    try:
        for name, raw in tables.items():
            table = c.TABLES[name]
            suite = context.suites.add(build_suite(table, edition))
            batch_definition, parameters = runner.batch(table)
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{name}_{edition}", data=batch_definition, suite=suite)
            )
            result = validation.run(
                batch_parameters=parameters,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": _reported_columns(table)},
            )
            outcomes[name] = _outcome(table, raw.display_path, result)
    finally:
        runner.close()
    if docs_dir is not None:
        context.build_data_docs(site_names=[DOCS_SITE])
        external = make_offline(docs_dir)
        if external:
            logger.warning(
                "the Data Docs at %s load %d addresses from the internet (%s ...); run `make install` to "
                "install checks/data_docs_assets so that they open offline", docs_dir, len(external), external[0])
    return EditionValidation(outcomes, Path(docs_dir) / "index.html" if docs_dir is not None else None)
