"""Packing counterparts' relation loads into the report's printed counts (ieo.sample.allocation), by hand."""

from collections import defaultdict

from ieo.sample.allocation import Bound, allocate


def totals(loads, values):
    summed = defaultdict(lambda: [0, 0])
    for (a, b), value in zip(loads, values):
        summed[value][0] += a
        summed[value][1] += b
    return {k: tuple(v) for k, v in summed.items()}


def test_exact_counts_are_filled_to_the_unit():
    # Beijing must get 5 input and 3 output relations, Shanghai 2 and 1; the rest is one lone input
    loads = [(3, 2), (1, 1), (1, 0), (1, 0), (1, 0), (0, 1), (1, 0), (0, 0)]
    bounds = {"BJ": (Bound(5, True), Bound(3, True)), "SH": (Bound(2, True), Bound(1, True)),
              "other": (Bound(1, False), Bound(0, False))}
    values = allocate(loads, bounds, allow_none=False)
    assert totals(loads, values) == {"BJ": (5, 3), "SH": (2, 1), "other": (1, 0), None: (0, 0)}
    assert values[-1] is None  # a load of nothing changes no count: the caller draws its value


def test_a_load_too_big_for_any_exact_count_goes_under_a_cap_and_then_to_none():
    loads = [(4, 0), (1, 0), (1, 0)]
    bounds = {"A": (Bound(1, True), Bound(0, True)), "B": (Bound(1, True), Bound(0, True)),
              "open": (Bound(3, False), Bound(0, False))}
    assert allocate(loads, bounds, allow_none=True) == [None, "A", "B"]  # 4 fits neither A, B nor under the cap
    bounds["open"] = (Bound(4, False), Bound(0, False))
    assert allocate(loads, bounds, allow_none=True) == ["open", "A", "B"]


def test_without_none_an_unplaceable_load_goes_over_the_roomiest_bound():
    loads = [(2, 0)]
    bounds = {"A": (Bound(1, True), Bound(0, True)), "B": (Bound(0, False), Bound(0, False))}
    assert allocate(loads, bounds, allow_none=False) == ["A"]


def test_a_direction_printed_for_one_value_only_stays_under_its_cap():
    # "X" is printed for input (exactly 2) but not for output, where it must stay at most 1
    loads = [(1, 1), (1, 1), (0, 1)]
    bounds = {"X": (Bound(2, True), Bound(1, False)), "Y": (Bound(0, False), Bound(5, True))}
    values = allocate(loads, bounds, allow_none=True)
    assert totals(loads, values)["X"][1] <= 1
    assert totals(loads, values).get("Y", (0, 0))[1] <= 5


def test_the_same_loads_give_the_same_values():
    loads = [(i % 3, i % 2) for i in range(50)]
    bounds = {"A": (Bound(10, True), Bound(8, True)), "B": (Bound(6, True), Bound(5, True)),
              "C": (Bound(3, False), Bound(3, False))}
    assert allocate(loads, bounds, allow_none=True) == allocate(loads, bounds, allow_none=True)
