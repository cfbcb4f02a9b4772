"""The value-network tables of the report's sections III and V, as DataFrames.

Every function takes a ``ValueNetwork`` and returns one published table; nothing
here knows about Dagster or the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ieo import names
from ieo.engine import Engine
from ieo.network import kernels
from ieo.network.graph import Projection, ValueNetwork

WHOLE, APPLICATION_LAYER = names.WHOLE_NETWORK, names.APPLICATION_SUBNETWORK
TECHNOLOGY_DIRECTIONS = {direction: f"technology_{direction}" for direction in names.TECHNOLOGY_DIRECTIONS}
RELATION_ROLE, SAMPLE_ROLE = names.NODE_ROLES


@dataclass(frozen=True)
class NetworkOptions:
    """What the network stage may be configured with; the Dagster config mirrors these defaults."""

    # The report's four unicorns (section V), by the name the report prints; org_ids work too.
    focal_enterprises: tuple[str, ...] = ("SenseTime", "MEGVII", "YITU Technology", "CloudWalk")
    # Largest connected component up to this many nodes: exact average path length; above: estimated.
    exact_path_length_max_nodes: int = 100_000
    path_length_sample_sources: int = 2_000
    path_length_seed: int = 2020
    top_whole: int = 30
    top_application_layer: int = 15
    top_ego: int = 5
    core_nodes: int = 200  # the network's core drawn in the report: the top nodes by weighted degree
    ego_relation_types: dict[str, str] = field(default_factory=lambda: dict(TECHNOLOGY_DIRECTIONS))


# statistic -> (label, definition). Published beside every value, and quoted in the asset description.
STATISTICS: dict[str, tuple[str, str]] = {
    "sample_nodes": ("Sample nodes", "Sampled enterprises with at least one relation in the network."),
    "graph_nodes": ("Graph nodes", "Organisations with at least one relation; organisations without relations are not nodes."),
    "graph_relations": ("Graph relations", "Relations (edges of the directed multigraph, sample enterprise -> counterpart), all dated up to the edition."),
    "node_pairs": ("Connected node pairs", "Edges of the undirected simple projection: relations between the same two organisations, in either direction, collapse to one edge weighted by their number."),
    "average_degree_report": ("Average degree (report)", "Relations / nodes (E/N), the report's definition (Gephi's 'Average Degree' of a directed graph)."),
    "average_degree_total": ("Average degree (2E/N)", "Mean total degree of the multigraph, 2E/N: each relation counts at both ends."),
    "average_clustering": ("Average clustering coefficient", "Mean local clustering over all graph nodes of the undirected simple projection; nodes with fewer than two neighbours count as 0 (the networkx convention)."),
    "average_clustering_degree2": ("Average clustering (degree >= 2 only)", "Variant: the same mean over nodes with at least two neighbours only (Gephi's undirected convention)."),
    "components": ("Connected components", "Connected components of the undirected projection."),
    "largest_component_nodes": ("Largest component nodes", "Nodes of the largest connected component; path lengths are measured inside it."),
    "largest_component_share": ("Largest component share", "Largest component nodes / graph nodes."),
    "average_path_length": ("Average path length", "Mean shortest-path length (in hops) over ordered pairs of distinct nodes of the largest connected component of the undirected projection. Exact, or estimated from sampled BFS sources above a configured component size; method, sample size and 95% interval are given."),
}

STATISTICS_COLUMNS = ["network", "statistic", "label", "value", "method", "ci_low", "ci_high", "sample_size", "definition"]


def largest_component_path_length(largest: Projection, options: NetworkOptions) -> kernels.PathLengthResult:
    """The average path length as the statistics table states it: exact up to a size, estimated above."""
    return kernels.average_path_length(
        largest, options.exact_path_length_max_nodes, options.path_length_sample_sources, options.path_length_seed
    )


def largest_component(projection: Projection) -> Projection:
    """The projection's largest connected component, where path lengths are measured."""
    membership = kernels.component_membership(kernels.to_igraph(projection))
    return kernels.induced(projection, membership == 0)[0]


def path_length_of(projection: Projection, options: NetworkOptions) -> float:
    """The average path length of a projection's largest component."""
    return largest_component_path_length(largest_component(projection), options).value


def network_statistics(network: ValueNetwork, name: str, options: NetworkOptions) -> pd.DataFrame:
    """The report's statistics table, with the variants and the component it was measured on."""
    n, e = network.node_count, network.relation_count
    projection = network.projection
    graph = kernels.to_igraph(projection)
    clustering = kernels.local_clustering(graph)
    degree = projection.degree()
    membership = kernels.component_membership(graph)
    largest, _ = kernels.induced(projection, membership == 0)
    path = largest_component_path_length(largest, options)
    values = {
        "sample_nodes": network.sample_count,
        "graph_nodes": n,
        "graph_relations": e,
        "node_pairs": projection.edge_count,
        "average_degree_report": e / n if n else np.nan,
        "average_degree_total": 2 * e / n if n else np.nan,
        "average_clustering": float(clustering.mean()) if n else np.nan,
        "average_clustering_degree2": float(clustering[degree >= 2].mean()) if (degree >= 2).any() else np.nan,
        "components": int(membership.max()) + 1 if n else 0,
        "largest_component_nodes": largest.node_count,
        "largest_component_share": largest.node_count / n if n else np.nan,
    }
    rows = [
        {"statistic": key, "value": float(value), "method": "exact", "ci_low": np.nan, "ci_high": np.nan,
         "sample_size": np.nan}
        for key, value in values.items()
    ]
    rows.append({
        "statistic": "average_path_length",
        "value": path.value,
        "method": "exact" if path.exact else "estimate",
        "ci_low": path.ci_low,
        "ci_high": path.ci_high,
        "sample_size": float(path.sources),
    })
    table = pd.DataFrame(rows)
    table.insert(0, "network", name)
    table["label"] = table["statistic"].map(lambda s: STATISTICS[s][0])
    table["definition"] = table["statistic"].map(lambda s: STATISTICS[s][1])
    return table[STATISTICS_COLUMNS]


def top_positions(values: np.ndarray, mask: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the ``limit`` masked nodes with the largest ``values``, largest first, and of any node tied with
    the last of them (ties at the cut are kept, as the marts keep them).

    Ties are listed in position order, which is org_id order (``build_value_network`` sorts nodes).
    Candidates are cut to the values at or above the limit-th largest in O(n) before sorting,
    so a top 30 of millions of nodes costs one partition.
    """
    candidates = np.flatnonzero(mask)
    scores = values[candidates]
    if len(candidates) > limit:
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit] if limit else np.inf
        keep = scores >= threshold
        candidates, scores = candidates[keep], scores[keep]
    return candidates[np.lexsort((candidates, -scores))]


def competition_ranks(ordered: np.ndarray) -> np.ndarray:
    """Ranks of values sorted largest first, ties sharing the best rank (1, 2, 2, 4), as SQL's rank() gives them."""
    ordered = np.asarray(ordered)
    if not len(ordered):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    return np.maximum.accumulate(np.where(starts, np.arange(1, len(ordered) + 1), 0))


def _ranked(nodes: pd.DataFrame, values: np.ndarray, mask: np.ndarray, column: str, limit: int) -> pd.DataFrame:
    positions = top_positions(values, mask, limit)
    return nodes.iloc[positions].assign(**{column: values[positions], "rank": competition_ranks(values[positions])})


def weighted_degree_top(network: ValueNetwork, limit: int) -> pd.DataFrame:
    """The report's two columns: the top relation (non-sample) nodes and the top sample nodes."""
    degree = network.weighted_degree()
    is_sample = network.nodes["is_sample"].to_numpy(dtype=bool)
    parts = [
        _ranked(network.nodes, degree, mask, "weighted_degree", limit).assign(node_role=role)
        for role, mask in ((RELATION_ROLE, ~is_sample), (SAMPLE_ROLE, is_sample))
    ]
    columns = ["node_role", "rank", "org_id", "name", "org_type", "weighted_degree"]
    return pd.concat(parts, ignore_index=True)[columns]


def technology_io_top(network: ValueNetwork, limit: int) -> pd.DataFrame:
    """Sample nodes by their number of technology input and of technology output relations."""
    is_sample = network.nodes["is_sample"].to_numpy(dtype=bool)
    parts = []
    for direction, relation_type in TECHNOLOGY_DIRECTIONS.items():
        counts = np.bincount(network.source[network.relation_type == relation_type], minlength=network.node_count)
        parts.append(_ranked(network.nodes, counts, is_sample & (counts > 0), "relation_count", limit)
                     .assign(direction=direction))
    columns = ["direction", "rank", "org_id", "name", "relation_count"]
    return pd.concat(parts, ignore_index=True)[columns]


def network_core(network: ValueNetwork, limit: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``limit`` nodes with the largest weighted degree, and the node pairs linked among them.

    Pairs are unordered (``source_org_id`` < ``target_org_id``) with the number of relations
    between the two, so the report can draw the core without the whole graph.
    """
    degree = network.weighted_degree()
    positions = top_positions(degree, np.ones(network.node_count, dtype=bool), limit)[:limit]  # a drawing's nodes
    nodes = network.nodes.iloc[positions][["org_id", "name", "org_type", "is_sample"]].assign(
        weighted_degree=degree[positions], rank=competition_ranks(degree[positions]))
    inside = np.zeros(network.node_count, dtype=bool)
    inside[positions] = True
    keep = inside[network.source] & inside[network.target]
    org_ids = network.nodes["org_id"].to_numpy()
    ends = np.sort(np.stack([org_ids[network.source[keep]], org_ids[network.target[keep]]], axis=1), axis=1)
    pairs = pd.DataFrame(ends, columns=["source_org_id", "target_org_id"])
    edges = pairs.groupby(["source_org_id", "target_org_id"]).size().rename("relation_count").reset_index()
    columns = ["rank", "org_id", "name", "org_type", "is_sample", "weighted_degree"]
    return nodes[columns].reset_index(drop=True), edges


def application_layer_network(network: ValueNetwork) -> ValueNetwork:
    """Report section V: the application-layer enterprises' relations and their end nodes;
    only application-layer enterprises are sample nodes there."""
    application = (network.nodes["tech_layer"] == names.APPLICATION_TECH_LAYER).to_numpy() & network.nodes["is_sample"].to_numpy()
    return network.restrict(application[network.source], application)


def resolve_focal(network: ValueNetwork, wanted: tuple[str, ...], aliases: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Find each focal enterprise among the sample nodes by org_id, name or a known alias.

    ``aliases`` maps a casefolded spelling (e.g. a report label) to the name used in the data.
    Returns the found ones (``focal``, ``node``) and the entries that match no sample node.
    """
    samples = network.nodes[network.nodes["is_sample"]]
    by_id = dict(zip(samples["org_id"], samples.index))
    by_name = {str(name).casefold(): i for name, i in zip(samples["name"], samples.index)}
    found, missing = [], []
    for entry in wanted:
        key = entry.casefold()
        index = by_id.get(entry, by_name.get(key, by_name.get(str(aliases.get(key, "")).casefold())))
        if index is None:
            missing.append(entry)
        else:
            found.append((entry, index))
    return pd.DataFrame(found, columns=["focal", "node"]), missing


def ego_distribution(network: ValueNetwork, focal: pd.DataFrame, label: str, options: NetworkOptions) -> pd.DataFrame:
    """Each focal enterprise's technology counterparts of the edition year, grouped by ``label`` (region or industry).

    ``label`` names node columns ``{label}_code``, ``{label}_name_en`` and ``{label}_name_zh``. The share
    divides by the focal enterprise's relations of that direction (in the edition year, when the network knows
    the years) whose counterpart has a known label. The edition year, as in the report's other tables of
    relations by region and industry, whose printed shares are of, for example, 23 SenseTime input relations
    where its top-30 count of all years is 24.
    """
    code = f"{label}_code"
    nodes = network.nodes
    parts = []
    for row in focal.itertuples(index=False):
        for direction, relation_type in options.ego_relation_types.items():
            mask = (network.source == row.node) & (network.relation_type == relation_type)
            if network.in_edition_year is not None:
                mask &= network.in_edition_year
            counterparts = nodes.iloc[network.target[mask]]
            known = counterparts[counterparts[code].notna()]
            counts = known.groupby([code, f"{label}_name_en", f"{label}_name_zh"], dropna=False).size()
            counts = counts.rename("relation_count").reset_index()
            counts = counts.sort_values(["relation_count", code], ascending=[False, True], kind="stable")
            if len(counts) > options.top_ego:  # ties at the cut are kept, as in the other top lists
                counts = counts[counts["relation_count"] >= counts["relation_count"].iloc[options.top_ego - 1]]
            parts.append(counts.assign(
                focal_org_id=nodes.at[row.node, "org_id"],
                focal_name=nodes.at[row.node, "name"],
                direction=direction,
                rank=competition_ranks(counts["relation_count"].to_numpy()),
                share=counts["relation_count"] / len(known) if len(known) else np.nan,
                known_relations=len(known),
            ))
    columns = ["focal_org_id", "focal_name", "direction", "rank", code, f"{label}_name_en", f"{label}_name_zh",
               "relation_count", "share", "known_relations"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


@dataclass(frozen=True)
class NetworkTables:
    value_network_stats: pd.DataFrame
    weighted_degree_top30: pd.DataFrame
    technology_input_output_top30: pd.DataFrame
    application_layer_weighted_degree_top15: pd.DataFrame
    ego_technology_regions_top5: pd.DataFrame
    ego_technology_industries_top5: pd.DataFrame
    network_core_nodes: pd.DataFrame
    network_core_edges: pd.DataFrame
    focal_missing: list[str]

    def as_dict(self) -> dict[str, pd.DataFrame]:
        """The published tables by table id."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, pd.DataFrame)}


def network_tables(network: ValueNetwork, options: NetworkOptions, aliases: dict[str, str]) -> NetworkTables:
    """Every published value-network table of one edition."""
    application = application_layer_network(network)
    focal, missing = resolve_focal(network, options.focal_enterprises, aliases)
    core_nodes, core_edges = network_core(network, options.core_nodes)
    return NetworkTables(
        value_network_stats=pd.concat(
            [network_statistics(network, WHOLE, options), network_statistics(application, APPLICATION_LAYER, options)],
            ignore_index=True,
        ),
        weighted_degree_top30=weighted_degree_top(network, options.top_whole),
        technology_input_output_top30=technology_io_top(network, options.top_whole),
        application_layer_weighted_degree_top15=weighted_degree_top(application, options.top_application_layer),
        ego_technology_regions_top5=ego_distribution(network, focal, "region", options),
        ego_technology_industries_top5=ego_distribution(network, focal, "industry", options),
        network_core_nodes=core_nodes,
        network_core_edges=core_edges,
        focal_missing=missing,
    )


def read_network_inputs(engine: Engine, edition: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The edition's nodes (intermediate.int_network_nodes) and relations (staging.stg_relations)."""
    with engine.connect() as con:
        nodes = engine.edition_rows(con, f"{names.INTERMEDIATE}.int_network_nodes", edition, order="org_id")
        relations = engine.query(
            con,
            f"""SELECT relation_id, sample_id, counterpart_id, relation_type,
                      coalesce(year(occurred_on), edition) = edition AS in_edition_year
               FROM {names.STAGING}.stg_relations WHERE edition = ? ORDER BY relation_id""",
            [edition],
        )
    return nodes, relations
