"""Give counterparts an attribute (province, country, sector) so that relation counts per value come out exact.

The report prints, per direction (technology input, output), how many edition-year relations have a
counterpart in each of its top-10 provinces, countries and sectors. A counterpart carries one value
but may take part in several relations of both directions, so the generator cannot draw values per
relation: it first builds the network, then gives each free counterpart a value with ``allocate``,
which packs the counterparts' relation loads into the printed counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Load = tuple[int, int]  # (technology input, technology output) relations of the edition year


@dataclass(frozen=True)
class Bound:
    """What one value may receive in one direction: exactly ``count`` (a printed figure), or at most ``count``."""

    count: int
    exact: bool


def allocate(loads: Sequence[Load], bounds: Mapping[str, tuple[Bound, Bound]], allow_none: bool) -> list[str | None]:
    """One value per load, such that the loads given a value sum to its exact bounds and stay within its caps.

    Loads are placed largest first. A load goes to the value whose exact counts it fills most (the one
    with the most exact room left in the directions the load uses), so that the many single relations
    at the end fill every exact count to the unit; failing that, to the value with the most room under
    its caps; then to None when ``allow_none``; otherwise to the value with the most room, over its
    bounds. Loads of (0, 0) get None: they change no count, and the caller draws their value.
    Deterministic: ties go to the earlier value, then to the earlier load.
    """
    room = {value: [bound.count for bound in pair] for value, pair in bounds.items()}
    exact = {value: [bound.exact for bound in pair] for value, pair in bounds.items()}
    result: list[str | None] = [None] * len(loads)
    for position in sorted(range(len(loads)), key=lambda i: (-(loads[i][0] + loads[i][1]), i)):
        load = loads[position]
        if load == (0, 0):
            continue
        used = [d for d in (0, 1) if load[d]]
        fitting = [v for v in room if all(room[v][d] >= load[d] for d in used)]
        filling = [v for v in fitting if any(exact[v][d] and room[v][d] > 0 for d in used)]
        if filling:
            value = max(filling, key=lambda v: sum(room[v][d] for d in used if exact[v][d]))
        elif fitting:
            value = max(fitting, key=lambda v: sum(room[v][d] for d in used))
        elif allow_none or not room:
            value = None
        else:
            value = max(room, key=lambda v: sum(room[v][d] for d in used))
        if value is not None:
            for d in used:
                room[value][d] -= load[d]
        result[position] = value
    return result
