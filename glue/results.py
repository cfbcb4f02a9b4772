"""Plain check outcomes as Dagster check results, with the same metadata keys everywhere, and checks' latest
results as the instance recorded them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dagster as dg

from checks.outcome import CheckOutcome
from ieo.engine import Engine

OWNER = "team:data-engineering"
# How many of a check's latest executions are searched for its latest result (of the edition's partition).
CHECK_LOOKBACK = 200
CHECK_RESULTS = ("SUCCEEDED", "FAILED", "EXECUTION_FAILED")
FOUND = "found"  # the metadata key under which every check's findings are shown
# Metadata of data kept because nothing it depends on changed (the seeds, a raw load, an edition's dbt build):
# whether this run loaded (or built) it, and the run whose load, build or check result is reported again.
RELOADED, REBUILT, CARRIED_FROM_RUN = "reloaded", "rebuilt", "carried_from_run"


def check_result(outcome: CheckOutcome, *, blocking: bool = True, key: dg.AssetKey | None = None,
                 name: str | None = None) -> dg.AssetCheckResult:
    """One outcome as a check result; blocking checks fail with ERROR severity, the others warn."""
    return dg.AssetCheckResult(
        asset_key=key, check_name=name, passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        metadata={FOUND: dg.MetadataValue.json(outcome.found)},
    )


def run_checks(engine: Engine, edition: int, key: dg.AssetKey,
               checks: Iterable[Callable[..., CheckOutcome]]) -> list[dg.AssetCheckResult]:
    """Run plain checks (functions of a connection, DuckDB's or Spark's, and an edition) as blocking results."""
    with engine.connect() as con:
        return [check_result(check(con, edition), key=key, name=check.__name__) for check in checks]


def latest_check_record(instance: dg.DagsterInstance, key: dg.AssetCheckKey, partition: str | None = None):
    """The latest execution of a check that has a result (for a partitioned asset, of ``partition``), or None.

    Executions only planned or skipped (a run that did not evaluate the check) are passed over; a partitioned
    check's execution is recorded under its partition when planned and its result may be recorded without it.
    """
    history = instance.event_log_storage.get_asset_check_execution_history(key, limit=CHECK_LOOKBACK)
    if partition is not None:
        runs = {r.run_id for r in history if r.partition == partition}
        history = [r for r in history if r.run_id in runs]
    return next((r for r in history if r.status.value in CHECK_RESULTS), None)


def latest_materialization(instance: dg.DagsterInstance, key: dg.AssetKey, partition: str) -> dg.EventLogRecord | None:
    """The asset's latest materialization of ``partition``, if any."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1).records
    return records[0] if records else None


def carried_materialization(key: dg.AssetKey, record: dg.EventLogRecord, made: str) -> dg.MaterializeResult:
    """A kept table's last materialization reported again, naming the run that made it (kept when carried again);
    ``made`` (RELOADED, REBUILT) says this run did not make it."""
    return dg.MaterializeResult(asset_key=key, metadata={
        CARRIED_FROM_RUN: record.run_id, **record.asset_materialization.metadata, made: False})


def carried_check(record) -> dg.AssetCheckResult:
    """A check's last result reported again, as it was (passed, severity, findings), naming the run that found it."""
    evaluation = record.event.dagster_event.event_specific_data
    return dg.AssetCheckResult(asset_key=evaluation.asset_key, check_name=evaluation.check_name,
                               passed=evaluation.passed, severity=evaluation.severity,
                               metadata={CARRIED_FROM_RUN: record.run_id, **evaluation.metadata})


def check_stands(record) -> bool:
    """Whether a check's latest result (``latest_check_record``) lets what it checked stand: it passed, or it
    failed with WARN severity (a warning that does not stop the build)."""
    if record is None or record.status.value not in ("SUCCEEDED", "FAILED"):
        return False
    evaluation = record.event.dagster_event.event_specific_data
    return evaluation.passed or evaluation.severity == dg.AssetCheckSeverity.WARN


def latest_check_results(instance: dg.DagsterInstance, keys: list[dg.AssetCheckKey],
                         partitioned_assets: set[dg.AssetKey], partition: str) -> dict[dg.AssetCheckKey, str]:
    """Each check's latest result (of ``partition`` for a partitioned asset): SUCCEEDED, FAILED or EXECUTION_FAILED."""
    found = {}
    for key in keys:
        record = latest_check_record(instance, key, partition if key.asset_key in partitioned_assets else None)
        if record is not None:
            found[key] = record.status.value
    return found


ENGINE = "engine"  # the metadata key naming where a materialization's table was written (ieo.engine.Engine.where)


def engine_metadata(engine: Engine) -> dict[str, str]:
    return {ENGINE: engine.where}


def written_elsewhere(instance: dg.DagsterInstance, keys: Iterable[dg.AssetKey], partition: str,
                      where: str) -> dict[str, str]:
    """The assets whose latest materialization of ``partition`` wrote its table to another engine than ``where``,
    with that engine (a materialization that recorded none, from before engines were recorded, is not counted)."""
    found: dict[str, str] = {}
    for key in keys:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1).records
        value = records[0].asset_materialization.metadata.get(ENGINE) if records else None
        written = getattr(value, "value", value)
        if written not in (None, where):
            found[key.to_user_string()] = written
    return found
