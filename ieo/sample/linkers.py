"""Linkers and government of the sample: conferences, alliances, policies and industrial parks."""

from __future__ import annotations

from ieo.sample.calibration import EDITIONS
from ieo.sample.records import (
    month_day,
)


class LinkersAndGovernment:
    """Builds the linkers and government items (a part of ``ieo.sample.generator.Builder``)."""

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
                    "held_on": f"{edition}-{month_day(rng.randint(1, 365))}",
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
                              "name": title(p), "date": f"{year}-{month_day(self.rng.randint(1, 365))}"})
            previous = self.n(edition, subtype)
        return items
