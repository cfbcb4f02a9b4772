"""dbt build time for one edition at scale 1 and 10, and how long Dagster takes to load the definitions.

Run: .venv/bin/python -m benchmarks.bench_dbt [--repeats 3] [--scales 1 10]
Each figure is a median of repeated runs on this (noisy, 2-core) machine. The dbt figure is also
given against a baseline measured in the same process: `dbt debug`, which is dbt's start-up cost.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ieo.settings import TELEMETRY_OFF  # noqa: E402
for _var, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_var, _value)

from benchmarks.bench_foundation import timed  # noqa: E402
from checks.raw_load import load_edition  # noqa: E402
from ieo.sample.generator import generate  # noqa: E402
from ieo.settings import DBT_PROJECT_DIR, PROJECT_ROOT  # noqa: E402

BIN = Path(sys.executable).parent


def run(command: list[str], env: dict) -> float:
    """Wall seconds of one command."""
    return timed(lambda: subprocess.run(command, check=True, capture_output=True, env=env, cwd=PROJECT_ROOT), 1)[0]


def dbt_command(*args: str) -> list[str]:
    return [str(BIN / "dbt"), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ieo-bench-dbt-"))
    try:
        for scale in args.scales:
            raw, warehouse = work / f"raw{scale:g}", work / f"w{scale:g}.duckdb"
            generate(raw, seed=2020, scale=scale)
            load_edition(raw, warehouse, 2019)
            env = {**os.environ, "IEO_WAREHOUSE": str(warehouse)}
            run(dbt_command("seed"), env)
            build = [run(dbt_command("build", "--vars", "{edition: 2019}", "--exclude", "resource_type:seed"), env)
                     for _ in range(args.repeats)]
            startup = [run(dbt_command("debug"), env) for _ in range(args.repeats)]
            b, s = statistics.median(build), statistics.median(startup)
            print(f"dbt build, edition 2019, scale {scale:g} (36 models + tests): median {b:.1f} s over {len(build)} runs "
                  f"(min {min(build):.1f}, max {max(build):.1f}); dbt debug baseline {s:.1f} s; ratio {b / s:.1f}x")
        load = [run([str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
                    {**os.environ, "DAGSTER_HOME": str(work)}) for _ in range(args.repeats)]
        print(f"dagster definitions load (dagster definitions validate -w workspace.yaml): median {statistics.median(load):.1f} s "
              f"over {len(load)} runs (min {min(load):.1f}, max {max(load):.1f})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
