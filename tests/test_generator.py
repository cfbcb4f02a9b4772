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


def test_network_size_is_within_one_percent_of_the_report(sample_dir):
    relations, graph = _network(sample_dir)
    assert abs(graph.number_of_nodes() - 21413) / 21413 < 0.01
    assert abs(len(relations) - 31949) / 31949 < 0.01
    assert set(read(sample_dir, 2019, "enterprises").org_id) <= set(graph.nodes)


def test_network_clustering_and_path_length_are_near_the_report(sample_dir):
    _relations, graph = _network(sample_dir)
    clustering = nx.average_clustering(graph)
    assert 0.014 <= clustering <= 0.028, clustering  # report: 0.021
    component = graph.subgraph(max(nx.connected_components(graph), key=len))
    matrix = nx.to_scipy_sparse_array(component, format="csr")
    sources = np.random.default_rng(0).choice(matrix.shape[0], 400, replace=False)
    distances = shortest_path(matrix, unweighted=True, directed=False, indices=sources)
    mean = distances[np.isfinite(distances) & (distances > 0)].mean()
    assert 4.0 <= mean <= 4.6, mean  # report: 4.407


def test_named_leaders_lead_the_weighted_degree_ranking(sample_dir):
    relations = read(sample_dir, 2019, "relations")
    names = read(sample_dir, 2019, "organizations").set_index("org_id").name
    degree = pd.concat([relations.sample_id, relations.counterpart_id]).value_counts()
    samples = degree[degree.index.isin(set(relations.sample_id))]
    top = [names[i] for i in samples.index[:5]]
    assert top == ["腾讯", "华为", "阿里巴巴", "百度", "京东"]
    tencent = samples.iloc[0]
    assert abs(tencent - 1572) / 1572 < 0.1  # report: Tencent 1,572
    counterpart = relations.counterpart_id.value_counts()
    assert names[counterpart.index[0]] == "清华大学" and abs(counterpart.iloc[0] - 350) <= 5


def test_technology_input_provinces_are_close_to_the_report(sample_dir):
    relations = read(sample_dir, 2019, "relations")
    orgs = read(sample_dir, 2019, "organizations").set_index("org_id")
    this_year = relations[relations.occurred_on.str.startswith("2019") & (relations.relation_type == "technology_input")]
    provinces = this_year.counterpart_id.map(orgs.province).value_counts()
    assert list(provinces.index[:3]) == ["110000", "440000", "310000"]  # Beijing, Guangdong, Shanghai
    assert abs(provinces["110000"] - 325) / 325 < 0.1  # report: Beijing 325


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


# Digests of the files `generate` wrote at commit 9a0d4ba (before any split of the generator), taken with the
# function below: the generator must keep writing exactly these bytes for the same seed and scale.
DIGESTS_BEFORE_SPLIT = {
    (2020, 1.0): "bd75ff09fa5d23f2b21fec857f69471b4bb55edc67ef75cdbf92e0271c426575",
    (7, 0.1): "d785c7c4e2649fb9b4947961cbc0262419799b716737aff16295def1a265c49a",
}


def tree_digest(folder) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def test_the_generator_writes_the_same_bytes_as_before_its_split(sample_dir, small_sample):
    assert tree_digest(sample_dir) == DIGESTS_BEFORE_SPLIT[(2020, 1.0)]
    assert tree_digest(small_sample) == DIGESTS_BEFORE_SPLIT[(7, 0.1)]
