"""The Regional AI Industry Competitiveness Index (report section VI) as assets, per edition.

weights -> index (scores, levels, contributions) -> rank uncertainty and coherence. Each
reads the edition's `marts.province_indicators` and writes to the warehouse's
`index` schema; the index's assumptions come from the `index_settings` resource.
"""

import dagster as dg
import pandas as pd

from checks.index_checks import INDEX_CHECKS, WEIGHT_CHECKS
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import OWNER, engine_metadata, run_checks
from ieo import names
from ieo.index.coherence import coherence
from ieo.index.compute import compute_index
from ieo.index.options import IndexOptions, choose_weights, weights_table
from ieo.index.uncertainty import monte_carlo
from ieo.index.weights import tree_from_frame

PROVINCE_INDICATORS = dg.AssetKey(list(names.PROVINCE_INDICATORS.asset_path))


def index_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(list(names.TABLE[name].asset_path))


class IndexSettings(dg.ConfigurableResource):
    """The index's assumptions (defaults: the report's weights, min-max, arithmetic, 1,000 runs)."""

    weights: str = IndexOptions.weights
    ahp_judgements: str = IndexOptions.ahp_judgements
    normalisation: str = IndexOptions.normalisation
    aggregation: str = IndexOptions.aggregation
    monte_carlo_runs: int = IndexOptions.monte_carlo_runs
    monte_carlo_seed: int = IndexOptions.monte_carlo_seed
    weight_spread: float = IndexOptions.weight_spread

    @classmethod
    def from_options(cls, options: IndexOptions) -> "IndexSettings":
        return cls(**options.as_dict())

    def options(self) -> IndexOptions:
        return IndexOptions(**{name: getattr(self, name) for name in IndexOptions.__dataclass_fields__})


def read_table(settings: IeoSettings, table: str, edition: int) -> pd.DataFrame:
    return settings.table_engine.read(table, edition, order=None)


def read_indicators(settings: IeoSettings, edition: int) -> pd.DataFrame:
    return read_table(settings, names.PROVINCE_INDICATORS.relation, edition).sort_values("province_code").reset_index(drop=True)


def stored_tree(settings: IeoSettings, edition: int):
    """The weight tree the edition's index was computed with, as published."""
    frame = read_table(settings, names.TABLE["weights"].relation, edition)
    tree, _ = tree_from_frame(frame, str(frame["source"].iloc[0]))
    return tree


def _preview(frame: pd.DataFrame, rows: int = 12) -> dg.MetadataValue:
    return dg.MetadataValue.md(frame.head(rows).to_markdown(index=False, floatfmt=".4g"))


@dg.asset(
    key=index_key("weights"),
    deps=[PROVINCE_INDICATORS, dg.AssetKey([names.REFERENCE, "index_weights"])],  # the seed is read from its file
    group_name=names.INDEX,
    kinds={"python", "duckdb"},
    owners=[OWNER],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    check_specs=[dg.AssetCheckSpec(c.__name__, asset=index_key("weights"), blocking=True, description=c.__doc__)
                 for c in WEIGHT_CHECKS],
    description="The index's weights as used for the edition: 6 pillars, 10 sub-pillars and 24 indicators with "
    "their direction, the printed (or derived) global weight and each indicator's effective weight. The "
    "source column says whether they are the report's, AHP's, entropy's or a file's.",
)
def index_weights(context: dg.AssetExecutionContext, settings: IeoSettings, index_settings: IndexSettings,
                  warehouse_writer: WarehouseWriter):
    edition = int(context.partition_key)
    options = index_settings.options()
    choice = choose_weights(options, read_indicators(settings, edition))
    table = weights_table(choice.tree)
    settings.table_engine.replace_edition_tables(names.INDEX, edition, {"weights": table})
    yield dg.MaterializeResult(metadata={
        "dagster/row_count": len(table), **engine_metadata(settings.table_engine),
        "weights_source": choice.tree.source,
        "rounding_differences": dg.MetadataValue.json(
            [{"parent": r.parent_id, "printed": r.parent_weight, "children_sum": round(r.children_sum, 6)}
             for r in choice.rounding]),
        "ahp_consistency": _preview(choice.diagnostics) if len(choice.diagnostics) else "not AHP",
        "preview": _preview(table, 40),
    })
    yield from run_checks(settings.table_engine, edition, index_key("weights"), WEIGHT_CHECKS)


@dg.multi_asset(
    name="competitiveness_index",
    specs=[
        dg.AssetSpec(index_key("competitiveness_index"), deps=[PROVINCE_INDICATORS, index_key("weights")],
                     group_name=names.INDEX, kinds={"python", "duckdb"}, owners=[OWNER],
                     description="Each province's competitiveness score and rank, with every pillar's score and "
                     "rank: the report's section VI ranking."),
        dg.AssetSpec(index_key("index_levels"), deps=[PROVINCE_INDICATORS, index_key("weights")],
                     group_name=names.INDEX, kinds={"python", "duckdb"}, owners=[OWNER],
                     description="Every province's score and rank at every level: index, pillars, sub-pillars and "
                     "normalised indicators."),
        dg.AssetSpec(index_key("indicators"), deps=[PROVINCE_INDICATORS, index_key("weights")],
                     group_name=names.INDEX, kinds={"python", "duckdb"}, owners=[OWNER],
                     description="Each province's raw and normalised indicator values, weights and contributions "
                     "(effective weight x normalised value): why a province ranks where it does."),
    ],
    check_specs=[dg.AssetCheckSpec(c.__name__, asset=index_key("competitiveness_index"), blocking=True,
                                   description=c.__doc__) for c in INDEX_CHECKS],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    can_subset=False,
)
def competitiveness_index(context: dg.AssetExecutionContext, settings: IeoSettings, index_settings: IndexSettings,
                          warehouse_writer: WarehouseWriter):
    """Score all 31 provinces with the edition's weights and the configured normalisation and aggregation."""
    edition = int(context.partition_key)
    options = index_settings.options()
    result = compute_index(read_indicators(settings, edition), stored_tree(settings, edition),
                           options.normalisation, options.aggregation)
    tables = {"competitiveness_index": result.index, "index_levels": result.levels, "indicators": result.indicators}
    settings.table_engine.replace_edition_tables(names.INDEX, edition, tables)
    for name, frame in tables.items():
        yield dg.MaterializeResult(asset_key=index_key(name), metadata={
            "dagster/row_count": len(frame), **engine_metadata(settings.table_engine),
            "normalisation": options.normalisation, "aggregation": options.aggregation, "preview": _preview(frame)})
    yield from run_checks(settings.table_engine, edition, index_key("competitiveness_index"), INDEX_CHECKS)


@dg.multi_asset(
    name="index_robustness",
    specs=[
        dg.AssetSpec(index_key("rank_uncertainty"), deps=[index_key("competitiveness_index"), index_key("weights")],
                     group_name=names.INDEX, kinds={"python", "duckdb"}, owners=[OWNER],
                     description="How firm each province's rank is: its nominal rank beside the median rank and the "
                     "5th-95th percentile interval over Monte Carlo variants of the weights (+-20% at every level), "
                     "the normalisation and the aggregation, and the mean absolute rank shift."),
        dg.AssetSpec(index_key("sensitivity"), deps=[index_key("competitiveness_index"), index_key("weights")],
                     group_name=names.INDEX, kinds={"python", "duckdb"}, owners=[OWNER],
                     description="Which assumption moves the ranks: SALib's first-order and total-effect Sobol "
                     "indices (Saltelli sampling) of weights, normalisation and aggregation, with the half-widths "
                     "of their 95% bootstrap confidence intervals, per province rank and for the mean rank shift."),
    ],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    can_subset=False,
)
def index_robustness(context: dg.AssetExecutionContext, settings: IeoSettings, index_settings: IndexSettings,
                     warehouse_writer: WarehouseWriter):
    """Monte Carlo uncertainty (seeded) and SALib's Sobol sensitivity analysis of the ranks."""
    edition = int(context.partition_key)
    options = index_settings.options()
    nominal = read_table(settings, f"{names.INDEX}.competitiveness_index", edition).set_index("province_code")["rank"]
    result = monte_carlo(read_indicators(settings, edition), stored_tree(settings, edition), nominal,
                         options.monte_carlo_runs, options.monte_carlo_seed, options.weight_spread)
    tables = {"rank_uncertainty": result.ranks, "sensitivity": result.sensitivity}
    settings.table_engine.replace_edition_tables(names.INDEX, edition, tables)
    for name, frame in tables.items():
        yield dg.MaterializeResult(asset_key=index_key(name), metadata={
            "dagster/row_count": len(frame), **engine_metadata(settings.table_engine), "runs": result.runs,
            "seed": result.seed, "weight_spread": result.spread, "preview": _preview(frame)})


@dg.asset(
    key=index_key("coherence"),
    deps=[index_key("competitiveness_index"), index_key("weights")],
    group_name=names.INDEX,
    kinds={"python", "duckdb"},
    owners=[OWNER],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    description="Whether the indicators measure what their pillar claims: Pearson and Spearman correlations of each "
    "indicator with its pillar and the index, Cronbach's alpha and the first principal component's share of "
    "variance per pillar.",
)
def index_coherence(context: dg.AssetExecutionContext, settings: IeoSettings, index_settings: IndexSettings,
                    warehouse_writer: WarehouseWriter):
    edition = int(context.partition_key)
    options = index_settings.options()
    tree = stored_tree(settings, edition)
    result = compute_index(read_indicators(settings, edition), tree, options.normalisation, options.aggregation)
    table = coherence(result, tree)
    settings.table_engine.replace_edition_tables(names.INDEX, edition, {"coherence": table})
    return dg.MaterializeResult(metadata={"dagster/row_count": len(table), **engine_metadata(settings.table_engine),
                                          "preview": _preview(table, 40)})
