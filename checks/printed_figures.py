"""Checks of the report's own printed figures (the seeds in dbt_project/seeds/report).

They find the report's internal inconsistencies. Each is a known property of the printed
report, so they warn and never block; the reconciliation table and the release carry them
to readers, with the `report_discrepancies` row that explains each one.
"""

from __future__ import annotations

import math

from checks.outcome import CheckOutcome
from ieo.index.weights import report_weights
from ieo.reference import (
    country_lookup,
    domestic_countries,
    named_organization,
    report_table,
)
from ieo.sample.focal import focal_targets


def _numbers(frame, column):
    return frame[column].astype(float)


def composition_totals_match_rows() -> CheckOutcome:
    """Each edition's printed sample total equals the sum of its printed rows."""
    rows, totals = report_table("report_sample_composition"), report_table("report_sample_totals")
    found = {}
    for total in totals[totals["scope"] == "all"].itertuples():
        edition_rows = rows[rows["edition"] == total.edition]
        summed = int(_numbers(edition_rows, "subject_count").sum())
        if summed != int(total.printed_total):
            found[total.edition] = {"printed_total": int(total.printed_total), "sum_of_rows": summed,
                                    "discrepancy": "sample_total_2019"}
    return CheckOutcome(not found, {"inconsistent_editions": found})


def relation_counts_add_up() -> CheckOutcome:
    """Each relation category's domestic and overseas counts add up to its total, and match its printed shares."""
    found = {}
    for r in report_table("report_relation_summary").itertuples():
        if not isinstance(r.domestic_count, str):
            continue
        total, domestic, overseas = int(r.relation_count), int(r.domestic_count), int(r.overseas_count)
        implied_overseas = round(total * float(r.printed_overseas_percent) / 100)
        if domestic + overseas != total or implied_overseas != overseas:
            found[r.relation_type] = {"total": total, "domestic": domestic, "overseas": overseas,
                                      "domestic_plus_overseas": domestic + overseas,
                                      "overseas_implied_by_printed_share": implied_overseas}
    return CheckOutcome(not found, {"inconsistent_categories": found})


def top10_countries_within_overseas_total() -> CheckOutcome:
    """The top-10 overseas countries of each technology direction sum to no more than its overseas relations."""
    summary = report_table("report_relation_summary").set_index("relation_type")
    top = report_table("report_technology_relations_top10")
    countries = top[top["dimension"] == "country"]
    domestic = domestic_countries()
    found = {}
    for direction, frame in countries.groupby("direction"):
        overseas_rows = frame[[country_lookup().resolve(label) not in domestic for label in frame["report_label"]]]
        summed = int(_numbers(overseas_rows, "relation_count").sum())
        limit = int(summary.at[f"technology_{direction}", "overseas_count"])
        if summed > limit:
            found[direction] = {"top10_overseas_sum": summed, "overseas_relations": limit}
    return CheckOutcome(not found, {"exceeding": found})


def _node(label: str) -> str:
    """One key per organisation across the report's spellings of it."""
    return named_organization(label) or str(label).casefold()


def application_layer_within_whole_network() -> CheckOutcome:
    """A sample's application-layer weighted degree is at most its whole-network one: the application-layer network is
    a part of the whole. Where the whole-network top 30 omits a sample, its degree there is below the 30th's."""
    degree = report_table("report_weighted_degree_top")
    samples = degree[degree["node_role"] == "sample"].assign(node=lambda f: [_node(label) for label in f["report_label"]])
    whole = samples[samples["network"] == "whole"].set_index("node")["weighted_degree"].astype(int)
    below = int(whole.min())
    found = {}
    for r in samples[samples["network"] == "application_layer"].itertuples():
        ceiling = int(whole[r.node]) if r.node in whole.index else below
        if int(r.weighted_degree) > ceiling:
            found[r.report_label] = {"application_layer": int(r.weighted_degree),
                                     "whole_network" if r.node in whole.index else "whole_network_30th": ceiling}
    return CheckOutcome(not found, {"exceeding": found})


def focal_relations_within_top30() -> CheckOutcome:
    """A focal unicorn's technology relations behind its printed regions and industries (the industries' counts over
    their shares) fit the technology input and output top 30: at most its listed count, or below the 30th."""
    io = report_table("report_technology_io_top30")
    found = {}
    for (focal, direction), target in focal_targets(scale=1.0).items():
        listed = io[io["direction"] == direction]
        counts = dict(zip(map(_node, listed["report_label"]), listed["relation_count"].astype(int)))
        ceiling = counts.get(_node(focal), int(listed["relation_count"].astype(int).min()) - 1)
        if target.known > ceiling:
            found[f"{focal} {direction}"] = {"relations_behind_shares": target.known,
                                             "listed" if _node(focal) in counts else "below_the_30th": ceiling}
    return CheckOutcome(not found, {"exceeding": found})


def index_weights_add_up() -> CheckOutcome:
    """Every printed parent weight equals the sum of its children's (the report rounds to four decimals)."""
    _tree, rounding = report_weights()
    gaps = {r.parent_id: {"printed": r.parent_weight, "children_sum": round(r.children_sum, 6)} for r in rounding
            if not math.isclose(r.parent_weight, r.children_sum, abs_tol=1e-9)}
    return CheckOutcome(not gaps, {"rounding_differences": gaps, "discrepancy": "index_weight_rounding"})


# check -> the report seed it reads
PRINTED_FIGURE_CHECKS = {
    composition_totals_match_rows: "report_sample_totals",
    relation_counts_add_up: "report_relation_summary",
    top10_countries_within_overseas_total: "report_technology_relations_top10",
    application_layer_within_whole_network: "report_weighted_degree_top",
    focal_relations_within_top30: "report_ego_top5",
    index_weights_add_up: "index_weights",
}
