"""Give counterparts an attribute (province, country, sector) so that relation counts per value come out exact.

The report prints, per direction (technology input, output), how many edition-year relations have a
counterpart in each of its top-10 provinces, countries and sectors. A counterpart carries one value
but may take part in several relations of both directions, so the generator cannot draw values per
relation: it first builds the network, then gives each free counterpart a value with ``allocate``,
which packs the counterparts' relation loads into the printed counts.
"""

from __future__ import annotations

from collections import defaultdict
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

    Loads are placed largest first, equal loads together. Each goes to the value whose exact counts it fills
    most (the one with the most exact room left in the directions the load uses), as many equal loads at a
    time as fit there, so that the many single relations at the end fill every exact count to the unit;
    failing that, to the value with the most room under its caps; then to None when ``allow_none``;
    otherwise to the value with the most room, over its bounds. Loads of (0, 0) get None: they change no
    count, and the caller draws their value. Deterministic: ties go to the earlier value, then the earlier load.
    """
    room = {value: [bound.count for bound in pair] for value, pair in bounds.items()}
    exact = {value: [bound.exact for bound in pair] for value, pair in bounds.items()}
    result: list[str | None] = [None] * len(loads)
    positions: dict[Load, list[int]] = defaultdict(list)
    for position, load in enumerate(loads):
        positions[tuple(load)].append(position)
    for load in sorted(positions, key=lambda load: (-(load[0] + load[1]), load)):
        used = [d for d in (0, 1) if load[d]]
        waiting = positions[load]
        while waiting and used:
            fitting = [v for v in room if all(room[v][d] >= load[d] for d in used)]
            filling = [v for v in fitting if any(exact[v][d] and room[v][d] > 0 for d in used)]
            if filling:
                value = max(filling, key=lambda v: sum(room[v][d] for d in used if exact[v][d]))
            elif fitting:
                value = max(fitting, key=lambda v: sum(room[v][d] for d in used))
            elif allow_none or not room:
                break  # the rest stay None
            else:
                value = max(room, key=lambda v: sum(room[v][d] for d in used))
            fits = min(room[value][d] // load[d] for d in used) if value in fitting else len(waiting)
            take, waiting = waiting[:max(fits, 1)], waiting[max(fits, 1):]
            for position in take:
                result[position] = value
            for d in used:
                room[value][d] -= load[d] * len(take)
    return result
