"""Deterministic synthetic sample database, calibrated to the 2020 report.

The real survey is not public. This generator writes editions 2017-2019 in
the raw-contract format so the whole platform runs out of the box. The same
seed and scale give byte-identical files.

Calibration (all figures come from the report seeds in ``dbt_project/seeds/report``):
- exact: subject counts per edition, 2019 technology layers, and the 2019
  relation counts by type and by domestic/overseas counterpart;
- close: the technology top-10 tables, the network's size, clustering and
  path length, and the leading nodes' degrees (real names, synthetic links).

How the relations are read (recorded in ``report_discrepancies``): the
relations file of an edition is cumulative, and the report's section IV counts
are the relations that occurred in the edition year. Only that reading lets
both the section IV counts (10,405 relations) and the network size (31,949
relations) hold, and it matches the top-30 tables, whose sums exceed the
section IV totals.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import numpy as np

from ieo import contract as c
from ieo.reference import (
    country_lookup,
    domestic_countries,
    province_lookup,
    reference_table,
    report_table,
    taxonomy_lookup,
)

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
# Calibration knobs for clustering and path length (tuned against the report's 0.021 and 4.407).
COMMUNITY_SIZE = 6
LOCAL_REUSE = 0.35
LOCAL_PEER = 0.2
# Weighted-degree share a named sample gets from its own rows; the rest arrives as a counterpart.
OWN_SHARE = 0.95
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


@dataclass
class Org:
    org_id: str
    name: str
    org_type: str
    country: str
    province: str | None
    city: str | None
    integrative_sector: str | None = None
    ai_core_sector: str | None = None


@dataclass
class Relation:
    sample: str
    relation_type: str
    year: int
    domestic: bool
    counterpart: str | None = None
    target_province: str | None = None
    target_country: str | None = None


@dataclass
class World:
    """Everything generated for the latest edition; earlier editions are views of it."""

    orgs: dict[str, Org] = field(default_factory=dict)
    enterprises: list[dict] = field(default_factory=list)
    enterprise_categories: dict[int, dict[str, str]] = field(default_factory=dict)
    investors: list[dict] = field(default_factory=list)
    research: list[dict] = field(default_factory=list)
    members: dict[int, dict[str, set[str]]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    amounts: list[str | None] = field(default_factory=list)
    conferences: list[dict] = field(default_factory=list)
    alliances: list[dict] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)
    parks: list[dict] = field(default_factory=list)


def _scaled(count: float, scale: float) -> int:
    return int(round(count * scale))


def _largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum to ``total`` exactly."""
    keys = list(weights)
    raw = np.array([weights[k] for k in keys], dtype=float)
    raw = raw / raw.sum() * total
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts), kind="stable")[: total - parts.sum()]:
        parts[i] += 1
    return dict(zip(keys, parts.tolist()))


class Weighted:
    """Keys with cumulative weights, built once, for fast repeated weighted draws."""

    def __init__(self, weights: dict[str, float]):
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.keys, cum_weights=self.cumulative)[0]


class _Builder:
    def __init__(self, seed: int, scale: float):
        self.scale = scale
        self.rng = random.Random(seed)
        self.world = World()
        provinces = reference_table("provinces")
        self.province_codes = list(provinces.province_code)
        self.capital = dict(zip(provinces.province_code, provinces.capital_zh))
        self.short_name = dict(zip(provinces.province_code, provinces.short_zh))
        self.named = reference_table("named_organizations")
        composition = report_table("report_sample_composition").astype({"edition": int, "subject_count": int})
        self.province_weights = Weighted(ENTERPRISE_PROVINCE_WEIGHTS)
        self.sector_distributions = self._sector_distributions()
        self.report_counts = {(r.edition, r.subtype): r.subject_count for r in composition.itertuples()}
        self.countries = country_lookup()
        self.domestic = domestic_countries()
        self._name_counter = 0

    # ----- organisations -----
    def n(self, edition: int, subtype: str) -> int:
        return _scaled(self.report_counts[(edition, subtype)], self.scale)

    def _city(self, province: str | None) -> str | None:
        return None if province is None else self.capital[province]

    def _synthetic_name(self, kind: str, province: str | None) -> str:
        self._name_counter += 1
        head = "".join(self.rng.choice(NAME_HEADS) for _ in range(2))
        place = self.short_name[province] if province else ""
        return f"{place}{head}{self.rng.choice(NAME_TAILS[kind])}"

    def add_org(self, prefix: str, kind: str, country: str, province: str | None, name: str | None = None,
                integrative: str | None = None, core: str | None = None) -> Org:
        org_id = f"{prefix}{len(self.world.orgs) + 1:08d}"
        org = Org(org_id, name or self._synthetic_name(kind, province), kind, country, province,
                  self._city(province), integrative, core)
        self.world.orgs[org_id] = org
        return org

    def enterprise_province(self) -> str:
        return self.province_weights.pick(self.rng)

    def build_named(self) -> dict[str, Org]:
        named = {}
        for row in self.named.itertuples(index=False):
            province = row.province if isinstance(row.province, str) else None
            name = row.name_zh if isinstance(row.name_zh, str) else row.name_en
            prefix = {"enterprise": "E", "investor": "V", "university": "U", "research_institute": "U"}.get(row.org_type, "O")
            named[row.org_key] = self.add_org(
                prefix, row.org_type, row.country, province, name,
                row.integrative_sector if isinstance(row.integrative_sector, str) else None,
                row.ai_core_sector if isinstance(row.ai_core_sector, str) else None,
            )
        self.named_orgs = named
        return named

    def build_enterprises(self) -> None:
        total = self.n(LATEST, "listed") + self.n(LATEST, "unicorn") + self.n(LATEST, "other")
        named_rows = self.named[self.named.sampled_as == "enterprise"]
        layers = report_table("report_tech_layers").astype({"enterprise_count": int})
        layer_target = {r.tech_layer: _scaled(r.enterprise_count, self.scale) for r in layers.itertuples()}
        layer_target["application"] += total - sum(layer_target.values())
        for row in named_rows.itertuples():
            layer_target[row.tech_layer] -= 1
        anonymous_layers = [layer for layer, k in layer_target.items() for _ in range(k)]
        self.rng.shuffle(anonymous_layers)
        rd_printed = {
            r.report_label: float(r.printed_rd_intensity_percent) / 100
            for r in report_table("report_rd_intensity_top20_listed").itertuples()
        }
        entry_sizes = [self.n(e, "listed") + self.n(e, "unicorn") + self.n(e, "other") for e in EDITIONS]
        fields = reference_table("application_fields")["code"].tolist()
        techs = reference_table("core_technologies")["code"].tolist()
        records = []
        for i in range(total):
            if i < len(named_rows):
                row = named_rows.iloc[i]
                org = self.named_orgs[row.org_key]
                layer, fixed_category = row.tech_layer, row.category
                labels = row.report_labels.split("|")
                rd = next((rd_printed[label] for label in labels if label in rd_printed), None)
            else:
                province = self.enterprise_province()
                org = self.add_org("E", "enterprise", "CN", province)
                layer, fixed_category, rd = anonymous_layers[i - len(named_rows)], None, None
            entry = next(e for e, size in zip(EDITIONS, entry_sizes) if i < size)
            founded = min(entry, int(round(self.rng.triangular(1995, LATEST + 1, 2015))))
            if fixed_category is not None:
                founded = min(founded, int(self.rng.uniform(1985, 2012)))
            technology = self.rng.choice(LAYER_TECHNOLOGIES.get(layer, techs))
            field_count = self.rng.choices([1, 2, 3], weights=[0.5, 0.35, 0.15])[0]
            chosen = sorted(set(self.rng.choices(fields, k=field_count)), key=fields.index)
            patents = int(self.rng.lognormvariate(3.0 if fixed_category else 2.0, 1.3))
            records.append({
                "org_id": org.org_id, "fixed_category": fixed_category, "founded_year": founded,
                "tech_layer": layer, "core_technology": technology, "application_fields": ";".join(chosen),
                "patent_count": patents, "rd": rd,
            })
        self.world.enterprises = records
        for edition, size in zip(EDITIONS, entry_sizes):
            self.world.enterprise_categories[edition] = self._categories(edition, records[:size])

    def _categories(self, edition: int, members: list[dict]) -> dict[str, str]:
        """Exact listed/unicorn/other counts per edition; named enterprises keep their category."""
        need = {cat: self.n(edition, cat) for cat in c.ENTERPRISE_CATEGORIES}
        result = {}
        for rec in members:
            if rec["fixed_category"]:
                result[rec["org_id"]] = rec["fixed_category"]
                need[rec["fixed_category"]] -= 1
        pool = [cat for cat, k in need.items() for _ in range(max(k, 0))]
        self.rng.shuffle(pool)
        for rec, cat in zip((r for r in members if not r["fixed_category"]), pool):
            result[rec["org_id"]] = cat
        return result

    def build_investors_and_research(self) -> None:
        named_inv = [self.named_orgs[k] for k in self.named[self.named.sampled_as == "investor"].org_key]
        invs = list(named_inv)
        for _ in range(self.n(LATEST, "investor") - len(invs)):
            overseas = self.rng.random() < 0.05
            country = self.rng.choice(["US", "SG", "HK", "JP"]) if overseas else "CN"
            province = self.enterprise_province() if country == "CN" else None
            invs.append(self.add_org("V", "investor", country, province, integrative="finance"))
        self.world.investors = [
            {"org_id": o.org_id, "investor_kind": Weighted(INVESTOR_KIND_WEIGHTS).pick(self.rng)} for o in invs
        ]
        named_research = [self.named_orgs[k] for k in self.named[self.named.sampled_as == "research"].org_key]
        universities = [o for o in named_research if o.org_type == "university"]
        institutes = [o for o in named_research if o.org_type == "research_institute"]
        province_codes = self.province_codes
        for kind, group, subtype in (("university", universities, "university"),
                                     ("research_institute", institutes, "research_institute")):
            while len(group) < self.n(LATEST, subtype):
                province = self.rng.choice(province_codes) if self.rng.random() < 0.4 else self.enterprise_province()
                group.append(self.add_org("U", kind, "CN", province, integrative="education"))
        self.universities, self.institutes = universities, institutes
        research = []
        for rank, org in enumerate(universities + institutes):
            boost = 3.0 if rank < 40 else 1.0
            research.append({
                "org_id": org.org_id,
                "papers_domestic": int(self.rng.lognormvariate(4.0, 1.0) * boost),
                "papers_international": int(self.rng.lognormvariate(3.5, 1.2) * boost),
                "patent_count": int(self.rng.lognormvariate(2.5, 1.2) * boost),
            })
        self.world.research = research
        for edition in EDITIONS:
            self.world.members[edition] = {
                "enterprises": set(self.world.enterprise_categories[edition]),
                "investors": {o.org_id for o in invs[: self.n(edition, "investor")]},
                "research": {o.org_id for o in universities[: self.n(edition, "university")]}
                | {o.org_id for o in institutes[: self.n(edition, "research_institute")]},
            }

    # ----- relations -----
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
            total = _scaled(cumulative, self.scale)
            latest = _scaled(int(summary.loc[rtype, "relation_count"]), self.scale)
            if rtype in c.MONEY_RELATION_TYPES:
                latest_domestic = int(round(latest * MONEY_DOMESTIC_SHARE))
            else:
                latest_domestic = _scaled(int(summary.loc[rtype, "domestic_count"]), self.scale)
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
        rows.sort(key=lambda r: (r.year, r.relation_type, r.sample, r.counterpart))
        self.world.relations = rows
        for r in rows:
            day = rng.randint(1, 365)
            self.world.dates.append(f"{r.year}-{_month_day(day)}")
            amount = None
            if r.relation_type in c.MONEY_RELATION_TYPES and rng.random() < 0.8:
                amount = f"{int(rng.lognormvariate(17.5, 1.2)) // 10000 * 10000}"
            self.world.amounts.append(amount)

    def _earlier_year(self) -> int:
        years = list(range(FIRST_RELATION_YEAR, LATEST))
        return self.rng.choices(years, weights=[1.35**i for i in range(len(years))])[0]

    def _fix_latest_counts(self, rows: list[Relation], summary) -> None:
        """Rows of enterprises founded in the latest year all fall in it; trade them against others."""
        for rtype in CUMULATIVE_RELATIONS:
            latest_rows = [r for r in rows if r.relation_type == rtype and r.year == LATEST]
            target = _scaled(int(summary.loc[rtype, "relation_count"]), self.scale)
            extra = len(latest_rows) - target
            movable = [r for r in latest_rows if r.sample in self._old_enough]
            self.rng.shuffle(movable)
            for r in movable[:max(extra, 0)]:
                r.year = self._earlier_year()
            if rtype in c.MONEY_RELATION_TYPES:
                want = int(round(target * MONEY_DOMESTIC_SHARE))
            else:
                want = _scaled(int(summary.loc[rtype, "domestic_count"]), self.scale)
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
                quotas[key][f"technology_{row.direction}"], _scaled(row.relation_count, self.scale)
            )
        whole = degree[(degree.network == "whole") & (degree.node_role == "sample")]
        for row in whole.itertuples():
            key = by_label[row.report_label]
            rest = _scaled(row.weighted_degree * OWN_SHARE, self.scale) - sum(quotas[key].values())
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
            quota = _largest_remainder(_scaled(row.weighted_degree, self.scale), NAMED_COUNTERPART_MIX[org.org_type])
            for rtype, k in quota.items():
                # rows aimed at the organisation's own location first, then any row of the type
                groups = (free[(rtype, domestic, location)], free[(rtype, domestic, None)])
                taken = 0
                for group in groups:
                    while group and taken < k:
                        r = group.pop()
                        if r.counterpart is None and r.sample != org.org_id:
                            r.counterpart = org.org_id
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
            if r.counterpart:
                used.add(r.counterpart)
            used.add(r.sample)
        target_nodes = _scaled(report_network_statistic("graph_nodes"), self.scale)
        pending = [r for r in rows if r.counterpart is None]
        counterpart_kinds = {t: Weighted(w) for t, w in COUNTERPART_KINDS.items()}
        rng.shuffle(pending)
        for left, r in enumerate(pending):
            remaining_rows = len(pending) - left
            kinds = counterpart_kinds[r.relation_type]
            kind = kinds.pick(rng)
            home = community[r.sample]
            if r.domestic and rng.random() < SAMPLE_TO_SAMPLE.get(r.relation_type, 0):
                if rng.random() < LOCAL_PEER:
                    choice = rng.choice(by_community[home])
                else:
                    choice = rng.choice(enterprises)
                if choice != r.sample:
                    r.counterpart = choice
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
            r.counterpart = choice
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

    # ----- linkers and government -----
    def build_linkers_and_government(self) -> None:
        rng = self.rng
        province_codes = self.province_codes

        def province() -> str:
            return self.enterprise_province() if rng.random() < 0.75 else rng.choice(province_codes)

        organizers = ["中国人工智能学会", "中国计算机学会", "中国电子学会", "中国信息通信研究院", "世界人工智能大会组委会"]
        organizers += [o.name for o in self.named_orgs.values() if o.org_type in ("enterprise", "university")][:40]
        for edition in EDITIONS:
            for i in range(self.n(edition, "conference")):
                p = province()
                self.world.conferences.append({
                    "edition": edition, "conference_id": f"CF{edition}{i + 1:06d}",
                    "name": f"{edition}{self.short_name[p]}人工智能{rng.choice(['大会', '峰会', '论坛', '研讨会'])}",
                    "city": self.capital[p], "province": p,
                    "organizer": rng.choice(organizers) if rng.random() < 0.6 else f"{self.short_name[p]}人工智能产业联盟",
                    "held_on": f"{edition}-{_month_day(rng.randint(1, 365))}",
                })
        self.world.alliances = self._cumulative("alliance", "AL", province,
                                                lambda p: f"{self.short_name[p]}人工智能产业联盟")
        self.world.policies = self._cumulative("policy", "PO", province,
                                               lambda p: f"{self.short_name[p]}新一代人工智能发展规划")
        self.world.parks = self._cumulative("industrial_park", "PK", province,
                                            lambda p: f"{self.capital[p]}人工智能产业园")

    def _cumulative(self, subtype: str, prefix: str, province, title) -> list[dict]:
        """Items that accumulate: each edition holds exactly the report's count, dated up to its year."""
        items, previous = [], 0
        for edition in EDITIONS:
            for _ in range(self.n(edition, subtype) - previous):
                year = edition if previous else self.rng.randint(2015, edition)
                p = province()
                items.append({"id": f"{prefix}{len(items) + 1:06d}", "year": year, "province": p,
                              "name": title(p), "date": f"{year}-{_month_day(self.rng.randint(1, 365))}"})
            previous = self.n(edition, subtype)
        return items


def report_network_statistic(statistic: str) -> float:
    """A figure of the report's value-network statistics table."""
    stats = report_table("report_value_network_stats").set_index("statistic").printed_value
    return float(stats[statistic])


def _month_day(day_of_year: int) -> str:
    month_lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for month, length in enumerate(month_lengths, start=1):
        if day_of_year <= length:
            return f"{month:02d}-{day_of_year:02d}"
        day_of_year -= length
    return "12-31"


def build_world(seed: int = 2020, scale: float = 1.0) -> World:
    builder = _Builder(seed, scale)
    builder.build_named()
    builder.build_enterprises()
    builder.build_investors_and_research()
    builder.build_relations()
    builder.build_linkers_and_government()
    return builder.world


def _write(path: Path, columns: tuple[str, ...], rows) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(col) is None else row[col] for col in columns])
            count += 1
    return count


def write_editions(world: World, out_dir: Path) -> dict[int, dict[str, int]]:
    """Write each edition's raw files; returns the row count per edition and table."""
    counts: dict[int, dict[str, int]] = {}
    cols = {t.name: t.column_names for t in c.CONTRACT}
    for edition in EDITIONS:
        folder = Path(out_dir) / str(edition)
        folder.mkdir(parents=True, exist_ok=True)
        members = world.members[edition]
        categories = world.enterprise_categories[edition]
        relations = [
            (i, r, world.dates[i], world.amounts[i])
            for i, r in enumerate(world.relations)
            if r.year <= edition and r.sample in members["enterprises"]
        ]
        referenced = members["enterprises"] | members["investors"] | members["research"]
        referenced |= {r.counterpart for _, r, _, _ in relations}
        n = {}
        n["organizations"] = _write(folder / "organizations.csv", cols["organizations"], (
            {"org_id": o.org_id, "name": o.name, "org_type": o.org_type, "country": o.country,
             "province": o.province, "city": o.city, "integrative_sector": o.integrative_sector,
             "ai_core_sector": o.ai_core_sector}
            for o in world.orgs.values() if o.org_id in referenced))
        n["enterprises"] = _write(folder / "enterprises.csv", cols["enterprises"], (
            {**e, "category": categories[e["org_id"]], "founded_year": e["founded_year"],
             "rd_intensity": _rd(e, categories[e["org_id"]]),
             "valuation_cny": _valuation(e, categories[e["org_id"]])}
            for e in world.enterprises if e["org_id"] in categories))
        n["investors"] = _write(folder / "investors.csv", cols["investors"],
                                (i for i in world.investors if i["org_id"] in members["investors"]))
        n["research_institutions"] = _write(folder / "research_institutions.csv", cols["research_institutions"],
                                            (r for r in world.research if r["org_id"] in members["research"]))
        n["conferences"] = _write(folder / "conferences.csv", cols["conferences"],
                                  (x for x in world.conferences if x["edition"] == edition))
        n["alliances"] = _write(folder / "alliances.csv", cols["alliances"], (
            {"alliance_id": a["id"], "name": a["name"], "province": a["province"], "founded_on": a["date"]}
            for a in world.alliances if a["year"] <= edition))
        n["policies"] = _write(folder / "policies.csv", cols["policies"], (
            {"policy_id": p["id"], "title": p["name"], "province": p["province"], "issued_on": p["date"]}
            for p in world.policies if p["year"] <= edition))
        n["industrial_parks"] = _write(folder / "industrial_parks.csv", cols["industrial_parks"], (
            {"park_id": p["id"], "name": p["name"], "province": p["province"],
             "city": None, "planned_year": p["year"]}
            for p in world.parks if p["year"] <= edition))
        n["relations"] = _write(folder / "relations.csv", cols["relations"], (
            {"relation_id": f"R{i + 1:09d}", "sample_id": r.sample, "counterpart_id": r.counterpart,
             "relation_type": r.relation_type, "occurred_on": date, "amount_cny": amount}
            for i, r, date, amount in relations))
        counts[edition] = n
    return counts


def _rd(record: dict, category: str) -> str | None:
    if category != "listed":
        return None
    if record["rd"] is not None:
        return f"{record['rd']:.4f}"
    # deterministic in the record: below the report's 20th place (22.39%)
    value = 0.02 + (hash_fraction(record["org_id"]) * 0.2)
    return f"{value:.4f}"


def _valuation(record: dict, category: str) -> str | None:
    if category != "unicorn":
        return None
    return str(int(7e9 + hash_fraction(record["org_id"] + "v") * 5e10) // 1000000 * 1000000)


def hash_fraction(text: str) -> float:
    """A stable fraction in [0, 1) from a string (Python's hash() is salted per process)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) / float(1 << 48)


def generate(out_dir: Path, seed: int = 2020, scale: float = 1.0) -> dict[int, dict[str, int]]:
    """Generate editions 2017-2019 into ``out_dir``; returns row counts per edition and table."""
    return write_editions(build_world(seed, scale), out_dir)
