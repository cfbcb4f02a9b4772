"""What the synthetic sample is calibrated to, and the knobs that tune it.

Counts come from the report's seeds (read where they are used); the figures here are the ones the
report does not print or that the generator needs before scaling. The network's knobs (COMMUNITY_SIZE,
LOCAL_REUSE, LOCAL_PEER, SAMPLE_TO_SAMPLE, LISTED_SHARING) were tuned by measuring the generated network against
the report's clustering (0.021) and average path length (4.407); docs/fidelity.md lists what was tried.
"""

from __future__ import annotations

from ieo.reference import report_table

EDITIONS = (2017, 2018, 2019)
LATEST = EDITIONS[-1]
FIRST_RELATION_YEAR = 2010

# Relations in all years of the latest edition, per type, before scaling. They sum to the
# report's 31,949 graph relations; the edition-year part of each is the report's section IV count.
CUMULATIVE_RELATIONS = {
    "technology_input": 2900,
    "technology_output": 14600,
    "study_experience": 1349,
    "work_experience": 2300,
    "investment": 8200,
    "financing": 2600,
}
# Domestic share of investment and financing counterparts (the report gives none).
MONEY_DOMESTIC_SHARE = 0.9
# Kinds of organisation a new counterpart is, per relation type.
COUNTERPART_KINDS = {
    "technology_input": {"enterprise": 0.85, "university": 0.05, "research_institute": 0.05, "other": 0.05},
    "technology_output": {
        "enterprise": 0.75,
        "government_agency": 0.12,
        "university": 0.03,
        "research_institute": 0.03,
        "other": 0.07,
    },
    "study_experience": {"university": 0.9, "research_institute": 0.1},
    "work_experience": {
        "enterprise": 0.7,
        "university": 0.1,
        "research_institute": 0.1,
        "government_agency": 0.05,
        "other": 0.05,
    },
    "investment": {"enterprise": 1.0},
    "financing": {"investor": 1.0},
}
# Share of rows whose counterpart is another sampled enterprise, per type.
SAMPLE_TO_SAMPLE = {"technology_input": 0.06, "technology_output": 0.05, "investment": 0.03, "work_experience": 0.02}
# How the report's leading relation nodes take part in relations, by their org type.
NAMED_COUNTERPART_MIX = {
    "university": {"study_experience": 0.35, "work_experience": 0.25, "technology_output": 0.2, "technology_input": 0.2},
    "research_institute": {"technology_input": 0.4, "technology_output": 0.3, "work_experience": 0.3},
    "enterprise": {"technology_input": 0.35, "technology_output": 0.55, "work_experience": 0.1},
    "investor": {"financing": 1.0},
}
# Knobs of the network's shape. Communities of samples (neighbours in province order) share counterparts and
# link to each other. The enterprises the report lists keep most of their counterparts to themselves: only
# LISTED_SHARING of their reused counterparts come from the shared pools, which sets the average path length
# (0.17 gives the report's 4.407 at the median seed; 1.0 gives 4.08, 0.0 gives 4.54; docs/fidelity.md). The clustering is then
# brought to the report's 0.021 exactly by closing triangles (Relations._calibrate_network).
COMMUNITY_SIZE = 6
LOCAL_REUSE = 0.35
LOCAL_PEER = 0.2
LISTED_SHARING = 0.17
PATH_LENGTH_PER_SHARING = -0.7  # measured: 4.46 at 0.12, 4.41 at 0.17, 4.37 at 0.22 (median of seeds)
PATH_LENGTH_ATTEMPTS = 4  # builds of the relations at most, each corrected by the last (Relations.build_relations)
PATH_LENGTH_CLOSE_ENOUGH = 0.01  # a third of the tolerance the report's figure is held to
LARGE_SCALE = 10  # from this scale the leaders share nothing and one build is kept (it measures 4.36-4.41)
# How a listed sample's own rows beyond its printed technology relations split by type.
OWN_OTHER_RELATIONS = {"investment": 0.6, "work_experience": 0.25, "study_experience": 0.15}
ENTERPRISE_PROVINCE_WEIGHTS = {
    "110000": 30, "440000": 20, "310000": 15, "330000": 10, "320000": 6, "370000": 2.5, "510000": 2,
    "420000": 2, "340000": 1.5, "350000": 1.5, "500000": 1.2, "610000": 1, "120000": 1, "430000": 1,
    "410000": 0.8, "210000": 0.8, "140000": 0.5,
}
LAYER_TECHNOLOGIES = {
    "base": ["smart_chip", "big_data_cloud", "internet_of_things"],
    "technology": [
        "computer_vision", "speech_recognition", "natural_language_processing", "machine_learning",
        "knowledge_graph", "biometrics", "ai_platform", "human_computer_interaction",
    ],
}
INVESTOR_KIND_WEIGHTS = {
    "venture_capital": 0.55, "private_equity": 0.2, "corporate": 0.12, "angel": 0.07, "government_fund": 0.04,
    "other": 0.02,
}
NAME_HEADS = list("智云华星辰海天睿思博联创新元极数象深瞳灵犀图灵启明远航汇通鼎信安卓越明德中科")
NAME_TAILS = {
    "enterprise": ["科技有限公司", "智能科技有限公司", "信息技术有限公司", "网络科技有限公司", "数据科技有限公司"],
    "investor": ["资本", "创投", "投资管理有限公司", "基金"],
    "university": ["大学", "理工大学", "科技大学"],
    "research_institute": ["研究院", "研究所", "实验室"],
    "government_agency": ["市大数据管理局", "市经济和信息化局", "市政府"],
    "other": ["协会", "医院", "中心"],
}


def report_network_statistic(statistic: str) -> float:
    """A figure of the report's value-network statistics table."""
    stats = report_table("report_value_network_stats").set_index("statistic").printed_value
    return float(stats[statistic])
