"""Section III: the value network's statistics, its top nodes and a drawing of its core."""

from __future__ import annotations

from ieo import names
from ieo.report import charts
from ieo.report.blocks import (
    Section,
    change,
    count,
    number,
    table,
    with_previous,
)
from ieo.report.reader import PublishedRelease

SECTION_ID = "network"
HEADING = "III. The value network"


def network_section(release: PublishedRelease, previous: PublishedRelease | None) -> Section:
    t = release.tables
    section = Section(SECTION_ID, HEADING)
    stats = t["value_network_stats"]
    whole = with_previous(stats[stats["network"] == names.WHOLE_NETWORK], previous.tables["value_network_stats"] if previous else None,
                          ["network", "statistic"], "value")
    section.blocks.append(
        "The value network links the sampled AI enterprises to every organisation they have a technology, "
        "human-capital or investment relation with. Definitions are in the published table.")
    section.blocks.append(table("Structural statistics of the value network", whole, [
        ("statistic", "label", None), ("value", "value", number), ("method", "method", None),
        ("change vs previous edition", "change", lambda v: change(v, 4))], figures="value_network_stats"))
    degree = t["weighted_degree_top30"]
    for role, caption in (("relation", "Top 30 relation nodes by weighted degree"),
                          ("sample", "Top 30 sample nodes by weighted degree")):
        section.blocks.append(table(caption, degree[degree["node_role"] == role], [
            ("rank", "rank", None), ("organisation", "name", None), ("type", "org_type", None),
            ("weighted degree", "weighted_degree", count)], figures=f"weighted_degree/{names.WHOLE_NETWORK}/{role}"))
    io_top = t["technology_input_output_top30"]
    for direction in ("input", "output"):
        section.blocks.append(table(f"Top 30 sample enterprises by technology {direction} relations",
                                    io_top[io_top["direction"] == direction], [
            ("rank", "rank", None), ("enterprise", "name", None), (f"technology {direction}", "relation_count", count)],
            figures=f"technology_io/{direction}"))
    if "network_core_nodes" in t and "network_core_edges" in t:
        nodes = t["network_core_nodes"]
        section.blocks.append(charts.network_drawing("network_core", f"The network's core: top {len(nodes)} nodes by weighted degree",
                                                     nodes, t["network_core_edges"]))
    return section
