"""The sample generator against the report's published figures (typed from ../shared/reference/report_2020.txt)."""

import filecmp

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import shortest_path

from ieo.reference import domestic_countries
from ieo.sample.generator import generate

# Sample composition table of the report (section I): listed, unicorn, other, investor, university,
# institute, conference, alliance, policy, park.
COMPOSITION = {
    2017: (124, 146, 138, 834, 73, 56, 138, 83, 42, 107),
    2018: (149, 94, 502, 1780, 94, 75, 823, 117, 301, 163),
    2019: (144, 97, 556, 1915, 109, 103, 909, 190, 577, 301),
}


def read(folder, edition, table):
    return pd.read_csv(folder / str(edition) / f"{table}.csv", dtype=str, keep_default_na=False, na_values=[""])


@pytest.mark.parametrize("edition", sorted(COMPOSITION))
def test_subject_counts_match_the_report_exactly(sample_dir, edition):
    listed, unicorn, other, investors, universities, institutes, conferences, alliances, policies, parks = COMPOSITION[edition]
    enterprises = read(sample_dir, edition, "enterprises")
    assert enterprises.category.value_counts().to_dict() == {"listed": listed, "unicorn": unicorn, "other": other}
    assert len(read(sample_dir, edition, "investors")) == investors
    research = read(sample_dir, edition, "research_institutions")
    orgs = read(sample_dir, edition, "organizations").set_index("org_id")
    kinds = orgs.loc[research.org_id, "org_type"].value_counts().to_dict()
    assert kinds == {"university": universities, "research_institute": institutes}
    assert len(read(sample_dir, edition, "conferences")) == conferences
    assert len(read(sample_dir, edition, "alliances")) == alliances
    assert len(read(sample_dir, edition, "policies")) == policies
    assert len(read(sample_dir, edition, "industrial_parks")) == parks


def test_2019_components_sum_to_4901_not_the_printed_5554(sample_dir):
    total = sum(len(read(sample_dir, 2019, t)) for t in ("enterprises", "investors", "research_institutions",
                                                          "conferences", "alliances", "policies", "industrial_parks"))
    assert total == 4901


def test_2019_technology_layers_are_exact(sample_dir):
    layers = read(sample_dir, 2019, "enterprises").tech_layer.value_counts().to_dict()
    assert layers == {"base": 27, "technology": 190, "application": 580}


def test_2019_relation_counts_by_type_and_domestic_are_exact(sample_dir):
    relations = read(sample_dir, 2019, "relations")
    countries = read(sample_dir, 2019, "organizations").set_index("org_id").country
    this_year = relations[relations.occurred_on.str.startswith("2019")]
    domestic = this_year.counterpart_id.map(countries).isin(domestic_countries())
    counts = this_year.groupby("relation_type").size().to_dict()
    domestic_counts = domestic.groupby(this_year.relation_type).sum().to_dict()
    assert counts == {"technology_input": 1095, "technology_output": 6417, "study_experience": 307,
                      "work_experience": 510, "investment": 1641, "financing": 435}
    assert domestic_counts["technology_input"] == 891
    assert domestic_counts["technology_output"] == 5871
    assert domestic_counts["study_experience"] == 220
    assert domestic_counts["work_experience"] == 377


def _network(sample_dir):
    relations = read(sample_dir, 2019, "relations")
    graph = nx.Graph()
    graph.add_edges_from(zip(relations.sample_id, relations.counterpart_id))
    return relations, graph


def test_network_size_is_the_report_s(sample_dir):
    relations, graph = _network(sample_dir)
    assert graph.number_of_nodes() == 21413 and len(relations) == 31949  # report: 21,413 nodes, 31,949 relations
    assert set(read(sample_dir, 2019, "enterprises").org_id) <= set(graph.nodes)


def test_network_clustering_and_path_length_are_the_report_s(sample_dir):
    """Measured with networkx and igraph, not with the platform's kernels."""
    import igraph as ig

    _relations, graph = _network(sample_dir)
    assert abs(nx.average_clustering(graph) - 0.021) <= 0.001  # report: 0.021
    component = nx.convert_node_labels_to_integers(graph.subgraph(max(nx.connected_components(graph), key=len)))
    path_length = ig.Graph(n=component.number_of_nodes(), edges=list(component.edges())).average_path_length()
    assert abs(path_length - 4.407) <= 0.03, path_length  # report: 4.407


def test_named_leaders_have_their_printed_weighted_degrees(sample_dir):
    relations = read(sample_dir, 2019, "relations")
    names = read(sample_dir, 2019, "organizations").set_index("org_id").name
    degree = pd.concat([relations.sample_id, relations.counterpart_id]).value_counts()
    samples = degree[degree.index.isin(set(relations.sample_id))]
    top = [(names[i], int(samples[i])) for i in samples.index[:5]]
    # report: Tencent 1,572, Huawei 1,504, Alibaba 1,283, Baidu 1,175, Jingdong 1,071
    assert top == [("腾讯", 1572), ("华为", 1504), ("阿里巴巴", 1283), ("百度", 1175), ("京东", 1071)]
    counterpart = relations.counterpart_id.value_counts()
    assert (names[counterpart.index[0]], int(counterpart.iloc[0])) == ("清华大学", 350)  # report: Tsinghua 350


def test_technology_input_provinces_are_the_report_s(sample_dir):
    relations = read(sample_dir, 2019, "relations")
    orgs = read(sample_dir, 2019, "organizations").set_index("org_id")
    this_year = relations[relations.occurred_on.str.startswith("2019") & (relations.relation_type == "technology_input")]
    provinces = this_year.counterpart_id.map(orgs.province).value_counts()
    # report: Beijing 325, Guangdong 188, Shanghai 92, Zhejiang 63, Jiangsu 31
    assert provinces.head(5).to_dict() == {"110000": 325, "440000": 188, "310000": 92, "330000": 63, "320000": 31}


def test_org_ids_keep_their_type_across_editions(sample_dir):
    frames = [read(sample_dir, e, "organizations")[["org_id", "org_type"]] for e in COMPOSITION]
    merged = pd.concat(frames).drop_duplicates()
    assert not merged.org_id.duplicated().any()


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    generate(tmp_path / "a", seed=11, scale=0.05)
    generate(tmp_path / "b", seed=11, scale=0.05)
    generate(tmp_path / "c", seed=12, scale=0.05)
    for edition in COMPOSITION:
        files = sorted(p.name for p in (tmp_path / "a" / str(edition)).iterdir())
        match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a" / str(edition), tmp_path / "b" / str(edition), files, shallow=False)
        assert match == files and not mismatch and not errors
    assert not filecmp.cmp(tmp_path / "a" / "2019" / "relations.csv", tmp_path / "c" / "2019" / "relations.csv", shallow=False)


def test_cumulative_relation_plan_adds_up_to_the_reports_graph_relations():
    from ieo.sample.calibration import CUMULATIVE_RELATIONS, report_network_statistic

    assert sum(CUMULATIVE_RELATIONS.values()) == report_network_statistic("graph_relations") == 31949
