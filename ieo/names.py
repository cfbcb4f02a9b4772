"""The registry of names that cross layers: each is defined here once.

A *layer* is at the same time a warehouse schema, the first part of its Dagster asset keys
and its asset group, so the three never disagree. The published tables (table ids, the layer
that computes them, the release folder and their row order), the dimension values that dbt,
Python and the report share, and what each report section reads are declared here. dbt reads
the dimension values through the generated seed ``reference/dimension_values.csv``
(``ieo contract --write``); the Python stages import this module.

Vocabulary: *the 2020 report* is the printed publication, whose figures are the seeds of
layer ``report`` and the checks in ``checks/printed_figures.py``; *report.html* is the
release's own report, rendered by ``ieo.report`` as the asset ``publish/report``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ieo import contract

# --- layers: schema = asset key prefix = asset group ------------------------------------------------
RAW = "raw"                    # views of each edition's current load
RAW_LOADS = "raw_loads"        # every load kept
REFERENCE = "reference"        # reference seeds
REPORT = "report"              # seeds of the 2020 report's printed figures
STAGING = "staging"
INTERMEDIATE = "intermediate"
MARTS = "marts"
NETWORK = "network"
INDEX = "index"
QUALITY = "quality"
LINEAGE = "lineage"
PUBLISH = "publish"            # release files; no schema
# Every seed (reference data and the report's figures) is in one asset group, materialized by one job.
REFERENCE_GROUP = REFERENCE

TABLES_FOLDER, INDEX_FOLDER = "tables", "index"


@dataclass(frozen=True)
class PublishedTable:
    """A table of the release: computed in ``layer``, written to ``<folder>/<table_id>.csv``."""

    table_id: str
    layer: str
    folder: str = TABLES_FOLDER
    order: str | None = "ALL"  # the published file's row order (SQL ORDER BY)

    @property
    def relation(self) -> str:
        """The warehouse table: ``<schema>.<table_id>``."""
        return f"{self.layer}.{self.table_id}"

    @property
    def asset_path(self) -> tuple[str, str]:
        return (self.layer, self.table_id)

    @property
    def file(self) -> str:
        return f"{self.folder}/{self.table_id}.csv"


MART_TABLES = tuple(PublishedTable(name, MARTS) for name in (
    "conference_organizers_top20", "conferences_by_city_top20", "core_technology_distribution",
    "enterprise_by_application_field", "enterprise_by_founding_year", "enterprise_by_metro_region",
    "enterprise_by_province", "enterprise_by_tech_layer", "financing_by_application_field",
    "industrial_parks_by_province", "institutions_by_province", "patents_by_province_top200", "patents_by_tech_layer",
    "policies_by_province", "province_indicators", "rd_intensity_top20_listed", "relation_summary",
    "sample_composition", "technology_relations_by_ai_core_sector_top10", "technology_relations_by_country_top10",
    "technology_relations_by_integrative_sector_top10", "technology_relations_by_province_top10",
    "universities_top30_international_papers",
))
NETWORK_STATS = "value_network_stats"
NETWORK_TABLES = tuple(PublishedTable(name, NETWORK) for name in (
    NETWORK_STATS, "weighted_degree_top30", "technology_input_output_top30", "application_layer_weighted_degree_top15",
    "ego_technology_regions_top5", "ego_technology_industries_top5", "network_core_nodes", "network_core_edges",
))
RECONCILIATION = PublishedTable("reconciliation", QUALITY, order="figure")
INDEX_TABLES = (
    PublishedTable("competitiveness_index", INDEX, INDEX_FOLDER, "rank, province_code"),
    PublishedTable("index_levels", INDEX, INDEX_FOLDER, "level, node_id, rank, province_code"),
    PublishedTable("indicators", INDEX, INDEX_FOLDER, "province_code, indicator_id"),
    PublishedTable("weights", INDEX, INDEX_FOLDER, "level, node_id"),
    PublishedTable("rank_uncertainty", INDEX, INDEX_FOLDER, "nominal_rank, province_code"),
    PublishedTable("sensitivity", INDEX, INDEX_FOLDER, "factor, output"),
    PublishedTable("coherence", INDEX, INDEX_FOLDER, "pillar_id, indicator_id NULLS FIRST"),
)
# The tables that reconciliation compares: marts and network, by table id.
COMPUTED_TABLES = MART_TABLES + NETWORK_TABLES
PUBLISHED_TABLES = COMPUTED_TABLES + (RECONCILIATION,) + INDEX_TABLES
TABLE = {t.table_id: t for t in PUBLISHED_TABLES}
PROVINCE_INDICATORS = TABLE["province_indicators"]

# The seeds of the 2020 report's printed figures that reconciliation compares with.
RECONCILED_SEEDS = (
    "report_sample_composition", "report_sample_totals", "report_relation_summary", "report_tech_layers",
    "report_technology_relations_top10", "report_value_network_stats", "report_weighted_degree_top",
    "report_technology_io_top30", "report_rd_intensity_top20_listed", "report_ego_top5", "report_tables",
    "report_discrepancies",
)

# --- dimension values shared by dbt, Python and the report -------------------------------------------
TECH_LAYERS = contract.TECH_LAYERS
APPLICATION_TECH_LAYER = TECH_LAYERS[-1]  # the report's section V network is this layer's
RELATION_TYPES = contract.RELATION_TYPES
MONEY_RELATION_TYPES = contract.MONEY_RELATION_TYPES
# Scopes of the core-technology distribution: the technology layers each counts (empty: every enterprise).
CORE_TECHNOLOGY_SCOPES: dict[str, tuple[str, ...]] = {"all": (), "base_and_technology": ("base", "technology")}
WHOLE_NETWORK, APPLICATION_SUBNETWORK = "whole", "application_layer"
NODE_ROLES = ("relation", "sample")
TECHNOLOGY_DIRECTIONS = ("input", "output")
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "tech_layer": TECH_LAYERS,
    "relation_type": RELATION_TYPES,
    "money_relation_type": MONEY_RELATION_TYPES,
    "core_technology_scope": tuple(CORE_TECHNOLOGY_SCOPES),
}


def dimension_rows() -> list[dict[str, str]]:
    """The seed ``reference/dimension_values.csv``: every shared dimension value, in order."""
    rows = []
    for dimension, values in DIMENSIONS.items():
        for position, code in enumerate(values, start=1):
            members = CORE_TECHNOLOGY_SCOPES.get(code, ()) if dimension == "core_technology_scope" else ()
            rows.append({"dimension": dimension, "code": code, "position": str(position),
                         "members": contract.LIST_SEPARATOR.join(members)})
    return rows


# --- what each section of report.html reads from the release ----------------------------------------
# section -> {table id -> columns}; the report's release reader refuses anything not declared here.
REPORT_INPUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "composition": {"sample_composition": ("subject_type", "subtype", "subject_count")},
    "foundation": {
        "enterprise_by_tech_layer": ("tech_layer", "enterprise_count", "share_of_enterprises"),
        "enterprise_by_province": ("province_code", "province_name_zh", "enterprise_count", "share_of_enterprises"),
        "enterprise_by_founding_year": ("founded_year", "enterprise_count"),
        "enterprise_by_metro_region": ("metro_region", "enterprise_count"),
        "enterprise_by_application_field": ("label_zh", "share_of_enterprises"),
        "financing_by_application_field": ("application_field", "share_of_amount"),
        "core_technology_distribution": ("scope", "core_technology", "share_of_scope"),
        "patents_by_tech_layer": ("tech_layer", "enterprise_count", "patent_count", "share_of_patents",
                                  "patents_per_enterprise"),
        "patents_by_province_top200": ("province_code", "patent_count"),
        "rd_intensity_top20_listed": ("rd_rank", "name", "rd_intensity"),
        "institutions_by_province": ("province_code", "university_count"),
        "universities_top30_international_papers": ("paper_rank", "name", "papers_international", "share_of_papers"),
        "conferences_by_city_top20": ("city", "conference_count"),
        "conference_organizers_top20": ("organizer_rank", "organizer", "conference_count", "share_of_conferences"),
        "policies_by_province": ("province_code", "policy_count"),
        "industrial_parks_by_province": ("province_code", "park_count"),
    },
    "network": {
        NETWORK_STATS: ("network", "statistic", "label", "value", "method"),
        "weighted_degree_top30": ("node_role", "rank", "name", "org_type", "weighted_degree"),
        "technology_input_output_top30": ("direction", "rank", "name", "relation_count"),
        "network_core_nodes": ("org_id", "rank", "name", "org_type", "weighted_degree"),
        "network_core_edges": ("source_org_id", "target_org_id", "relation_count"),
    },
    "ecosystem": {
        "relation_summary": ("relation_group", "relation_type", "relation_count", "domestic_count", "overseas_count",
                             "domestic_share", "overseas_share"),
        **{table_id: ("direction", "dimension_value", "relation_rank", "relation_count", "share_of_direction")
           for table_id in ("technology_relations_by_province_top10", "technology_relations_by_country_top10",
                            "technology_relations_by_integrative_sector_top10",
                            "technology_relations_by_ai_core_sector_top10")},
    },
    "converged": {
        "application_layer_weighted_degree_top15": ("node_role", "rank", "name", "weighted_degree"),
        "ego_technology_regions_top5": ("focal_name", "direction", "rank", "region_name_zh", "relation_count", "share"),
        "ego_technology_industries_top5": ("focal_name", "direction", "rank", "industry_name_zh", "relation_count",
                                           "share"),
    },
    "index": {
        "weights": ("level", "node_id", "parent_id", "report_label", "weight", "effective_weight"),
        "competitiveness_index": ("rank", "province_code", "province_name_zh", "score", "*_score"),
        "rank_uncertainty": ("province_code", "nominal_rank", "median_rank", "p05_rank", "p95_rank"),
    },
    "reconciliation": {"reconciliation": ("figure", "report_table", "report_value", "computed_value", "rel_diff",
                                          "status", "known_discrepancy")},
    "quality": {},
}
# Values the report selects on: each must occur in the release it reads.
REPORT_SELECTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("core_technology_distribution", "scope"): tuple(CORE_TECHNOLOGY_SCOPES),
    (NETWORK_STATS, "network"): (WHOLE_NETWORK,),
    ("weighted_degree_top30", "node_role"): NODE_ROLES,
    ("application_layer_weighted_degree_top15", "node_role"): NODE_ROLES,
    ("technology_input_output_top30", "direction"): TECHNOLOGY_DIRECTIONS,
    **{(table_id, "direction"): TECHNOLOGY_DIRECTIONS
       for table_id in ("technology_relations_by_province_top10", "technology_relations_by_country_top10",
                        "technology_relations_by_integrative_sector_top10",
                        "technology_relations_by_ai_core_sector_top10")},
}
