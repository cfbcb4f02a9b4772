"""Weights derived from judgement (AHP) or from the data (entropy), in place of the report's.

Both produce a full ``WeightTree`` with the same hierarchy, so the index, the Monte Carlo
analysis and the release treat them like the printed weights; the tree's ``source``
names the method, and the release records it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ieo.index.weights import ROOT, WeightTree

# Random consistency index by matrix size n (1..10).
RANDOM_INDEX = {
    "saaty1980": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49),
    "chinese_textbook": (0.0, 0.0, 0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49),
}
CR_LIMIT = 0.1
DEFAULT_JUDGEMENTS = Path(__file__).with_name("ahp_judgements.yml")


class AhpError(ValueError):
    """A judgement matrix is malformed or too inconsistent (CR >= 0.1)."""


@dataclass(frozen=True)
class AhpResult:
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    random_index_table: str


def ahp(matrix, random_index_table: str = "saaty1980", name: str = "matrix") -> AhpResult:
    """Principal-eigenvector weights of a Saaty reciprocal matrix, with lambda_max, CI and CR.

    Raises AhpError when the matrix is not positive and reciprocal, or when CR >= 0.1.
    """
    a = np.asarray(matrix, dtype=np.float64)
    n = a.shape[0]
    if a.ndim != 2 or a.shape[1] != n or n < 1:
        raise AhpError(f"{name}: a judgement matrix must be square, got shape {a.shape}")
    if (a <= 0).any() or not np.allclose(a * a.T, 1.0, rtol=1e-3):
        raise AhpError(f"{name}: not a positive reciprocal matrix (need a[j][i] = 1 / a[i][j])")
    if n > len(RANDOM_INDEX[random_index_table]):
        raise AhpError(f"{name}: the {random_index_table} random-index table stops at n = 10")
    eigenvalues, eigenvectors = np.linalg.eig(a)
    principal = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    lambda_max = float(np.mean((a @ weights) / weights))
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[random_index_table][n - 1]
    cr = ci / ri if ri > 0 else 0.0
    if cr >= CR_LIMIT:
        raise AhpError(f"{name}: consistency ratio {cr:.3f} is not below {CR_LIMIT} (lambda_max {lambda_max:.3f}, "
                       f"CI {ci:.3f}, RI {ri} from {random_index_table}); revise the judgements")
    return AhpResult(weights, lambda_max, ci, cr, ri, random_index_table)


def ahp_tree(tree: WeightTree, judgements_file: Path) -> tuple[WeightTree, pd.DataFrame]:
    """Global weights from a YAML file of pairwise comparisons, one matrix per parent.

    The file has ``random_index`` (a key of RANDOM_INDEX) and ``groups``: for each parent id
    (``index`` for the pillars), ``items`` (its children, in matrix order) and ``matrix``.
    Entries may be numbers or fractions such as ``1/3``. A parent with one child needs no group. Returns the tree and one row per group with
    lambda_max, CI, CR.
    """
    spec = yaml.safe_load(Path(judgements_file).read_text(encoding="utf-8"))
    table = spec.get("random_index", "saaty1980")
    if table not in RANDOM_INDEX:
        raise AhpError(f"{judgements_file}: random_index must be one of {', '.join(RANDOM_INDEX)}, got {table!r}")
    groups = spec.get("groups", {})
    parents = [ROOT] + [n.node_id for n in tree.nodes if n.level < 3]
    problems = [f"no judgement matrix for the children of {p}" for p in parents
                if len(tree.children(p)) > 1 and p not in groups]
    problems += [f"group {p} must list exactly {', '.join(c.node_id for c in tree.children(p))}" for p in parents
                 if p in groups and sorted(groups[p].get("items", [])) != sorted(c.node_id for c in tree.children(p))]
    if problems:
        raise AhpError(f"{judgements_file}: " + "; ".join(problems))
    local: dict[str, float] = {}
    report = []
    for parent_id in parents:
        children = [c.node_id for c in tree.children(parent_id)]
        if len(children) == 1:
            local[children[0]] = 1.0
            continue
        group = groups[parent_id]
        matrix = [[float(Fraction(str(cell))) for cell in row] for row in group["matrix"]]
        result = ahp(matrix, table, name=f"{judgements_file.name}: {parent_id}")
        local.update(zip(group["items"], result.weights))
        report.append({"parent_id": parent_id, "size": len(children), "lambda_max": result.lambda_max,
                       "consistency_index": result.consistency_index, "consistency_ratio": result.consistency_ratio,
                       "random_index": result.random_index, "random_index_table": table})
    global_weights = {}
    for node in tree.nodes:
        weight, current = local[node.node_id], node
        while current.parent_id != ROOT:
            current = tree.node(current.parent_id)
            weight *= local[current.node_id]
        global_weights[node.node_id] = weight
    return tree.with_weights(global_weights, f"ahp: {Path(judgements_file).name}"), pd.DataFrame(report)


def entropy_weights(matrix, standardise: str = "minmax") -> np.ndarray:
    """Entropy weights of the columns of ``matrix`` (units x indicators), larger = better.

    standardise: ``minmax`` rescales each column to [0, 1] first (the textbook method);
    ``share`` uses the raw values (p = x / column sum). Then p_ij = x_ij / sum_i x_ij,
    e_j = -sum_i p_ij ln p_ij / ln m with 0 ln 0 = 0, d_j = 1 - e_j, w_j = d_j / sum d.
    A column with no spread carries no information and gets weight 0.
    """
    x = np.asarray(matrix, dtype=np.float64)
    m = x.shape[0]
    if standardise == "minmax":
        span = np.ptp(x, axis=0)
        x = np.divide(x - x.min(axis=0), span, out=np.zeros_like(x), where=span > 0)
    elif standardise != "share":
        raise ValueError(f"unknown standardisation {standardise!r}")
    totals = x.sum(axis=0)
    p = np.divide(x, totals, out=np.zeros_like(x), where=totals > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    entropy = np.where(totals > 0, -plogp.sum(axis=0) / math.log(m), 1.0)
    divergence = 1.0 - entropy
    if divergence.sum() <= 0:
        raise ValueError("no indicator varies across units; entropy weights are undefined")
    return divergence / divergence.sum()


def entropy_tree(tree: WeightTree, indicators: pd.DataFrame) -> WeightTree:
    """Indicator weights by entropy over the provinces; each parent weighs the sum of its children."""
    ids = [i.node_id for i in tree.indicators]
    oriented = indicators[ids].to_numpy(dtype=np.float64) * np.array(
        [-1.0 if tree.node(i).direction == "negative" else 1.0 for i in ids])
    weights = dict(zip(ids, entropy_weights(oriented)))
    for level in (2, 1):
        for node in tree.level(level):
            weights[node.node_id] = math.fsum(weights[c.node_id] for c in tree.children(node.node_id))
    return tree.with_weights(weights, "entropy")
