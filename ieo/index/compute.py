"""Normalisation and hierarchical aggregation of the competitiveness index.

The index is built bottom-up (OECD/JRC Handbook, steps 5 and 6): each indicator is
normalised across provinces, each sub-pillar aggregates its indicators with their
weights renormalised within it, each pillar its sub-pillars, and the index the pillars.
Everything is vectorised so the Monte Carlo analysis can run thousands of variants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ieo.index.weights import NEGATIVE, ROOT, WeightTree, local_weights

MINMAX, ZSCORE, RANK, GOALPOSTS = "minmax", "zscore", "rank", "goalposts"
NORMALISATIONS = (MINMAX, ZSCORE, RANK, GOALPOSTS)
ARITHMETIC, GEOMETRIC = "arithmetic", "geometric"
AGGREGATIONS = (ARITHMETIC, GEOMETRIC)


def normalise(values: np.ndarray, method: str, goalposts: np.ndarray | None = None) -> np.ndarray:
    """Normalise each column (indicator) of ``values`` (provinces x indicators), larger = better.

    - minmax: 0-100 between the lowest and highest province (a constant column gives 0);
    - zscore: mean 0, standard deviation 1 (population; a constant column gives 0);
    - rank: 1 for the lowest province up to n, ties share their average rank;
    - goalposts: 0-100 between fixed bounds (``goalposts``: 2 x indicators), clipped.
    """
    values = np.asarray(values, dtype=np.float64)
    if method == MINMAX:
        low, span = values.min(axis=0), np.ptp(values, axis=0)
        return np.divide(values - low, span, out=np.zeros_like(values), where=span > 0) * 100.0
    if method == ZSCORE:
        sd = values.std(axis=0)
        return np.divide(values - values.mean(axis=0), sd, out=np.zeros_like(values), where=sd > 0)
    if method == RANK:
        from scipy.stats import rankdata  # here, not at import: scipy.stats takes ~0.5 s to load

        return rankdata(values, method="average", axis=0)
    if method == GOALPOSTS:
        if goalposts is None:
            raise ValueError("goalposts normalisation needs a lower and an upper bound per indicator")
        low, high = goalposts
        return np.clip((values - low) / (high - low), 0.0, 1.0) * 100.0
    raise ValueError(f"unknown normalisation {method!r}; expected one of {', '.join(NORMALISATIONS)}")


@dataclass(frozen=True)
class Structure:
    """The hierarchy as membership matrices, for vectorised aggregation."""

    indicator_ids: list[str]
    sub_ids: list[str]
    pillar_ids: list[str]
    indicator_to_sub: np.ndarray  # indicators x subs, 0/1
    sub_to_pillar: np.ndarray  # subs x pillars, 0/1
    directions: np.ndarray  # +1 / -1 per indicator

    @classmethod
    def of(cls, tree: WeightTree) -> Structure:
        indicators, subs, pillars = tree.level(3), tree.level(2), tree.level(1)
        sub_index = {s.node_id: j for j, s in enumerate(subs)}
        pillar_index = {p.node_id: k for k, p in enumerate(pillars)}
        to_sub = np.zeros((len(indicators), len(subs)))
        for i, node in enumerate(indicators):
            to_sub[i, sub_index[node.parent_id]] = 1.0
        to_pillar = np.zeros((len(subs), len(pillars)))
        for j, node in enumerate(subs):
            to_pillar[j, pillar_index[node.parent_id]] = 1.0
        directions = np.array([-1.0 if n.direction == NEGATIVE else 1.0 for n in indicators])
        return cls([n.node_id for n in indicators], [n.node_id for n in subs], [n.node_id for n in pillars],
                   to_sub, to_pillar, directions)

    def local(self, tree: WeightTree) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Local weights (within each parent) of indicators, sub-pillars and pillars."""
        local = local_weights(tree)
        return (np.array([local[i] for i in self.indicator_ids]), np.array([local[s] for s in self.sub_ids]),
                np.array([local[p] for p in self.pillar_ids]))


def aggregate(normalised: np.ndarray, structure: Structure, indicator_w: np.ndarray, sub_w: np.ndarray,
              pillar_w: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sub-pillar, pillar and index scores from normalised indicators and local weights.

    Weights may carry a leading batch axis (runs x weights) to score many variants at once;
    ``normalised`` is then runs x provinces x indicators. Geometric aggregation works on each
    indicator shifted so its lowest province scores 1, since a zero would annihilate the product.
    """
    if method == GEOMETRIC:
        values = np.log(normalised - normalised.min(axis=-2, keepdims=True) + 1.0)
    elif method == ARITHMETIC:
        values = normalised
    else:
        raise ValueError(f"unknown aggregation {method!r}; expected one of {', '.join(AGGREGATIONS)}")
    to_sub = structure.indicator_to_sub * indicator_w[..., :, None]  # (runs) x indicators x subs
    subs = values @ to_sub
    to_pillar = structure.sub_to_pillar * sub_w[..., :, None]
    pillars = subs @ to_pillar
    index = (pillars @ pillar_w[..., :, None])[..., 0]
    if method == GEOMETRIC:
        return np.exp(subs), np.exp(pillars), np.exp(index)
    return subs, pillars, index


def competition_rank(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest score along the last axis; equal scores share the better rank."""
    from scipy.stats import rankdata  # here, not at import: scipy.stats takes ~0.5 s to load

    return rankdata(-np.round(scores, 12), method="min", axis=-1).astype(np.int64)


@dataclass(frozen=True)
class IndexResult:
    index: pd.DataFrame  # province_code, province_name_zh, province_name_en, score, rank, <pillar>_score, <pillar>_rank
    levels: pd.DataFrame  # long: province_code, level, node_id, parent_id, score, rank
    indicators: pd.DataFrame  # long: province_code, indicator_id, raw_value, normalised, weight, effective_weight, contribution


def compute_index(indicators: pd.DataFrame, tree: WeightTree, normalisation: str = MINMAX,
                  aggregation: str = ARITHMETIC, goalposts: np.ndarray | None = None) -> IndexResult:
    """Score every province at every level, with ranks and each indicator's contribution.

    ``indicators``: one row per province with ``province_code``, the two name columns and one
    column per indicator id of the tree.
    """
    structure = Structure.of(tree)
    missing = [i for i in structure.indicator_ids if i not in indicators.columns]
    if missing:
        raise ValueError(f"indicator columns missing from the input: {', '.join(missing)}")
    raw = indicators[structure.indicator_ids].to_numpy(dtype=np.float64)
    if np.isnan(raw).any():
        rows, cols = np.nonzero(np.isnan(raw))
        raise ValueError(f"indicator {structure.indicator_ids[cols[0]]} is missing for province "
                         f"{indicators['province_code'].iloc[rows[0]]}")
    normalised = normalise(raw * structure.directions, normalisation, goalposts)
    w3, w2, w1 = structure.local(tree)
    subs, pillars, index = aggregate(normalised, structure, w3, w2, w1, aggregation)

    names = indicators[["province_code", "province_name_zh", "province_name_en"]].reset_index(drop=True)
    table = names.assign(score=index, rank=competition_rank(index))
    pillar_rank = competition_rank(pillars.T)
    for k, pillar in enumerate(structure.pillar_ids):
        table[f"{pillar}_score"] = pillars[:, k]
        table[f"{pillar}_rank"] = pillar_rank[k]
    table = table.sort_values(["rank", "province_code"], kind="stable").reset_index(drop=True)

    levels = [_long(names, index[:, None], [ROOT], 0, {ROOT: None})]
    levels.append(_long(names, pillars, structure.pillar_ids, 1, {p: ROOT for p in structure.pillar_ids}))
    levels.append(_long(names, subs, structure.sub_ids, 2, {s.node_id: s.parent_id for s in tree.level(2)}))
    levels.append(_long(names, normalised, structure.indicator_ids, 3, {i.node_id: i.parent_id for i in tree.indicators}))

    effective = w3 * (structure.indicator_to_sub @ (w2 * (structure.sub_to_pillar @ w1)))
    printed = np.array([tree.node(i).weight for i in structure.indicator_ids])
    detail = pd.DataFrame({
        "province_code": np.repeat(names["province_code"].to_numpy(), len(structure.indicator_ids)),
        "indicator_id": np.tile(structure.indicator_ids, len(names)),
        "raw_value": raw.ravel(),
        "normalised": normalised.ravel(),
        "weight": np.tile(printed, len(names)),
        "effective_weight": np.tile(effective, len(names)),
    })
    if aggregation == ARITHMETIC:
        detail["contribution"] = detail["effective_weight"] * detail["normalised"]
    else:  # a weighted product has no additive parts
        detail["contribution"] = np.nan
    return IndexResult(table, pd.concat(levels, ignore_index=True), detail)


def _long(names: pd.DataFrame, scores: np.ndarray, node_ids: list[str], level: int, parents: dict) -> pd.DataFrame:
    ranks = competition_rank(scores.T).T
    return pd.DataFrame({
        "province_code": np.repeat(names["province_code"].to_numpy(), len(node_ids)),
        "level": level,
        "node_id": np.tile(node_ids, len(names)),
        "parent_id": np.tile([parents[n] for n in node_ids], len(names)),
        "score": scores.ravel(),
        "rank": ranks.ravel(),
    })
