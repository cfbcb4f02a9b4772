"""Raw survey loads: one asset per contract table, partitioned by edition.

Each load is written, audited and published by ``checks.raw_load.load_edition``; this module
shows its outcome in Dagster: a materialization per table and the blocking contract check with
the failed expectations. The tables are materialized together by one multi-asset.
"""


from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from checks.outcome import SuiteOutcome
from checks.raw_load import load_edition, load_fingerprint
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import (
    OWNER,
    RELOADED,
    carried_check,
    carried_materialization,
    latest_check_record,
    latest_materialization,
)
from glue.tags import RELOAD_RAW_TAG
from ieo import contract as c
from ieo import names
from ieo.lake import REGISTRY_NAMES, load_file, registry_file
from ieo.raw_reader import ContractViolation
from ieo.reference import TAXONOMIES
from ieo.warehouse import current_load_id, sql_type

CONTRACT_CHECK = "contract_suite"
LOAD_FINGERPRINT = "load_fingerprint"  # materialization metadata: checks.raw_load.load_fingerprint of the load
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
    """Write, audit and publish one edition's raw files: all tables become current together, or none.

    When nothing the load depends on changed since the warehouse's current load (``load_fingerprint``: the files,
    the reference seeds, the code and the libraries), that load stands and its check results are reported with
    the run they came from, as the seeds' are; the run tag RELOAD_RAW_TAG (`ieo run --reload-raw`) loads anyway.
    """
    edition = int(context.partition_key)
    fingerprint = load_fingerprint(settings.raw_path, edition, settings.validation)
    recorded = recorded_loads(context.instance, context.partition_key)
    checks = {table: latest_check_record(context.instance, dg.AssetCheckKey(key, CONTRACT_CHECK), context.partition_key)
              for table, key in RAW_KEYS.items()}
    current = current_load_id(settings.warehouse_path, edition)
    reason = reload_reason(
        context.run.tags.get(RELOAD_RAW_TAG) == "true", fingerprint, current,
        {table: _load_and_fingerprint(record) for table, record in recorded.items()},
        all(record is not None and record.status.value == "SUCCEEDED" for record in checks.values()),
        current is not None and lake_holds(settings.table_engine.lake, edition, current))
    if reason is None:
        context.log.info(f"edition {edition}: nothing its load depends on changed since load {current}; not reloaded")
        yield from carried_load(recorded, checks)
        return
    context.log.info(f"loading edition {edition}: {reason}")
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
                RELOADED: True,
                LOAD_FINGERPRINT: fingerprint,
                "source_path": dg.MetadataValue.path(str(raw.path)),
                "source_sha256": raw.sha256,
                "source_format": raw.path.suffix.lstrip("."),
                "source_sheet": raw.sheet or "none",
                "encoding": raw.encoding or f"none ({raw.path.suffix.lstrip('.')})",
                "warnings": dg.MetadataValue.json(raw.warnings),
            },
        )
        yield _check_result(table.name, load.outcomes[table.name], load.load_id, load.data_docs)


def reload_reason(forced: bool, fingerprint: str, current: str | None,
                  recorded: dict[str, tuple[str, str] | None], checks_passed: bool, lake_whole: bool) -> str | None:
    """Why the edition's raw files must be loaded again, or None when the warehouse's current load was made from
    inputs with this ``fingerprint`` (``recorded``: each table's last materialization's load id and fingerprint),
    the instance holds that load's passing contract checks and the lake still holds its files (the raw views and
    Spark read them there; a load writes them again)."""
    if forced:
        return "the run asks for it"
    if current is None:
        return "the warehouse has no current load of the edition"
    if any(found is None for found in recorded.values()):
        return "this Dagster instance has recorded no load of some of its tables"
    loads = {found[0] for found in recorded.values() if found}
    if loads != {current}:
        return f"the warehouse's current load ({current}) is not the one this Dagster instance recorded last"
    if {found[1] for found in recorded.values() if found} != {fingerprint}:
        return f"its files, the reference seeds or the code that reads and checks them changed since load {current}"
    if not checks_passed:
        return f"this Dagster instance has no passing contract checks of load {current}"
    if not lake_whole:
        return f"the lake lacks some of the files of load {current}"
    return None


def lake_holds(lake: Path, edition: int, load_id: str) -> bool:
    """Whether the lake holds every table of the load and the registry of loads."""
    return (all(load_file(lake, table.name, edition, load_id).exists() for table in c.CONTRACT)
            and all(registry_file(lake, name).exists() for name in REGISTRY_NAMES))


def recorded_loads(instance: dg.DagsterInstance, partition: str) -> dict[str, dg.EventLogRecord | None]:
    """Each raw table's latest materialization of the edition, if any."""
    return {table: latest_materialization(instance, key, partition) for table, key in RAW_KEYS.items()}


def _load_and_fingerprint(record: dg.EventLogRecord | None) -> tuple[str, str] | None:
    if record is None or record.asset_materialization is None:
        return None
    metadata = record.asset_materialization.metadata
    return str(_value(metadata.get("load_id"))), str(_value(metadata.get(LOAD_FINGERPRINT)))


def _value(entry: dg.MetadataValue | None) -> object:
    return None if entry is None else entry.value


def carried_load(recorded: dict[str, dg.EventLogRecord], checks: dict) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """The current load's materializations and contract checks again, as last recorded, each naming the run that
    loaded or checked it (kept when carried again)."""
    for table in c.CONTRACT:
        yield carried_materialization(RAW_KEYS[table.name], recorded[table.name], RELOADED)
        yield carried_check(checks[table.name])
