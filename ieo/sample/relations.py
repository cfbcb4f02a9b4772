"""Relations of the sample: types, years, domesticity, counterparts, dates and amounts."""

from __future__ import annotations

from collections import defaultdict

from dataclasses import dataclass

from ieo import contract as c
from ieo.names import APPLICATION_SUBNETWORK as APPLICATION_LAYER
from ieo.names import APPLICATION_TECH_LAYER, TECHNOLOGY_DIRECTIONS
from ieo.names import WHOLE_NETWORK as WHOLE
from ieo.reference import DIMENSION_LOOKUPS, report_table, taxonomy_lookup
from ieo.sample.allocation import Bound, allocate
from ieo.sample.calibration import (
    COMMUNITY_SIZE,
    COUNTERPART_KINDS,
    CUMULATIVE_RELATIONS,
    FIRST_RELATION_YEAR,
    LATEST,
    LOCAL_PEER,
    LOCAL_REUSE,
    MONEY_DOMESTIC_SHARE,
    NAMED_COUNTERPART_MIX,
    OWN_OTHER_RELATIONS,
    SAMPLE_TO_SAMPLE,
    report_network_statistic,
)
from ieo.sample.records import (
    Org,
    Relation,
    Weighted,
    largest_remainder,
    month_day,
    scaled,
)

APPLICATION, OTHER = "application", "other"  # the layer of the sample sending a row to a named counterpart
TECHNOLOGY_DIRECTION = {f"technology_{d}": i for i, d in enumerate(TECHNOLOGY_DIRECTIONS)}


@dataclass
class NamedPlan:
    """Rows fixed by the report for named organisations: own rows per type, and rows received per sending layer."""

    own: dict[str, dict[str, int]]
    incoming: dict[str, dict[str, int]]


class Relations:
    """Builds the relations (a part of ``ieo.sample.generator.Builder``)."""

    def build_relations(self) -> None:
        rng = self.rng
        summary = report_table("report_relation_summary").set_index("relation_type")
        enterprises = [r["org_id"] for r in self.world.enterprises]
        founded = {r["org_id"]: r["founded_year"] for r in self.world.enterprises}
        activity = self._activity(enterprises)
        self._plan = self._named_plan()
        self._top10 = self._printed_top10()
        self._generated: list[Org] = []
        self._old_enough = {r["org_id"] for r in self.world.enterprises if r["founded_year"] < LATEST}
        rows: list[Relation] = []
        for rtype, cumulative in CUMULATIVE_RELATIONS.items():
            total = scaled(cumulative, self.scale)
            latest = scaled(int(summary.loc[rtype, "relation_count"]), self.scale)
            if rtype in c.MONEY_RELATION_TYPES:
                latest_domestic = int(round(latest * MONEY_DOMESTIC_SHARE))
            else:
                latest_domestic = scaled(int(summary.loc[rtype, "domestic_count"]), self.scale)
            share = latest_domestic / latest
            samples = self._samples_for(rtype, total, activity, enterprises)
            rng.shuffle(samples)
            for k, sample in enumerate(samples):
                if k < latest:
                    year, domestic = LATEST, k < latest_domestic
                else:
                    year = max(founded[sample], self._earlier_year())
                    year = min(year, LATEST - 1) if founded[sample] < LATEST else LATEST
                    domestic = rng.random() < share
                rows.append(Relation(sample, rtype, year, domestic))
        # Keep the exact edition-year counts: rows pushed into the latest year by a late founding year move back.
        self._fix_latest_counts(rows, summary)
        self._assign_named_counterparts(rows)
        self._assign_counterparts(rows)
        self._assign_counterpart_attributes(rows)
        rows.sort(key=lambda r: (r.year, r.relation_type, r.sample_id, r.counterpart_id))
        self.world.relations = rows
        for r in rows:
            r.occurred_on = f"{r.year}-{month_day(rng.randint(1, 365))}"
            if r.relation_type in c.MONEY_RELATION_TYPES and rng.random() < 0.8:
                r.amount_cny = f"{int(rng.lognormvariate(17.5, 1.2)) // 10000 * 10000}"

    def _earlier_year(self) -> int:
        years = list(range(FIRST_RELATION_YEAR, LATEST))
        return self.rng.choices(years, weights=[1.35**i for i in range(len(years))])[0]

    def _fix_latest_counts(self, rows: list[Relation], summary) -> None:
        """Rows of enterprises founded in the latest year all fall in it; trade them against others."""
        for rtype in CUMULATIVE_RELATIONS:
            latest_rows = [r for r in rows if r.relation_type == rtype and r.year == LATEST]
            target = scaled(int(summary.loc[rtype, "relation_count"]), self.scale)
            extra = len(latest_rows) - target
            movable = [r for r in latest_rows if r.sample_id in self._old_enough]
            self.rng.shuffle(movable)
            for r in movable[:max(extra, 0)]:
                r.year = self._earlier_year()
            if rtype in c.MONEY_RELATION_TYPES:
                want = int(round(target * MONEY_DOMESTIC_SHARE))
            else:
                want = scaled(int(summary.loc[rtype, "domestic_count"]), self.scale)
            latest_rows = [r for r in rows if r.relation_type == rtype and r.year == LATEST]
            for i, r in enumerate(latest_rows):
                r.domestic = i < want

    def _activity(self, enterprises: list[str]) -> dict[str, float]:
        """Pareto activity per sample, capped below the named leaders so they stay on top."""
        weights = {}
        for e in enterprises:
            weights[e] = min(self.rng.paretovariate(1.6), 12.0)
        return weights

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
        key_of = {label: row.org_key for row in self.named.itertuples() for label in row.report_labels.split("|")}
        printed = {(r.network, key_of[r.report_label]): scaled(r.weighted_degree, self.scale)
                   for r in degree.itertuples()}
        samples = degree[degree.node_role == "sample"]
        whole_floor = scaled(samples[samples.network == WHOLE].weighted_degree.min(), self.scale)
        technology: dict[str, dict[str, int]] = defaultdict(dict)
        for r in io.itertuples():
            technology[key_of[r.report_label]][f"technology_{r.direction}"] = scaled(r.relation_count, self.scale)
        plan = NamedPlan({}, {})
        for row in self.named.itertuples():
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
            if own is not None:
                quotas.update(largest_remainder(max(own - sum(quotas.values()), 0), OWN_OTHER_RELATIONS))
            plan.own[row.org_key] = quotas
        return plan

    def _samples_for(self, rtype: str, total: int, activity: dict[str, float], enterprises: list[str]) -> list[str]:
        """The sample side of each row of a type: named quotas first, the rest by activity."""
        samples = []
        named_ids = set()
        for key, quota in self._plan.own.items():
            if quota:  # a named sample the report lists nowhere draws its rows like any other
                named_ids.add(self.named_orgs[key].org_id)
                samples += [self.named_orgs[key].org_id] * quota.get(rtype, 0)
        others = [e for e in enterprises if e not in named_ids]
        if rtype == "technology_output":
            samples += others  # every sampled enterprise has at least one relation: it is a network node
        remaining = max(total - len(samples), 0)
        weights = [activity[e] for e in others]
        samples += self.rng.choices(others, weights=weights, k=remaining)
        return samples[:total]

    def _assign_named_counterparts(self, rows: list[Relation]) -> None:
        """Each named organisation receives the rows the plan gives it, from samples of the planned layer.

        Its province, country and sectors are fixed, so its edition-year technology rows count towards the
        report's top-10 tables: it takes such a row only while each of its values has room there, and
        otherwise a row of an earlier year.
        """
        layer = {e["org_id"]: e["tech_layer"] for e in self.world.enterprises}
        free: dict[tuple, list[Relation]] = defaultdict(list)
        for r in rows:
            group = APPLICATION if layer[r.sample_id] == APPLICATION_TECH_LAYER else OTHER
            free[(r.relation_type, r.domestic, group)].append(r)
        for group in free.values():
            self.rng.shuffle(group)
        room = {(dimension, value, d): bounds[d] for dimension, table in self._top10.items()
                for value, bounds in self._top10_bounds(table).items() for d in (0, 1)}
        for key, receives in self._plan.incoming.items():
            org = self.named_orgs[key]
            counted = [(dimension, value) for dimension, value in self._dimension_values(org).items() if value]
            domestic = org.country in self.domestic
            for group, count in receives.items():
                for rtype, k in largest_remainder(count, NAMED_COUNTERPART_MIX[org.org_type]).items():
                    pool, passed = free[(rtype, domestic, group)], []
                    while pool and k > 0:
                        r = pool.pop()
                        d = TECHNOLOGY_DIRECTION.get(r.relation_type) if r.year == LATEST else None
                        keys = [(dimension, value, d) for dimension, value in counted] if d is not None else []
                        if r.sample_id == org.org_id or any(room.get(x, 0) <= 0 for x in keys):
                            passed.append(r)
                            continue
                        for x in keys:
                            room[x] -= 1
                        r.counterpart_id = org.org_id
                        k -= 1
                    pool.extend(passed)

    def _top10_bounds(self, printed: dict[str, list[int | None]]) -> dict[str, list[int]]:
        """What a value may receive per direction: its printed count, or one less than the printed tenth."""
        tenth = [min(v[d] for v in printed.values() if v[d] is not None) for d in (0, 1)]
        return defaultdict(lambda: [t - 1 for t in tenth],
                           {code: [tenth[d] - 1 if v[d] is None else v[d] for d in (0, 1)] for code, v in printed.items()})

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

    def _assign_counterparts(self, rows: list[Relation]) -> None:
        """Reuse a counterpart (preferentially, mostly within the sample's community) or create one.

        The share of new counterparts adapts row by row so that the number of network nodes
        lands on the report's 21,413 (scaled). Named organisations are never drawn here: the plan
        fixes their degrees.
        """
        rng = self.rng
        enterprises = [r["org_id"] for r in self.world.enterprises]
        named = {org.org_id for org in self.named_orgs.values()}
        anonymous = [e for e in enterprises if e not in named]
        community = {e: i // COMMUNITY_SIZE for i, e in enumerate(sorted(enterprises, key=self._org_province))}
        by_community: dict[int, list[str]] = defaultdict(list)
        for e in anonymous:
            by_community[community[e]].append(e)
        global_pool: dict[tuple, list[str]] = defaultdict(list)
        local_pool: dict[tuple, list[str]] = defaultdict(list)
        for inv in self.world.investors:
            org = self.world.orgs[inv["org_id"]]
            if org.org_id not in named:
                global_pool[("investor", org.country in self.domestic)].append(org.org_id)
        for org in self.universities + self.institutes:
            if org.org_id not in named:
                global_pool[(org.org_type, True)].append(org.org_id)
        used: set[str] = set()
        for r in rows:
            if r.counterpart_id:
                used.add(r.counterpart_id)
            used.add(r.sample_id)
        target_nodes = scaled(report_network_statistic("graph_nodes"), self.scale)
        pending = [r for r in rows if r.counterpart_id is None]
        counterpart_kinds = {t: Weighted(w) for t, w in COUNTERPART_KINDS.items()}
        rng.shuffle(pending)
        for left, r in enumerate(pending):
            remaining_rows = len(pending) - left
            kind = counterpart_kinds[r.relation_type].pick(rng)
            home = community[r.sample_id]
            if r.domestic and rng.random() < SAMPLE_TO_SAMPLE.get(r.relation_type, 0):
                peers = by_community[home] if by_community[home] and rng.random() < LOCAL_PEER else anonymous
                choice = rng.choice(peers)
                if choice != r.sample_id:
                    r.counterpart_id = choice
                    used.add(choice)
                    continue
            new_probability = (target_nodes - len(used)) / remaining_rows
            local = local_pool[(home, kind, r.domestic)]
            glob = global_pool[(kind, r.domestic)]
            if rng.random() >= new_probability and (local or glob):
                source = local if local and (rng.random() < LOCAL_REUSE or not glob) else glob
                choice = rng.choice(source)
            else:
                choice = self._new_counterpart(kind, r.domestic).org_id
            r.counterpart_id = choice
            local.append(choice)
            if choice not in used:
                glob.append(choice)  # the global pool holds each organisation once: no runaway hubs
            used.add(choice)

    def _assign_counterpart_attributes(self, rows: list[Relation]) -> None:
        """Province, country and sectors of the generated counterparts, so that the edition year's technology
        relations per value are the report's top-10 counts exactly (``allocate``), the values it does not print
        stay below its tenth, and counterparts without edition-year technology relations get a drawn value."""
        free = {org.org_id: org for org in self._generated}
        loads = {org_id: [0, 0] for org_id in free}
        fixed: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for r in rows:
            if r.year != LATEST or r.relation_type not in TECHNOLOGY_DIRECTION:
                continue
            d = TECHNOLOGY_DIRECTION[r.relation_type]
            if r.counterpart_id in free:
                loads[r.counterpart_id][d] += 1
                continue
            for dimension, value in self._dimension_values(self.world.orgs[r.counterpart_id]).items():
                if value is not None:
                    fixed[dimension][value][d] += 1
        for dimension, (eligible, codes, allow_none) in self._dimensions().items():
            orgs = [org for org in free.values() if eligible(org)]
            printed = self._top10[dimension]
            available = [sum(loads[o.org_id][d] for o in orgs) for d in (0, 1)]
            bounds = self._bounds(printed, codes, fixed[dimension], available, allow_none)
            values = allocate([tuple(loads[o.org_id]) for o in orgs], bounds, allow_none)
            weights = Weighted({code: 1 + sum(v or 0 for v in printed.get(code, ())) for code in codes})
            for org, value in zip(orgs, values):
                if value is None and loads[org.org_id] == [0, 0] and not (allow_none and self.rng.random() < 0.5):
                    value = weights.pick(self.rng)
                setattr(org, dimension, value)  # Org's fields are named after the dimensions
                if dimension == "province":
                    org.city = self._city(value)

    def _bounds(self, printed: dict[str, list[int | None]], codes: list[str], fixed: dict[str, list[int]],
                available: list[int], allow_none: bool) -> dict[str, tuple[Bound, Bound]]:
        """Per value and direction: the printed count less what named and sampled counterparts already bring
        (exact), or a cap below the printed tenth (half of it where a value may stay empty)."""
        tenth = [min(v[d] for v in printed.values() if v[d] is not None) for d in (0, 1)]
        bounds = {}
        for code in codes:
            pair = []
            for d in (0, 1):
                count = printed.get(code, [None, None])[d]
                if count is not None:
                    pair.append(Bound(max(count - fixed.get(code, [0, 0])[d], 0), True))
                else:
                    cap = tenth[d] // 2 if allow_none else tenth[d] - 1
                    pair.append(Bound(max(cap - fixed.get(code, [0, 0])[d], 0), False))
            bounds[code] = tuple(pair)
        for d in (0, 1):  # where the printed counts exceed the relations there are, the largest gives way
            short = sum(b[d].count for b in bounds.values() if b[d].exact) - available[d]
            if short > 0:
                largest = max((c for c in bounds if bounds[c][d].exact), key=lambda c: bounds[c][d].count)
                pair = list(bounds[largest])
                pair[d] = Bound(pair[d].count - short, True)
                bounds[largest] = tuple(pair)
        return bounds

    def _dimensions(self) -> dict[str, tuple]:
        """Per dimension: which generated counterparts take a value there, the values, and whether None is allowed."""
        overseas = sorted(code for code in self.countries.codes if code not in self.domestic)
        return {
            "province": (lambda o: o.country == "CN", self.province_codes, False),
            "country": (lambda o: o.country not in self.domestic, overseas, False),
            "integrative_sector": (lambda o: True, list(taxonomy_lookup("integrative_sectors").codes), True),
            "ai_core_sector": (lambda o: True, list(taxonomy_lookup("ai_core_sectors").codes), True),
        }

    def _dimension_values(self, org: Org) -> dict[str, str | None]:
        """The value a counterpart counts under in each dimension of the report's top-10 tables."""
        return {"province": org.province, "country": None if org.country in self.domestic else org.country,
                "integrative_sector": org.integrative_sector, "ai_core_sector": org.ai_core_sector}

    def _org_province(self, org_id: str) -> str:
        return self.world.orgs[org_id].province or ""

    def _new_counterpart(self, kind: str, domestic: bool) -> Org:
        """A generated counterpart; its province or country and sectors come later, from the top-10 tables."""
        country = ("CN" if self.rng.random() < 0.97 else self.rng.choice(sorted(self.domestic - {"CN"}))) if domestic \
            else "US"  # a placeholder overseas country, replaced by _assign_counterpart_attributes
        prefix = {"enterprise": "C", "investor": "V", "university": "U", "research_institute": "U"}.get(kind, "O")
        org = self.add_org(prefix, kind, country, None)
        self._generated.append(org)
        return org
