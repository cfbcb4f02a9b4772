"""Section V: the application layer's top nodes and the focal unicorns' ego networks."""

from __future__ import annotations

from ieo import names
from ieo.reference import named_organization, report_table
from ieo.report.blocks import (
    Section,
    count,
    percent,
    table,
)
from ieo.report.reader import PublishedRelease

SECTION_ID = "converged"
HEADING = "V. Converged industry sector"


def converged_section(release: PublishedRelease) -> Section:
    t = release.tables
    section = Section(SECTION_ID, HEADING)
    application = t["application_layer_weighted_degree_top15"]
    for role, caption in (("sample", "Application layer: top 15 sample nodes"),
                          ("relation", "Application layer: top 15 relation nodes")):
        section.blocks.append(table(caption, application[application["node_role"] == role], [
            ("rank", "rank", None), ("organisation", "name", None), ("weighted degree", "weighted_degree", count)],
            figures=f"weighted_degree/{names.APPLICATION_SUBNETWORK}/{role}"))
    printed_as = _report_labels()
    for table_id, label in (("ego_technology_regions_top5", "region"), ("ego_technology_industries_top5", "industry")):
        ego = t[table_id]
        for (focal, direction), part in ego.groupby(["focal_name", "direction"], sort=True):
            section.blocks.append(table(f"{focal}: technology {direction} by {label} (top 5)", part, [
                ("rank", "rank", None), (label, f"{label}_name_zh", None), ("relations", "relation_count", count),
                ("share", "share", percent)], figures=f"ego_{label}/{printed_as.get(focal, focal)}/{direction}"))
    if ego.empty:
        section.blocks.append("None of the focal enterprises is among this edition's sample nodes.")
    return section


def _report_labels() -> dict[str, str]:
    """A focal enterprise's name in the data -> the label the report prints for it (its reconciliation figures)."""
    return {named_organization(label) or label: label for label in report_table("report_ego_top5")["focal_label"].unique()}
