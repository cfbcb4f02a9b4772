"""Every mart on a hand-made edition (tests/fixtures/hand_2019), against rows computed by hand.

The fixture has 6 enterprises (E1-E6), 1 investor, 2 universities, 1 institute, 4 counterparts
and 12 relations; R7 and R11 occurred in 2018 and R12 is undated (counts as 2019).
"""

from pathlib import Path

import duckdb
import pytest

from tests.conftest import build_marts

pytestmark = pytest.mark.xdist_group("test_marts_hand_fixture")  # the module's marts, built once on one worker

FIXTURE = Path(__file__).parent / "fixtures" / "hand_2019"
BJ, GD, SH, ZJ, JS = "110000", "440000", "310000", "330000", "320000"


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("hand") / "warehouse.duckdb"
    build_marts(FIXTURE, warehouse, [2019])
    con = duckdb.connect(str(warehouse), read_only=True)
    yield lambda sql: [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in con.execute(sql).fetchall()]
    con.close()


def test_sample_composition(marts):
    assert marts("select subtype, subject_count, subject_type_total, edition_total, share_of_edition "
                 "from marts.sample_composition order by subject_type, subtype") == [
        ("listed", 2, 6, 20, 0.1), ("other", 2, 6, 20, 0.1), ("unicorn", 2, 6, 20, 0.1),
        ("industrial_park", 2, 5, 20, 0.1), ("policy", 3, 5, 20, 0.15),
        ("investor", 1, 1, 20, 0.05),
        ("alliance", 2, 5, 20, 0.1), ("conference", 3, 5, 20, 0.15),
        ("research_institute", 1, 3, 20, 0.05), ("university", 2, 3, 20, 0.1),
    ]


def test_enterprise_by_province(marts):
    rows = marts("select province_code, enterprise_count, share_of_enterprises, province_rank "
                 "from marts.enterprise_by_province where enterprise_count > 0 order by province_code")
    assert rows == [(BJ, 2, 0.333333, 1), (SH, 1, 0.166667, 3), (ZJ, 1, 0.166667, 3), (GD, 2, 0.333333, 1)]
    assert marts("select count(*), min(province_rank) filter (where enterprise_count = 0) from marts.enterprise_by_province") == [(31, 5)]


def test_enterprise_by_metro_region(marts):
    assert marts("select metro_region, enterprise_count, share_of_enterprises from marts.enterprise_by_metro_region "
                 "order by metro_region") == [
        ("beijing_tianjin_hebei", 2, 0.333333), ("chengdu_chongqing", 0, 0.0), ("outside", 0, 0.0),
        ("pearl_river_delta", 2, 0.333333), ("yangtze_river_delta", 2, 0.333333),
    ]


def test_enterprise_by_founding_year(marts):
    assert marts("select founded_year, enterprise_count from marts.enterprise_by_founding_year order by 1") == [
        (2010, 1), (2012, 1), (2015, 2), (2016, 1), (2018, 1)]


def test_enterprise_by_application_field(marts):
    assert marts("select application_field, enterprise_count, share_of_enterprises, share_of_assignments "
                 "from marts.enterprise_by_application_field where enterprise_count > 0 order by 1") == [
        ("new_retail", 1, 0.166667, 0.125), ("smart_city", 3, 0.5, 0.375), ("smart_education", 1, 0.166667, 0.125),
        ("smart_finance", 2, 0.333333, 0.25), ("smart_healthcare", 1, 0.166667, 0.125),
    ]


def test_financing_by_application_field(marts):
    # E1 raised 100M over two fields (50M each), E2 raised 50M in smart_city.
    assert marts("select application_field, financed_enterprises, amount_cny, share_of_amount, financed_enterprises_total "
                 "from marts.financing_by_application_field where amount_cny > 0 order by 1") == [
        ("smart_city", 2, 100000000.0, 0.666667, 2), ("smart_finance", 1, 50000000.0, 0.333333, 2)]


def test_enterprise_by_tech_layer(marts):
    assert marts("select tech_layer, enterprise_count, share_of_enterprises from marts.enterprise_by_tech_layer order by 1") == [
        ("application", 3, 0.5), ("base", 1, 0.166667), ("technology", 2, 0.333333)]


def test_core_technology_distribution(marts):
    assert marts("select scope, core_technology, enterprise_count, share_of_scope "
                 "from marts.core_technology_distribution order by 1, 2") == [
        ("all", "computer_vision", 2, 0.333333), ("all", "machine_learning", 1, 0.166667),
        ("all", "natural_language_processing", 1, 0.166667), ("all", "smart_chip", 1, 0.166667),
        ("all", "speech_recognition", 1, 0.166667),
        ("base_and_technology", "computer_vision", 1, 0.333333),
        ("base_and_technology", "natural_language_processing", 1, 0.333333),
        ("base_and_technology", "smart_chip", 1, 0.333333),
    ]


def test_patents_by_province_top200(marts):
    assert marts("select province_code, enterprise_count, patent_count, share_of_patents "
                 "from marts.patents_by_province_top200 order by 1") == [
        (BJ, 2, 150, 0.75), (SH, 1, 20, 0.1), (ZJ, 1, 0, 0.0), (GD, 2, 30, 0.15)]


def test_rd_intensity_top20_listed(marts):
    assert marts("select rd_rank, org_id, rd_intensity from marts.rd_intensity_top20_listed order by 1") == [
        (1, "E1", 0.3), (2, "E4", 0.1)]


def test_patents_by_tech_layer(marts):
    assert marts("select tech_layer, enterprise_count, patent_count, share_of_patents, patents_per_enterprise "
                 "from marts.patents_by_tech_layer order by 1") == [
        ("application", 3, 30, 0.15, 10.0), ("base", 1, 100, 0.5, 100.0), ("technology", 2, 70, 0.35, 35.0)]


def test_institutions_by_province(marts):
    assert marts("select province_code, university_count, institute_count, share_of_universities, share_of_institutes "
                 "from marts.institutions_by_province where university_count + institute_count > 0 order by 1") == [
        (BJ, 1, 0, 0.5, 0.0), (JS, 1, 0, 0.5, 0.0), (GD, 0, 1, 0.0, 1.0)]


def test_universities_top30_international_papers(marts):
    assert marts("select paper_rank, org_id, papers_international, share_of_papers "
                 "from marts.universities_top30_international_papers order by 1") == [
        (1, "U1", 50, 0.714286), (2, "U2", 20, 0.285714)]


def test_conferences_by_city_and_organizer(marts):
    assert marts("select city_rank, city, conference_count, share_of_conferences "
                 "from marts.conferences_by_city_top20 order by 1") == [(1, "北京", 2, 0.666667), (2, "上海", 1, 0.333333)]
    assert marts("select organizer_rank, organizer, conference_count from marts.conference_organizers_top20 order by 1") == [
        (1, "中国人工智能学会", 2), (2, "上海市经信委", 1)]


def test_policies_and_parks_by_province(marts):
    assert marts("select province_code, policy_count, new_in_edition, share_of_policies "
                 "from marts.policies_by_province where policy_count > 0 order by 1") == [
        (BJ, 2, 1, 0.666667), (GD, 1, 1, 0.333333)]
    assert marts("select province_code, park_count, new_in_edition, share_of_parks "
                 "from marts.industrial_parks_by_province where park_count > 0 order by 1") == [
        (BJ, 1, 0, 0.5), (SH, 1, 1, 0.5)]


def test_relation_summary(marts):
    assert marts("select relation_type, relation_count, domestic_count, overseas_count, domestic_share, overseas_share, "
                 "group_count, share_of_group from marts.relation_summary order by 1") == [
        ("financing", 2, 2, 0, 1.0, 0.0, 3, 0.666667),
        ("investment", 1, 1, 0, 1.0, 0.0, 3, 0.333333),
        ("study_experience", 1, 1, 0, 1.0, 0.0, 1, 1.0),
        ("technology_input", 2, 0, 2, 0.0, 1.0, 6, 0.333333),
        ("technology_output", 4, 4, 0, 1.0, 0.0, 6, 0.666667),
        ("work_experience", 0, 0, 0, 0.0, 0.0, 1, 0.0),
    ]


def test_technology_top10_tables(marts):
    def rows(model):
        return marts(f"select direction, relation_rank, dimension_value, relation_count, direction_total, "
                     f"share_of_direction from marts.{model} order by 1, 2, 3")

    assert rows("technology_relations_by_province_top10") == [
        ("output", 1, BJ, 3, 4, 0.75), ("output", 2, SH, 1, 4, 0.25)]
    assert rows("technology_relations_by_country_top10") == [("input", 1, "DE", 1, 2, 0.5), ("input", 1, "US", 1, 2, 0.5)]
    assert rows("technology_relations_by_integrative_sector_top10") == [
        ("input", 1, "electronic_manufacturing", 1, 2, 0.5), ("output", 1, "finance", 3, 4, 0.75)]
    assert rows("technology_relations_by_ai_core_sector_top10") == [
        ("input", 1, "smart_chip", 1, 2, 0.5), ("output", 1, "smart_finance", 3, 4, 0.75),
        ("output", 2, "smart_city", 1, 4, 0.25)]


def test_province_indicators(marts):
    columns = ("enterprise_count, enterprise_valuation, average_patents, base_technology_enterprises, "
               "technology_output_relations, university_count, university_domestic_papers, "
               "university_international_papers, university_patents, institute_count, institute_domestic_papers, "
               "institute_international_papers, institute_patents, financing_relations, financing_amount, "
               "investment_relations, study_abroad, work_abroad, international_technology_input, "
               "international_technology_output, conference_count, alliance_count, industrial_park_count, policy_count")
    got = {r[0]: r[1:] for r in marts(f"select province_code, {columns} from marts.province_indicators")}
    assert len(got) == 31
    assert got[BJ] == (2, 10000000000.0, 75.0, 2, 2, 1, 100, 50, 10, 0, 0, 0, 0, 2, 150000000.0, 0, 0, 0, 1, 0, 2, 1, 1, 2)
    assert got[GD] == (2, 8000000000.0, 15.0, 1, 1, 0, 0, 0, 0, 1, 30, 10, 8, 0, 0.0, 0, 0, 0, 2, 0, 0, 1, 0, 1)
    assert got[SH] == (1, 0.0, 20.0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0, 0, 0, 1, 0, 1, 0)
    assert got[ZJ] == (1, 0.0, 0.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 1, 0, 0, 0, 0, 0, 0, 0, 0)
    assert got[JS] == (0, 0.0, 0.0, 0, 0, 1, 40, 20, 5, 0, 0, 0, 0, 0, 0.0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert got["650000"] == (0,) * 24  # Xinjiang has nothing in the fixture
