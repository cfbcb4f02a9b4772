"""Monte Carlo uncertainty and sensitivity analysis of the index, as in the JRC's audits.

Three assumptions vary at once: every weight (each level's local weights scaled by a
uniform factor in [1 - spread, 1 + spread] and renormalised within their parent), the
normalisation (min-max, z-score or rank) and the aggregation (arithmetic or geometric).
The uncertainty runs give each province's rank distribution. The sensitivity analysis is SALib's:
Saltelli's sampling scheme over the same three assumptions (the weight factors form one group, each
discrete choice is a uniform variable cut into equal intervals), and Sobol analysis giving first-order
and total-effect indices with bootstrap confidence intervals.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
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

    @classmethod
    def from_sample(cls, sample: np.ndarray, structure: Structure) -> Design:
        """The runs of a sample laid out as ``sensitivity_problem`` declares its variables."""
        i, s, p = (len(structure.indicator_ids), len(structure.sub_ids), len(structure.pillar_ids))
        return cls(sample[:, :i], sample[:, i:i + s], sample[:, i + s:i + s + p],
                   np.minimum(sample[:, -2].astype(int), len(VARIED_NORMALISATIONS) - 1),
                   np.minimum(sample[:, -1].astype(int), len(VARIED_AGGREGATIONS) - 1))


def sensitivity_problem(structure: Structure, spread: float) -> dict:
    """SALib's problem: every weight factor in [1 - spread, 1 + spread] (group weights), then the normalisation
    and the aggregation as uniform variables whose integer part picks the choice."""
    weights = [*structure.indicator_ids, *structure.sub_ids, *structure.pillar_ids]
    return {
        "num_vars": len(weights) + 2,
        "names": [f"weight_{node}" for node in weights] + ["normalisation", "aggregation"],
        "bounds": [[1 - spread, 1 + spread]] * len(weights)
        + [[0, len(VARIED_NORMALISATIONS)], [0, len(VARIED_AGGREGATIONS)]],
        "groups": ["weights"] * len(weights) + ["normalisation", "aggregation"],
    }


def sobol_indices(problem: dict, model: Callable[[np.ndarray], np.ndarray], base_samples: int, seed: int,
                  output_names: list[str]) -> pd.DataFrame:
    """First-order and total-effect Sobol indices of each output of ``model`` (samples x variables -> samples x
    outputs) to each group of ``problem`` (or each variable), with the half-widths of their 95% confidence
    intervals: SALib's Saltelli sample (``base_samples`` a power of 2, scrambled Sobol' sequence seeded by
    ``seed``) and Sobol analysis (bootstrap seeded by ``seed``). An output that never varies gives empty indices.
    """
    # Imported here: SALib imports dill, which writes a probe file into the temp folder, and the definitions that
    # import this module must not write anything at load.
    from SALib.analyze import sobol as sobol_analysis
    from SALib.sample import sobol as saltelli_sampling

    sample = saltelli_sampling.sample(problem, base_samples, calc_second_order=False, seed=seed)
    outputs = np.asarray(model(sample), dtype=np.float64)
    factors = list(dict.fromkeys(problem.get("groups") or problem["names"]))
    rows = []
    for position, name in enumerate(output_names):
        y = outputs[:, position]
        if np.ptp(y) == 0:
            found = dict.fromkeys(("S1", "S1_conf", "ST", "ST_conf"), [math.nan] * len(factors))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                found = sobol_analysis.analyze(problem, y, calc_second_order=False, seed=seed)
        rows += [{"output": name, "factor": factor, "first_order": found["S1"][k], "first_order_ci": found["S1_conf"][k],
                  "total_effect": found["ST"][k], "total_effect_ci": found["ST_conf"][k]}
                 for k, factor in enumerate(factors)]
    return pd.DataFrame(rows)


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


@dataclass(frozen=True)
class UncertaintyResult:
    ranks: pd.DataFrame  # province_code, nominal_rank, median_rank, p05_rank, p95_rank, mean_abs_rank_shift
    sensitivity: pd.DataFrame  # output, factor, first_order, first_order_ci, total_effect, total_effect_ci
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
    ranks_a = ranks_for(Design.draw(rng, runs, structure, spread), raw, structure, tree)

    ranks = pd.DataFrame({
        "province_code": codes,
        "nominal_rank": nominal,
        "median_rank": np.median(ranks_a, axis=0),
        "p05_rank": np.percentile(ranks_a, 5, axis=0),
        "p95_rank": np.percentile(ranks_a, 95, axis=0),
        "mean_abs_rank_shift": np.abs(ranks_a - nominal).mean(axis=0),
    }).sort_values(["nominal_rank", "province_code"], kind="stable").reset_index(drop=True)

    def model(sample: np.ndarray) -> np.ndarray:
        rank_matrix = ranks_for(Design.from_sample(sample, structure), raw, structure, tree)
        shift = np.abs(rank_matrix - nominal).mean(axis=1, keepdims=True)
        return np.hstack([rank_matrix, shift])

    base_samples = 1 << max(0, math.ceil(math.log2(runs)))  # Saltelli's scheme wants a power of 2
    sensitivity = sobol_indices(sensitivity_problem(structure, spread), model, base_samples, seed,
                                [*codes, "mean_abs_rank_shift"])
    return UncertaintyResult(ranks, sensitivity, runs, seed, spread)
