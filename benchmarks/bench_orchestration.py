"""Orchestration timings: `dagster dev` from start to a loaded asset graph, and one edition end to end
through the annual schedule's run request, at scale 1.

Run: .venv/bin/python -m benchmarks.bench_orchestration [--repeats 3] [--cache DIR]

The UI figure is the wall time from starting `dagster dev` to its GraphQL API listing the asset
nodes, against a baseline of loading the same definitions in a fresh Python process. The
materialization is the `survey_edition` run the annual schedule requests for edition 2019
(evaluated for 15 January 2020), executed in process after the reference seeds.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

from ieo.settings import TELEMETRY_OFF  # noqa: E402
from orchestration.cli import INSTANCE_TEMPLATE  # noqa: E402
from tests.processes import free_port, interruptible  # noqa: E402
for _var, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_var, _value)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def dev_start_seconds(env: dict) -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, preexec_fn=interruptible)
    try:
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql",
                                                 data=json.dumps({"query": "{ assetNodes { id } }"}).encode(),
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    if json.loads(response.read())["data"]["assetNodes"]:
                        return time.perf_counter() - started
            except (OSError, KeyError, TypeError, ValueError):
                time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def definitions_load_seconds(env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import orchestration.definitions"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", default=os.environ.get("IEO_BENCH_CACHE", "/tmp/ieo-bench-graph"))
    args = parser.parse_args()

    import dagster as dg

    from glue.dbt import prepare_manifest
    from ieo.sample.generator import generate
    from ieo.settings import PATH_SETTINGS, Settings
    from orchestration.automation import annual_final_release

    raw = Path(args.cache) / "scale1"
    if not (raw / "2019" / "relations.csv").exists():
        generate(raw, seed=2020, scale=1.0)
    prepare_manifest()
    work = Path(tempfile.mkdtemp(prefix="ieo-bench-orchestration-"))
    try:
        settings = Settings(raw_dir=raw, warehouse=work / "w.duckdb", publish_dir=work / "published",
                            dagster_home=work / "home", data_docs_dir=work / "docs")
        settings.dagster_home.mkdir()
        shutil.copy(INSTANCE_TEMPLATE, settings.dagster_home / "dagster.yaml")
        env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                   **{var: str(getattr(settings, name)) for name, (var, _default) in PATH_SETTINGS.items()})

        baseline = [definitions_load_seconds(env) for _ in range(args.repeats)]
        dev = []
        for _ in range(args.repeats):
            dev.append(dev_start_seconds(env))
        print(f"definitions load in a fresh process: median {statistics.median(baseline):.1f} s "
              f"(min {min(baseline):.1f}, max {max(baseline):.1f})")
        print(f"dagster dev, start to loaded asset graph: median {statistics.median(dev):.1f} s "
              f"(min {min(dev):.1f}, max {max(dev):.1f}); {statistics.median(dev) / statistics.median(baseline):.1f}x "
              "the definitions load")

        from orchestration.definitions import build_definitions

        definitions = build_definitions(settings)
        repository = definitions.get_repository_def()
        when = dt.datetime(2020, 1, 15, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
        with dg.build_schedule_context(scheduled_execution_time=when, repository_def=repository) as context:
            [request] = annual_final_release.evaluate_tick(context).run_requests
        job = definitions.resolve_job_def(annual_final_release.job_name)
        walls = []
        for _ in range(max(1, args.repeats - 1)):
            instance = dg.DagsterInstance.ephemeral()
            started = time.perf_counter()
            assert definitions.resolve_job_def("reference_data").execute_in_process(instance=instance).success
            seeds = time.perf_counter() - started
            result = job.execute_in_process(instance=instance, partition_key=request.partition_key, tags=request.tags)
            assert result.success
            walls.append((seeds, time.perf_counter() - started))
        edition_only = [total - seeds for seeds, total in walls]
        print(f"annual schedule's run for edition {request.partition_key} (tags {request.tags}), scale 1: "
              f"median {statistics.median(edition_only):.1f} s for the edition run, "
              f"{statistics.median([t for _, t in walls]):.1f} s with the reference seeds, over {len(walls)} runs")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
