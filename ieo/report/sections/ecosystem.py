"""Section IV: relations by group, and the top 10 regions and sectors of technology relations."""

from __future__ import annotations

from ieo.report import charts
from ieo.report.blocks import (
    Section,
    count,
    dimension_labels,
    percent,
    table,
)
from ieo.report.reader import PublishedRelease

SECTION_ID = "ecosystem"
HEADING = "IV. Platform-led innovation ecosystem"


def ecosystem_section(release: PublishedRelease) -> Section:
    t = release.tables
    section = Section(SECTION_ID, HEADING)
    summary = t["relation_summary"]
    section.blocks.append(table("Relations by group: domestic and overseas", summary, [
        ("group", "relation_group", None), ("relation", "relation_type", None), ("relations", "relation_count", count),
        ("domestic", "domestic_count", count), ("overseas", "overseas_count", count),
        ("domestic share", "domestic_share", percent), ("overseas share", "overseas_share", percent)],
        figures="relation_summary"))
    for dimension, table_id, title in (
        ("province", "technology_relations_by_province_top10", "provinces"),
        ("country", "technology_relations_by_country_top10", "countries and regions"),
        ("integrative_sectors", "technology_relations_by_integrative_sector_top10", "integrative industrial sectors"),
        ("ai_core_sectors", "technology_relations_by_ai_core_sector_top10", "AI core industrial sectors"),
    ):
        shown_names = dimension_labels(dimension)
        frame = t[table_id].assign(label=lambda f: [shown_names.get(str(v), str(v)) for v in f["dimension_value"]])
        for direction in ("input", "output"):
            part = frame[frame["direction"] == direction]
            section.blocks.append(table(f"Technology {direction}: top 10 {title}", part, [
                ("rank", "relation_rank", None), (dimension.replace("_", " "), "label", None),
                ("relations", "relation_count", count), ("share", "share_of_direction", percent)],
                figures=f"{table_id}/{direction}"))
            if dimension in ("province", "country"):
                section.blocks.append(charts.bar_chart(f"technology_{direction}_{dimension}",
                                                       f"Technology {direction} relations: top 10 {title}",
                                                       part["label"].tolist(), part["relation_count"].tolist(), "relations"))
    return section
