"""What `ieo run` and `ieo sample` show while they work: a line per step and materialization, a progress bar
for each step that runs longer than a couple of seconds (on a terminal), and a per-step timing table at the end.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

SHOW_AFTER_SECONDS = 2.0  # a step shorter than this gets no bar, only its lines
TIMING_FLOOR_SECONDS = 0.1  # shorter steps are summed into one row of the timing table


class SlowStepProgress(Progress):
    """Rich progress bars, drawn only for the tasks that have been running for SHOW_AFTER_SECONDS."""

    def get_renderables(self):
        yield self.make_tasks_table([task for task in self.tasks if (task.elapsed or 0) >= SHOW_AFTER_SECONDS])


COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def new_progress(console: Console) -> SlowStepProgress:
    return SlowStepProgress(*COLUMNS, console=console, transient=True)


class StepBars:
    """One bar per running Dagster step, advanced by each asset it materializes and each check it evaluates,
    out of the number of assets and checks the step declares."""

    def __init__(self, progress: Progress, expected: Mapping[str, int]):
        self.progress = progress
        self.expected = expected
        self.tasks: dict[str, int] = {}

    def update(self, event) -> None:
        kind, step = event.event_type_value, event.step_key
        if kind == "STEP_START":
            self.tasks[step] = self.progress.add_task(step, total=self.expected.get(step))
        elif kind in ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION") and step in self.tasks:
            self.progress.advance(self.tasks[step])
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and step in self.tasks:
            self.progress.remove_task(self.tasks.pop(step))


_bars: StepBars | None = None  # set while `ieo run` shows bars (run_progress); the logger feeds it


@contextmanager
def run_progress(expected: Mapping[str, int], console: Console | None = None) -> Iterator[None]:
    """Bars for the Dagster steps run inside the block, when stdout is a terminal; plain lines otherwise."""
    global _bars
    console = console or Console()
    if not console.is_terminal:
        yield
        return
    with new_progress(console) as progress:
        _bars = StepBars(progress, expected)
        try:
            yield
        finally:
            _bars = None


@contextmanager
def stage_progress(what: str, stages: int, console: Console | None = None) -> Iterator[Callable[[str], None]]:
    """A callback to call after each of ``stages`` stages: it advances a bar on a terminal, else prints a line
    with the seconds since the start."""
    console = console or Console()
    started = time.perf_counter()
    if not console.is_terminal:
        yield lambda stage: print(f"  {stage} ({time.perf_counter() - started:.1f} s)", flush=True)
        return
    with Progress(*COLUMNS, console=console, transient=True) as progress:
        task = progress.add_task(what, total=stages)

        def done(stage: str) -> None:
            progress.update(task, advance=1, description=f"{what}: {stage}")
        yield done


def expected_outputs(definitions: dg.Definitions) -> dict[str, int]:
    """Step (op) name -> how many assets and checks it materializes or evaluates, for every step of the project."""
    return {assets.node_def.name: len(assets.keys) + len(assets.check_keys)
            for assets in definitions.resolve_asset_graph().assets_defs if assets.is_executable}


class ProgressHandler(logging.Handler):
    """Turns Dagster events into progress lines and bars; everything else is left to the UI's event log."""

    def emit(self, record: logging.LogRecord) -> None:
        # Dagster attaches its event to each record it logs, as the record's `dagster_meta`.
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None:
            return
        if _bars is not None:
            _bars.update(event)
        line = describe_event(event)
        if line:
            if _bars is not None:
                _bars.progress.console.print(line, markup=False, highlight=False)
            else:
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


@dataclass(frozen=True)
class StepTiming:
    step: str
    seconds: float
    status: str


def step_timings(instance: dg.DagsterInstance, run_id: str) -> list[StepTiming]:
    """Each step of a run with its wall time and status, in the order the steps started."""
    stats = sorted(instance.get_run_step_stats(run_id), key=lambda s: s.start_time or 0)
    return [StepTiming(s.step_key, (s.end_time or s.start_time or 0) - (s.start_time or 0),
                       s.status.value if s.status else "UNKNOWN") for s in stats]


def timing_table(runs: Sequence[tuple[str, list[StepTiming]]]) -> Table:
    """Rows are steps, columns are runs (an edition each); steps under TIMING_FLOOR_SECONDS in every run are
    summed into one row, and the last row is each run's total of its steps."""
    table = Table(title="seconds per step", title_justify="left")
    table.add_column("step")
    for label, _ in runs:
        table.add_column(label, justify="right")
    seconds = [{t.step: t.seconds for t in timings} for _, timings in runs]
    failed = {t.step for _, timings in runs for t in timings if t.status == "FAILURE"}
    steps = list(dict.fromkeys(t.step for _, timings in runs for t in timings))
    slow = [s for s in steps if any(run.get(s, 0) >= TIMING_FLOOR_SECONDS for run in seconds)]
    for step in slow:
        table.add_row(step + (" (failed)" if step in failed else ""),
                      *(f"{run[step]:.1f}" if step in run else "" for run in seconds))
    quick = [s for s in steps if s not in slow]
    if quick:
        table.add_row(f"{len(quick)} other steps", *(f"{sum(run.get(s, 0) for s in quick):.1f}" for run in seconds))
    table.add_row("all steps", *(f"{sum(run.values()):.1f}" for run in seconds), style="bold")
    return table
