"""Relations of the sample: types, years, domesticity, counterparts, dates and amounts."""

from __future__ import annotations

from collections import Counter, defaultdict

from ieo import contract as c
from ieo.names import APPLICATION_SUBNETWORK as APPLICATION_LAYER
from ieo.names import APPLICATION_TECH_LAYER
from ieo.names import WHOLE_NETWORK as WHOLE
from ieo.network.tables import NetworkOptions, path_length_of
from ieo.reference import report_table, taxonomy_lookup
from ieo.sample.allocation import Bound, allocate
from ieo.sample.calibration import (
    COMMUNITY_SIZE,
    COUNTERPART_KINDS,
    CUMULATIVE_RELATIONS,
    FIRST_RELATION_YEAR,
    LARGE_SCALE,
    LATEST,
    LISTED_SHARING,
    LOCAL_PEER,
    LOCAL_REUSE,
    MONEY_DOMESTIC_SHARE,
    PATH_LENGTH_ATTEMPTS,
    PATH_LENGTH_CLOSE_ENOUGH,
    PATH_LENGTH_PER_SHARING,
    SAMPLE_TO_SAMPLE,
    report_network_statistic,
)
from ieo.sample.named import TECHNOLOGY_DIRECTION
from ieo.sample.records import (
    Org,
    Relation,
    Weighted,
    month_day,
    scaled,
)

CEILING_HEADROOM = 15  # rows an unlisted sample may still receive from other samples (at scale 1)


class Relations:
    """Builds the relations (a part of ``ieo.sample.generator.Builder``)."""

    def build_relations(self) -> None:
        """Build the relations until the network's average path length is the report's, from the same random state.

        The path length falls as the listed enterprises share more of their counterparts (LISTED_SHARING); each
        attempt corrects the sharing by the slope between the last two attempts (PATH_LENGTH_PER_SHARING at
        first), and the attempt closest to the report is kept. Larger samples have shorter paths for the same
        sharing: from LARGE_SCALE the leaders share nothing and the relations are built once (docs/fidelity.md).
        """
        if self.scale >= LARGE_SCALE:
            self._build_relations(0.0)
            return
        target = report_network_statistic("average_path_length")
        start, attempts = self._snapshot(), []
        sharing = LISTED_SHARING
        for attempt in range(PATH_LENGTH_ATTEMPTS):
            if attempt:
                self._restore(start)
            self._build_relations(sharing)
            measured = path_length_of(self._projection(self.world.relations), NetworkOptions())
            attempts.append((abs(measured - target), attempt, sharing, measured, self._snapshot()))
            slope = PATH_LENGTH_PER_SHARING
            if len(attempts) > 1 and attempts[-1][2] != attempts[-2][2]:
                secant = (attempts[-1][3] - attempts[-2][3]) / (attempts[-1][2] - attempts[-2][2])
                slope = secant if secant < 0 else slope
            corrected = min(max(sharing + (target - measured) / slope, 0.0), 1.0)
            if abs(measured - target) <= PATH_LENGTH_CLOSE_ENOUGH or corrected == sharing:
                break
            sharing = corrected
        self._restore(min(attempts)[-1])

    def _snapshot(self) -> tuple:
        """What building the relations changes: the random state, the organisations, the relations."""
        return (self.rng.getstate(), dict(self.world.orgs), list(self.world.relations), dict(getattr(self, "_generated", {})),
                self._name_counter)

    def _restore(self, snapshot: tuple) -> None:
        state, orgs, relations, generated, self._name_counter = snapshot
        self.rng.setstate(state)
        self.world.orgs, self.world.relations, self._generated = dict(orgs), list(relations), dict(generated)

    def _build_relations(self, sharing: float) -> None:
        rng = self.rng
        self._sharing = sharing
        self._own_rows: Counter[str] = Counter()
        self._ceiling = self._ceilings()
        self._layer = {e["org_id"]: e["tech_layer"] for e in self.world.enterprises}
        summary = report_table("report_relation_summary").set_index("relation_type")
        enterprises = [r["org_id"] for r in self.world.enterprises]
        founded = {r["org_id"]: r["founded_year"] for r in self.world.enterprises}
        activity = self._activity(enterprises)
        self._plan = self._named_plan()
        self._top10 = self._printed_top10()
        self._listed = {self.named_orgs[key].org_id for key, quota in self._plan.own.items() if quota}
        self._generated: dict[str, Org] = {}  # insertion order is creation order
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
        self._label_focal_rows(rows)
        self._assign_named_counterparts(rows)
        self._assign_counterparts(rows)
        self._calibrate_network(rows)
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
        samples += self._draw_capped(others, activity, max(total - len(samples), 0), rtype)
        return samples[:total]

    def _draw_capped(self, others: list[str], activity: dict[str, float], count: int, rtype: str) -> list[str]:
        """``count`` rows drawn by activity among samples the report does not list, none of which may climb onto
        a printed list: a draw past a sample's ceiling goes to another sample."""
        ceiling, layer = self._ceiling, self._layer
        room = {e: min(ceiling.get(rtype, count), ceiling[layer[e] == APPLICATION_TECH_LAYER] - self._own_rows[e])
                for e in others}
        drawn: Counter[str] = Counter()
        while count > 0:
            open_ = [e for e in others if room[e] > drawn[e]]
            if not open_:
                break
            for e in self.rng.choices(open_, weights=[activity[e] for e in open_], k=count):
                if drawn[e] < room[e]:
                    drawn[e] += 1
                    count -= 1
        for e, k in drawn.items():
            self._own_rows[e] += k
        return [e for e in others for _ in range(drawn[e])]

    def _ceilings(self) -> dict:
        """Below what the report's lists print last, less CEILING_HEADROOM for rows received from other samples:
        the rows of a technology type (lists of technology input and output), and all rows, keyed by whether the
        sample is in the application layer (its list) or not (the whole network's)."""
        degree = report_table("report_weighted_degree_top").astype({"weighted_degree": int})
        io = report_table("report_technology_io_top30").astype({"relation_count": int})
        samples = degree[degree.node_role == "sample"]
        last = {network: scaled(group.weighted_degree.min(), self.scale) for network, group in samples.groupby("network")}
        ceilings: dict = {f"technology_{d}": scaled(group.relation_count.min(), self.scale) - 1
                          for d, group in io.groupby("direction")}
        ceilings[True] = last[APPLICATION_LAYER] - 1 - scaled(CEILING_HEADROOM, self.scale)
        ceilings[False] = last[WHOLE] - 1 - scaled(CEILING_HEADROOM, self.scale)
        return ceilings

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
            focal = self._focal_counterpart(r, kind)
            if focal is not None:
                r.counterpart_id = focal.org_id
                used.add(focal.org_id)
                continue
            home = community[r.sample_id]
            if anonymous and r.domestic and rng.random() < SAMPLE_TO_SAMPLE.get(r.relation_type, 0):
                peers = by_community[home] if by_community[home] and rng.random() < LOCAL_PEER else anonymous
                choice = rng.choice(peers)
                if choice != r.sample_id and self._counts_in_room(r, self.world.orgs[choice]):
                    r.counterpart_id = choice
                    used.add(choice)
                    continue
            new_probability = (target_nodes - len(used)) / remaining_rows
            private = r.sample_id in self._listed and rng.random() >= self._sharing
            local = local_pool[(r.sample_id if private else home, kind, r.domestic)]
            glob = [] if private else global_pool[(kind, r.domestic)]
            if rng.random() >= new_probability and (local or glob):
                source = local if local and (rng.random() < LOCAL_REUSE or not glob) else glob
                choice = rng.choice(source)
            else:
                choice = self._new_counterpart(kind, r.domestic).org_id
            r.counterpart_id = choice
            local.append(choice)
            if choice not in used and not private:
                glob.append(choice)  # the global pool holds each organisation once: no runaway hubs
            used.add(choice)

    def _assign_counterpart_attributes(self, rows: list[Relation]) -> None:
        """Province, country and sectors of the generated counterparts, so that the edition year's technology
        relations per value are the report's top-10 counts exactly (``allocate``), the values it does not print
        stay below its tenth, and counterparts without edition-year technology relations get a drawn value."""
        free = self._generated
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
        org = self.add_counterpart(kind, country, None)
        self._generated[org.org_id] = org
        return org
