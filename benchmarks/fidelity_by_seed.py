"""Fidelity of the sample to the 2020 report, seed by seed: reconciliation counts per status and the network statistics.

Run: .venv/bin/python -m benchmarks.fidelity_by_seed [--seeds 2020 7 11 23 101 4242] [--scale 1]

Each seed's sample is generated, edition 2019 computed in one process the way the platform computes it (the floor of
benchmarks.bench_floor: the compiled dbt SQL, the network tables), and reconciled with the report's printed figures.
Prints a markdown table (docs/fidelity.md holds its output) and the generator's seconds per seed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.bench_floor import compile_project, floor
from ieo.engine import Engine
from ieo.reconciliation import CLOSE, EXACT, MISMATCH, MISSING, Computed, reconcile
from ieo.release_tables import computed_tables
from ieo.sample.generator import generate
from ieo.settings import DUCKDB

STATISTICS = ("graph_nodes", "graph_relations", "average_clustering", "average_path_length")


def measure(seed: int, scale: float, manifest: dict, scratch: Path) -> dict:
    raw, out = scratch / f"raw{seed}", scratch / f"out{seed}"
    started = time.perf_counter()
    generate(raw, seed=seed, scale=scale)
    seconds = time.perf_counter() - started
    out.mkdir()
    floor(raw, 2019, manifest, out)
    engine = Engine(DUCKDB, out / "floor.duckdb", out / "lake")
    with engine.connect() as con:
        tables = computed_tables(engine, con, 2019)
    table = reconcile(Computed(2019, tables))
    known = table["known_discrepancy"].notna()
    stats = tables["value_network_stats"]
    whole = stats[stats["network"] == "whole"].set_index("statistic")["value"]
    return {"seed": seed, "seconds": seconds, **{s: int((table["status"][~known] == s).sum()) for s in
                                                  (EXACT, CLOSE, MISMATCH, MISSING)},
            "known": int(known.sum()), **{s: float(whole[s]) for s in STATISTICS}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[2020, 7, 11, 23, 101, 4242])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ieo-fidelity-") as scratch:
        manifest = compile_project(2019, Path(scratch))
        rows = [measure(seed, args.scale, manifest, Path(scratch)) for seed in args.seeds]
    print(f"scale {args.scale:g}; statuses of the figures the report prints (its own inconsistencies counted apart)\n")
    print("| seed | exact | close | mismatch | missing | report's inconsistencies | nodes | relations | clustering | "
          "path length | generator s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['seed']} | {r[EXACT]} | {r[CLOSE]} | {r[MISMATCH]} | {r[MISSING]} | {r['known']} | "
              f"{r['graph_nodes']:,.0f} | {r['graph_relations']:,.0f} | {r['average_clustering']:.4f} | "
              f"{r['average_path_length']:.3f} | {r['seconds']:.1f} |")
    print("| report | | | | | | 21,413 | 31,949 | 0.021 | 4.407 | |")


if __name__ == "__main__":
    main()
