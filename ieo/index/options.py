"""How the index is configured, and the weights that configuration selects."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from ieo.index.compute import AGGREGATIONS, ARITHMETIC, MINMAX, NORMALISATIONS
from ieo.index.derive import DEFAULT_JUDGEMENTS, ahp_tree, entropy_tree
from ieo.index.weights import (
    RoundingDifference,
    WeightTree,
    effective_weights,
    report_weights,
    tree_from_frame,
)

REPORT, AHP, ENTROPY = "report", "ahp", "entropy"


@dataclass(frozen=True)
class IndexOptions:
    """The index's assumptions; the release's manifest records all of them.

    ``weights``: ``report`` (the printed weights, the default), ``ahp`` (from ``ahp_judgements``),
    ``entropy`` (from the edition's indicator data) or the path of a CSV laid out like the
    seed ``index_weights``.
    """

    weights: str = REPORT
    ahp_judgements: str = str(DEFAULT_JUDGEMENTS)
    normalisation: str = MINMAX
    aggregation: str = ARITHMETIC
    monte_carlo_runs: int = 1000
    monte_carlo_seed: int = 2020
    weight_spread: float = 0.2

    def __post_init__(self):
        if self.normalisation not in NORMALISATIONS or self.normalisation == "goalposts":
            raise ValueError(f"normalisation must be minmax, zscore or rank, got {self.normalisation!r}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"aggregation must be one of {', '.join(AGGREGATIONS)}, got {self.aggregation!r}")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class WeightChoice:
    tree: WeightTree
    rounding: list[RoundingDifference]
    diagnostics: pd.DataFrame  # AHP consistency per group; empty otherwise


def choose_weights(options: IndexOptions, indicators: pd.DataFrame) -> WeightChoice:
    """The weight tree the options select; any derived tree keeps the report's hierarchy."""
    report, rounding = report_weights()
    if options.weights == REPORT:
        return WeightChoice(report, rounding, pd.DataFrame())
    if options.weights == AHP:
        tree, diagnostics = ahp_tree(report, Path(options.ahp_judgements))
        return WeightChoice(tree, [], diagnostics)
    if options.weights == ENTROPY:
        return WeightChoice(entropy_tree(report, indicators), [], pd.DataFrame())
    path = Path(options.weights)
    if not path.exists():
        raise ValueError(f"weights must be report, ahp, entropy or an existing CSV file; got {options.weights!r}")
    frame = pd.read_csv(path, dtype={"parent_id": str, "direction": str}, keep_default_na=False, na_values=[""])
    tree, rounding = tree_from_frame(frame, f"file: {path.name}")
    return WeightChoice(tree, rounding, pd.DataFrame())


def weights_table(tree: WeightTree) -> pd.DataFrame:
    """The published weights: the hierarchy, each weight as used, and the indicators' effective weights."""
    frame = tree.as_frame().rename(columns={"label": "report_label"})
    frame["effective_weight"] = frame["node_id"].map(effective_weights(tree))
    frame["source"] = tree.source
    return frame
