"""Validate one load of an edition against the contract's suites, and say what failed in the contract's terms.

``validate_edition`` runs every table's suite (``checks.suites``) in the chosen engine (``checks.engines``),
builds the load's Data Docs, and turns each unexpected row into a RawError naming file, row and column.
Great Expectations is imported here only when a validation runs, so importing the platform's
definitions does not load it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from checks.outcome import EditionValidation, SuiteOutcome
from ieo import contract as c
from ieo.raw_reader import RawTable
from ieo.settings import DEFAULT_VALIDATION_ENGINE, validation_engine_for

logger = logging.getLogger(__name__)


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
    ``load_id``; "pandas" validates the reader's frames; "auto" picks by the load's rows. With ``docs_dir``, the
    load's Data Docs (suites and results, static HTML) are built there.
    """
    engine = validation_engine_for(engine, sum(len(raw.frame) for raw in tables.values()))
    if engine == "duckdb" and (warehouse is None or load_id is None):
        raise ValueError("the duckdb engine validates a written load: give warehouse and load_id")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    from checks.engines import forget_context

    try:
        outcomes = _run_suites(tables, edition, engine, warehouse, load_id, docs_dir)
    finally:
        forget_context()  # once this function's GX objects are out of scope, so that they can be let go
    return EditionValidation(outcomes, Path(docs_dir) / "index.html" if docs_dir is not None else None)


def _run_suites(tables: dict[str, RawTable], edition: int, engine: str, warehouse: Path | None, load_id: str | None,
                docs_dir: Path | None) -> dict[str, SuiteOutcome]:
    import great_expectations as gx

    from checks.engines import DOCS_SITE, DuckDBEngine, PandasEngine, gx_context
    from checks.offline_data_docs import make_offline
    from checks.suites import build_suite, findings, reported_columns

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
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": reported_columns(table)},
            )
            outcomes[name] = findings(table, raw.display_path, result)
        if docs_dir is not None:
            context.build_data_docs(site_names=[DOCS_SITE])
            external = make_offline(docs_dir)
            if external:
                logger.warning(
                    "the Data Docs at %s load %d addresses from the internet (%s ...); run `make install` to "
                    "install checks/data_docs_assets so that they open offline", docs_dir, len(external), external[0])
    finally:
        runner.close()
    return outcomes
