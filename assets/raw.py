"""Raw survey loads: one asset per contract table, partitioned by edition.

Each load is written, audited and published: the edition's rows are written
under a new load id, the contract's Great Expectations suites validate that
load, and only a load that passes becomes the edition's current data (see
``ieo.warehouse``). A failed load is kept with its check results; nothing
downstream reads it. The tables are materialized together by one multi-asset.
"""


import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import dagster as dg

from assets.common import OWNER
from checks.contract_suites import DEFAULT_ENGINE, SuiteOutcome, validate_edition
from ieo import contract as c
from ieo.raw_reader import ContractViolation, RawTable, read_edition
from ieo.reference import TAXONOMIES
from ieo.warehouse import RAW_SCHEMA, finish_load, reject_load, sql_type, write_load
from orchestration.partitions import ONE_EDITION_PER_RUN, edition_partitions
from orchestration.resources import IeoSettings

CONTRACT_CHECK = "contract_suite"
ERRORS_IN_FAILURE = 20  # errors the step's failure description lists; the metadata table holds up to 200
RAW_KEYS = {table.name: dg.AssetKey([RAW_SCHEMA, table.name]) for table in c.CONTRACT}
# The seeds the reader and the suites read (from their files): accepted provinces, countries and taxonomies.
REFERENCE_INPUTS = [dg.AssetKey(["reference", name]) for name in ("provinces", "countries", *TAXONOMIES)]


class SuiteViolation(ContractViolation):
    """The edition was readable but broke value rules; carries what every suite found.

    The load was kept as failed under ``load_id``; ``data_docs`` is its Data Docs index.
    """

    def __init__(self, edition: int, load_id: str, outcomes: dict[str, SuiteOutcome], data_docs: Path | None):
        self.load_id = load_id
        self.outcomes = outcomes
        self.data_docs = data_docs
        super().__init__(edition, [e for o in outcomes.values() for e in o.errors])


@dataclass
class EditionLoad:
    edition: int
    load_id: str
    loaded_at: dt.datetime
    tables: dict[str, RawTable]
    outcomes: dict[str, SuiteOutcome]
    data_docs: Path | None
    replaced_load_id: str | None


def load_edition(
    raw_dir: Path,
    warehouse: Path,
    edition: int,
    load_id: "str | None" = None,
    *,
    engine: str = DEFAULT_ENGINE,
    docs_dir: Path | None = None,
) -> EditionLoad:
    """Write, audit and publish one edition's load.

    Raises ContractViolation when files are unreadable (the attempt is recorded as
    rejected) and SuiteViolation when the suites fail (the load is kept as failed);
    either way the edition's current load is unchanged.
    """
    load_id = load_id or uuid.uuid4().hex
    try:
        tables = read_edition(raw_dir, edition)
    except ContractViolation as exc:
        reject_load(warehouse, edition, load_id, engine, [asdict(e) for e in exc.errors])
        raise
    loaded_at = write_load(warehouse, edition, tables, load_id, engine)
    site = Path(docs_dir) / str(edition) / load_id if docs_dir is not None else None
    validation = validate_edition(tables, edition, engine=engine, warehouse=warehouse, load_id=load_id, docs_dir=site)
    replaced = finish_load(
        warehouse,
        edition,
        load_id,
        {name: (o.success, o.failed) for name, o in validation.outcomes.items()},
        str(validation.data_docs) if validation.data_docs else None,
    )
    if not validation.success:
        raise SuiteViolation(edition, load_id, validation.outcomes, validation.data_docs)
    return EditionLoad(edition, load_id, loaded_at, tables, validation.outcomes, validation.data_docs, replaced)


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
            group_name="raw",
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
def raw_survey_edition(context: dg.AssetExecutionContext, settings: IeoSettings):
    """Write, audit and publish one edition's raw files: all tables become current together, or none."""
    edition = int(context.partition_key)
    try:
        load = load_edition(
            settings.raw_path,
            settings.warehouse_path,
            edition,
            context.run_id,
            engine=settings.validation_engine,
            docs_dir=settings.data_docs_path,
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
                "encoding": raw.encoding or "parquet",
                "warnings": dg.MetadataValue.json(raw.warnings),
            },
        )
        yield _check_result(table.name, load.outcomes[table.name], load.load_id, load.data_docs)
