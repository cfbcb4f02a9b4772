"""Foundation timings: sample generation at scale 1 and 10, and the raw load of one edition.

Run: .venv/bin/python -m benchmarks.bench_foundation [--repeats 3] [--scales 1 10]
The machine is small and noisy, so each figure is the median of several runs, and the load is
also given as a ratio to a baseline measured in the same process (pandas reading the same CSVs).
"""

import argparse
import os
import resource
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

import pandas as pd  # noqa: E402

from checks.raw_load import load_edition  # noqa: E402
from ieo.raw_reader import read_edition  # noqa: E402


def timed(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ieo-bench-"))
    try:
        for scale in args.scales:
            out = work / f"scale{scale:g}"
            command = [sys.executable, "-m", "orchestration.cli", "sample", "--scale", f"{scale:g}", "--out", str(out)]
            times = timed(lambda: subprocess.run(command, check=True, capture_output=True), args.repeats)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**10
            rows = sum(1 for _ in open(out / "2019" / "relations.csv")) - 1
            print(f"ieo sample --scale {scale:g}: median {statistics.median(times):.2f} s over {len(times)} runs "
                  f"(min {min(times):.2f}, max {max(times):.2f}); 2019 relations {rows:,}; "
                  f"peak RSS of the largest child so far {peak:.0f} MiB")

            def baseline():
                for path in (out / "2019").glob("*.csv"):
                    pd.read_csv(path, dtype=str, keep_default_na=False)

            def read_only():
                read_edition(out, 2019)

            def full_load():
                load_edition(out, work / f"w{scale:g}.duckdb", 2019)

            full_load()  # warm-up: imports, GX context
            base = timed(baseline, args.repeats)
            read = timed(read_only, args.repeats)
            load = timed(full_load, args.repeats)
            b, r, l = (statistics.median(x) for x in (base, read, load))
            print(f"  raw load of edition 2019 (read + GX suites + DuckDB write): median {l:.2f} s; "
                  f"read only {r:.2f} s; pandas read_csv baseline {b:.2f} s; load/baseline {l / b:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
