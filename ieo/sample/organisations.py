"""Organisations of the sample: the named ones, enterprises, investors, universities and institutes."""

from __future__ import annotations

from ieo import contract as c
from ieo.reference import (
    reference_table,
    report_table,
)
from ieo.sample.calibration import (
    EDITIONS,
    INVESTOR_KIND_WEIGHTS,
    LATEST,
    LAYER_TECHNOLOGIES,
)
from ieo.sample.records import (
    Org,
    Weighted,
    scaled,
)


class Organisations:
    """Builds the organisations (a part of ``ieo.sample.generator.Builder``)."""

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
        layer_target = {r.tech_layer: scaled(r.enterprise_count, self.scale) for r in layers.itertuples()}
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
