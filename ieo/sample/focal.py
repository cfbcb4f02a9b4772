"""The focal unicorns (report section V): the regions and industries of their technology counterparts.

The report prints, for SenseTime, MEGVII, YITU Technology and CloudWalk, the top 5 regions and industries of their
technology input and output counterparts of the edition year, as shares; the industries' printed counts give the
number of relations behind the shares. The generator gives each focal enterprise that many edition-year technology
relations (and at least that many of all years, ``Relations._named_plan``), enough of them overseas for the printed
countries, and then a counterpart of its own to each, with a region and an industry that reproduce the printed
shares. Industries may stay unknown (no sector); regions may not (the contract requires a country, and a province
in China).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ieo.reference import DIMENSION_LOOKUPS, industry_code, region_code, report_table
from ieo.sample.calibration import LATEST
from ieo.sample.records import Org, Relation

UNKNOWN = "?"  # the label of a counterpart of unknown industry


@dataclass
class FocalTarget:
    """One focal enterprise and direction: the edition-year relations behind the printed shares, and the counts."""

    known: int
    regions: dict[str, int] = field(default_factory=dict)
    industries: dict[str, int] = field(default_factory=dict)


def focal_targets(scale: float) -> dict[tuple[str, str], FocalTarget]:
    """(report label of the focal enterprise, direction) -> what the report prints for it, scaled."""
    ego = report_table("report_ego_top5")
    targets: dict[tuple[str, str], FocalTarget] = {}
    for (focal, direction), rows in ego.groupby(["focal_label", "direction"], sort=False):
        industries = rows[rows["dimension"] == "industry"]
        known = round(float(industries["relation_count"].astype(float).iloc[0]) * 100
                      / float(industries["printed_share_percent"].iloc[0]))
        target = FocalTarget(round(known * scale))
        for r in rows.itertuples():
            share = float(r.printed_share_percent) / 100
            if r.dimension == "region":
                target.regions[region_code(r.report_label)] = round(share * known * scale)
            else:
                target.industries[industry_code(r.report_label)] = round(float(r.relation_count) * scale)
        targets[(focal, direction)] = target
    return targets


class FocalUnicorns:
    """Labels the focal unicorns' technology relations and gives each its own counterpart (a part of
    ``ieo.sample.generator.Builder``)."""

    def _focal_orgs(self) -> dict[tuple[str, str], FocalTarget]:
        """(org_id, relation type) -> the target of a focal enterprise in this sample."""
        sampled = {e["org_id"] for e in self.world.enterprises}
        found = {}
        for (label, direction), target in focal_targets(self.scale).items():
            org = self.named_orgs[self.named_key[label]]
            if org.org_id in sampled:
                found[(org.org_id, f"technology_{direction}")] = target
        return found

    def _label_focal_rows(self, rows: list[Relation]) -> None:
        """Give each edition-year technology relation of a focal enterprise the region and industry of its
        counterpart-to-be.

        First the enterprise gets as many edition-year relations as its printed shares are of, and as many of them
        overseas as its printed countries need, by trading years and domestic flags with other samples' rows of the
        same type (every count by type, year and domesticity stays). Then the rows are labelled with the printed
        counts, other values at most one below the printed fifth, and, for industries, the rest unknown.
        ``_focal_counterpart`` later makes each row's counterpart."""
        self._focal_labels: dict[int, tuple[str, str]] = {}  # id(row) -> (region, industry)
        self._industries = industry_sectors()
        targets = self._focal_orgs()
        founded = {e["org_id"]: e["founded_year"] for e in self.world.enterprises}
        others: dict[tuple, list[Relation]] = defaultdict(list)  # (type, in the edition year, domestic) -> rows
        for r in rows:
            if (r.sample_id, r.relation_type) not in targets:
                others[(r.relation_type, r.year == LATEST, r.domestic)].append(r)
        for group in others.values():
            self.rng.shuffle(group)
        domestic_regions = [*self.province_codes, *sorted(self.domestic - {"CN"})]
        industries = list(self._industries)
        for (org_id, rtype), target in targets.items():
            own = [r for r in rows if r.sample_id == org_id and r.relation_type == rtype]
            self._trade_years(own, target.known, others, founded)
            latest = [r for r in own if r.year == LATEST]
            overseas_counts = {code: k for code, k in target.regions.items() if code not in domestic_regions}
            self._trade_domestic(latest, sum(overseas_counts.values()), others)
            domestic_rows, overseas_rows = [r for r in latest if r.domestic], [r for r in latest if not r.domestic]
            regions = self._labels({c: k for c, k in target.regions.items() if c in domestic_regions},
                                   len(domestic_rows), domestic_regions)
            regions += [code for code, k in overseas_counts.items() for _ in range(k)]
            labels = self._labels(target.industries, target.known, industries)
            labels += [UNKNOWN] * (len(latest) - len(labels))
            self.rng.shuffle(labels)
            for r, region, industry in zip(domestic_rows + overseas_rows, regions, labels):
                self._focal_labels[id(r)] = (region, industry)

    @staticmethod
    def _trade_years(own: list[Relation], wanted: int, others: dict[tuple, list[Relation]],
                     founded: dict[str, int]) -> None:
        """Swap years with other samples' rows of the same type and domesticity until ``wanted`` of ``own`` fall in the
        edition year; a row never moves to a year before its sample was founded."""
        latest = [r for r in own if r.year == LATEST]
        earlier = [r for r in own if r.year != LATEST]
        while len(latest) != wanted:
            too_many = len(latest) > wanted
            if not (latest if too_many else earlier):
                return
            mine = (latest if too_many else earlier).pop()
            pool = others[(mine.relation_type, not too_many, mine.domestic)]
            # the row taking the other's year must exist by then
            fits = (lambda p: founded[mine.sample_id] <= p.year) if too_many else (lambda p: founded[p.sample_id] <= mine.year)
            at = next((i for i in range(len(pool) - 1, -1, -1) if fits(pool[i])), None)
            if at is None:
                return
            partner = pool.pop(at)  # by position: rows with equal fields are still different rows
            mine.year, partner.year = partner.year, mine.year
            (latest if mine.year == LATEST else earlier).append(mine)
            others[(partner.relation_type, partner.year == LATEST, partner.domestic)].append(partner)

    @staticmethod
    def _trade_domestic(latest: list[Relation], wanted: int, others: dict[tuple, list[Relation]]) -> None:
        """Swap domestic flags with other samples' edition-year rows of the same type until ``wanted`` are overseas."""
        overseas = [r for r in latest if not r.domestic]
        domestic = [r for r in latest if r.domestic]
        while len(overseas) != wanted:
            mine = overseas.pop() if len(overseas) > wanted else domestic.pop() if domestic else None
            pool = others[(mine.relation_type, True, not mine.domestic)] if mine else []
            if not pool:
                return
            partner = pool.pop()
            mine.domestic, partner.domestic = partner.domestic, mine.domestic
            (domestic if mine.domestic else overseas).append(mine)
            others[(partner.relation_type, True, partner.domestic)].append(partner)

    def _labels(self, printed: dict[str, int], known: int, values: list[str]) -> list[str]:
        """The printed counts, then values the report does not print, each at most one below its fifth (at least
        one: the fifth is sometimes a tie at one), until ``known`` labels."""
        labels = [code for code, k in printed.items() for _ in range(k)]
        cap = max(min(printed.values(), default=1) - 1, 1)
        rest = [code for code in values if code not in printed]
        self.rng.shuffle(rest)
        for code in rest:
            take = min(cap, known - len(labels))
            if take <= 0:
                break
            labels += [code] * take
        return labels[:known]

    def _focal_counterpart(self, r: Relation, kind: str) -> Org | None:
        """A counterpart of its own for a labelled focal row, with the label's region and industry; None for other rows."""
        label = self._focal_labels.get(id(r))
        if label is None:
            return None
        attributes = self.focal_counterpart_attributes(*label)
        return self.add_counterpart(kind, attributes.country, attributes.province, attributes.integrative_sector,
                                    attributes.ai_core_sector)

    def focal_counterpart_attributes(self, region: str, industry: str) -> Org:
        """The country, province and sectors a labelled counterpart has (as an unnamed Org, not added to the world)."""
        country, province = ("CN", region) if region in self.province_codes else (region, None)
        core, integrative = self._industries.get(industry, (None, None))
        return Org("", "", "", country, province, None, integrative, core)


def industry_sectors() -> dict[str, tuple[str | None, str | None]]:
    """An industry code of the ego tables -> (AI core sector, integrative sector) of a counterpart in it."""
    codes = {code: (code, None) for code in DIMENSION_LOOKUPS["ai_core_sector"]().codes}
    codes.update({code: (None, code) for code in DIMENSION_LOOKUPS["integrative_sector"]().codes})
    return codes
