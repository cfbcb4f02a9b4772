"""Competitiveness index timings at scale 1: the index, 1,000 Monte Carlo runs with the Saltelli
sensitivity design, and the coherence table.

Run: .venv/bin/python -m benchmarks.bench_index [--repeats 5] [--warehouse PATH]

Without --warehouse, the sample database (scale 1) is generated, loaded and modelled in a
temporary folder first. The Monte Carlo time is also given against a baseline measured in the
same process: the same number of runs done one at a time with compute_index (a plain loop).
Prints the top 10 of the index and the rank intervals of the top 5.
"""

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from ieo.settings import TELEMETRY_OFF  # noqa: E402
for _var, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_var, _value)

import numpy as np  # noqa: E402

from benchmarks.bench_foundation import timed  # noqa: E402
from ieo.index.coherence import coherence  # noqa: E402
from ieo.index.compute import compute_index  # noqa: E402
from ieo.index.uncertainty import monte_carlo  # noqa: E402
from ieo.index.weights import report_weights  # noqa: E402
from ieo.warehouse import connect  # noqa: E402

EDITION = 2019


def build_warehouse(work: Path) -> Path:
    from benchmarks.bench_dbt import dbt_command, run
    from checks.raw_load import load_edition
    from ieo.sample.generator import generate

    raw, warehouse = work / "raw", work / "warehouse.duckdb"
    generate(raw, seed=2020, scale=1.0)
    load_edition(raw, warehouse, EDITION)
    env = {**os.environ, "IEO_WAREHOUSE": str(warehouse)}
    run(dbt_command("seed"), env)
    run(dbt_command("run", "--vars", f"{{edition: {EDITION}}}", "--select", "+province_indicators"), env)
    return warehouse


def naive_monte_carlo(indicators, tree, runs: int, seed: int) -> None:
    """The baseline: one compute_index call per run with perturbed weights and random choices."""
    rng = np.random.default_rng(seed)
    for _ in range(runs):
        weights = {n.node_id: n.weight * rng.uniform(0.8, 1.2) for n in tree.nodes}
        compute_index(indicators, tree.with_weights(weights, "perturbed"),
                      normalisation=rng.choice(["minmax", "zscore", "rank"]),
                      aggregation=rng.choice(["arithmetic", "geometric"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--warehouse", help="an existing warehouse with marts.province_indicators for 2019")
    args = parser.parse_args()
    warehouse = Path(args.warehouse) if args.warehouse else build_warehouse(Path(tempfile.mkdtemp(prefix="ieo-bench-index-")))
    con = connect(warehouse)
    indicators = con.execute("SELECT * FROM marts.province_indicators WHERE edition = ? ORDER BY province_code",
                             [EDITION]).df()
    con.close()
    tree, _ = report_weights()

    index_times = timed(lambda: compute_index(indicators, tree), args.repeats)
    result = compute_index(indicators, tree)
    nominal = result.index.set_index("province_code")["rank"]
    mc_times = timed(lambda: monte_carlo(indicators, tree, nominal, runs=args.runs), args.repeats)
    coherence_times = timed(lambda: coherence(result, tree), args.repeats)
    baseline = timed(lambda: naive_monte_carlo(indicators, tree, args.runs, 1), 1)[0]

    def line(label: str, times: list[float]) -> str:
        return f"{label:<58} median {statistics.median(times):7.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"

    print(line("index (31 provinces, 24 indicators)", index_times))
    mc = statistics.median(mc_times)
    print(line(f"Monte Carlo {args.runs} runs + Saltelli design ({args.runs * 5} evaluations)", mc_times))
    print(f"{'baseline: ' + str(args.runs) + ' runs, one compute_index call each':<58} {baseline:7.3f} s "
          f"(one run); vectorised analysis is {baseline / mc:.1f}x faster while doing 5x the evaluations")
    print(line("coherence", coherence_times))

    uncertainty = monte_carlo(indicators, tree, nominal, runs=args.runs).ranks.set_index("province_code")
    top = result.index.head(10)
    print("\ntop 10 of the sample index (report weights, min-max, arithmetic):")
    for row in top.itertuples():
        u = uncertainty.loc[row.province_code]
        print(f"  {row.rank:>2}. {row.province_name_en:<14} {row.score:6.2f}  median rank {u.median_rank:4.1f}, "
              f"5-95% [{u.p05_rank:.0f}, {u.p95_rank:.0f}], mean |shift| {u.mean_abs_rank_shift:.2f}")


if __name__ == "__main__":
    main()
