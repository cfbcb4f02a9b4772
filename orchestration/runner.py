"""Run the platform in the foreground: each edition, in turn, through Dagster.

One runner for `ieo run`, `ieo verify` and the tests, so the order of runs and how a failure is
reported are written once.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import dagster as dg

from glue.tags import HOST_TAG, PID_TAG, REBUILD_MODELS_TAG, RELEASE_KIND_TAG, RELOAD_RAW_TAG, TRIGGER_TAG
from ieo import contract, names
from orchestration.jobs import edition_job, reference_job

RAW_ONLY = [dg.AssetKey([names.RAW, table.name]) for table in contract.CONTRACT]


@dataclass(frozen=True)
class Step:
    """One run: a job, its partition (an edition) and optionally a subset of its assets."""

    label: str
    job: str
    partition: str | None = None
    selection: Sequence[dg.AssetKey] | None = None


@dataclass
class StepResult:
    step: Step
    success: bool
    run_id: str
    seconds: float
    failures: list[str] = field(default_factory=list)


def plan(editions: Sequence[int], raw_only: Sequence[int] = (), reseed: bool = False) -> list[Step]:
    """The editions loaded raw only, then each edition end to end (which loads the reference data when the
    warehouse lacks it or its files changed); ``reseed`` first reloads the reference data regardless."""
    steps = [Step("reference data", reference_job.name)] if reseed else []
    steps += [Step(f"edition {e} (raw only)", edition_job.name, str(e), RAW_ONLY) for e in raw_only]
    steps += [Step(f"edition {e}", edition_job.name, str(e)) for e in editions]
    return steps


def failure_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """Each failed step with the description its asset gave, else the root cause of its error."""
    lines = []
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        data = event.step_failure_data
        description = data.user_failure_data.description if data.user_failure_data else None
        error = data.error
        while error is not None and error.cause is not None:  # the root cause says what went wrong
            error = error.cause
        lines.append(f"{event.step_key}: {description or error.message.strip()}")
    return lines


def execute(definitions: dg.Definitions, instance: dg.DagsterInstance, steps: Sequence[Step], *,
            tags: dict[str, str], run_config: dict | None = None, stop_on_failure: bool = False,
            on_start: Callable[[Step], None] | None = None,
            on_end: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """Run each step in turn in this process; ``stop_on_failure`` skips the rest after a failed run."""
    results = []
    for step in steps:
        if on_start:
            on_start(step)
        started = time.perf_counter()
        result = definitions.resolve_job_def(step.job).execute_in_process(
            instance=instance, run_config=run_config or {}, partition_key=step.partition, raise_on_error=False,
            tags=tags, asset_selection=list(step.selection) if step.selection else None)
        outcome = StepResult(step, result.success, result.run_id, time.perf_counter() - started,
                             [] if result.success else failure_lines(result))
        results.append(outcome)
        if on_end:
            on_end(outcome)
        if stop_on_failure and not outcome.success:
            break
    return results


IN_PROGRESS = (dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED)


def run_tags() -> dict[str, str]:
    """Tags naming this process, so a run it executes in-process can be found and failed if the process dies."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def cli_tags(release_kind: str, reload_raw: bool, rebuild_models: bool) -> dict[str, str]:
    """The tags of an `ieo run`'s runs: what started them, the release kind, this process, and whether the raw
    load and the dbt build were forced (written either way, so every run records it)."""
    return {TRIGGER_TAG: "cli", RELEASE_KIND_TAG: release_kind, **run_tags(),
            RELOAD_RAW_TAG: str(reload_raw).lower(), REBUILD_MODELS_TAG: str(rebuild_models).lower()}


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def is_orphaned(tags: dict[str, str], host: str, alive: Callable[[int], bool] = process_alive) -> bool:
    """An in-process run whose process, on this host, is gone (a run from another host is left to that host)."""
    pid = tags.get(PID_TAG)
    return bool(pid) and pid.isdigit() and tags.get(HOST_TAG) == host and not alive(int(pid))


def reap_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every in-progress run executed in-process by a process of this host that has died (killed
    `ieo run`), so it no longer holds a place in the run queue; returns their run ids."""
    host = socket.gethostname()
    reaped = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=list(IN_PROGRESS), tags={HOST_TAG: host})):
        run = record.dagster_run
        if is_orphaned(run.tags, host):
            instance.report_run_failed(run, f"the process that executed this run (pid {run.tags[PID_TAG]} on {host}) "
                                            "ended without finishing it")
            reaped.append(run.run_id)
    return reaped
