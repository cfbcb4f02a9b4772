"""The organisations the report names: what its top lists fix for each, and the rows each receives as a counterpart.

A node's weighted degree is its own rows plus the rows naming it as counterpart; the report's lists of weighted
degree (whole network and application layer) and of technology input and output fix both for every listed
organisation. Named counterparts have fixed provinces, countries and sectors, so their edition-year technology rows
also count in the report's top-10 tables, which they may not overfill (``TopTenRoom``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ieo.names import APPLICATION_SUBNETWORK as APPLICATION_LAYER
from ieo.names import APPLICATION_TECH_LAYER, TECHNOLOGY_DIRECTIONS
from ieo.names import WHOLE_NETWORK as WHOLE
from ieo.reference import DIMENSION_LOOKUPS, report_table
from ieo.sample.calibration import LATEST, NAMED_COUNTERPART_MIX, OWN_OTHER_RELATIONS
from ieo.sample.focal import focal_targets
from ieo.sample.records import Org, Relation, largest_remainder, scaled

APPLICATION, OTHER = "application", "other"  # the layer of the sample sending a row to a named counterpart
TECHNOLOGY_DIRECTION = {f"technology_{d}": i for i, d in enumerate(TECHNOLOGY_DIRECTIONS)}


class TopTenRoom(dict):
    """(dimension, value, direction) -> the edition-year technology rows a value may still receive in a top-10
    table; filled on first use from ``start``."""

    def __init__(self, start):
        super().__init__()
        self.start = start

    def __missing__(self, key):
        self[key] = self.start(key)
        return self[key]


@dataclass
class NamedPlan:
    """Rows fixed by the report for named organisations: own rows per type, and rows received per sending layer."""

    own: dict[str, dict[str, int]]
    incoming: dict[str, dict[str, int]]


class NamedCounterparts:
    """Plans and assigns the named organisations' rows (a part of ``ieo.sample.generator.Builder``)."""

    def _named_plan(self) -> NamedPlan:
        """What the report's top lists fix for each named organisation: its own rows per type (a sampled
        enterprise) and the rows it receives as a counterpart, per layer of the sending sample.

        A node's weighted degree is its own rows plus the rows naming it as counterpart; in the
        application-layer network only rows sent by application-layer samples count. So a listed
        application-layer sample owns its application-layer figure and receives the rest of its whole-network
        figure from other samples, and any other listed node receives its application-layer figure from
        application-layer samples and the rest from the others. Where the report's two lists contradict each
        other (``report_discrepancies``) the whole-network list wins.
        """
        degree = report_table("report_weighted_degree_top").astype({"weighted_degree": int})
        io = report_table("report_technology_io_top30").astype({"relation_count": int})
        key_of = self.named_key
        printed = {(r.network, key_of[r.report_label]): scaled(r.weighted_degree, self.scale)
                   for r in degree.itertuples()}
        samples = degree[degree.node_role == "sample"]
        whole_floor = scaled(samples[samples.network == WHOLE].weighted_degree.min(), self.scale)
        technology: dict[str, dict[str, int]] = defaultdict(dict)
        for r in io.itertuples():
            technology[key_of[r.report_label]][f"technology_{r.direction}"] = scaled(r.relation_count, self.scale)
        focal: dict[str, dict[str, int]] = defaultdict(dict)
        for (label, direction), target in focal_targets(self.scale).items():
            focal[key_of[label]][f"technology_{direction}"] = target.known
        plan = NamedPlan({}, {})
        sampled = {e["org_id"] for e in self.world.enterprises}
        for row in self.named.itertuples():
            if row.sampled_as == "enterprise" and self.named_orgs[row.org_key].org_id not in sampled:
                continue  # a sample too small to hold every named enterprise
            whole, application = printed.get((WHOLE, row.org_key)), printed.get((APPLICATION_LAYER, row.org_key))
            if row.sampled_as != "enterprise":
                plan.incoming[row.org_key] = {APPLICATION: application or 0,
                                              OTHER: max((whole or 0) - (application or 0), 0)}
                continue
            if row.tech_layer == APPLICATION_TECH_LAYER:
                own = application if whole is None else min(application or whole, whole)
                if whole is None and own is not None:
                    own = min(own, whole_floor - 1)  # stays off the whole-network list, as the report has it
                plan.incoming[row.org_key] = {APPLICATION: 0, OTHER: max((whole or 0) - (own or 0), 0)}
            else:
                plan.incoming[row.org_key] = {APPLICATION: application or 0, OTHER: 0}
                own = None if whole is None else whole - (application or 0)
            quotas = dict(technology[row.org_key])
            for rtype, known in focal.get(row.org_key, {}).items():  # its printed regions and industries need them
                quotas[rtype] = max(quotas.get(rtype, 0), known)
            if own is not None:
                quotas.update(largest_remainder(max(own - sum(quotas.values()), 0), OWN_OTHER_RELATIONS))
            plan.own[row.org_key] = quotas
        return plan

    def _assign_named_counterparts(self, rows: list[Relation]) -> None:
        """Each named organisation receives the rows the plan gives it, from samples of the planned layer.

        Its province, country and sectors are fixed, so its edition-year technology rows count towards the
        report's top-10 tables: it takes such a row only while each of its values has room there, and
        otherwise a row of an earlier year.
        """
        free: dict[tuple, list[Relation]] = defaultdict(list)
        for r in rows:
            if id(r) in self._focal_labels:
                continue  # a focal unicorn's technology rows have counterparts of their own
            group = APPLICATION if self._layer[r.sample_id] == APPLICATION_TECH_LAYER else OTHER
            free[(r.relation_type, r.domestic, group, r.sample_id in self._listed)].append(r)
        for group in free.values():
            self.rng.shuffle(group)
        bounds = {dimension: self._top10_bounds(table) for dimension, table in self._top10.items()}
        room = self._room = TopTenRoom(lambda key: bounds[key[0]].get(key[1], [0, 0])[key[2]])
        for r in rows:  # the focal unicorns' edition-year counterparts count there too
            if id(r) in self._focal_labels and r.year == LATEST:
                counterpart = self.focal_counterpart_attributes(*self._focal_labels[id(r)])
                for dimension, value in self._dimension_values(counterpart).items():
                    if value:
                        room[(dimension, value, TECHNOLOGY_DIRECTION[r.relation_type])] -= 1
        for key, receives in self._plan.incoming.items():
            org = self.named_orgs[key]
            counted = [(dimension, value) for dimension, value in self._dimension_values(org).items() if value]
            domestic, mix = org.country in self.domestic, NAMED_COUNTERPART_MIX[org.org_type]
            for group, count in receives.items():
                for rtype, k in largest_remainder(count, mix).items():
                    # the other samples' rows of this type, then of its other types; the listed leaders' rows,
                    # which shorten the network's paths, only when those run out
                    kinds = [rtype, *(t for t in mix if t != rtype)]
                    for listed, kind in [(listed, kind) for listed in (False, True) for kind in kinds]:
                        k = self._take(free[(kind, domestic, group, listed)], org, counted, room, k)

    @staticmethod
    def _take(pool: list[Relation], org: Org, counted: list[tuple[str, str]], room: dict, wanted: int) -> int:
        """Give ``org`` up to ``wanted`` rows of ``pool`` (not its own, and only while its values have room in the
        top-10 tables); returns how many it still wants."""
        passed = []
        while pool and wanted > 0:
            r = pool.pop()
            d = TECHNOLOGY_DIRECTION.get(r.relation_type) if r.year == LATEST else None
            keys = [(dimension, value, d) for dimension, value in counted] if d is not None else []
            if r.sample_id == org.org_id or any(room[x] <= 0 for x in keys):
                passed.append(r)
                continue
            for x in keys:
                room[x] -= 1
            r.counterpart_id = org.org_id
            wanted -= 1
        pool.extend(passed)
        return wanted

    def _counts_in_room(self, r: Relation, org: Org) -> bool:
        """Whether a sampled enterprise may be the counterpart of ``r`` without its province passing a printed
        top-10 count (an edition-year technology row counts there); takes the room if so."""
        if r.year != LATEST or r.relation_type not in TECHNOLOGY_DIRECTION:
            return True
        key = ("province", org.province, TECHNOLOGY_DIRECTION[r.relation_type])
        if self._room[key] <= 0:
            return False
        self._room[key] -= 1
        return True

    def _top10_bounds(self, printed: dict[str, list[int | None]]) -> dict[str, list[int]]:
        """What a printed value may receive per direction from named counterparts: its printed count, or, in the
        direction where the report does not print it, one less than the printed tenth. Values the report does not
        print at all receive nothing from them: generated counterparts and research institutions fill those."""
        tenth = [min(v[d] for v in printed.values() if v[d] is not None) for d in (0, 1)]
        return {code: [tenth[d] - 1 if v[d] is None else v[d] for d in (0, 1)] for code, v in printed.items()}

    def _printed_top10(self) -> dict[str, dict[str, list[int | None]]]:
        """The report's top-10 counts per dimension and value, as [input, output] (None where not printed), scaled."""
        top = report_table("report_technology_relations_top10").astype({"relation_count": int})
        printed: dict[str, dict[str, list[int | None]]] = {}
        for dimension, lookup in DIMENSION_LOOKUPS.items():
            values: dict[str, list[int | None]] = defaultdict(lambda: [None, None])
            resolve = lookup().resolve
            for r in top[top.dimension == dimension].itertuples():
                values[resolve(r.report_label)][TECHNOLOGY_DIRECTIONS.index(r.direction)] = scaled(r.relation_count,
                                                                                                    self.scale)
            printed[dimension] = dict(values)
        return printed
