"""The raw reader, bulk against cell by cell: reading one edition's files into typed frames.

Run: .venv/bin/python -m benchmarks.bench_reader [--repeats 3] [--scale 10] [--raw DIR]

Side by side in this process, alternating: the reader as shipped (columns parsed in bulk, the cyclic collector
paused) and the same reader parsing every cell on its own with the collector running, as it did before. Each
round checks that both give the same frames and warnings. Medians of ``repeats`` rounds, their ratio, and the
peak resident memory of the process (with both readings' frames held at once for the comparison).
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

import ieo.raw_reader as reader
from ieo import cells
from ieo.sample.generator import generate

EDITION = 2019


def read(raw: Path, bulk: bool) -> tuple[float, dict]:
    shipped = reader.column_values, reader.collector_paused
    if not bulk:
        reader.column_values, reader.collector_paused = cells._cell_by_cell, contextlib.nullcontext
    try:
        started = time.perf_counter()
        tables = reader.read_edition(raw, EDITION)
        return time.perf_counter() - started, tables
    finally:
        reader.column_values, reader.collector_paused = shipped


def same(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name].frame, right[name].frame, check_exact=True, obj=name)
        assert left[name].warnings == right[name].warnings, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=10.0, help="the sample generated when --raw is not given")
    parser.add_argument("--raw", type=Path, help="a raw folder holding the edition (default: a generated sample)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ieo-bench-reader-") as scratch:
        raw = args.raw or Path(scratch)
        if args.raw is None:
            generate(raw, seed=2020, scale=args.scale)
        timings: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.repeats):
            old_seconds, old = read(raw, bulk=False)
            new_seconds, new = read(raw, bulk=True)
            same(old, new)
            del old, new
            timings[False].append(old_seconds)
            timings[True].append(new_seconds)
    before, after = statistics.median(timings[False]), statistics.median(timings[True])
    where = args.raw or f"the sample at scale {args.scale:g}"
    print(f"edition {EDITION} of {where}, medians of {args.repeats} rounds")
    print(f"cell by cell, collector on  {before:7.2f} s   ({', '.join(f'{t:.2f}' for t in timings[False])})")
    print(f"bulk, collector paused      {after:7.2f} s   ({', '.join(f'{t:.2f}' for t in timings[True])})"
          f"   ratio {before / after:.2f}x")
    print(f"peak resident memory of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()
