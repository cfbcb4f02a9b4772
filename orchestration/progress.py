"""A Dagster logger that prints one short line per step and materialization, for the CLI."""

from __future__ import annotations

import logging
import sys

import dagster as dg


class ProgressHandler(logging.Handler):
    """Turns Dagster events into progress lines; everything else is left to the UI's event log."""

    def emit(self, record: logging.LogRecord) -> None:
        # Dagster attaches its event to each record it logs, as the record's `dagster_meta`.
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None:
            return
        line = describe_event(event)
        if line:
            print(line, file=sys.stderr if event.is_failure else sys.stdout, flush=True)


def describe_event(event) -> str | None:
    kind = event.event_type_value
    if kind == "STEP_START":
        return f"  > {event.step_key} started"
    if kind == "STEP_SUCCESS":
        return f"  < {event.step_key} done"
    if kind == "STEP_FAILURE":
        return f"  ! {event.step_key} failed"
    if kind == "ASSET_MATERIALIZATION":
        materialization = event.event_specific_data.materialization
        rows = materialization.metadata.get("dagster/row_count")
        suffix = f" ({rows.value:,} rows)" if rows is not None else ""
        return f"    materialized {materialization.asset_key.to_user_string()}{suffix}"
    if kind == "ASSET_CHECK_EVALUATION":
        evaluation = event.event_specific_data
        warning = evaluation.severity == dg.AssetCheckSeverity.WARN
        status = "passed" if evaluation.passed else ("warned" if warning else "FAILED")
        return f"    check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} {status}"
    return None


@dg.logger(description="Short progress lines on stdout, used by `ieo run`.")
def progress_logger(_init_context) -> logging.Logger:
    logger = logging.getLogger("ieo.progress")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    if not any(isinstance(h, ProgressHandler) for h in logger.handlers):
        logger.addHandler(ProgressHandler())
    return logger
