"""Whole-graph kernels, run in compiled code on a ``Projection`` (undirected, simple).

Chosen by measurement (see ``benchmarks/bench_graph.py`` and docs/architecture.md):

- clustering and connected components: python-igraph's C routines;
- weighted degree: ``numpy.bincount`` (in ``ValueNetwork.weighted_degree``);
- path lengths: a breadth-first search over bit-packed frontiers in numpy, on the
  graph with its leaves pruned. It beat igraph's ``average_path_length`` by an
  order of magnitude on the sample network, where most nodes are leaves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix

from ieo.network.graph import Projection

if TYPE_CHECKING:
    import igraph as ig

SOURCES_PER_BATCH = 256  # bits per frontier row; 4 uint64 words
ROWS_PER_CHUNK = 65_536  # bounds the float temporary of the per-level weighted sums
LEVEL_PUSH_COST = 4  # pushing along an edge (a sort by target) against pulling along one (a gather)
Z_95 = 1.959963984540054


def to_igraph(projection: Projection) -> ig.Graph:
    # igraph reads a list of pairs of Python ints twice as fast as the rows of a numpy array.
    edges = list(zip(projection.u.tolist(), projection.v.tolist()))
    import igraph as ig  # here, not at import: igraph loads its plotting stack (matplotlib), ~0.5 s

    return ig.Graph(n=projection.node_count, edges=edges, directed=False)


def component_membership(graph: ig.Graph) -> np.ndarray:
    """Connected-component label of each node; component 0 is the largest (ties: lowest node)."""
    labels = np.asarray(graph.connected_components().membership, dtype=np.int64)
    if labels.size == 0:
        return labels
    sizes = np.bincount(labels)
    first_node = np.full(len(sizes), labels.size)
    np.minimum.at(first_node, labels, np.arange(labels.size))
    order = np.lexsort((first_node, -sizes))  # largest first, then by first node
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[labels]


def local_clustering(graph: ig.Graph) -> np.ndarray:
    """Each node's clustering coefficient; nodes with fewer than two neighbours get 0."""
    return np.asarray(graph.transitivity_local_undirected(mode="zero"), dtype=np.float64)


def induced(projection: Projection, keep: np.ndarray) -> tuple[Projection, np.ndarray]:
    """The projection restricted to the nodes in ``keep`` (bool mask), renumbered; and their old ids."""
    old_ids = np.flatnonzero(keep)
    renumber = np.full(projection.node_count, -1, dtype=np.int64)
    renumber[old_ids] = np.arange(len(old_ids))
    inside = keep[projection.u] & keep[projection.v]
    sub = Projection(len(old_ids), renumber[projection.u[inside]], renumber[projection.v[inside]],
                     projection.weight[inside])
    return sub, old_ids


def distance_totals(projection: Projection, sources: np.ndarray) -> np.ndarray:
    """For each source, the sum of its shortest-path distances to every other node.

    The graph must be connected. Leaves (degree 1) are pruned first: a leaf's distances
    are its parent's plus one, so a BFS is only needed from, and over, the core, with
    every core node weighted by itself plus its pruned leaves. The result is exact
    (integer arithmetic carried in float64, far below 2**53).
    """
    n = projection.node_count
    sources = np.asarray(sources, dtype=np.int64)
    if n <= 2:
        return np.full(len(sources), n - 1, dtype=np.int64)
    u, v = projection.u, projection.v
    degree = projection.degree()
    leaf = degree == 1
    parent = np.full(n, -1, dtype=np.int64)
    parent[u[leaf[u]]] = v[leaf[u]]
    parent[v[leaf[v]]] = u[leaf[v]]

    core_ids = np.flatnonzero(~leaf)
    core_index = np.full(n, -1, dtype=np.int64)
    core_index[core_ids] = np.arange(len(core_ids))
    both_core = ~leaf[u] & ~leaf[v]
    cu, cv = core_index[u[both_core]], core_index[v[both_core]]
    core_count = len(core_ids)
    multiplicity = 1.0 + np.bincount(core_index[parent[leaf]], minlength=core_count)
    leaf_count = int(leaf.sum())

    # Each source's BFS is run from its core node: itself, or a leaf's parent.
    core_source = core_index[np.where(leaf[sources], parent[sources], sources)]
    needed = np.unique(core_source)
    adjacency = csr_matrix(
        (np.ones(2 * len(cu), dtype=np.int8), (np.concatenate([cu, cv]), np.concatenate([cv, cu]))),
        shape=(core_count, core_count),
    )
    weighted = _weighted_bfs_sums(adjacency.indptr, adjacency.indices, multiplicity, needed)
    core_total = np.zeros(core_count, dtype=np.int64)
    core_total[needed] = np.rint(weighted).astype(np.int64) + leaf_count
    totals = core_total[core_source]
    # A leaf reaches everything through its parent: one step more, except to itself (and the parent is 1 away).
    return np.where(leaf[sources], totals + n - 2, totals)


def _weighted_bfs_sums(indptr: np.ndarray, indices: np.ndarray, weight: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """sum over t of distance(s, t) * weight[t], for each s in ``sources``, by batched BFS.

    A batch of 256 sources advances together: each node holds 256 bits, one per source,
    and one level ORs the neighbours' bits into each node (``_next_level``).
    """
    n = len(indptr) - 1
    words = SOURCES_PER_BATCH // 64
    result = np.zeros(len(sources), dtype=np.float64)
    if len(indices) == 0:
        return result
    graph = _Adjacency(indptr, indices)
    for first in range(0, len(sources), SOURCES_PER_BATCH):
        batch = sources[first:first + SOURCES_PER_BATCH]
        bit = np.arange(len(batch))
        frontier = np.zeros((n, words), dtype=np.uint64)
        frontier[batch, bit // 64] = np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64))
        seen = frontier.copy()
        every_source = np.bitwise_or.reduce(frontier, axis=0)  # the bits of this batch's sources
        sums = np.zeros(SOURCES_PER_BATCH, dtype=np.float64)
        level = 0
        while True:
            level += 1
            reached = graph.next_level(frontier, seen, every_source)
            rows = np.flatnonzero(reached.any(axis=1))
            if len(rows) == 0:
                break
            seen[rows] |= reached[rows]
            for chunk in range(0, len(rows), ROWS_PER_CHUNK):
                part = rows[chunk:chunk + ROWS_PER_CHUNK]
                bits = np.unpackbits(reached[part].view(np.uint8), axis=1, bitorder="little")
                sums += level * (weight[part] @ bits)
            frontier = reached
        result[first:first + len(batch)] = sums[: len(batch)]
    return result


class _Adjacency:
    """One BFS level of a batch of sources, done the cheapest of three ways, all giving the same bits.

    Pulling ORs every node's neighbours' frontier bits: a gather over every edge, which the middle levels need.
    At the first levels the frontier is a few nodes, so their bits are pushed along their own edges instead; at
    the last, most nodes have been reached from every source, so only the others pull."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray):
        self.indptr, self.indices = indptr, indices
        self.degree = np.diff(indptr)
        self.has_neighbour = self.degree > 0
        self.starts = np.minimum(indptr[:-1], len(indices) - 1)  # reduceat needs in-range starts; masked after

    def next_level(self, frontier: np.ndarray, seen: np.ndarray, every_source: np.ndarray) -> np.ndarray:
        """The bits newly reached from ``frontier``: set in a neighbour's frontier row, not yet ``seen``."""
        edges = len(self.indices)
        active = np.flatnonzero(frontier.any(axis=1) & self.has_neighbour)
        open_ = np.flatnonzero(((seen & every_source) != every_source).any(axis=1) & self.has_neighbour)
        if len(active) == 0 or len(open_) == 0:
            return np.zeros_like(frontier)
        pushed, pulled = int(self.degree[active].sum()), int(self.degree[open_].sum())
        if pushed * LEVEL_PUSH_COST < min(pulled, edges):
            reached = self._push(frontier, active)
        elif pulled * 2 < edges:
            reached = self._pull(frontier, open_)
        else:
            reached = np.bitwise_or.reduceat(frontier[self.indices], self.starts, axis=0)
            reached[~self.has_neighbour] = 0
        reached &= ~seen
        return reached

    def _slots(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The positions in ``indices`` of ``nodes``' neighbours, node after node; where each node's run starts;
        and its length."""
        counts = self.degree[nodes]
        starts = np.cumsum(counts) - counts
        return np.arange(int(counts.sum())) - np.repeat(starts - self.indptr[nodes], counts), starts, counts

    def _push(self, frontier: np.ndarray, active: np.ndarray) -> np.ndarray:
        slots, _, counts = self._slots(active)
        targets = self.indices[slots]
        order = np.argsort(targets, kind="stable")
        targets, senders = targets[order], np.repeat(active, counts)[order]
        first = np.flatnonzero(np.r_[True, targets[1:] != targets[:-1]])
        reached = np.zeros_like(frontier)
        reached[targets[first]] = np.bitwise_or.reduceat(frontier[senders], first, axis=0)
        return reached

    def _pull(self, frontier: np.ndarray, open_: np.ndarray) -> np.ndarray:
        slots, starts, _ = self._slots(open_)
        reached = np.zeros_like(frontier)
        reached[open_] = np.bitwise_or.reduceat(frontier[self.indices[slots]], starts, axis=0)
        return reached


@dataclass(frozen=True)
class PathLengthResult:
    """Average shortest-path length over ordered pairs of distinct nodes of one component."""

    value: float
    exact: bool
    sources: int  # BFS sources used: all nodes when exact
    ci_low: float
    ci_high: float


def average_path_length(projection: Projection, exact_max_nodes: int, sample_sources: int, seed: int) -> PathLengthResult:
    """Exact when the (connected) graph has at most ``exact_max_nodes`` nodes; otherwise
    estimated from ``sample_sources`` BFS sources drawn without replacement, with a 95%
    normal confidence interval (finite-population corrected)."""
    n = projection.node_count
    if n < 2:
        return PathLengthResult(math.nan, True, n, math.nan, math.nan)
    if n <= exact_max_nodes or sample_sources >= n:
        totals = distance_totals(projection, np.arange(n))
        value = float(totals.sum()) / (n * (n - 1))
        return PathLengthResult(value, True, n, value, value)
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(n, size=sample_sources, replace=False))
    per_source = distance_totals(projection, chosen) / (n - 1)
    k = len(per_source)
    mean = float(per_source.mean())
    standard_error = float(per_source.std(ddof=1)) / math.sqrt(k) * math.sqrt((n - k) / (n - 1))
    return PathLengthResult(mean, False, k, mean - Z_95 * standard_error, mean + Z_95 * standard_error)
