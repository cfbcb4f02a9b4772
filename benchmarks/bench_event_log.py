"""Dagster's own SQLite event log against glue.instance's kept-engine one, side by side in this process.

Run: .venv/bin/python -m benchmarks.bench_event_log [--repeats 5] [--events 200] [--ieo-run]

1. Storing events: ``--events`` asset materializations, each followed by an asset check evaluation on it (the
   pair every dbt model and test of a run writes), through an instance on Dagster's default settings and one on
   the shipped orchestration/dagster.yaml, alternately; milliseconds per event, medians, and the ratio.
2. With --ieo-run: `ieo run --edition 2019` on the sample, alternately on the two instance settings (each its own
   warehouse and instance, one first run each, then ``--repeats`` steady runs); medians of the steady runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef

from benchmarks.bench_speed import BIN, EDITION, environment, run_command
from orchestration.cli import INSTANCE_TEMPLATE


def settings_variants() -> dict[str, dict]:
    """The shipped instance settings, and the same without the instance class (Dagster's own storage)."""
    shipped = yaml.safe_load(INSTANCE_TEMPLATE.read_text(encoding="utf-8"))
    dagsters = {key: value for key, value in shipped.items() if key != "instance_class"}
    return {"dagster": dagsters, "kept": shipped}


def _write_settings(home: Path, settings: dict) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return home


def milliseconds_per_event(home: Path, events: int) -> float:
    """Store ``events`` materializations, each with a check evaluation, as a run's steps would."""
    check_key = dg.AssetCheckKey(dg.AssetKey("bench"), "rows_positive")
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization("warm_up"))
        started = time.perf_counter()
        for number in range(events):
            instance.report_runless_asset_event(dg.AssetMaterialization("bench", metadata={"rows": number}))
            instance.report_runless_asset_event(dg.AssetCheckEvaluation(
                asset_key=check_key.asset_key, check_name=check_key.name, passed=True, metadata={"rows": number}))
        return (time.perf_counter() - started) * 1000 / (2 * events)


def ieo_run_seconds(repeats: int, variants: dict[str, dict]) -> dict[str, list[float]]:
    from ieo.sample.generator import generate

    with tempfile.TemporaryDirectory(prefix="ieo-bench-event-log-") as scratch:
        raw = Path(scratch) / "raw"
        generate(raw)
        envs = {}
        for name, settings in variants.items():
            envs[name] = environment(Path(scratch) / name, raw)
            _write_settings(Path(envs[name]["DAGSTER_HOME"]), settings)
        command = [str(BIN / "ieo"), "run", "--edition", str(EDITION)]
        seconds: dict[str, list[float]] = {name: [] for name in variants}
        for name in variants:
            run_command(command, envs[name])  # the first run: reference data, dbt's parse
        for _ in range(repeats):
            for name in variants:
                seconds[name].append(run_command(command, envs[name])[0])
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--ieo-run", action="store_true", help="also time `ieo run` on both settings")
    args = parser.parse_args()
    variants = settings_variants()
    per_event: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory(prefix="ieo-bench-events-") as scratch:
        for repeat in range(args.repeats):
            for name, settings in variants.items():
                home = _write_settings(Path(scratch) / f"{name}-{repeat}", settings)
                per_event[name].append(milliseconds_per_event(home, args.events))
    medians = {name: statistics.median(values) for name, values in per_event.items()}
    for name, values in per_event.items():
        print(f"1. {name:8s} {medians[name]:.2f} ms per event (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"   Dagster's own / kept engines: {medians['dagster'] / medians['kept']:.1f}x")
    if args.ieo_run:
        seconds = ieo_run_seconds(args.repeats, variants)
        for name, values in seconds.items():
            print(f"2. ieo run --edition {EDITION}, steady, {name:8s} {statistics.median(values):.1f} s "
                  f"(runs: {', '.join(f'{v:.1f}' for v in values)})")
        print(f"   ratio {statistics.median(seconds['dagster']) / statistics.median(seconds['kept']):.2f}x")


if __name__ == "__main__":
    main()
