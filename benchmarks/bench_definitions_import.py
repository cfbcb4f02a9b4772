"""Importing the Dagster definitions in a fresh process: this checkout against a baseline commit.

Run: .venv/bin/python -m benchmarks.bench_definitions_import [--baseline REV] [--repeats 5]

The baseline is checked out into a temporary git worktree (with its own dbt manifest) and both are
imported alternately in fresh interpreters with the same virtualenv, so machine noise falls on both.
It also reports whether Great Expectations was loaded by the import.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROBE = "import sys, orchestration.definitions; print('great_expectations' in sys.modules)"


def import_seconds(root: Path) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(root), DBT_SEND_ANONYMOUS_USAGE_STATS="False", GX_ANALYTICS_ENABLED="False",
               DO_NOT_TRACK="1")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"import failed in {root}:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default="9a0d4ba", help="git revision to compare with (default: before issue 13)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ieo-bench-import-") as scratch:
        baseline = Path(scratch) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(baseline), args.baseline], cwd=ROOT, check=True)
        try:
            subprocess.run([str(BIN / "dbt"), "parse", "--quiet", "--project-dir", "dbt_project", "--profiles-dir",
                            "dbt_project"], cwd=baseline, check=True)
            subprocess.run([str(BIN / "ieo"), "prepare"], cwd=ROOT, check=True, capture_output=True)
            trees = {f"baseline {args.baseline}": baseline, "this checkout": ROOT}
            seconds: dict[str, list[float]] = {label: [] for label in trees}
            loads_gx = {}
            for _ in range(args.repeats):
                for label, root in trees.items():
                    elapsed, loads_gx[label] = import_seconds(root)
                    seconds[label].append(elapsed)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False)
    for label, runs in seconds.items():
        print(f"{label}: median {statistics.median(runs):.2f} s ({min(runs):.2f}-{max(runs):.2f}, {len(runs)} runs); "
              f"Great Expectations imported: {loads_gx[label]}")
    base, ours = (statistics.median(runs) for runs in seconds.values())
    print(f"this checkout / baseline: {ours / base:.2f}")


if __name__ == "__main__":
    main()
