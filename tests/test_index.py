"""The competitiveness index: weights, AHP, entropy, computation, Monte Carlo and coherence,
against hand-computed values and published worked examples."""

import math

import numpy as np
import pandas as pd
import pytest

from ieo.index.coherence import coherence, cronbach_alpha, first_component_share
from ieo.index.compute import GEOMETRIC, RANK, ZSCORE, Structure, compute_index, normalise
from ieo.index.derive import AhpError, ahp, ahp_tree, entropy_tree, entropy_weights
from ieo.index.uncertainty import FACTORS, Design, monte_carlo, ranks_for, sensitivity_problem, sobol_indices
from ieo.index.weights import (
    WeightHierarchyError,
    effective_weights,
    report_weights,
    tree_from_frame,
)

# Two pillars; P1 has one sub-pillar of two indicators, P2 two sub-pillars of one indicator each.
HAND_WEIGHTS = pd.DataFrame(
    [
        ("P1", 1, None, "Pillar 1", 0.6, None),
        ("P2", 1, None, "Pillar 2", 0.4, None),
        ("S1", 2, "P1", "Sub 1", 0.6, None),
        ("S2", 2, "P2", "Sub 2", 0.3, None),
        ("S3", 2, "P2", "Sub 3", 0.1, None),
        ("a", 3, "S1", "a", 0.4, "positive"),
        ("b", 3, "S1", "b", 0.2, "positive"),
        ("c", 3, "S2", "c", 0.3, "positive"),
        ("d", 3, "S3", "d", 0.1, "positive"),
    ],
    columns=["node_id", "level", "parent_id", "report_label", "weight", "direction"],
)
HAND_PROVINCES = pd.DataFrame({
    "province_code": ["X", "Y", "Z"],
    "province_name_zh": ["甲", "乙", "丙"],
    "province_name_en": ["Xland", "Yland", "Zland"],
    "a": [10, 20, 30],  # min-max: 0, 50, 100
    "b": [5, 5, 0],  # 100, 100, 0
    "c": [0, 4, 1],  # 0, 100, 25
    "d": [2, 1, 3],  # 50, 0, 100
})


def hand_tree():
    return tree_from_frame(HAND_WEIGHTS, "hand")[0]


def test_hand_fixture_index_pillars_and_ranks():
    result = compute_index(HAND_PROVINCES, hand_tree())
    index = result.index.set_index("province_code")
    # S1 = (0.4 a + 0.2 b) / 0.6; P2 = (0.3 c + 0.1 d) / 0.4; index = 0.6 P1 + 0.4 P2
    assert index["P1_score"].to_dict() == pytest.approx({"X": 20 / 0.6, "Y": 40 / 0.6, "Z": 40 / 0.6})
    assert index["P2_score"].to_dict() == pytest.approx({"X": 12.5, "Y": 75.0, "Z": 43.75})
    assert index["score"].to_dict() == pytest.approx({"X": 25.0, "Y": 70.0, "Z": 57.5})
    assert index["rank"].to_dict() == {"Y": 1, "Z": 2, "X": 3}
    assert index["P1_rank"].to_dict() == {"Y": 1, "Z": 1, "X": 3}  # a tie shares the better rank
    assert result.index["province_code"].tolist() == ["Y", "Z", "X"]
    x = result.indicators[result.indicators["province_code"] == "X"].set_index("indicator_id")
    assert x["contribution"].to_dict() == pytest.approx({"a": 0.0, "b": 20.0, "c": 0.0, "d": 5.0})
    assert x["contribution"].sum() == pytest.approx(index.at["X", "score"])


def test_hand_fixture_geometric_aggregation():
    result = compute_index(HAND_PROVINCES, hand_tree(), aggregation=GEOMETRIC)
    pillars = result.levels[result.levels["level"] == 1].set_index(["province_code", "node_id"])["score"]
    # shifted so each indicator's lowest province is 1: a 1/51/101, b 101/101/1, c 1/101/26, d 51/1/101
    assert pillars[("X", "P1")] == pytest.approx(1 ** (2 / 3) * 101 ** (1 / 3))
    assert pillars[("Z", "P2")] == pytest.approx(26 ** 0.75 * 101 ** 0.25)
    assert result.indicators["contribution"].isna().all()


def test_normalisations_by_hand():
    values = np.array([[1.0], [3.0], [3.0], [5.0]])
    assert normalise(values, "minmax").ravel().tolist() == [0, 50, 50, 100]
    assert normalise(values, RANK).ravel().tolist() == [1, 2.5, 2.5, 4]
    assert normalise(values, ZSCORE).ravel() == pytest.approx([-2 / math.sqrt(2), 0, 0, 2 / math.sqrt(2)])
    assert normalise(values, "goalposts", np.array([[0.0], [4.0]])).ravel().tolist() == [25, 75, 75, 100]
    assert normalise(np.ones((3, 1)), "minmax").ravel().tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise(values, "log")


def test_negative_direction_reverses_an_indicator():
    frame = HAND_WEIGHTS.copy()
    frame.loc[frame["node_id"] == "a", "direction"] = "negative"
    result = compute_index(HAND_PROVINCES, tree_from_frame(frame, "hand")[0])
    a = result.indicators[result.indicators["indicator_id"] == "a"].set_index("province_code")["normalised"]
    assert a.to_dict() == {"X": 100.0, "Y": 50.0, "Z": 0.0}


def test_report_weights_validate_with_the_two_known_rounding_gaps():
    tree, rounding = report_weights()
    assert (len(tree.level(1)), len(tree.level(2)), len(tree.level(3))) == (6, 10, 24)
    gaps = {r.parent_id: round(r.gap, 6) for r in rounding}
    assert gaps == {"academic_ecology": 0.0001, "international_openness": 0.0001}
    assert tree.node("enterprise_count").weight == 0.1782  # typed exactly as printed
    assert math.fsum(effective_weights(tree).values()) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.assign(parent_id=f["parent_id"].replace("S1", "S9")), "row 6 (a): parent 'S9' is missing"),
        (lambda f: f.assign(weight=f["weight"].where(f["node_id"] != "d", -0.1)), "row 9 (d): weight -0.1 is negative"),
        (lambda f: f.assign(weight=f["weight"].where(f["node_id"] != "b", 0.21)),
         "children of S1 sum to 0.6100, not 0.6000"),
        (lambda f: f.assign(direction=f["direction"].where(f["node_id"] != "c", "upward")),
         "row 8 (c): direction 'upward' is not 'positive' or 'negative'"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "node_id 'P1' appears more than once"),
    ],
)
def test_malformed_hierarchies_are_rejected_with_a_clear_message(change, message):
    with pytest.raises(WeightHierarchyError) as error:
        tree_from_frame(change(HAND_WEIGHTS.copy()), "hand")
    assert message in str(error.value)


# Saaty (2008), "Decision making with the analytic hierarchy process": relative consumption of drinks.
DRINKS = [[1, 9, 5, 2, 1, 1, 1 / 2], [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9], [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
          [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3], [1, 9, 4, 2, 1, 2, 1 / 2], [1, 9, 3, 1, 1 / 2, 1, 1 / 3], [2, 9, 9, 3, 2, 3, 1]]


def test_ahp_reproduces_saatys_drinks_example():
    result = ahp(DRINKS)
    assert np.round(result.weights, 3).tolist() == [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    assert round(result.lambda_max, 2) == 7.18
    assert result.random_index == 1.32 and result.random_index_table == "saaty1980"
    assert round(result.consistency_ratio, 3) == 0.022


def test_ahp_rejects_inconsistent_and_non_reciprocal_matrices():
    with pytest.raises(AhpError, match="consistency ratio .* is not below 0.1"):
        ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    with pytest.raises(AhpError, match="reciprocal"):
        ahp([[1, 2], [2, 1]])


def test_ahp_tree_from_a_judgement_file(tmp_path):
    judgements = tmp_path / "judgements.yml"
    judgements.write_text(
        "random_index: saaty1980\n"
        "groups:\n"
        "  index: {items: [P1, P2], matrix: [[1, 3], [0.3333333333, 1]]}\n"
        "  S1: {items: [a, b], matrix: [[1, 2], [0.5, 1]]}\n"
        "  P2: {items: [S2, S3], matrix: [[1, 1], [1, 1]]}\n",
        encoding="utf-8",
    )
    tree, report = ahp_tree(hand_tree(), judgements)
    weights = {n.node_id: n.weight for n in tree.nodes}
    assert weights["P1"] == pytest.approx(0.75) and weights["S2"] == pytest.approx(0.125)
    assert weights["a"] == pytest.approx(0.5) and weights["b"] == pytest.approx(0.25)
    assert tree.source == "ahp: judgements.yml" and set(report["parent_id"]) == {"index", "S1", "P2"}
    judgements.write_text("groups: {index: {items: [P1, P2], matrix: [[1, 3], [0.333, 1]]}}\n", encoding="utf-8")
    with pytest.raises(AhpError, match="children of P2; no judgement matrix for the children of S1"):
        ahp_tree(hand_tree(), judgements)


def test_entropy_weights_reproduce_xus_worked_example():
    # Xu, X. (2004), European Journal of Operational Research 156(2): 530-532; shares p = x / column sum.
    matrix = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    assert np.round(entropy_weights(matrix, standardise="share"), 4).tolist() == [0.4630, 0.3992, 0.1378, 0.0]


def test_entropy_weights_by_hand_with_zero_log_zero():
    # min-max gives column 1 = (0, 1) -> p = (0, 1) -> e = 0 (0 ln 0 = 0); column 2 = (0, 1) too.
    assert entropy_weights([[1, 5], [2, 7]]).tolist() == [0.5, 0.5]
    # column 2 = (0, .5, 1) -> p = (0, 1/3, 2/3); column 1 = (0, 1, 1) -> p = (0, .5, .5)
    e1, e2 = math.log(2) / math.log(3), -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    expected = np.array([1 - e1, 1 - e2]) / (2 - e1 - e2)
    assert entropy_weights([[0, 0], [1, 1], [1, 2]]) == pytest.approx(expected, abs=1e-15)


def test_entropy_tree_sums_children_into_parents():
    tree = entropy_tree(hand_tree(), HAND_PROVINCES)
    weights = {n.node_id: n.weight for n in tree.nodes}
    assert weights["S1"] == pytest.approx(weights["a"] + weights["b"])
    assert weights["P1"] + weights["P2"] == pytest.approx(1.0) and tree.source == "entropy"


def saltelli_jansen(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An independent estimator to check SALib against: Saltelli (2010) first order, Jansen (1999) total effect.
    ``f_ab``: factors x runs, design A with one factor (group) taken from B."""
    variance = np.var(np.concatenate([f_a, f_b]))
    return np.mean(f_b * (f_ab - f_a), axis=1) / variance, 0.5 * np.mean((f_a - f_ab) ** 2, axis=1) / variance


def test_sobol_indices_of_a_linear_model_are_the_analytic_ones():
    # y = x1 + 2 x2 + 3 x3, x uniform on [0, 1]: first-order indices 1/14, 4/14, 9/14 (and equal totals).
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    table = sobol_indices(problem, lambda x: (x @ np.array([1.0, 2.0, 3.0]))[:, None], 4096, seed=1,
                          output_names=["y"])
    assert table["factor"].tolist() == ["x1", "x2", "x3"]
    assert table["first_order"].to_numpy() == pytest.approx([1 / 14, 4 / 14, 9 / 14], abs=0.02)
    assert table["total_effect"].to_numpy() == pytest.approx([1 / 14, 4 / 14, 9 / 14], abs=0.02)
    assert (table["first_order_ci"] > 0).all() and (table["first_order_ci"] < 0.05).all()


def test_salibs_indices_on_the_index_agree_with_an_independent_estimator_on_the_same_sample():
    """SALib lays its sample out as A, A with group j from B (j = 1..G), B per base row; the test reassembles
    those blocks and estimates the indices itself: each within SALib's confidence interval (plus a margin)."""
    from SALib.sample import sobol as saltelli_sampling

    rng = np.random.default_rng(8)  # twelve provinces close enough for the assumptions to reorder them
    codes = [f"P{i:02d}" for i in range(12)]
    provinces = pd.DataFrame({"province_code": codes, "province_name_zh": codes, "province_name_en": codes,
                              **{k: rng.uniform(1, 10, 12).round(2) for k in "abcd"}})
    tree = hand_tree()
    nominal = compute_index(provinces, tree).index.set_index("province_code")["rank"]
    structure = Structure.of(tree)
    raw = provinces[structure.indicator_ids].to_numpy(dtype=np.float64)
    problem = sensitivity_problem(structure, 0.2)
    sample = saltelli_sampling.sample(problem, 2048, calc_second_order=False, seed=3)
    ranks = ranks_for(Design.from_sample(sample, structure), raw, structure, tree)
    shift = np.abs(ranks - nominal.loc[codes].to_numpy()).mean(axis=1)
    assert np.ptp(shift) > 0
    groups = 3
    blocks = shift.reshape(-1, groups + 2)
    first, total = saltelli_jansen(blocks[:, 0], blocks[:, -1], blocks[:, 1:-1].T)
    salib = monte_carlo(provinces, tree, nominal, runs=2048, seed=3, spread=0.2).sensitivity
    salib = salib[salib["output"] == "mean_abs_rank_shift"].set_index("factor").loc[list(FACTORS)]
    assert (np.abs(first - salib["first_order"].to_numpy()) <= salib["first_order_ci"].to_numpy() + 0.02).all()
    assert (np.abs(total - salib["total_effect"].to_numpy()) <= salib["total_effect_ci"].to_numpy() + 0.02).all()


def test_monte_carlo_is_seeded_and_a_dominant_province_never_moves():
    provinces = HAND_PROVINCES.copy()
    provinces.loc[len(provinces)] = ["W", "丁", "Wland", 99, 9, 9, 9]  # best on every indicator
    tree = hand_tree()
    nominal = compute_index(provinces, tree).index.set_index("province_code")["rank"]
    first = monte_carlo(provinces, tree, nominal, runs=300, seed=5)
    again = monte_carlo(provinces, tree, nominal, runs=300, seed=5)
    pd.testing.assert_frame_equal(first.ranks, again.ranks)
    w = first.ranks.set_index("province_code").loc["W"]
    assert (w["nominal_rank"], w["median_rank"], w["p05_rank"], w["p95_rank"], w["mean_abs_rank_shift"]) == (1, 1, 1, 1, 0)
    ranks = first.ranks
    assert (ranks["p05_rank"] <= ranks["median_rank"]).all() and (ranks["median_rank"] <= ranks["p95_rank"]).all()
    summary = first.sensitivity[first.sensitivity["output"] == "mean_abs_rank_shift"].set_index("factor")
    assert set(summary.index) == {"weights", "normalisation", "aggregation"}
    assert summary["total_effect"].between(-0.1, 1.5).all()
    assert (summary["total_effect_ci"] >= 0).all() and (summary["first_order_ci"] >= 0).all()


def test_cronbach_alpha_and_first_component_by_hand():
    # item variances 1 and 7/3, total variance 19/3: alpha = 2 * (1 - (10/3) / (19/3)) = 18/19
    assert cronbach_alpha(np.array([[1, 2], [2, 3], [3, 5]], dtype=float)) == pytest.approx(18 / 19)
    assert first_component_share(np.array([[1, 2], [2, 4], [3, 6]], dtype=float)) == pytest.approx(1.0)
    assert math.isnan(cronbach_alpha(np.array([[1.0], [2.0]])))


def test_coherence_table_has_a_row_per_indicator_and_per_pillar():
    tree = hand_tree()
    table = coherence(compute_index(HAND_PROVINCES, tree), tree)
    assert len(table) == 4 + 2
    p2 = table[(table["pillar_id"] == "P2") & table["indicator_id"].isna()].iloc[0]
    assert p2["indicators"] == 2
    c = table[table["indicator_id"] == "c"].iloc[0]
    # P2 scores 12.5 / 75 / 43.75 against c 0 / 100 / 25: a perfect rank agreement
    assert c["spearman_with_pillar"] == pytest.approx(1.0)


def test_ieo_weights_ahp_is_a_reproducible_command(tmp_path, capsys):
    from ieo.index.options import IndexOptions, choose_weights
    from orchestration.cli import main

    out = tmp_path / "ahp.csv"
    assert main(["weights", "ahp", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "consistency_ratio" in printed and "saaty1980" in printed and "report_weight" in printed
    choice = choose_weights(IndexOptions(weights=str(out)), pd.DataFrame())  # usable as `ieo run --weights`
    assert choice.tree.source == "file: ahp.csv" and len(choice.tree.indicators) == len(report_weights()[0].indicators)

    import yaml

    from ieo.index.derive import DEFAULT_JUDGEMENTS

    spec = yaml.safe_load(DEFAULT_JUDGEMENTS.read_text(encoding="utf-8"))
    spec["groups"]["enterprise_innovation"]["matrix"] = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]  # circular
    inconsistent = tmp_path / "bad.yml"
    inconsistent.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert main(["weights", "ahp", "--judgements", str(inconsistent)]) == 1
    assert "enterprise_innovation: consistency ratio" in capsys.readouterr().err
