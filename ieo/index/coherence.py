"""Statistical coherence of the index (JRC audit, step 4 of the OECD/JRC Handbook).

Do the indicators measure what their pillar claims? Correlations of each indicator with
its pillar and with the index, Cronbach's alpha of each pillar's indicators, and the
share of their variance that the first principal component explains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ieo.index.compute import IndexResult
from ieo.index.weights import WeightTree


def cronbach_alpha(items: np.ndarray) -> float:
    """alpha = k/(k-1) * (1 - sum of item variances / variance of the item total); NaN below 2 items."""
    k = items.shape[1]
    if k < 2:
        return float("nan")
    total_variance = items.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / total_variance))


def first_component_share(items: np.ndarray) -> float:
    """Share of the standardised items' variance on the first principal component (1 for one item)."""
    if items.shape[1] < 2:
        return 1.0
    varying = items[:, items.std(axis=0) > 0]
    if varying.shape[1] < 2:
        return float("nan")
    eigenvalues = np.linalg.eigvalsh(np.corrcoef(varying, rowvar=False))
    return float(eigenvalues[-1] / eigenvalues.sum())


def _correlations(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan")
    from scipy.stats import pearsonr, spearmanr  # here, not at import: scipy.stats takes ~0.5 s to load

    return float(pearsonr(x, y).statistic), float(spearmanr(x, y).statistic)


def coherence(result: IndexResult, tree: WeightTree) -> pd.DataFrame:
    """One row per indicator (its correlations) and one per pillar (alpha, first-component share).

    Columns: pillar_id, indicator_id (empty on pillar rows), pearson_with_pillar,
    spearman_with_pillar, pearson_with_index, spearman_with_index, cronbach_alpha,
    first_component_share, indicators (on pillar rows).
    """
    normalised = result.indicators.pivot(index="province_code", columns="indicator_id", values="normalised")
    levels = result.levels.set_index("province_code")
    index = levels[levels["level"] == 0]["score"].loc[normalised.index].to_numpy()
    pillar_scores = levels[levels["level"] == 1].pivot(columns="node_id", values="score").loc[normalised.index]
    rows = []
    for pillar in tree.level(1):
        members = [i.node_id for i in tree.indicators if tree.node(i.parent_id).parent_id == pillar.node_id]
        pillar_score = pillar_scores[pillar.node_id].to_numpy()
        for indicator in members:
            values = normalised[indicator].to_numpy()
            pearson_p, spearman_p = _correlations(values, pillar_score)
            pearson_i, spearman_i = _correlations(values, index)
            rows.append({"pillar_id": pillar.node_id, "indicator_id": indicator, "pearson_with_pillar": pearson_p,
                         "spearman_with_pillar": spearman_p, "pearson_with_index": pearson_i,
                         "spearman_with_index": spearman_i})
        items = normalised[members].to_numpy()
        pearson_i, spearman_i = _correlations(pillar_score, index)
        rows.append({"pillar_id": pillar.node_id, "indicator_id": None, "pearson_with_index": pearson_i,
                     "spearman_with_index": spearman_i, "cronbach_alpha": cronbach_alpha(items),
                     "first_component_share": first_component_share(items), "indicators": len(members)})
    columns = ["pillar_id", "indicator_id", "pearson_with_pillar", "spearman_with_pillar", "pearson_with_index",
               "spearman_with_index", "cronbach_alpha", "first_component_share", "indicators"]
    return pd.DataFrame(rows).reindex(columns=columns)
