"""The figures of the speed issue's targets 1-5 in one command, each measured side by side in this process.

Run: .venv/bin/python -m benchmarks.bench_speed [--repeats 3] [--scale-100] [--test-fast] [--suite]

1. The floor (benchmarks.bench_floor) and `ieo run --edition 2019` at scale 1, on the same raw files: the first
   run on an empty warehouse and instance, then steady runs (the reference data loaded, dbt's parse saved);
   medians, and the ratio of the steady run to the floor. The floor's CSV files are compared with the run's.
2. The dbt step (the `survey_models` step of those runs, from the Dagster instance's step statistics), against a
   bare `dbt build` of the same models and tests outside Dagster.
3. `dagster definitions validate`, importing the definitions, and `dagster dev` to a loaded asset graph.
4. With --scale-100: `ieo sample --scale 100`, then `ieo run --edition 2019` on it: wall time and the peak resident
   memory of the command and every process it starts (summed, sampled from /proc by bench_engines.PeakMemory).
5. With --test-fast: `make test-fast`'s pytest command. With --suite: `make test`'s pytest command in its two
   parts, the tests that start no external engine or daemon (`-m "not spark and not daemon"`, the 8-minute
   target) and those that do (`-m "spark or daemon"`, the 12-minute one), one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ieo.settings import TELEMETRY_OFF  # noqa: E402

for _var, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_var, _value)

from benchmarks.bench_engines import PeakMemory, dbt_step_seconds  # noqa: E402
from benchmarks.bench_floor import compare_with, floor_seconds  # noqa: E402
from benchmarks.bench_orchestration import dev_start_seconds  # noqa: E402
from ieo.settings import DBT_PROJECT_DIR, PATH_SETTINGS, PROJECT_ROOT  # noqa: E402
from orchestration.cli import INSTANCE_TEMPLATE  # noqa: E402

BIN = Path(sys.executable).parent
EDITION = 2019


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} s (runs: {', '.join(f'{v:.1f}' for v in values)})"


def environment(work: Path, raw: Path) -> dict[str, str]:
    """The variables that point `ieo` and Dagster at a scratch warehouse, releases and instance."""
    paths = {"raw_dir": raw, "warehouse": work / "warehouse.duckdb", "publish_dir": work / "published",
             "dagster_home": work / "dagster_home", "data_docs_dir": work / "data_docs"}
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", IEO_RAW_STABLE_SECONDS="0",
               PYTHONWARNINGS="ignore")
    env.update({PATH_SETTINGS[name][0]: str(path) for name, path in paths.items()})
    return env


def run_command(command: list[str], env: dict[str, str], cwd: Path = PROJECT_ROOT) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes, the whole process tree) of one command, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PeakMemory({"command": process.pid}) as memory:
        output, _ = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output[-4000:]}")
    return seconds, memory.peaks["command"]


def ieo_runs(raw: Path, repeats: int, floor_files: dict[str, bytes]) -> tuple[dict[str, list[float]], str]:
    """The first `ieo run` of the edition on an empty warehouse and instance, then ``repeats`` steady runs; and how
    the floor's files compare with the release the runs published."""
    figures: dict[str, list[float]] = {"first": [], "steady": [], "dbt step": [], "first dbt step": []}
    with tempfile.TemporaryDirectory(prefix="ieo-bench-speed-") as scratch:
        env = environment(Path(scratch), raw)
        command = [str(BIN / "ieo"), "run", "--edition", str(EDITION)]
        home = Path(env["DAGSTER_HOME"])
        figures["first"].append(run_command(command, env)[0])
        figures["first dbt step"].append(dbt_step_seconds(home))
        for _ in range(repeats):
            figures["steady"].append(run_command(command, env)[0])
            figures["dbt step"].append(dbt_step_seconds(home))
        same, differ = compare_with(floor_files, Path(env["IEO_PUBLISH_DIR"]) / str(EDITION))
    return figures, f"{same} of {len(floor_files)}" + (f" (differ: {differ})" if differ else "")


def bare_dbt_build(raw: Path, repeats: int) -> list[float]:
    """`dbt build` of the survey models and their tests, outside Dagster, on a warehouse `ieo run` prepared."""
    with tempfile.TemporaryDirectory(prefix="ieo-bench-dbt-") as scratch:
        env = environment(Path(scratch), raw)
        run_command([str(BIN / "ieo"), "run", "--edition", str(EDITION)], env)
        dbt = [str(BIN / "dbt"), "build", "--quiet", "--select", "resource_type:model source:raw", "--project-dir",
               str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path",
               str(Path(scratch) / "target"), "--vars",
               json.dumps({"warehouse": env["IEO_WAREHOUSE"], "edition": EDITION})]
        run_command(dbt, env)  # its first run parses the project; the timed ones start from that parse
        return [run_command(dbt, env)[0] for _ in range(repeats)]


def definitions_figures(raw: Path, repeats: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="ieo-bench-definitions-") as scratch:
        env = environment(Path(scratch), raw)
        home = Path(env["DAGSTER_HOME"])
        home.mkdir()
        shutil.copy(INSTANCE_TEMPLATE, home / "dagster.yaml")
        validate = [str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"]
        load = [sys.executable, "-c", "import orchestration.definitions"]
        return {"validate": [run_command(validate, env)[0] for _ in range(repeats)],
                "import": [run_command(load, env)[0] for _ in range(repeats)],
                "dev": [dev_start_seconds(env) for _ in range(repeats)]}


def scale_100() -> None:
    with tempfile.TemporaryDirectory(prefix="ieo-bench-scale100-") as scratch:
        raw = Path(scratch) / "raw"
        env = environment(Path(scratch), raw)
        seconds, peak = run_command([str(BIN / "ieo"), "sample", "--scale", "100", "--out", str(raw)], env)
        print(f"4. ieo sample --scale 100: {seconds:.1f} s, peak memory {peak / 2**30:.2f} GiB")
        seconds, peak = run_command([str(BIN / "ieo"), "run", "--edition", str(EDITION)], env)
        step = dbt_step_seconds(Path(env["DAGSTER_HOME"]))
        print(f"   ieo run --edition {EDITION} at scale 100 (first run): {seconds:.1f} s, peak memory "
              f"{peak / 2**30:.2f} GiB (all processes); dbt step {step:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale-100", action="store_true", help="also target 4 (about 10 minutes, several GiB)")
    parser.add_argument("--test-fast", action="store_true", help="also time make test-fast's pytest command")
    parser.add_argument("--suite", action="store_true", help="also time make test's pytest command, in its two "
                                                             "parts (about 25 minutes)")
    args = parser.parse_args()
    subprocess.run([str(BIN / "ieo"), "prepare"], check=True, cwd=PROJECT_ROOT, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="ieo-bench-raw-") as scratch:
        raw = Path(scratch)
        from ieo.sample.generator import generate

        generate(raw)
        floor, files = floor_seconds(raw, EDITION, args.repeats)
        runs, identical = ieo_runs(raw, args.repeats, files)
        ratio = statistics.median(runs["steady"]) / statistics.median(floor)
        print(f"1. floor: {median(floor)}; its CSV files byte-identical to the run's release: {identical}")
        print(f"   ieo run --edition {EDITION}, scale 1: first {median(runs['first'])}; steady {median(runs['steady'])}"
              f" = {ratio:.1f}x the floor")
        bare = bare_dbt_build(raw, args.repeats)
        print(f"2. dbt step in ieo run: steady {median(runs['dbt step'])}, first {median(runs['first dbt step'])}; "
              f"bare dbt build (4 threads, parse saved) {median(bare)}")
        definitions = definitions_figures(raw, args.repeats)
        print(f"3. dagster definitions validate: {median(definitions['validate'])}; import of the definitions "
              f"{median(definitions['import'])}; dagster dev to a loaded asset graph {median(definitions['dev'])}")
    if args.scale_100:
        scale_100()
    if args.test_fast:
        seconds, _ = run_command([sys.executable, "-m", "pytest", "-m", "unit", "-q", "-p", "no:cacheprovider"],
                                 dict(os.environ))
        print(f"5. make test-fast (pytest -m unit): {seconds:.1f} s")
    if args.suite:
        for part in ("not spark and not daemon", "spark or daemon"):
            seconds, _ = run_command([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-m", part,
                                      "-q", "-p", "no:cacheprovider"], dict(os.environ))
            print(f"5. make test's pytest, -m {part!r}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
