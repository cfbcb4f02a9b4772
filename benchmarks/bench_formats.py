"""The cost of the formats of issue 18: reading an edition from an Excel workbook against the same edition as
CSVs, and writing a release's Parquet, workbook and data package against writing its CSVs alone.

Run: .venv/bin/python -m benchmarks.bench_formats [--repeats 5] [--scale 1]
Medians of ``repeats`` runs, each pair measured side by side in this process, with their ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from ieo.raw_reader import read_edition
from ieo.release import Release, csv_bytes
from ieo.sample.generator import generate
from ieo.sample.writer import csvs_to_workbook

EDITION = 2019


def median_seconds(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ieo-bench-formats-"))
    try:
        csv_dir, xlsx_dir = scratch / "csv", scratch / "xlsx"
        generate(csv_dir, seed=2020, scale=args.scale)
        shutil.copytree(csv_dir / str(EDITION), xlsx_dir / str(EDITION))
        started = time.perf_counter()
        csvs_to_workbook(xlsx_dir / str(EDITION), EDITION)
        converted = time.perf_counter() - started
        csv_read = median_seconds(lambda: read_edition(csv_dir, EDITION), args.repeats)
        xlsx_read = median_seconds(lambda: read_edition(xlsx_dir, EDITION), args.repeats)
        print(f"scale {args.scale:g}, edition {EDITION}, medians of {args.repeats}")
        print(f"read the edition as CSVs        {csv_read:7.2f} s")
        print(f"read it as one workbook         {xlsx_read:7.2f} s   ratio {xlsx_read / csv_read:.1f}x")
        print(f"write the workbook (once)       {converted:7.2f} s")

        tables = {name: raw.frame.drop(columns=["_source_row", "_extra"]) for name, raw in
                  read_edition(csv_dir, EDITION).items()}  # raw tables stand in for published ones: real sizes
        release = Release(EDITION, tables, {}, [], [], {})
        csv_only = median_seconds(lambda: [csv_bytes(frame) for frame in tables.values()], args.repeats)
        every_form = median_seconds(release.files, args.repeats)
        print(f"release files: CSVs only        {csv_only:7.2f} s")
        print(f"release files: every form       {every_form:7.2f} s   ratio {every_form / csv_only:.1f}x")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
