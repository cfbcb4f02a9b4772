"""Monte Carlo uncertainty and sensitivity analysis of the index, as in the JRC's audits.

Three assumptions vary at once: every weight (each level's local weights scaled by a
uniform factor in [1 - spread, 1 + spread] and renormalised within their parent), the
normalisation (min-max, z-score or rank) and the aggregation (arithmetic or geometric).
The uncertainty runs give each province's rank distribution; a Saltelli design on the
same three assumptions gives their first-order and total sensitivity indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ieo.index.compute import (
    ARITHMETIC,
    GEOMETRIC,
    MINMAX,
    RANK,
    ZSCORE,
    Structure,
    aggregate,
    competition_rank,
    normalise,
)
from ieo.index.weights import WeightTree

VARIED_NORMALISATIONS = (MINMAX, ZSCORE, RANK)
VARIED_AGGREGATIONS = (ARITHMETIC, GEOMETRIC)
FACTORS = ("weights", "normalisation", "aggregation")


@dataclass(frozen=True)
class Design:
    """One set of runs: weight factors per level, and the choice index of each discrete assumption."""

    indicator_factor: np.ndarray  # runs x indicators
    sub_factor: np.ndarray  # runs x subs
    pillar_factor: np.ndarray  # runs x pillars
    normalisation: np.ndarray  # runs, index into VARIED_NORMALISATIONS
    aggregation: np.ndarray  # runs, index into VARIED_AGGREGATIONS

    @classmethod
    def draw(cls, rng: np.random.Generator, runs: int, structure: Structure, spread: float) -> Design:
        def factors(count: int) -> np.ndarray:
            return rng.uniform(1 - spread, 1 + spread, size=(runs, count))

        return cls(factors(len(structure.indicator_ids)), factors(len(structure.sub_ids)),
                   factors(len(structure.pillar_ids)), rng.integers(0, len(VARIED_NORMALISATIONS), runs),
                   rng.integers(0, len(VARIED_AGGREGATIONS), runs))

    def mixed(self, other: Design, factor: str) -> Design:
        """This design with one assumption's columns taken from ``other`` (Saltelli's A_B matrix)."""
        if factor == "weights":
            return Design(other.indicator_factor, other.sub_factor, other.pillar_factor, self.normalisation, self.aggregation)
        if factor == "normalisation":
            return Design(self.indicator_factor, self.sub_factor, self.pillar_factor, other.normalisation, self.aggregation)
        return Design(self.indicator_factor, self.sub_factor, self.pillar_factor, self.normalisation, other.aggregation)


def _renormalised(local: np.ndarray, factor: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Scaled local weights, renormalised so the children of each parent sum to 1 again."""
    scaled = local * factor
    parent_totals = scaled @ membership  # runs x parents
    return scaled / (parent_totals @ membership.T)


def ranks_for(design: Design, raw: np.ndarray, structure: Structure, tree: WeightTree) -> np.ndarray:
    """The index rank of every province (runs x provinces) under each run of ``design``."""
    w3, w2, w1 = structure.local(tree)
    runs = len(design.normalisation)
    indicator_w = _renormalised(w3, design.indicator_factor, structure.indicator_to_sub)
    sub_w = _renormalised(w2, design.sub_factor, structure.sub_to_pillar)
    pillar_w = _renormalised(w1, design.pillar_factor, np.ones((len(w1), 1)))
    oriented = raw * structure.directions
    normalised = {m: normalise(oriented, m) for m in VARIED_NORMALISATIONS}
    scores = np.empty((runs, raw.shape[0]))
    for n, method in enumerate(VARIED_NORMALISATIONS):
        for a, aggregation in enumerate(VARIED_AGGREGATIONS):
            chosen = np.flatnonzero((design.normalisation == n) & (design.aggregation == a))
            if len(chosen):
                values = np.broadcast_to(normalised[method], (len(chosen), *raw.shape))
                _, _, index = aggregate(values, structure, indicator_w[chosen], sub_w[chosen], pillar_w[chosen], aggregation)
                scores[chosen] = index
    return competition_rank(scores)


def first_order_and_total(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli (2010) first-order and Jansen total-effect estimators.

    ``f_a``, ``f_b``: outputs (runs x outputs) of two independent designs; ``f_ab``: factors x
    runs x outputs, design A with one factor from B. Outputs with no variance give NaN.
    """
    variance = np.var(np.concatenate([f_a, f_b]), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.mean(f_b * (f_ab - f_a), axis=1) / variance
        total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=1) / variance
    return first, total


@dataclass(frozen=True)
class UncertaintyResult:
    ranks: pd.DataFrame  # province_code, nominal_rank, median_rank, p05_rank, p95_rank, mean_abs_rank_shift
    sensitivity: pd.DataFrame  # output, factor, first_order, total_effect
    runs: int
    seed: int
    spread: float


def monte_carlo(indicators: pd.DataFrame, tree: WeightTree, nominal_rank: pd.Series, runs: int = 1000,
                seed: int = 2020, spread: float = 0.2) -> UncertaintyResult:
    """Rank distribution per province over ``runs`` random variants, and sensitivity indices.

    ``nominal_rank``: the published rank of each province, indexed by province_code.
    The sensitivity output is each province's rank and, as one summary, the mean absolute
    rank shift over provinces.
    """
    structure = Structure.of(tree)
    raw = indicators[structure.indicator_ids].to_numpy(dtype=np.float64)
    codes = indicators["province_code"].to_numpy()
    nominal = nominal_rank.loc[codes].to_numpy()
    rng = np.random.default_rng(seed)
    design_a = Design.draw(rng, runs, structure, spread)
    design_b = Design.draw(rng, runs, structure, spread)
    ranks_a = ranks_for(design_a, raw, structure, tree)

    ranks = pd.DataFrame({
        "province_code": codes,
        "nominal_rank": nominal,
        "median_rank": np.median(ranks_a, axis=0),
        "p05_rank": np.percentile(ranks_a, 5, axis=0),
        "p95_rank": np.percentile(ranks_a, 95, axis=0),
        "mean_abs_rank_shift": np.abs(ranks_a - nominal).mean(axis=0),
    }).sort_values(["nominal_rank", "province_code"], kind="stable").reset_index(drop=True)

    def outputs(rank_matrix: np.ndarray) -> np.ndarray:
        shift = np.abs(rank_matrix - nominal).mean(axis=1, keepdims=True)
        return np.hstack([rank_matrix, shift]).astype(np.float64)

    f_a, f_b = outputs(ranks_a), outputs(ranks_for(design_b, raw, structure, tree))
    f_ab = np.stack([outputs(ranks_for(design_a.mixed(design_b, factor), raw, structure, tree)) for factor in FACTORS])
    first, total = first_order_and_total(f_a, f_b, f_ab)
    names = [*codes, "mean_abs_rank_shift"]
    sensitivity = pd.DataFrame({
        "output": np.tile(names, len(FACTORS)),
        "factor": np.repeat(FACTORS, len(names)),
        "first_order": first.ravel(),
        "total_effect": total.ravel(),
    })
    return UncertaintyResult(ranks, sensitivity, runs, seed, spread)
