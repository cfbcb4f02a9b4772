"""The value network (report sections III and V) as Python assets, one edition per partition.

The graph is built once per edition from the staged relations and the network
nodes model, and all eight tables come from it; they are written to the warehouse's
``network`` schema together, so they are materialized by one multi-asset.
"""

import dataclasses

import dagster as dg
import pandas as pd

from checks.network_checks import NETWORK_STATISTICS_CHECKS
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import OWNER, engine_metadata, run_checks
from ieo import names
from ieo.network.graph import build_value_network
from ieo.network.tables import STATISTICS, NetworkOptions, network_tables, read_network_inputs
from ieo.reference import organization_aliases

DEFAULTS = NetworkOptions()
STATS_TABLE = names.NETWORK_STATS
INPUT_MODELS = (dg.AssetKey([names.INTERMEDIATE, "int_network_nodes"]), dg.AssetKey([names.STAGING, "stg_relations"]),
                dg.AssetKey([names.REFERENCE, "named_organizations"]))  # the focal enterprises' aliases, read from the seed

_DEFINITIONS = "\n".join(f"- **{label}**: {definition}" for label, definition in STATISTICS.values())
TABLE_DESCRIPTIONS = {
    STATS_TABLE: "The value network's structural statistics (report section III), for the whole network and "
    "the application-layer subnetwork. The network is the directed multigraph of relations between "
    "organisations; clustering and path length are measured on its undirected simple projection.\n\n"
    + _DEFINITIONS,
    "weighted_degree_top30": "The 30 relation (non-sample) nodes and the 30 sample nodes with the most relations: "
    "weighted degree, i.e. relations incident to the node once multi-edges are collapsed to weights.",
    "technology_input_output_top30": "The 30 sample enterprises with the most technology input relations, "
    "and the 30 with the most technology output relations.",
    "application_layer_weighted_degree_top15": "Weighted degree top 15 of the application-layer subnetwork "
    "(report section V): application-layer enterprises' relations and their end nodes; only "
    "application-layer enterprises count as sample nodes there.",
    "ego_technology_regions_top5": "For each focal enterprise (the report's four unicorns by default), the five "
    "regions (province in mainland China, else country or territory) with most of its technology input "
    "and output counterparts, with their share of its relations whose counterpart region is known.",
    "ego_technology_industries_top5": "For each focal enterprise, the five industries (AI core sector, else "
    "integrative sector) with most of its technology input and output counterparts, with their share.",
    "network_core_nodes": "The network's core: the 200 organisations with the largest weighted degree (the report "
    "draws them in section III).",
    "network_core_edges": "The pairs of core organisations linked by at least one relation, with the number of "
    "relations between them in either direction.",
}
NETWORK_KEYS = {t.table_id: dg.AssetKey(list(t.asset_path)) for t in names.NETWORK_TABLES}
assert NETWORK_KEYS.keys() == TABLE_DESCRIPTIONS.keys(), "every network table of ieo.names needs a description"


class NetworkConfig(dg.Config):
    """Run configuration of the network stage; defaults are ieo.network.tables.NetworkOptions."""

    focal_enterprises: list[str] = list(DEFAULTS.focal_enterprises)
    exact_path_length_max_nodes: int = DEFAULTS.exact_path_length_max_nodes
    path_length_sample_sources: int = DEFAULTS.path_length_sample_sources
    path_length_seed: int = DEFAULTS.path_length_seed

    def options(self) -> NetworkOptions:
        return dataclasses.replace(
            DEFAULTS,
            focal_enterprises=tuple(self.focal_enterprises),
            exact_path_length_max_nodes=self.exact_path_length_max_nodes,
            path_length_sample_sources=self.path_length_sample_sources,
            path_length_seed=self.path_length_seed,
        )


def _statistics_metadata(stats: pd.DataFrame) -> dict[str, dg.MetadataValue]:
    """Every statistic as a float, so the UI plots it across editions."""
    return {f"{row.network}.{row.statistic}": dg.MetadataValue.float(float(row.value)) for row in stats.itertuples()}


def _preview(frame: pd.DataFrame, rows: int = 15) -> dg.MetadataValue:
    shown = frame.drop(columns=[c for c in ("definition",) if c in frame.columns]).head(rows)
    return dg.MetadataValue.md(shown.to_markdown(index=False, floatfmt=".6g"))


@dg.multi_asset(
    name="value_network",
    specs=[
        dg.AssetSpec(
            key,
            description=TABLE_DESCRIPTIONS[name],
            group_name=names.NETWORK,
            kinds={"python", "networkx", "duckdb"},
            owners=[OWNER],
            deps=INPUT_MODELS,
        )
        for name, key in NETWORK_KEYS.items()
    ],
    check_specs=[
        dg.AssetCheckSpec(check.__name__, asset=NETWORK_KEYS[STATS_TABLE], blocking=True, description=check.__doc__)
        for check in NETWORK_STATISTICS_CHECKS
    ],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    can_subset=False,
)
def value_network(context: dg.AssetExecutionContext, config: NetworkConfig, settings: IeoSettings,
                  warehouse_writer: WarehouseWriter):
    """Build the edition's value network and publish its tables to the warehouse's network schema."""
    edition = int(context.partition_key)
    nodes, relations = read_network_inputs(settings.table_engine, edition)
    network = build_value_network(nodes, relations)
    options = config.options()
    published = network_tables(network, options, organization_aliases())
    if published.focal_missing:
        context.log.warning(f"focal enterprises not among the sample nodes: {', '.join(published.focal_missing)}")
    tables = published.as_dict()
    settings.table_engine.replace_edition_tables(names.NETWORK, edition, tables)
    for name, frame in tables.items():
        metadata = {"dagster/row_count": len(frame), "edition": edition, **engine_metadata(settings.table_engine),
                    "preview": _preview(frame)}
        if name == STATS_TABLE:
            metadata.update(_statistics_metadata(frame))
            whole = frame[frame["network"] == names.WHOLE_NETWORK].set_index("statistic")
            metadata["path_length_method"] = str(whole.at["average_path_length", "method"])
        elif name.startswith("ego_"):
            metadata["focal_enterprises"] = dg.MetadataValue.json(list(options.focal_enterprises))
            metadata["focal_enterprises_missing"] = dg.MetadataValue.json(published.focal_missing)
        yield dg.MaterializeResult(asset_key=NETWORK_KEYS[name], metadata=metadata)
    yield from run_checks(settings.table_engine, edition, NETWORK_KEYS[STATS_TABLE], NETWORK_STATISTICS_CHECKS)
