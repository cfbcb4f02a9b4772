"""Reconciliation against the report's figures, and the checks of the report's own inconsistencies."""

import math

import pandas as pd
import pytest

from checks.printed_figures import (
    application_layer_within_whole_network,
    composition_totals_match_rows,
    focal_relations_within_top30,
    index_weights_add_up,
    relation_counts_add_up,
    top10_countries_within_overseas_total,
)
from ieo.reconciliation import (
    CLOSE,
    EXACT,
    MISMATCH,
    MISSING,
    Computed,
    _status,
    reconcile,
    relation_summary,
    summary,
)


def test_the_report_checks_flag_each_known_inconsistency():
    composition = composition_totals_match_rows()
    assert not composition.passed
    assert composition.found["inconsistent_editions"] == {
        "2019": {"printed_total": 5554, "sum_of_rows": 4901, "discrepancy": "sample_total_2019"}}
    relations = relation_counts_add_up()
    assert relations.found["inconsistent_categories"]["technology_output"]["domestic_plus_overseas"] == 6418
    assert relations.found["inconsistent_categories"]["technology_output"]["overseas_implied_by_printed_share"] == 546
    assert list(relations.found["inconsistent_categories"]) == ["technology_output"]
    countries = top10_countries_within_overseas_total()
    assert countries.found["exceeding"] == {"input": {"top10_overseas_sum": 210, "overseas_relations": 204}}
    weights = index_weights_add_up()
    assert set(weights.found["rounding_differences"]) == {"academic_ecology", "international_openness"}
    layers = application_layer_within_whole_network()  # report: Didi 245 / Didi Taxi 264; Tongdun 222, whole 30th 179
    assert layers.found["exceeding"] == {"Didi Taxi": {"application_layer": 264, "whole_network": 245},
                                         "Tongdun Technology": {"application_layer": 222, "whole_network_30th": 179}}
    # report: MEGVII's input industries are shares of 21 (4 = 19.05%), the input top 30 ends at 20 (vivo) without it
    focal = focal_relations_within_top30()
    assert focal.found["exceeding"] == {"MEGVII input": {"relations_behind_shares": 21, "below_the_30th": 19}}


@pytest.mark.parametrize(
    "report, computed, decimals, status",
    [
        (81.37, 81.369863, 2, EXACT),  # equal at the printed precision
        (1095, 1095, 0, EXACT),
        (547, 546, 0, CLOSE),  # 0.2% off
        (325, 303, 0, MISMATCH),  # 6.8% off
        (4, None, 0, MISSING),
    ],
)
def test_status_by_hand(report, computed, decimals, status):
    assert _status(report, computed, decimals)[0] == status


def test_relation_summary_reconciles_and_names_the_known_discrepancy():
    computed = pd.DataFrame({
        "relation_type": ["technology_output", "investment"],
        "relation_count": [6417, 1641], "domestic_count": [5871, 0], "overseas_count": [546, 0],
        "domestic_share": [5871 / 6417, math.nan], "overseas_share": [546 / 6417, math.nan],
        "share_of_group": [math.nan, 1641 / 2076],
    })
    rows = pd.DataFrame(relation_summary(Computed(2019, {"relation_summary": computed}))).set_index("figure")
    overseas = rows.loc["2019/relation_summary/technology_output/overseas_count"]
    assert (overseas["status"], overseas["known_discrepancy"], overseas["abs_diff"]) == (CLOSE, "technology_output_split", 1)
    assert rows.loc["2019/relation_summary/investment/share_of_group_percent", "status"] == EXACT
    assert rows.loc["2019/relation_summary/technology_input/relation_count", "status"] == MISSING
    assert set(rows["section"]) == {"IV"}


def test_sample_2019_reconciliation(sample_warehouse, sample_network_tables):
    import duckdb

    from ieo.names import MART_TABLES

    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        tables = {t.table_id: con.execute(f"select * exclude(edition) from {t.relation} where edition = 2019").df()
                  for t in MART_TABLES}
    tables.update(sample_network_tables.as_dict())
    table = reconcile(Computed(2019, tables))
    counts = summary(table)
    assert sum(counts.values()) == len(table) > 300
    by_figure = table.set_index("figure")
    for figure in ("2019/sample_composition/enterprise/listed", "2019/relation_summary/technology_input/relation_count",
                   "2019/value_network_stats/graph_relations", "2019/value_network_stats/average_degree_report"):
        assert by_figure.at[figure, "status"] == EXACT, figure
    assert by_figure.at["2019/sample_totals/all", "known_discrepancy"] == "sample_total_2019"
    assert {"figure", "report_value", "computed_value", "abs_diff", "rel_diff", "status"} <= set(table.columns)


def test_the_edition_check_finds_self_relations_and_stray_amounts_with_the_contracts_sql():
    import duckdb

    from checks.edition_checks import relations_are_well_formed

    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("""CREATE TABLE staging.stg_relations AS SELECT * FROM (VALUES
        (2019, 'R1', 'E1', 'C1', 'technology_input', NULL),
        (2019, 'R2', 'E1', 'E1', 'work_experience', NULL),          -- a self-relation
        (2019, 'R3', 'E2', 'V1', 'financing', 1000.0),              -- an amount where one belongs
        (2019, 'R4', 'E2', 'C2', 'technology_output', 50.0),        -- a stray amount
        (2018, 'R5', 'E3', 'E3', 'investment', 9.0)                 -- another edition
    ) AS t(edition, relation_id, sample_id, counterpart_id, relation_type, amount_cny)""")
    outcome = relations_are_well_formed(con, 2019)
    assert not outcome.passed
    assert outcome.found["self_relation_ids"] == ["R2"] and outcome.found["amount_relation_ids"] == ["R4"]
    con.execute("DELETE FROM staging.stg_relations WHERE relation_id IN ('R2', 'R4')")
    assert relations_are_well_formed(con, 2019).passed
