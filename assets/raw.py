"""Raw survey loads: one asset per contract table, partitioned by edition.

An edition is read, validated by the contract's Great Expectations suites and
written in one transaction, so it is loaded whole or not at all. The tables
are materialized together by one multi-asset for that reason.
"""


import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from assets.common import OWNER
from checks.contract_suites import SuiteOutcome, validate_edition
from ieo import contract as c
from ieo.raw_reader import ContractViolation, RawTable, read_edition
from ieo.warehouse import RAW_SCHEMA, sql_type, write_edition
from orchestration.partitions import edition_partitions
from orchestration.resources import IeoSettings

CONTRACT_CHECK = "contract_suite"
ERRORS_IN_FAILURE = 20  # errors the step's failure description lists; the metadata table holds up to 200
RAW_KEYS = {table.name: dg.AssetKey([RAW_SCHEMA, table.name]) for table in c.CONTRACT}


class SuiteViolation(ContractViolation):
    """The edition was readable but broke value rules; carries what every suite found."""

    def __init__(self, edition: int, outcomes: dict[str, SuiteOutcome]):
        self.outcomes = outcomes
        super().__init__(edition, [e for o in outcomes.values() for e in o.errors])


@dataclass
class EditionLoad:
    edition: int
    load_id: str
    loaded_at: dt.datetime
    tables: dict[str, RawTable]
    outcomes: dict[str, SuiteOutcome]


def load_edition(raw_dir: Path, warehouse: Path, edition: int, load_id: "str | None" = None) -> EditionLoad:
    """Read, validate and write one edition; raise ContractViolation and write nothing if it is bad."""
    load_id = load_id or uuid.uuid4().hex
    tables = read_edition(raw_dir, edition)
    outcomes = validate_edition(tables, edition)
    if not all(o.success for o in outcomes.values()):
        raise SuiteViolation(edition, outcomes)
    loaded_at = write_edition(warehouse, edition, tables, load_id)
    return EditionLoad(edition, load_id, loaded_at, tables, outcomes)


def column_schema(table: c.Table) -> dg.TableSchema:
    columns = [dg.TableColumn("edition", "integer", description="Survey edition")]
    columns += [
        dg.TableColumn(col.name, sql_type(col).lower(), description=col.description, constraints=dg.TableColumnConstraints(nullable=not col.required, unique=col.unique))
        for col in table.columns
    ]
    return dg.TableSchema(columns=columns)


def _check_result(table: str, outcome: SuiteOutcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=RAW_KEYS[table],
        check_name=CONTRACT_CHECK,
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "file": outcome.file,
            "expectations_evaluated": outcome.evaluated,
            "expectations_failed": len(outcome.failed),
            "unexpected_rows": len(outcome.errors),
            "failed_expectations": dg.MetadataValue.json(outcome.failed),
        },
    )


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
            group_name="raw",
            kinds={"duckdb", "python"},
            owners=[OWNER],
            metadata={"dagster/column_schema": column_schema(table), "contract_version": c.CONTRACT_VERSION},
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
    can_subset=False,
)
def raw_survey_edition(context: dg.AssetExecutionContext, settings: IeoSettings):
    """Load one edition's raw files into the warehouse's raw schema, all tables or none."""
    edition = int(context.partition_key)
    try:
        load = load_edition(settings.raw_path, settings.warehouse_path, edition, context.run_id)
    except ContractViolation as exc:
        for table, outcome in getattr(exc, "outcomes", {}).items():
            yield _check_result(table, outcome)
        raise dg.Failure(
            description=exc.summary(limit=ERRORS_IN_FAILURE),
            metadata={"edition": edition, "error_count": len(exc.errors), "errors": dg.MetadataValue.md(_error_table(exc))},
        ) from None
    for table in c.CONTRACT:
        raw = load.tables[table.name]
        yield dg.MaterializeResult(
            asset_key=RAW_KEYS[table.name],
            metadata={
                "dagster/row_count": len(raw.frame),
                "dagster/column_schema": column_schema(table),
                "edition": edition,
                "load_id": load.load_id,
                "source_path": dg.MetadataValue.path(str(raw.path)),
                "source_sha256": raw.sha256,
                "source_format": raw.path.suffix.lstrip("."),
                "encoding": raw.encoding or "parquet",
                "warnings": dg.MetadataValue.json(raw.warnings),
            },
        )
        yield _check_result(table.name, load.outcomes[table.name])
