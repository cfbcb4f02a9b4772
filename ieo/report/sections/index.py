"""Section VI: the competitiveness index, its rank uncertainty, weights and method."""

from __future__ import annotations

import pandas as pd

from ieo.report import charts
from ieo.report.blocks import (
    Section,
    Table,
    change,
    decimal,
    table,
    with_previous,
)
from ieo.reference import province_short_names, reference_table
from ieo.report.reader import PublishedRelease

SECTION_ID = "index"
HEADING = "VI. Regional AI Industry Competitiveness Index"


def index_section(release: PublishedRelease, previous: PublishedRelease | None) -> Section:
    ix = release.index
    section = Section(SECTION_ID, HEADING)
    weights = ix["weights"]
    pillars = weights[weights["level"] == 1]
    ranking = with_previous(ix["competitiveness_index"],
                            previous.index["competitiveness_index"] if previous else None, ["province_code"], "rank")
    ranking["rank_change"] = -ranking["change"]  # up the table is a positive move
    columns = [("rank", "rank", None), ("province", "province_name_zh", None), ("score", "score", lambda v: decimal(v, 2))]
    columns += [(label, f"{pillar}_score", lambda v: decimal(v, 1))
                for pillar, label in zip(pillars["node_id"], pillars["report_label"])]
    columns.append(("rank change vs previous edition", "rank_change", change))
    section.blocks.append(table("Competitiveness index ranking", ranking.sort_values("rank"), columns))
    shown_names = province_short_names()
    ordered = ranking.sort_values("rank")
    contributions = pd.DataFrame(
        {label: ordered[f"{pillar}_score"].to_numpy() * weight
         for pillar, label, weight in zip(pillars["node_id"], pillars["report_label"], pillars["weight"])},
        index=[shown_names.get(c, c) for c in ordered["province_code"]],
    )
    section.blocks.append(index_map(ordered))
    section.blocks.append(charts.stacked_bars("pillar_scores", "Pillar scores per province (score x pillar weight)",
                                              contributions, "weighted pillar score"))
    uncertainty = ix["rank_uncertainty"].sort_values("nominal_rank")
    section.blocks.append(charts.rank_intervals(
        "rank_uncertainty", "Rank uncertainty: nominal rank with the 5-95% interval of the Monte Carlo runs",
        [shown_names.get(c, c) for c in uncertainty["province_code"]], uncertainty["nominal_rank"].tolist(),
        uncertainty["p05_rank"].tolist(), uncertainty["p95_rank"].tolist(), uncertainty["median_rank"].tolist()))
    section.blocks.append(weights_tree(weights))
    choices = release.manifest.get("choices", {})
    section.blocks += [
        "How the index is built, in plain words. Each province gets one value per indicator (for example its "
        "number of AI enterprises or of AI policies). Indicators measured in different units are put on a common "
        f"scale ({choices.get('normalisation', 'minmax')} normalisation: with min-max, the lowest province "
        "scores 0 and the highest 100).",
        "Indicators are combined into six pillars, and pillars into the index, as weighted "
        f"{choices.get('aggregation', 'arithmetic')} means. The weights ({choices.get('weights_source', 'report')}) "
        "are the report's expert weights unless the release says otherwise; the weights tree lists them.",
        "Because the weights and methods are choices, the index is recomputed a thousand times with perturbed "
        "weights and alternative normalisations and aggregations; the rank-uncertainty chart shows where each "
        "province's rank falls in 90% of those runs. A short bar means the rank is robust.",
    ]
    return section


def index_map(ranking: pd.DataFrame) -> charts.Chart:
    """The index on a tile-grid map of the 31 provinces (positions from the provinces seed)."""
    provinces = reference_table("provinces").set_index("province_code")
    tiles = [charts.Tile(int(provinces.at[code, "tile_column"]), int(provinces.at[code, "tile_row"]),
                         provinces.at[code, "short_zh"], float(score), f"{score:.1f} · #{int(rank)}")
             for code, score, rank in ranking[["province_code", "score", "rank"]].itertuples(index=False)]
    return charts.tile_map("index_map", "Competitiveness index by province (tile grid: score and rank)", tiles,
                           "index score")


def weights_tree(weights: pd.DataFrame) -> Table:
    """Every node of the weights tree in depth-first order, indented by level."""
    children = {parent: part for parent, part in weights.groupby(weights["parent_id"].fillna(""), sort=False)}
    rows = []

    def visit(parent: str, depth: int) -> None:
        for node in children.get(parent, weights.iloc[0:0]).itertuples():
            label = node.report_label if isinstance(node.report_label, str) and node.report_label else node.node_id
            effective = decimal(node.effective_weight, 4) if pd.notna(node.effective_weight) else ""
            rows.append(["\u2003" * depth + label, decimal(node.weight, 4), effective])
            visit(node.node_id, depth + 1)

    visit("", 0)
    return Table("Weights tree: pillars, sub-pillars and indicators", ["node", "weight within parent", "effective weight"],
                 rows, note="Effective weight: the indicator's share of the whole index (product of the weights above it).")
