"""The value-network metrics: hand-computed graphs, networkx's published values, an
independent scipy implementation, and the sample database against the report."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, shortest_path

from ieo.network import kernels
from ieo.network.graph import NetworkInputError, ValueNetwork, build_value_network
from ieo.network.tables import (
    NetworkOptions,
    application_layer_network,
    competition_ranks,
    ego_distribution,
    network_core,
    network_statistics,
    resolve_focal,
    technology_io_top,
    weighted_degree_top,
)

EXACT = NetworkOptions()


def stats_of(network: ValueNetwork, options: NetworkOptions = EXACT) -> dict[str, float]:
    return network_statistics(network, "whole", options).set_index("statistic")["value"].to_dict()


def network_from_edges(edges, samples=()) -> ValueNetwork:
    """A value network from (sample, counterpart, relation_type) triples."""
    relations = pd.DataFrame(edges, columns=["sample_id", "counterpart_id", "relation_type"])
    relations.insert(0, "relation_id", [f"R{i}" for i in range(len(relations))])
    ids = sorted(set(relations["sample_id"]) | set(relations["counterpart_id"]) | {"ISOLATED"})
    organizations = pd.DataFrame({"org_id": ids, "name": [f"org {i}" for i in ids], "org_type": "enterprise"})
    organizations["is_sample"] = organizations["org_id"].isin(samples)
    return build_value_network(organizations, relations)


# A triangle A-B-C (A-B twice) with a tail C-D; org ISOLATED has no relation.
TRIANGLE_WITH_TAIL = [("A", "B", "technology_output"), ("A", "B", "investment"), ("A", "C", "technology_input"),
                      ("B", "C", "technology_output"), ("C", "D", "work_experience")]


def test_hand_computed_triangle_with_tail():
    stats = stats_of(network_from_edges(TRIANGLE_WITH_TAIL, samples=("A", "B", "C")))
    assert stats["graph_nodes"] == 4  # the isolated organisation is not a node
    assert stats["graph_relations"] == 5 and stats["node_pairs"] == 4 and stats["sample_nodes"] == 3
    assert stats["average_degree_report"] == 5 / 4 and stats["average_degree_total"] == 10 / 4
    # clustering: A 1, B 1, C 1/3 (one of its three neighbour pairs linked), D 0 (one neighbour)
    assert stats["average_clustering"] == pytest.approx((1 + 1 + 1 / 3 + 0) / 4, abs=1e-15)
    assert stats["average_clustering_degree2"] == pytest.approx((1 + 1 + 1 / 3) / 3, abs=1e-15)
    # distances AB 1, AC 1, AD 2, BC 1, BD 2, CD 1
    assert stats["average_path_length"] == pytest.approx(8 / 6, abs=1e-15)
    assert stats["components"] == 1 and stats["largest_component_share"] == 1


def test_network_core_keeps_the_top_nodes_and_the_pairs_among_them():
    # weighted degree: A 3 (B twice, C), B 3 (A twice, C), C 3 (A, B, D), D 1; ties share a rank, listed in org_id order
    nodes, edges = network_core(network_from_edges(TRIANGLE_WITH_TAIL, samples=("A", "B", "C")), 3)
    assert nodes[["rank", "org_id", "weighted_degree"]].values.tolist() == [[1, "A", 3], [1, "B", 3], [1, "C", 3]]
    nodes, edges2 = network_core(network_from_edges(TRIANGLE_WITH_TAIL + [("D", "E", "investment")] * 3), 2)
    assert nodes["org_id"].tolist() == ["D", "A"] and edges2.empty  # D: 4 relations; no D-A relation
    assert edges.values.tolist() == [["A", "B", 2], ["A", "C", 1], ["B", "C", 1]]  # C-D leaves with D


def test_path_length_is_measured_on_the_largest_component():
    edges = [("A", "B", "x"), ("B", "C", "x"), ("C", "A", "x"), ("D", "E", "x")]
    stats = stats_of(network_from_edges(edges))
    assert stats["components"] == 2 and stats["largest_component_nodes"] == 3
    assert stats["largest_component_share"] == pytest.approx(3 / 5)
    assert stats["average_path_length"] == 1.0


@pytest.mark.parametrize(
    "graph, totals",
    [
        (nx.path_graph(5), [10, 7, 6, 7, 10]),  # 0: 1+2+3+4; 1: 1+1+2+3; 2: 2+1+1+2
        (nx.star_graph(4), [4, 7, 7, 7, 7]),  # centre: four 1s; a leaf: 1 + three 2s
        (nx.path_graph(2), [1, 1]),
        (nx.cycle_graph(4), [4, 4, 4, 4]),
    ],
)
def test_distance_totals_by_hand(graph, totals):
    projection = ValueNetwork.from_networkx(graph).projection
    assert kernels.distance_totals(projection, np.arange(graph.number_of_nodes())).tolist() == totals


@pytest.mark.parametrize("seed", range(6))
def test_a_bfs_level_reaches_the_same_bits_pushed_pulled_or_gathered(seed):
    """The three ways of one BFS level (``kernels._Adjacency``) against the plain gather over every edge."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    edges = rng.integers(0, n, size=(int(rng.integers(0, 3 * n)), 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    matrix = csr_matrix((np.ones(2 * len(edges)), (np.r_[edges[:, 0], edges[:, 1]], np.r_[edges[:, 1], edges[:, 0]])),
                        shape=(n, n))
    adjacency = kernels._Adjacency(matrix.indptr, matrix.indices)
    if len(matrix.indices) == 0:
        return
    every_source = np.array([2**64 - 1, 2**64 - 1, 2**64 - 1, 2**40 - 1], dtype=np.uint64)  # a batch of 232
    for _ in range(40):
        frontier = rng.integers(0, 2**63, size=(n, 4), dtype=np.uint64) * rng.integers(0, 2, size=(n, 1), dtype=np.uint64)
        frontier &= every_source
        seen = frontier | (rng.integers(0, 2**63, size=(n, 4), dtype=np.uint64) & every_source)
        seen[rng.random(n) < 0.5] = every_source  # nodes every source has reached
        gathered = np.zeros_like(frontier)
        for node in range(n):
            for neighbour in matrix.indices[matrix.indptr[node]:matrix.indptr[node + 1]]:
                gathered[node] |= frontier[neighbour]
        gathered &= ~seen
        active = np.flatnonzero(frontier.any(axis=1) & adjacency.has_neighbour)
        open_ = np.flatnonzero(((seen & every_source) != every_source).any(axis=1) & adjacency.has_neighbour)
        assert (adjacency.next_level(frontier, seen, every_source) == gathered).all()
        if len(active) and len(open_):
            assert ((adjacency._push(frontier, active) & ~seen) == gathered).all()
            assert ((adjacency._pull(frontier, open_) & ~seen) == gathered).all()


def test_zacharys_karate_club_matches_the_published_values():
    stats = stats_of(ValueNetwork.from_networkx(nx.karate_club_graph()))
    assert round(stats["average_clustering"], 4) == 0.5706
    assert round(stats["average_path_length"], 4) == 2.4082


def scipy_clustering(graph: nx.Graph) -> float:
    """Independent: triangles per node from the diagonal of A^3 (sparse), over k(k-1)/2."""
    adjacency = csr_matrix(nx.to_scipy_sparse_array(nx.Graph(graph), dtype=np.int64))
    adjacency.setdiag(0)
    adjacency.eliminate_zeros()
    adjacency.data[:] = 1
    triangles = np.asarray((adjacency @ adjacency).multiply(adjacency).sum(axis=1)).ravel() / 2
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    pairs = degree * (degree - 1) / 2
    local = np.divide(triangles, pairs, out=np.zeros_like(triangles, dtype=float), where=pairs > 0)
    return float(local.mean())


def scipy_path_length(graph: nx.Graph) -> float:
    """Independent: all-pairs BFS distances with scipy on the largest component."""
    adjacency = csr_matrix(nx.to_scipy_sparse_array(nx.Graph(graph), dtype=np.int64))
    _count, labels = connected_components(adjacency, directed=False)
    largest = np.flatnonzero(labels == np.bincount(labels).argmax())
    sub = adjacency[largest][:, largest]
    distances = shortest_path(sub, unweighted=True, directed=False)
    n = len(largest)
    return float(distances.sum() / (n * (n - 1)))


def largest_component_networkx(graph: nx.Graph) -> nx.Graph:
    simple = nx.Graph(graph)
    return simple.subgraph(max(nx.connected_components(simple), key=len))


RANDOM_GRAPHS = {
    "erdos_renyi": lambda: nx.gnm_random_graph(300, 420, seed=1),  # several components
    "barabasi_albert": lambda: nx.barabasi_albert_graph(400, 1, seed=2),  # a tree: leaves everywhere
    "powerlaw_cluster": lambda: nx.powerlaw_cluster_graph(350, 2, 0.3, seed=3),
    "directed_multigraph": lambda: nx.MultiDiGraph(list(nx.gnm_random_graph(200, 260, seed=4, directed=True).edges) * 2),
}


@pytest.mark.parametrize("name", sorted(RANDOM_GRAPHS))
def test_kernels_agree_with_networkx_and_scipy(name):
    graph = RANDOM_GRAPHS[name]()
    stats = stats_of(ValueNetwork.from_networkx(graph))
    simple = nx.Graph(graph.to_undirected()) if graph.is_directed() else nx.Graph(graph)
    reference_clustering = nx.average_clustering(simple)
    reference_path = nx.average_shortest_path_length(largest_component_networkx(simple))
    assert abs(stats["average_clustering"] - reference_clustering) < 1e-9
    assert abs(scipy_clustering(simple) - reference_clustering) < 1e-9
    assert abs(stats["average_path_length"] - reference_path) < 1e-9
    assert abs(scipy_path_length(simple) - reference_path) < 1e-9
    assert stats["components"] == nx.number_connected_components(simple)


def test_weighted_degree_counts_every_relation_at_both_ends():
    network = network_from_edges(TRIANGLE_WITH_TAIL, samples=("A", "B"))
    top = weighted_degree_top(network, limit=2)
    assert top.to_dict("records") == [
        {"node_role": "relation", "rank": 1, "org_id": "C", "name": "org C", "org_type": "enterprise", "weighted_degree": 3},
        {"node_role": "relation", "rank": 2, "org_id": "D", "name": "org D", "org_type": "enterprise", "weighted_degree": 1},
        {"node_role": "sample", "rank": 1, "org_id": "A", "name": "org A", "org_type": "enterprise", "weighted_degree": 3},
        {"node_role": "sample", "rank": 1, "org_id": "B", "name": "org B", "org_type": "enterprise", "weighted_degree": 3},
    ]
    graph = network.to_networkx()
    assert dict(graph.degree()) == {"A": 3, "B": 3, "C": 3, "D": 1}  # networkx agrees


def test_top_lists_rank_ties_as_the_marts_do_and_keep_ties_at_the_cut():
    # relation nodes X 3, Y 3, Z 3, W 1 and V 2: a top 2 keeps all three tied at 3, ranked 1, 1, 1
    edges = [("A", x, "investment") for x in ("X", "X", "X", "Y", "Y", "Y", "Z", "Z", "Z", "W", "V", "V")]
    top = weighted_degree_top(network_from_edges(edges, samples=("A",)), limit=2)
    relation = top[top["node_role"] == "relation"]
    assert relation[["rank", "org_id", "weighted_degree"]].values.tolist() == [[1, "X", 3], [1, "Y", 3], [1, "Z", 3]]
    assert competition_ranks(np.array([9, 7, 7, 5, 5, 5, 1])).tolist() == [1, 2, 2, 4, 4, 4, 7]
    assert competition_ranks(np.array([], dtype=int)).tolist() == []


def test_technology_io_top_counts_the_sample_side():
    edges = [("A", "X", "technology_input"), ("A", "Y", "technology_input"), ("B", "X", "technology_input"),
             ("B", "X", "technology_output"), ("A", "B", "investment")]
    top = technology_io_top(network_from_edges(edges, samples=("A", "B")), limit=30)
    assert top[["direction", "rank", "org_id", "relation_count"]].values.tolist() == [
        ["input", 1, "A", 2], ["input", 2, "B", 1], ["output", 1, "B", 1]]


def test_application_layer_subnetwork_keeps_application_samples_relations_only():
    edges = [("A", "X", "technology_input"), ("A", "B", "investment"), ("B", "Y", "technology_output")]
    network = network_from_edges(edges, samples=("A", "B"))
    nodes = network.nodes.assign(tech_layer=network.nodes["org_id"].map({"A": "application", "B": "base"}))
    sub = application_layer_network(ValueNetwork(nodes, network.source, network.target, network.relation_type))
    assert sub.relation_count == 2 and sorted(sub.nodes["org_id"]) == ["A", "B", "X"]
    assert sub.nodes.set_index("org_id")["is_sample"].to_dict() == {"A": True, "B": False, "X": False}


def ego_network() -> ValueNetwork:
    edges = [("F", "P1", "technology_input"), ("F", "P2", "technology_input"), ("F", "P3", "technology_input"),
             ("F", "P4", "technology_input"), ("F", "P1", "technology_output"), ("F", "P2", "investment")]
    network = network_from_edges(edges, samples=("F",))
    regions = {"P1": "110000", "P2": "110000", "P3": "US", "P4": None, "F": "110000"}
    nodes = network.nodes.assign(
        name=network.nodes["org_id"].map({"F": "商汤科技"}).fillna(network.nodes["name"]),
        region_code=network.nodes["org_id"].map(regions),
        region_name_en=network.nodes["org_id"].map(regions).map({"110000": "Beijing", "US": "United States"}),
        region_name_zh=network.nodes["org_id"].map(regions).map({"110000": "北京市", "US": "美国"}),
    )
    return ValueNetwork(nodes, network.source, network.target, network.relation_type)


def test_ego_regions_shares_by_hand():
    network = ego_network()
    focal, missing = resolve_focal(network, ("SenseTime", "Nobody"), {"sensetime": "商汤科技"})
    assert missing == ["Nobody"] and focal["focal"].tolist() == ["SenseTime"]
    table = ego_distribution(network, focal, "region", EXACT)
    rows = table[["direction", "rank", "region_code", "relation_count", "share", "known_relations"]].values.tolist()
    # inputs: P1, P2 in Beijing, P3 in the US, P4 unknown -> 2/3 and 1/3; output: P1 -> 1/1
    assert rows == [["input", 1, "110000", 2, 2 / 3, 3], ["input", 2, "US", 1, 1 / 3, 3],
                    ["output", 1, "110000", 1, 1.0, 1]]


def test_ego_tables_count_the_edition_year_when_the_network_knows_it():
    network = ego_network()
    # edges in order: F-P1, F-P2, F-P3, F-P4 (inputs), F-P1 (output), F-P2 (investment); P2's input is of an earlier year
    in_year = np.array([True, False, True, True, True, True])
    dated = ValueNetwork(network.nodes, network.source, network.target, network.relation_type, in_year)
    focal, _missing = resolve_focal(dated, ("SenseTime",), {"sensetime": "商汤科技"})
    table = ego_distribution(dated, focal, "region", EXACT)
    rows = table[["direction", "rank", "region_code", "relation_count", "share", "known_relations"]].values.tolist()
    # inputs of the year: P1 in Beijing, P3 in the US, P4 unknown -> 1/2 each, tied ranks; output: P1 -> 1/1
    assert rows == [["input", 1, "110000", 1, 0.5, 2], ["input", 1, "US", 1, 0.5, 2], ["output", 1, "110000", 1, 1.0, 1]]


def test_a_relation_to_an_unknown_organisation_is_named():
    relations = pd.DataFrame({"relation_id": ["R1", "R2"], "sample_id": ["A", "A"], "counterpart_id": ["B", "GHOST"],
                              "relation_type": ["x", "x"]})
    organizations = pd.DataFrame({"org_id": ["A", "B"], "is_sample": [True, False]})
    with pytest.raises(NetworkInputError, match=r"relation R2 \(A -> GHOST\)"):
        build_value_network(organizations, relations)


def test_estimate_above_the_threshold_is_labelled_and_its_interval_covers_the_exact_value():
    graph = nx.barabasi_albert_graph(3000, 2, seed=5)
    projection = ValueNetwork.from_networkx(graph).projection
    exact = kernels.average_path_length(projection, exact_max_nodes=10_000, sample_sources=300, seed=1)
    estimate = kernels.average_path_length(projection, exact_max_nodes=1_000, sample_sources=300, seed=1)
    assert exact.exact and exact.sources == 3000
    assert not estimate.exact and estimate.sources == 300
    assert estimate.ci_low < exact.value < estimate.ci_high
    assert estimate.ci_high - estimate.ci_low < 0.1
    again = kernels.average_path_length(projection, exact_max_nodes=1_000, sample_sources=300, seed=1)
    assert again == estimate  # seeded: the same sources every run


def test_statistics_table_states_its_definitions():
    table = network_statistics(network_from_edges(TRIANGLE_WITH_TAIL), "whole", EXACT)
    assert table["definition"].str.len().gt(20).all() and table["label"].notna().all()
    assert "fewer than two neighbours count as 0" in table.set_index("statistic").at["average_clustering", "definition"]
    assert table.set_index("statistic").at["average_path_length", "method"] == "exact"


# --- the sample database, edition 2019, against the report ---------------------------------------


def report_statistic(name: str) -> float:
    from ieo.reference import report_table

    stats = report_table("report_value_network_stats").set_index("statistic")["printed_value"]
    return float(stats[name])


def test_sample_2019_matches_the_report_on_counts_and_average_degree(sample_network_tables):
    stats = sample_network_tables.value_network_stats
    whole = stats[stats["network"] == "whole"].set_index("statistic")["value"]
    for name in ("sample_nodes", "graph_nodes", "graph_relations"):
        assert abs(whole[name] / report_statistic(name) - 1) < 0.01, name
    assert round(whole["average_degree_report"], 2) == 1.49
    assert whole["average_clustering"] < 1 and math.isfinite(whole["average_path_length"])
    assert sample_network_tables.focal_missing == []
    assert set(sample_network_tables.ego_technology_regions_top5["focal_name"]) == {"商汤科技", "旷视科技", "依图科技", "云从科技"}


def test_network_checks_pass_on_the_sample_and_fail_on_tampered_statistics(sample_network_tables, sample_warehouse, tmp_path):
    import shutil

    import duckdb

    from checks.network_checks import NETWORK_STATISTICS_CHECKS

    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        assert {c.__name__: c(con, 2019).passed for c in NETWORK_STATISTICS_CHECKS} == {
            c.__name__: True for c in NETWORK_STATISTICS_CHECKS}
    tampered = tmp_path / "tampered.duckdb"
    shutil.copyfile(sample_warehouse, tampered)
    with duckdb.connect(str(tampered)) as con:
        con.execute("UPDATE network.value_network_stats SET value = value + 1 WHERE statistic IN "
                    "('graph_relations', 'average_clustering') AND network = 'whole'")
        con.execute("UPDATE network.value_network_stats SET value = 0.5 WHERE statistic = 'average_path_length'")
        outcomes = {c.__name__: c(con, 2019) for c in NETWORK_STATISTICS_CHECKS}
    assert not any(o.passed for o in outcomes.values())
    assert outcomes["counts_match_staged_inputs"].found["mismatched"] == {
        "graph_relations": {"published": 31950.0, "staged": 31949}}
