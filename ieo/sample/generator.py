"""Deterministic synthetic sample database, calibrated to the 2020 report.

The real survey is not public. This generator writes editions 2017-2019 in
the raw-contract format so the whole platform runs out of the box. The same
seed and scale give byte-identical files.

Calibration (all figures come from the report seeds in ``dbt_project/seeds/report``; docs/fidelity.md):
- exact: subject counts per edition, 2019 technology layers, the 2019 relation
  counts by type and by domestic/overseas counterpart, the technology top-10
  tables, the leading nodes' weighted degrees and technology counts (real
  names, synthetic links), the network's size and clustering;
- within 0.03 at scale 1: the network's average path length;
- the report's own inconsistencies (``report_discrepancies``) as each row says.

How the relations are read (recorded in ``report_discrepancies``): the
relations file of an edition is cumulative, and the report's section IV counts
are the relations that occurred in the edition year. Only that reading lets
both the section IV counts (10,405 relations) and the network size (31,949
relations) hold, and it matches the top-30 tables, whose sums exceed the
section IV totals.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from ieo.bulk import collector_paused
from ieo.reference import (
    country_lookup,
    domestic_countries,
    reference_table,
    report_table,
)
from ieo.sample.calibration import (
    EDITIONS,
    ENTERPRISE_PROVINCE_WEIGHTS,
    NAME_HEADS,
    NAME_TAILS,
)
from ieo.sample.focal import FocalUnicorns
from ieo.sample.linkers import LinkersAndGovernment
from ieo.sample.named import NamedCounterparts
from ieo.sample.organisations import Organisations
from ieo.sample.records import Org, Weighted, World, scaled
from ieo.sample.relations import Relations
from ieo.sample.shape import NetworkShape
from ieo.sample.writer import csvs_to_workbook, write_editions


class Builder(Organisations, Relations, NamedCounterparts, NetworkShape, FocalUnicorns, LinkersAndGovernment):
    """The state one generation shares: the seeded random stream, the world built so far and the reference data.

    Its parts build organisations, relations and linkers in this order, drawing from one stream, so
    the same seed and scale give the same bytes."""

    def __init__(self, seed: int, scale: float):
        self.scale = scale
        self.rng = random.Random(seed)
        self.world = World()
        provinces = reference_table("provinces")
        self.province_codes = list(provinces.province_code)
        self.capital = dict(zip(provinces.province_code, provinces.capital_zh))
        self.short_name = dict(zip(provinces.province_code, provinces.short_zh))
        self.named = reference_table("named_organizations")
        self.named_key = {label: row.org_key for row in self.named.itertuples() for label in row.report_labels.split("|")}
        composition = report_table("report_sample_composition").astype({"edition": int, "subject_count": int})
        self.province_weights = Weighted(ENTERPRISE_PROVINCE_WEIGHTS)
        self.report_counts = {(r.edition, r.subtype): r.subject_count for r in composition.itertuples()}
        self.countries = country_lookup()
        self.domestic = domestic_countries()
        self._name_counter = 0

    # ----- organisations -----
    def n(self, edition: int, subtype: str) -> int:
        return scaled(self.report_counts[(edition, subtype)], self.scale)

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

    def add_counterpart(self, kind: str, country: str, province: str | None, integrative: str | None = None,
                        core: str | None = None) -> Org:
        """An organisation met only as a counterpart (not one the report names)."""
        prefix = {"enterprise": "C", "investor": "V", "university": "U", "research_institute": "U"}.get(kind, "O")
        return self.add_org(prefix, kind, country, province, integrative=integrative, core=core)

    def enterprise_province(self) -> str:
        return self.province_weights.pick(self.rng)


Stage = Callable[[str], None]  # told the name of each stage when it is done, for a progress display


# What building a world does, in order: (what a progress display calls the stage, the Builder method).
BUILD_STAGES = (("named organisations", "build_named"), ("enterprises", "build_enterprises"),
                ("investors and research", "build_investors_and_research"), ("relations", "build_relations"),
                ("linkers and government", "build_linkers_and_government"))
STAGES = len(BUILD_STAGES) + len(EDITIONS)  # then one per edition written


def build_world(seed: int = 2020, scale: float = 1.0, on_stage: Stage | None = None) -> World:
    builder = Builder(seed, scale)
    for name, method in BUILD_STAGES:
        getattr(builder, method)()
        if on_stage:
            on_stage(name)
    return builder.world


FILE_FORMATS = ("csv", "xlsx")


def generate(out_dir: Path, seed: int = 2020, scale: float = 1.0,
             on_stage: Stage | None = None, file_format: str = "csv") -> dict[int, dict[str, int]]:
    """Generate editions 2017-2019 into ``out_dir``; returns row counts per edition and table. ``on_stage`` is
    called after each of the STAGES stages. ``file_format`` xlsx writes each edition as one workbook."""
    if file_format not in FILE_FORMATS:
        raise ValueError(f"unknown sample format {file_format!r}; expected one of {', '.join(FILE_FORMATS)}")
    with collector_paused():
        counts = write_editions(build_world(seed, scale, on_stage), out_dir, on_stage)
    if file_format == "xlsx":
        for edition in counts:
            csvs_to_workbook(Path(out_dir) / str(edition), edition)
    return counts
