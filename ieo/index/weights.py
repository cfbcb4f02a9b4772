"""The index's weight hierarchy: pillars (level 1), sub-pillars (2) and indicators (3).

Its one home is the dbt seed ``reference/index_weights.csv`` (the report's section VI
weights as printed). Weights are global: each level sums to 1 and a parent's weight is
the sum of its children's, up to the report's rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from ieo.reference import reference_table

POSITIVE, NEGATIVE = "positive", "negative"
ROUNDING_TOLERANCE = 0.0005  # the report prints four decimals; sums may drift by a few units of the last
ROOT = "index"


@dataclass(frozen=True)
class WeightNode:
    node_id: str
    level: int
    parent_id: str  # ROOT for pillars
    label: str
    weight: float
    direction: str | None = None  # indicators only


class WeightHierarchyError(ValueError):
    """The weight table is malformed; the message lists every problem found."""


@dataclass(frozen=True)
class RoundingDifference:
    parent_id: str
    parent_weight: float
    children_sum: float

    @property
    def gap(self) -> float:
        return self.parent_weight - self.children_sum


@dataclass(frozen=True)
class WeightTree:
    """A validated three-level hierarchy, in the order of the source table."""

    nodes: tuple[WeightNode, ...]
    source: str  # "report", "ahp: <file>", "entropy", ...

    def level(self, level: int) -> list[WeightNode]:
        return [n for n in self.nodes if n.level == level]

    def children(self, parent_id: str) -> list[WeightNode]:
        return [n for n in self.nodes if n.parent_id == parent_id]

    @property
    def indicators(self) -> list[WeightNode]:
        return self.level(3)

    def node(self, node_id: str) -> WeightNode:
        return next(n for n in self.nodes if n.node_id == node_id)

    def with_weights(self, weights: dict[str, float], source: str) -> WeightTree:
        return WeightTree(tuple(replace(n, weight=float(weights[n.node_id])) for n in self.nodes), source)

    def as_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame([n.__dict__ for n in self.nodes])
        frame["parent_id"] = frame["parent_id"].where(frame["parent_id"] != ROOT, None)
        return frame


def _problems(frame: pd.DataFrame) -> list[str]:
    """Every structural problem of a weight table, each naming its row (1 = first data row)."""
    problems = []
    ids = set(frame["node_id"])
    duplicated = frame["node_id"][frame["node_id"].duplicated()].tolist()
    problems += [f"node_id {d!r} appears more than once" for d in duplicated]
    levels = dict(zip(frame["node_id"], frame["level"]))
    for row, item in enumerate(frame.itertuples(index=False), start=1):
        where = f"row {row} ({item.node_id})"
        weight = pd.to_numeric(item.weight, errors="coerce")
        if pd.isna(weight):
            problems.append(f"{where}: weight {item.weight!r} is not a number")
        elif weight < 0:
            problems.append(f"{where}: weight {weight} is negative")
        if item.level not in (1, 2, 3):
            problems.append(f"{where}: level {item.level!r} is not 1, 2 or 3")
            continue
        parent = item.parent_id
        if item.level == 1:
            if isinstance(parent, str) and parent:
                problems.append(f"{where}: a pillar (level 1) has no parent, got {parent!r}")
        elif not isinstance(parent, str) or parent not in ids:
            problems.append(f"{where}: parent {parent!r} is missing")
        elif levels[parent] != item.level - 1:
            problems.append(f"{where}: parent {parent!r} is on level {levels[parent]}, expected {item.level - 1}")
        if item.level == 3 and item.direction not in (POSITIVE, NEGATIVE):
            problems.append(f"{where}: direction {item.direction!r} is not 'positive' or 'negative'")
    for node_id, level in levels.items():
        if level in (1, 2) and not (frame["parent_id"] == node_id).any():
            problems.append(f"{node_id}: level {level} node has no children")
    return problems


def tree_from_frame(frame: pd.DataFrame, source: str, tolerance: float = ROUNDING_TOLERANCE) -> tuple[WeightTree, list[RoundingDifference]]:
    """Validate a weight table (columns node_id, level, parent_id, report_label, weight, direction).

    Raises WeightHierarchyError listing every problem: missing parents, wrong levels,
    negative or non-numeric weights, and sums off by more than ``tolerance``. Sums off by
    less are returned as rounding differences.
    """
    frame = frame.copy()
    frame["level"] = pd.to_numeric(frame["level"], errors="coerce")
    problems = _problems(frame)
    if problems:
        raise WeightHierarchyError("index weights: " + "; ".join(problems))
    nodes = tuple(
        WeightNode(
            node_id=r.node_id,
            level=int(r.level),
            parent_id=r.parent_id if int(r.level) > 1 else ROOT,
            label=r.report_label,
            weight=float(r.weight),
            direction=r.direction if int(r.level) == 3 else None,
        )
        for r in frame.itertuples(index=False)
    )
    tree = WeightTree(nodes, source)
    rounding, off = [], []
    parents = [(ROOT, 1.0)] + [(n.node_id, n.weight) for n in nodes if n.level < 3]
    for parent_id, parent_weight in parents:
        total = math.fsum(c.weight for c in tree.children(parent_id))
        gap = abs(parent_weight - total)
        if gap > tolerance:
            off.append(f"children of {parent_id} sum to {total:.4f}, not {parent_weight:.4f}")
        elif gap > 1e-9:
            rounding.append(RoundingDifference(parent_id, parent_weight, total))
    if off:
        raise WeightHierarchyError(f"index weights: sums off by more than {tolerance}: " + "; ".join(off))
    return tree, rounding


def report_weights() -> tuple[WeightTree, list[RoundingDifference]]:
    """The report's printed weights, from the seed."""
    return tree_from_frame(reference_table("index_weights"), "report")


def local_weights(tree: WeightTree) -> dict[str, float]:
    """Each node's weight as a share of its siblings' total: what aggregation within a parent uses."""
    result = {}
    for parent_id in [ROOT] + [n.node_id for n in tree.nodes if n.level < 3]:
        children = tree.children(parent_id)
        total = math.fsum(c.weight for c in children)
        for child in children:
            result[child.node_id] = child.weight / total if total else 1.0 / len(children)
    return result


def effective_weights(tree: WeightTree) -> dict[str, float]:
    """Each indicator's weight in the index after renormalising within every parent.

    They sum to exactly 1 and differ from the printed global weights only by the rounding gaps.
    """
    local = local_weights(tree)
    result = {}
    for indicator in tree.indicators:
        sub = tree.node(indicator.parent_id)
        result[indicator.node_id] = local[indicator.node_id] * local[sub.node_id] * local[sub.parent_id]
    return result
