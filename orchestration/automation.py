"""Schedules and the raw-drop sensor: when the survey edition job runs by itself.

- ``annual_final_release``: mid-January of year Y+1, edition Y end to end, published as final.
- ``quarterly_provisional_release``: the first day of each quarter, the edition in progress
  re-materialized from its latest raw drop and published as provisional.
- ``raw_drop_sensor``: a new or changed edition folder under IEO_RAW_DIR, once complete and
  settled, starts a run for that edition only (provisional, so it never replaces a final release).
- ``dead_run_reaper``: a run whose `ieo run` process died is marked failed, so it frees the run queue.

The decisions are plain functions of the time and the raw folder, so tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import dagster as dg

from glue.tags import RELEASE_KIND_TAG, TRIGGER_TAG
from ieo.raw_drops import READY, content_fingerprint, inspect_drop
from ieo.raw_reader import available_editions, edition_dir
from ieo.release import FINAL, PROVISIONAL
from ieo.settings import DEFAULT_STABLE_SECONDS, STABLE_SECONDS_VARIABLE, Settings
from orchestration.jobs import edition_job
from orchestration.runner import reap_dead_runs

TIMEZONE = "Asia/Shanghai"
ANNUAL_CRON = "0 6 15 1 *"  # 15 January, 06:00: the survey year is closed and its files are in
QUARTERLY_CRON = "0 6 1 1,4,7,10 *"
def annual_edition(scheduled: dt.datetime) -> int:
    """The edition the annual run finalises: the year before the one the run falls in."""
    return scheduled.year - 1


def in_progress_edition(scheduled: dt.datetime) -> int:
    """The edition being collected at a quarter's start: the year of the quarter just ended
    (so 1 January refreshes the year that just closed, before its final release)."""
    return (scheduled - dt.timedelta(days=1)).year


def edition_request(raw_dir: Path, edition: int, kind: str, trigger: str, run_key: str) -> dg.RunRequest | dg.SkipReason:
    if not edition_dir(raw_dir, edition).is_dir():
        return dg.SkipReason(f"no raw folder for edition {edition} in {raw_dir}")
    return dg.RunRequest(run_key=run_key, partition_key=str(edition),
                         tags={RELEASE_KIND_TAG: kind, TRIGGER_TAG: trigger})


@dg.schedule(job=edition_job, cron_schedule=ANNUAL_CRON, execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Every 15 January: materialize last year's edition end to end and publish it as final.")
def annual_final_release(context: dg.ScheduleEvaluationContext):
    edition = annual_edition(context.scheduled_execution_time)
    return edition_request(Settings.from_env().raw_dir, edition, FINAL, "annual_schedule", f"final-{edition}")


@dg.schedule(job=edition_job, cron_schedule=QUARTERLY_CRON, execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Each quarter: re-materialize the edition in progress from its latest raw drop and publish "
             "it as provisional (never over a final release).")
def quarterly_provisional_release(context: dg.ScheduleEvaluationContext):
    scheduled = context.scheduled_execution_time
    edition = in_progress_edition(scheduled)
    return edition_request(Settings.from_env().raw_dir, edition, PROVISIONAL, "quarterly_schedule",
                           f"provisional-{edition}-{scheduled:%Y%m%d}")


def drop_requests(raw_dir: Path, cursor: dict, now: float, stable_seconds: float) -> tuple[list[dg.RunRequest], dict, list[str]]:
    """Run requests for the edition folders that changed since ``cursor``, the new cursor, and notes.

    The cursor maps each edition to the signature and content hash last acted on; a folder whose
    signature is unchanged is not hashed again.
    """
    requests, notes, updated = [], [], dict(cursor)
    for edition in available_editions(raw_dir):
        folder = edition_dir(raw_dir, edition)
        state = inspect_drop(folder, now, stable_seconds)
        seen = cursor.get(str(edition), {})
        if state.status != READY:
            notes.append(f"{edition}: {state.status} ({state.detail})")
            continue
        if seen.get("signature") == state.signature:
            continue
        fingerprint = content_fingerprint(folder)
        updated[str(edition)] = {"signature": state.signature, "fingerprint": fingerprint}
        if seen.get("fingerprint") == fingerprint:
            continue  # touched, not changed
        requests.append(dg.RunRequest(
            run_key=f"drop-{edition}-{fingerprint[:16]}", partition_key=str(edition),
            tags={RELEASE_KIND_TAG: PROVISIONAL, TRIGGER_TAG: "raw_drop_sensor", "ieo/raw_fingerprint": fingerprint},
        ))
    return requests, updated, notes


@dg.sensor(job=edition_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Watches IEO_RAW_DIR: when an edition folder is new or its files' contents change, and it "
           f"holds every contract table untouched for {STABLE_SECONDS_VARIABLE} seconds (default "
           f"{DEFAULT_STABLE_SECONDS:g}), "
           "requests a provisional run of that edition only.")
def raw_drop_sensor(context: dg.SensorEvaluationContext):
    settings = Settings.from_env()
    cursor = json.loads(context.cursor) if context.cursor else {}
    requests, updated, notes = drop_requests(settings.raw_dir, cursor, time.time(), settings.raw_stable_seconds)
    for note in notes:
        context.log.info(note)
    context.update_cursor(json.dumps(updated, sort_keys=True))
    if not requests:
        return dg.SkipReason("; ".join(notes) or "no new or changed edition folder")
    return requests


@dg.sensor(minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Marks failed the runs whose `ieo run` process died (killed, machine crash) before finishing "
           "them, so that they stop holding the run queue's place; the daemon's run monitoring does the same for "
           "runs it launched.")
def dead_run_reaper(context: dg.SensorEvaluationContext):
    reaped = reap_dead_runs(context.instance)
    return dg.SkipReason(f"marked failed: {', '.join(reaped)}" if reaped else "no dead in-process runs")
