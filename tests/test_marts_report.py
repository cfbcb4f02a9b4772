"""The marts on the embedded sample equal the report's printed figures where the sample is exact."""

import duckdb
import pytest

from tests.test_generator import COMPOSITION


def query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_relation_summary_2019_matches_the_report(sample_warehouse):
    rows = query(sample_warehouse, """
        select relation_type, relation_count, round(domestic_share * 100, 2), round(overseas_share * 100, 2),
               group_count, round(share_of_group * 100, 2)
        from marts.relation_summary where edition = 2019""")
    got = {r[0]: r[1:] for r in rows}
    # Report section IV: count, domestic %, overseas % (and the investment/financing split).
    assert got["technology_input"][:3] == (1095, 81.37, 18.63)
    assert got["technology_output"][:2] == (6417, 91.49)
    assert got["study_experience"][:3] == (307, 71.66, 28.34)
    assert got["work_experience"][:3] == (510, 73.92, 26.08)
    assert got["investment"][0] == 1641 and got["investment"][3:] == (2076, 79.05)
    assert got["financing"][0] == 435 and got["financing"][3:] == (2076, 20.95)


def test_tech_layer_shares_2019_match_the_report(sample_warehouse):
    rows = query(sample_warehouse, """
        select tech_layer, enterprise_count, round(share_of_enterprises * 100, 2)
        from marts.enterprise_by_tech_layer where edition = 2019""")
    assert sorted(rows) == [("application", 580, 72.77), ("base", 27, 3.39), ("technology", 190, 23.84)]


@pytest.mark.parametrize("edition", sorted(COMPOSITION))
def test_sample_composition_matches_the_report_in_every_edition(sample_warehouse, edition):
    rows = dict(query(sample_warehouse, f"select subtype, subject_count from marts.sample_composition where edition = {edition}"))
    order = ("listed", "unicorn", "other", "investor", "university", "research_institute", "conference",
             "alliance", "policy", "industrial_park")
    assert tuple(rows[k] for k in order) == COMPOSITION[edition]


def test_province_indicators_have_all_31_provinces_and_every_indicator(sample_warehouse):
    rows = query(sample_warehouse, "select edition, count(*) from marts.province_indicators group by 1 order by 1")
    assert rows == [(2017, 31), (2018, 31), (2019, 31)]
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        indicators = [r[0] for r in con.execute("select node_id from reference.index_weights where level = 3").fetchall()]
        columns = [r[0] for r in con.execute("describe marts.province_indicators").fetchall()]
    assert indicators and set(indicators) <= set(columns)  # every indicator of the seed is a column


def test_technology_top10_keeps_ties_and_uses_the_direction_total(sample_warehouse):
    rows = query(sample_warehouse, """
        select direction, max(relation_rank), min(direction_total), max(direction_total), count(*)
        from marts.technology_relations_by_province_top10 where edition = 2019 group by 1 order by 1""")
    assert [r[0] for r in rows] == ["input", "output"]
    assert rows[0][2] == rows[0][3] == 1095 and rows[1][2] == rows[1][3] == 6417
    assert all(r[1] <= 10 and r[4] >= 10 for r in rows)
