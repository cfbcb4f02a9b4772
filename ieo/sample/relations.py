"""Relations of the sample: types, years, domesticity, counterparts, dates and amounts."""

from __future__ import annotations

from collections import defaultdict

from ieo import contract as c
from ieo.reference import (
    province_lookup,
    report_table,
    taxonomy_lookup,
)
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
    OWN_SHARE,
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


class Relations:
    """Builds the relations (a part of ``ieo.sample.generator.Builder``)."""

    def build_relations(self) -> None:
        rng = self.rng
        summary = report_table("report_relation_summary").set_index("relation_type")
        enterprises = [r["org_id"] for r in self.world.enterprises]
        founded = {r["org_id"]: r["founded_year"] for r in self.world.enterprises}
        activity = self._activity(enterprises)
        self._quotas = self._named_quotas()
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
        self._assign_targets(rows)
        self._assign_named_counterparts(rows)
        self._assign_counterparts(rows)
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

    def _named_quotas(self) -> dict[str, dict[str, int]]:
        """Own-row quotas per named sample and type, from the report's top-30 tables."""
        io = report_table("report_technology_io_top30").astype({"relation_count": int})
        degree = report_table("report_weighted_degree_top").astype({"weighted_degree": int})
        by_label = {}
        for row in self.named.itertuples():
            for label in row.report_labels.split("|"):
                by_label[label] = row.org_key
        quotas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in io.itertuples():
            key = by_label[row.report_label]
            quotas[key][f"technology_{row.direction}"] = max(
                quotas[key][f"technology_{row.direction}"], scaled(row.relation_count, self.scale)
            )
        whole = degree[(degree.network == "whole") & (degree.node_role == "sample")]
        for row in whole.itertuples():
            key = by_label[row.report_label]
            rest = scaled(row.weighted_degree * OWN_SHARE, self.scale) - sum(quotas[key].values())
            for rtype, share in (("investment", 0.6), ("work_experience", 0.25), ("study_experience", 0.15)):
                quotas[key][rtype] += max(int(rest * share), 0)
        return quotas

    def _samples_for(self, rtype: str, total: int, activity: dict[str, float], enterprises: list[str]) -> list[str]:
        """The sample side of each row of a type: named quotas first, the rest by activity."""
        samples = []
        named_ids = set()
        for key, quota in self._quotas.items():
            org = self.named_orgs[key]
            named_ids.add(org.org_id)
            samples += [org.org_id] * quota.get(rtype, 0)
        others = [e for e in enterprises if e not in named_ids]
        if rtype == "technology_output":
            samples += others  # every sampled enterprise has at least one relation: it is a network node
        remaining = max(total - len(samples), 0)
        weights = [activity[e] for e in others]
        samples += self.rng.choices(others, weights=weights, k=remaining)
        return samples[:total]

    def _assign_targets(self, rows: list[Relation]) -> None:
        """Counterpart location for technology rows, drawn from the report's top-10 tables."""
        top = report_table("report_technology_relations_top10").astype({"relation_count": int})
        for direction in ("input", "output"):
            rtype = f"technology_{direction}"
            group = [r for r in rows if r.relation_type == rtype]
            prov = top[(top.direction == direction) & (top.dimension == "province")]
            ctry = top[(top.direction == direction) & (top.dimension == "country")]
            prov_weights = {province_lookup().resolve(r.report_label): r.relation_count for r in prov.itertuples()}
            # provinces outside the top 10 share what the top 10 leave of the domestic relations
            domestic_total = sum(r.domestic for r in group if r.year == LATEST) / self.scale
            rest = max(domestic_total - sum(prov_weights.values()), 0)
            outside = [p for p in self.province_codes if p not in prov_weights]
            floor = min(prov_weights.values())
            for p in outside:
                prov_weights[p] = min(rest / len(outside), floor * 0.9)
            country_weights = {self.countries.resolve(r.report_label): r.relation_count for r in ctry.itertuples()}
            overseas_total = sum(not r.domestic for r in group if r.year == LATEST) / self.scale
            spare = max(overseas_total - sum(country_weights.values()), overseas_total * 0.1)
            for code in ("CA", "AU", "SE", "IN", "RU"):
                country_weights[code] = spare / 5
            provinces, countries = Weighted(prov_weights), Weighted(country_weights)
            for r in group:
                if r.domestic:
                    r.target_province = provinces.pick(self.rng)
                else:
                    r.target_country = countries.pick(self.rng)

    def _assign_named_counterparts(self, rows: list[Relation]) -> None:
        """The report's leading relation nodes receive their weighted degree as counterparts."""
        degree = report_table("report_weighted_degree_top").astype({"weighted_degree": int})
        labels = {}
        for row in self.named.itertuples():
            for label in row.report_labels.split("|"):
                labels[label] = row.org_key
        relation_nodes = degree[(degree.network == "whole") & (degree.node_role == "relation")]
        free: dict[tuple, list[Relation]] = defaultdict(list)
        for r in rows:
            free[(r.relation_type, r.domestic, r.target_province or r.target_country)].append(r)
            free[(r.relation_type, r.domestic, None)].append(r)
        for group in free.values():
            self.rng.shuffle(group)
        for row in relation_nodes.itertuples():
            org = self.named_orgs[labels[row.report_label]]
            domestic = org.country in self.domestic
            location = org.province or org.country
            quota = largest_remainder(scaled(row.weighted_degree, self.scale), NAMED_COUNTERPART_MIX[org.org_type])
            for rtype, k in quota.items():
                # rows aimed at the organisation's own location first, then any row of the type
                groups = (free[(rtype, domestic, location)], free[(rtype, domestic, None)])
                taken = 0
                for group in groups:
                    while group and taken < k:
                        r = group.pop()
                        if r.counterpart_id is None and r.sample_id != org.org_id:
                            r.counterpart_id = org.org_id
                            taken += 1

    def _assign_counterparts(self, rows: list[Relation]) -> None:
        """Reuse a counterpart (preferentially, mostly within the sample's community) or create one.

        The share of new counterparts adapts row by row so that the number of network nodes
        lands on the report's 21,413 (scaled).
        """
        rng = self.rng
        enterprises = [r["org_id"] for r in self.world.enterprises]
        community = {e: i // COMMUNITY_SIZE for i, e in enumerate(sorted(enterprises, key=self._org_province))}
        by_community: dict[int, list[str]] = defaultdict(list)
        for e, k in community.items():
            by_community[k].append(e)
        # Pools are keyed by kind, domesticity and, for technology rows, the target location,
        # so that reuse keeps the report's regional distribution.
        global_pool: dict[tuple, list[str]] = defaultdict(list)
        local_pool: dict[tuple, list[str]] = defaultdict(list)
        for inv in self.world.investors:
            org = self.world.orgs[inv["org_id"]]
            global_pool[("investor", org.country in self.domestic, None)].append(org.org_id)
        for org in self.universities + self.institutes:
            global_pool[(org.org_type, True, None)].append(org.org_id)
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
            kinds = counterpart_kinds[r.relation_type]
            kind = kinds.pick(rng)
            home = community[r.sample_id]
            if r.domestic and rng.random() < SAMPLE_TO_SAMPLE.get(r.relation_type, 0):
                if rng.random() < LOCAL_PEER:
                    choice = rng.choice(by_community[home])
                else:
                    choice = rng.choice(enterprises)
                if choice != r.sample_id:
                    r.counterpart_id = choice
                    used.add(choice)
                    continue
            new_probability = (target_nodes - len(used)) / remaining_rows
            location = r.target_province or r.target_country
            local = local_pool[(home, kind, r.domestic, location)]
            glob = global_pool[(kind, r.domestic, location)]
            if rng.random() >= new_probability and (local or glob):
                source = local if local and (rng.random() < LOCAL_REUSE or not glob) else glob
                choice = rng.choice(source)
            else:
                choice = self._new_counterpart(kind, r).org_id
            r.counterpart_id = choice
            local.append(choice)
            if choice not in used:
                glob.append(choice)  # the global pool holds each organisation once: no runaway hubs
            used.add(choice)

    def _org_province(self, org_id: str) -> str:
        return self.world.orgs[org_id].province or ""

    def _new_counterpart(self, kind: str, r: Relation) -> Org:
        if r.domestic:
            country = "CN" if self.rng.random() < 0.97 else self.rng.choice(sorted(self.domestic - {"CN"}))
            province = (r.target_province or self.enterprise_province()) if country == "CN" else None
        else:
            country = r.target_country or self.rng.choice(["US", "DE", "GB", "JP", "SG", "KR", "FR", "IL"])
            province = None
        integrative, core = self._sectors(r)
        prefix = {"enterprise": "C", "investor": "V", "university": "U", "research_institute": "U"}.get(kind, "O")
        return self.add_org(prefix, kind, country, province, integrative=integrative, core=core)

    def _sector_distributions(self) -> dict[tuple[str, str], tuple[Weighted, float]]:
        """Per direction and sector dimension: the report's top-10 weights and the share of relations they cover."""
        top = report_table("report_technology_relations_top10").astype({"relation_count": int})
        totals = report_table("report_relation_summary").set_index("relation_type").relation_count.astype(int)
        taxonomies = {"integrative_sector": "integrative_sectors", "ai_core_sector": "ai_core_sectors"}
        distributions = {}
        for direction in ("input", "output"):
            for dim, taxonomy in taxonomies.items():
                sub = top[(top.direction == direction) & (top.dimension == dim)]
                lookup = taxonomy_lookup(taxonomy)
                weights = {lookup.resolve(x.report_label): x.relation_count for x in sub.itertuples()}
                floor = min(weights.values()) * 0.5
                for code in lookup.codes:
                    weights.setdefault(code, floor)
                covered = sub.relation_count.sum() / totals[f"technology_{direction}"]
                distributions[(direction, dim)] = (Weighted(weights), covered)
        return distributions

    def _sectors(self, r: Relation) -> tuple[str | None, str | None]:
        """Sectors of a new counterpart; the top 10 cover part of the relations, so some stay empty."""
        direction = "input" if r.relation_type == "technology_input" else "output"
        picks = []
        for dim in ("integrative_sector", "ai_core_sector"):
            weights, covered = self.sector_distributions[(direction, dim)]
            share = min(1.0, covered * 1.6)
            picks.append(weights.pick(self.rng) if self.rng.random() < share else None)
        return picks[0], picks[1]
