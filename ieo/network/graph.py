"""The value network: organisations as nodes, relations as directed edges.

Relations are held as integer arrays rather than a networkx object: at scale 100
(2.3M nodes, 3.2M relations) a networkx MultiDiGraph costs ~40 s and ~2.7 GB to
build, while the arrays cost a second. ``to_networkx`` and ``from_networkx`` are
the bridge for interactive work, small subgraphs and the tests' reference values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Projection:
    """The undirected simple graph behind a network: one edge per connected pair.

    ``weight`` counts the relations (either direction) that were collapsed into the pair.
    """

    node_count: int
    u: np.ndarray
    v: np.ndarray
    weight: np.ndarray

    @property
    def edge_count(self) -> int:
        return len(self.u)

    def degree(self) -> np.ndarray:
        return np.bincount(self.u, minlength=self.node_count) + np.bincount(self.v, minlength=self.node_count)


def project_undirected(node_count: int, source: np.ndarray, target: np.ndarray) -> Projection:
    """Collapse a directed multigraph to an undirected simple graph with pair weights."""
    low = np.minimum(source, target).astype(np.int64)
    high = np.maximum(source, target).astype(np.int64)
    keep = low != high  # a self-loop adds nothing to clustering or distances
    pairs, weight = np.unique(low[keep] * node_count + high[keep], return_counts=True)
    return Projection(node_count, pairs // node_count, pairs % node_count, weight)


@dataclass(frozen=True)
class ValueNetwork:
    """A directed multigraph: node ``i`` is row ``i`` of ``nodes``; relation ``j`` runs
    from ``source[j]`` (the sampled enterprise) to ``target[j]`` (its counterpart).

    ``nodes`` has at least ``org_id`` and ``is_sample``; other columns (name, org_type,
    tech_layer, region and industry labels) travel along for the published tables.
    """

    nodes: pd.DataFrame
    source: np.ndarray
    target: np.ndarray
    relation_type: np.ndarray
    in_edition_year: np.ndarray | None = None  # per relation: it occurred in the edition year (when known)

    @property
    def node_count(self) -> int:
        return len(self.nodes)

    @property
    def relation_count(self) -> int:
        return len(self.source)

    @property
    def sample_count(self) -> int:
        return int(self.nodes["is_sample"].sum())

    @cached_property
    def projection(self) -> Projection:
        return project_undirected(self.node_count, self.source, self.target)

    def weighted_degree(self) -> np.ndarray:
        """Relations incident to each node: the degree of the multigraph, which is the
        weighted degree of the projection (multi-edges collapsed to weights)."""
        n = self.node_count
        return np.bincount(self.source, minlength=n) + np.bincount(self.target, minlength=n)

    def restrict(self, relation_mask: np.ndarray, sample_mask: np.ndarray) -> ValueNetwork:
        """The subnetwork of the selected relations and their end nodes.

        ``sample_mask`` (per node of this network) says which nodes count as sample nodes there.
        """
        relation_mask = np.asarray(relation_mask, dtype=bool)
        source, target = self.source[relation_mask], self.target[relation_mask]
        kept = np.unique(np.concatenate([source, target]))
        renumber = np.full(self.node_count, -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        nodes = self.nodes.iloc[kept].reset_index(drop=True).assign(is_sample=np.asarray(sample_mask)[kept])
        in_year = None if self.in_edition_year is None else self.in_edition_year[relation_mask]
        return ValueNetwork(nodes, renumber[source], renumber[target], self.relation_type[relation_mask], in_year)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The same network as a networkx MultiDiGraph keyed by org_id, with node attributes."""
        graph = nx.MultiDiGraph()
        records = self.nodes.to_dict("records")
        graph.add_nodes_from((r["org_id"], r) for r in records)
        ids = self.nodes["org_id"].to_numpy()
        graph.add_edges_from(
            (ids[s], ids[t], {"relation_type": k}) for s, t, k in zip(self.source, self.target, self.relation_type)
        )
        return graph

    @classmethod
    def from_networkx(cls, graph: nx.Graph) -> ValueNetwork:
        """Any networkx graph as a value network (undirected edges keep their stored order).

        Node attributes become columns; ``is_sample`` defaults to False.
        """
        ids = list(graph.nodes)
        position = {node: i for i, node in enumerate(ids)}
        nodes = pd.DataFrame([{"org_id": str(node), **data} for node, data in graph.nodes(data=True)])
        if nodes.empty:
            nodes = pd.DataFrame({"org_id": pd.Series(dtype=str)})
        nodes["is_sample"] = nodes.get("is_sample", pd.Series(False, index=nodes.index)).fillna(False).astype(bool)
        edges = list(graph.edges(data=True))
        source = np.array([position[a] for a, _b, _d in edges], dtype=np.int64)
        target = np.array([position[b] for _a, b, _d in edges], dtype=np.int64)
        kinds = np.array([d.get("relation_type", "") for _a, _b, d in edges], dtype=object)
        return cls(nodes, source, target, kinds)


class NetworkInputError(ValueError):
    """A relation names an organisation that the node table does not have."""


def build_value_network(organizations: pd.DataFrame, relations: pd.DataFrame) -> ValueNetwork:
    """Build the network of one edition.

    ``organizations``: one row per org_id with ``is_sample`` and any label columns.
    ``relations``: ``relation_id``, ``sample_id``, ``counterpart_id``, ``relation_type``, and optionally
    ``in_edition_year`` (the ego tables count those relations only).
    Graph nodes are the organisations with at least one relation, ordered by org_id so
    the same inputs always give the same node numbering.
    """
    # One hash pass numbers the endpoints; sort=True makes node order org_id order.
    codes, endpoints = pd.factorize(pd.concat([relations["sample_id"], relations["counterpart_id"]]), sort=True)
    rows = pd.Index(organizations["org_id"]).get_indexer(endpoints)
    if (rows < 0).any():
        missing = set(endpoints[rows < 0])
        bad = relations[relations["sample_id"].isin(missing) | relations["counterpart_id"].isin(missing)]
        first = bad.iloc[0]
        raise NetworkInputError(
            f"{len(bad)} relations name organisations that are not in the node table, "
            f"e.g. relation {first['relation_id']} ({first['sample_id']} -> {first['counterpart_id']})"
        )
    count = len(relations)
    return ValueNetwork(
        nodes=organizations.iloc[rows].reset_index(drop=True),
        source=codes[:count].astype(np.int64),
        target=codes[count:].astype(np.int64),
        relation_type=relations["relation_type"].to_numpy(dtype=object),
        in_edition_year=relations["in_edition_year"].to_numpy(dtype=bool) if "in_edition_year" in relations else None,
    )
