"""Value-network stage: wall time and peak RSS of each metric at scales 1, 10 and 100,
against plain python-igraph calls on the same graph in the same process.

Run: .venv/bin/python -m benchmarks.bench_graph [--scales 1 10 100] [--repeats 3] [--cache DIR]
     [--exact-path-length-at 10]

Each scale's sample database (edition 2019) is generated once into --cache and reused. Times are
medians over --repeats (scale 100: one run). Peak RSS is the kernel's high-water mark of this
process during that step (VmHWM, reset before each step through /proc/self/clear_refs).
The reference for the average path length is igraph's own exact call where the stage is exact;
where the stage estimates, igraph's closeness from the same sampled sources (at most
--reference-sources of them, compared per source).
"""

import argparse
import os
import statistics
import time
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd

from ieo.network import kernels
from ieo.network.graph import build_value_network
from ieo.network.tables import (
    NetworkOptions,
    application_layer_network,
    network_statistics,
    network_tables,
    top_positions,
    weighted_degree_top,
)
from ieo.reference import organization_aliases
from ieo.sample.generator import generate

EDITION = 2019


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(fn, repeats: int):
    """Median wall seconds, the peak RSS (MiB) of the last run, and the last result."""
    times, result, peak = [], None, 0.0
    for _ in range(repeats):
        reset_peak()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        peak = peak_mib()
    return statistics.median(times), peak, result


def sample_frames(cache: Path, scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes shaped like intermediate.int_network_nodes, and the relations, of edition 2019."""
    raw = cache / f"scale{scale:g}"
    if not (raw / str(EDITION) / "relations.csv").exists():
        generate(raw, seed=2020, scale=scale)
    folder = raw / str(EDITION)
    organizations = pd.read_csv(folder / "organizations.csv", dtype=str, keep_default_na=False, na_values=[""])
    enterprises = pd.read_csv(folder / "enterprises.csv", dtype=str, usecols=["org_id", "tech_layer"])
    relations = pd.read_csv(folder / "relations.csv", dtype=str,
                            usecols=["relation_id", "sample_id", "counterpart_id", "relation_type"])
    nodes = organizations.merge(enterprises, on="org_id", how="left")
    nodes["is_sample"] = nodes["tech_layer"].notna()
    nodes["region_code"] = nodes["province"].where(nodes["country"] == "CN", nodes["country"])
    nodes["industry_code"] = nodes["ai_core_sector"].fillna(nodes["integrative_sector"])
    for label in ("region", "industry"):
        nodes[f"{label}_name_en"] = nodes[f"{label}_name_zh"] = nodes[f"{label}_code"]
    return nodes, relations


def row(metric: str, ours: float, peak: float, reference: float | None = None, note: str = "") -> None:
    ratio = f"{ours / reference:6.2f}x" if reference else "      "
    ref = f"{reference:9.3f}" if reference is not None else "        -"
    print(f"  {metric:<34} {ours:9.3f} {ref} {ratio} {peak:9.0f}  {note}", flush=True)


def bench_scale(scale: float, args: argparse.Namespace) -> None:
    repeats = 1 if scale >= 100 else args.repeats
    options = NetworkOptions()
    nodes, relations = sample_frames(Path(args.cache), scale)
    print(f"\nscale {scale:g}: {len(relations):,} relations, {len(nodes):,} organisations; "
          f"median of {repeats} run(s)", flush=True)
    print(f"  {'metric':<34} {'ours s':>9} {'igraph s':>9} {'ratio':>7} {'peak MiB':>9}")

    t_build, p_build, network = measure(lambda: build_value_network(nodes, relations), repeats)
    t_proj, p_proj, graph = measure(
        lambda: kernels.to_igraph(build_value_network(nodes, relations).projection), repeats)
    n = network.node_count
    pairs = relations[["sample_id", "counterpart_id"]]
    t_ref_build, _, directed = measure(lambda: ig.Graph.DataFrame(pairs, directed=True, use_vids=False), repeats)
    t_ref_simple, _, simple = measure(lambda: directed.as_undirected().simplify(), repeats)
    row("build network (arrays)", t_build, p_build, t_ref_build, "igraph: Graph.DataFrame(relations) (names -> ids)")
    row("build + undirected projection", t_proj, p_proj, t_ref_build + t_ref_simple,
        "igraph: + as_undirected().simplify()")
    print(f"  graph: {n:,} nodes, {network.relation_count:,} relations, {graph.ecount():,} node pairs", flush=True)

    is_sample = network.nodes["is_sample"].to_numpy(dtype=bool)
    t, p, _ = measure(lambda: [top_positions(network.weighted_degree(), mask, 30) for mask in (is_sample, ~is_sample)],
                      repeats)
    t_ref, _, _ = measure(lambda: np.argsort(-np.asarray(directed.degree()), kind="stable")[:30], repeats)
    row("weighted degree, top 30 per role", t, p, t_ref, "igraph: degree() + argsort")
    t, p, _ = measure(lambda: weighted_degree_top(network, 30), repeats)
    row("  ... as the published table", t, p, None, "adds names and types (pandas)")

    t, p, membership = measure(lambda: kernels.component_membership(graph), repeats)
    t_ref, _, _ = measure(lambda: directed.connected_components(mode="weak").giant(), repeats)
    row("connected components", t, p, t_ref, "igraph: connected_components(weak).giant()")

    t, p, clustering = measure(lambda: float(kernels.local_clustering(graph).mean()), repeats)
    t_ref, _, ref_clustering = measure(lambda: simple.transitivity_avglocal_undirected(mode="zero"), repeats)
    row("average clustering", t, p, t_ref, f"ours {clustering:.6f}, igraph {ref_clustering:.6f}")

    largest, _ = kernels.induced(network.projection, membership == 0)
    t, p, path = measure(lambda: kernels.average_path_length(
        largest, options.exact_path_length_max_nodes, options.path_length_sample_sources, options.path_length_seed),
        repeats)
    giant = kernels.to_igraph(largest)
    if path.exact:
        t_ref, _, ref_value = measure(lambda: giant.average_path_length(directed=False), 1)
        row("average path length (exact)", t, p, t_ref, f"ours {path.value:.6f}, igraph {ref_value:.6f}")
    else:
        rng = np.random.default_rng(options.path_length_seed)
        chosen = np.sort(rng.choice(largest.node_count, size=options.path_length_sample_sources, replace=False))
        subset = chosen[: args.reference_sources].tolist()
        t_ref, _, closeness = measure(lambda: giant.closeness(vertices=subset, mode="all", normalized=True), 1)
        per_source_ref = t_ref / len(subset)
        row(f"average path length (estimate, k={path.sources})", t, p, per_source_ref * path.sources,
            f"{path.value:.4f} [{path.ci_low:.4f}, {path.ci_high:.4f}]; igraph timed on {len(subset)} sources, "
            f"scaled to k")
        if scale in args.exact_path_length_at:
            t_exact, p_exact, exact = measure(lambda: kernels.average_path_length(largest, largest.node_count, 0, 0), 1)
            inside = path.ci_low <= exact.value <= path.ci_high
            row("average path length (exact, check)", t_exact, p_exact, None,
                f"exact {exact.value:.4f}; estimate's 95% interval {'covers' if inside else 'MISSES'} it")

    t, p, _ = measure(lambda: network_statistics(application_layer_network(network), "application_layer", options),
                      repeats)
    row("application-layer subnetwork stats", t, p)

    aliases = organization_aliases()
    t, p, _ = measure(lambda: network_tables(build_value_network(nodes, relations), options, aliases), repeats)
    row("whole stage (build + all six tables)", t, p, None, "includes both networks' path lengths")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0, 100.0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", default=os.environ.get("IEO_BENCH_CACHE", "/tmp/ieo-bench-graph"))
    parser.add_argument("--reference-sources", type=int, default=256)
    parser.add_argument("--exact-path-length-at", type=float, nargs="*", default=[10.0],
                        help="scales at which the exact path length is also computed to check the estimate")
    args = parser.parse_args()
    print(f"python-igraph {ig.__version__}; peak RSS is per step (VmHWM reset before each)")
    for scale in args.scales:
        bench_scale(scale, args)


if __name__ == "__main__":
    main()
