"""The average-path-length kernel of this checkout against an earlier revision's, side by side in one process.

Run: .venv/bin/python -m benchmarks.bench_path_kernel REV [--scale 100] [--repeats 3] [--cache DIR]

REV's ``ieo/network/kernels.py`` is read from git and loaded as a module of its own. Both compute the whole
network's average path length of the sample's edition 2019 (the largest component, with the statistics table's
options: exact up to a size, sampled sources above), alternating, on the same projection; the results must be
equal. Prints each median, its runs, and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

from benchmarks.bench_graph import sample_frames
from ieo.network import kernels
from ieo.network.graph import build_value_network
from ieo.network.tables import NetworkOptions, largest_component
from ieo.settings import PROJECT_ROOT


def kernels_of(rev: str) -> types.ModuleType:
    source = subprocess.run(["git", "show", f"{rev}:ieo/network/kernels.py"], cwd=PROJECT_ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType(f"kernels_{rev}")
    sys.modules[module.__name__] = module  # its dataclasses look their module up
    exec(compile(source, f"{rev}:ieo/network/kernels.py", "exec"), module.__dict__)  # noqa: S102 (our own file)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev")
    parser.add_argument("--scale", type=float, default=100.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", default=os.environ.get("IEO_BENCH_CACHE", "/tmp/ieo-bench-graph"))
    args = parser.parse_args()
    network = build_value_network(*sample_frames(Path(args.cache), args.scale))
    largest = largest_component(network.projection)
    options = NetworkOptions()
    earlier = kernels_of(args.rev)
    sides = {"this checkout": kernels.average_path_length, args.rev: earlier.average_path_length}
    times: dict[str, list[float]] = {side: [] for side in sides}
    results = {}
    for _ in range(args.repeats):
        for side, path_length in sides.items():
            started = time.perf_counter()
            results[side] = path_length(largest, options.exact_path_length_max_nodes,
                                        options.path_length_sample_sources, options.path_length_seed)
            times[side].append(time.perf_counter() - started)
    this, rev = (results[side] for side in sides)
    assert (this.value, this.sources, this.ci_low, this.ci_high) == (rev.value, rev.sources, rev.ci_low, rev.ci_high)
    print(f"average path length, scale {args.scale:g}: {largest.node_count:,} nodes, {largest.edge_count:,} edges in "
          f"the largest component; {this.sources:,} sources ({'exact' if this.exact else 'sampled'}); the same "
          f"result both ways ({this.value:.6f})")
    for side, runs in times.items():
        print(f"  {side:>14}: median {statistics.median(runs):.2f} s (runs: {', '.join(f'{t:.2f}' for t in runs)})")
    print(f"  {args.rev} / this checkout: {statistics.median(times[args.rev]) / statistics.median(times['this checkout']):.2f}x")


if __name__ == "__main__":
    main()
