"""Raw survey loads: one asset per contract table, partitioned by edition.

Each load is written, audited and published by ``checks.raw_load.load_edition``; this module
shows its outcome in Dagster: a materialization per table and the blocking contract check with
the failed expectations. The tables are materialized together by one multi-asset.
"""


from pathlib import Path

import dagster as dg

from checks.outcome import SuiteOutcome
from checks.raw_load import load_edition
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import OWNER
from ieo import contract as c
from ieo import names
from ieo.raw_reader import ContractViolation
from ieo.reference import TAXONOMIES
from ieo.warehouse import sql_type

CONTRACT_CHECK = "contract_suite"
ERRORS_IN_FAILURE = 20  # errors the step's failure description lists; the metadata table holds up to 200
RAW_KEYS = {table.name: dg.AssetKey([names.RAW, table.name]) for table in c.CONTRACT}
# The seeds the reader and the suites read (from their files): accepted provinces, countries and taxonomies.
REFERENCE_INPUTS = [dg.AssetKey([names.REFERENCE, name]) for name in ("provinces", "countries", *TAXONOMIES)]


def column_schema(table: c.Table) -> dg.TableSchema:
    columns = [dg.TableColumn("edition", "integer", description="Survey edition")]
    columns += [
        dg.TableColumn(col.name, sql_type(col).lower(), description=col.description, constraints=dg.TableColumnConstraints(nullable=not col.required, unique=col.unique))
        for col in table.columns
    ]
    return dg.TableSchema(columns=columns)


def _check_result(table: str, outcome: SuiteOutcome, load_id: str, data_docs: Path | None) -> dg.AssetCheckResult:
    metadata = {
        "file": outcome.file,
        "load_id": load_id,
        "expectations_evaluated": outcome.evaluated,
        "expectations_failed": len(outcome.failed),
        "unexpected_rows": len(outcome.errors),
        "failed_expectations": dg.MetadataValue.md(_failed_table(outcome.failed)) if outcome.failed else "none",
        "failed_expectations_json": dg.MetadataValue.json(outcome.failed),
    }
    if data_docs is not None:
        metadata["data_docs"] = dg.MetadataValue.url(data_docs.resolve().as_uri())
    return dg.AssetCheckResult(
        asset_key=RAW_KEYS[table],
        check_name=CONTRACT_CHECK,
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
    )


def _failed_table(failed: list[dict]) -> str:
    lines = ["| column | rule | unexpected | sample rows | sample values |", "|---|---|---|---|---|"]
    for item in failed:
        values = ", ".join(item["sample_values"]).replace("|", "/")
        rows = ", ".join(str(r) for r in item["sample_rows"])
        lines.append(f"| {item['column']} | {item['rule'].replace('|', '/')} | {item['unexpected_count']} | {rows} | {values} |")
    return "\n".join(lines)


def _error_table(exc: ContractViolation, limit: int = 200) -> str:
    lines = ["| file | row | column | problem |", "|---|---|---|---|"]
    for error in exc.errors[:limit]:
        lines.append(f"| {error.file} | {error.row or ''} | {error.column or ''} | {error.message.replace('|', '/')} |")
    if len(exc.errors) > limit:
        lines.append(f"| ... | | | {len(exc.errors) - limit} more |")
    return "\n".join(lines)


@dg.multi_asset(
    name="raw_survey_edition",
    specs=[
        dg.AssetSpec(
            RAW_KEYS[table.name],
            description=f"Raw survey table `{table.name}`: {table.description}",
            group_name=names.RAW,
            kinds={"duckdb", "python", "gx"},
            owners=[OWNER],
            metadata={"dagster/column_schema": column_schema(table), "contract_version": c.CONTRACT_VERSION},
            deps=REFERENCE_INPUTS,
        )
        for table in c.CONTRACT
    ],
    check_specs=[
        dg.AssetCheckSpec(
            CONTRACT_CHECK,
            asset=RAW_KEYS[table.name],
            blocking=True,
            description=f"Great Expectations suite generated from the raw contract for `{table.name}`.",
        )
        for table in c.CONTRACT
    ],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    can_subset=False,
)
def raw_survey_edition(context: dg.AssetExecutionContext, settings: IeoSettings,
                       warehouse_writer: WarehouseWriter):
    """Write, audit and publish one edition's raw files: all tables become current together, or none."""
    edition = int(context.partition_key)
    try:
        load = load_edition(
            settings.raw_path,
            settings.warehouse_path,
            edition,
            context.run_id,
            engine=settings.validation,
            docs_dir=settings.data_docs_path,
            lake=settings.lake_path,
        )
    except ContractViolation as exc:
        for table, outcome in getattr(exc, "outcomes", {}).items():
            yield _check_result(table, outcome, context.run_id, exc.data_docs)
        metadata = {"edition": edition, "load_id": context.run_id, "error_count": len(exc.errors), "errors": dg.MetadataValue.md(_error_table(exc))}
        if getattr(exc, "data_docs", None) is not None:
            metadata["data_docs"] = dg.MetadataValue.url(exc.data_docs.resolve().as_uri())
        raise dg.Failure(description=exc.summary(limit=ERRORS_IN_FAILURE), metadata=metadata) from None
    for table in c.CONTRACT:
        raw = load.tables[table.name]
        yield dg.MaterializeResult(
            asset_key=RAW_KEYS[table.name],
            metadata={
                "dagster/row_count": len(raw.frame),
                "dagster/column_schema": column_schema(table),
                "edition": edition,
                "load_id": load.load_id,
                "replaced_load_id": load.replaced_load_id or "none",
                "source_path": dg.MetadataValue.path(str(raw.path)),
                "source_sha256": raw.sha256,
                "source_format": raw.path.suffix.lstrip("."),
                "source_sheet": raw.sheet or "none",
                "encoding": raw.encoding or f"none ({raw.path.suffix.lstrip('.')})",
                "warnings": dg.MetadataValue.json(raw.warnings),
            },
        )
        yield _check_result(table.name, load.outcomes[table.name], load.load_id, load.data_docs)
