"""The report of one release: every table and chart of the 2020 report, from the release's own files.

``render_report`` reads only a published release folder (and earlier editions' releases
beside it, for year-over-year changes), so the report always says what the data says.
The HTML is one self-contained file: charts are inline PNG, styles inline, no scripts.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ieo.reference import reference_table, report_table
from ieo.report import charts, render_template
from ieo.report.charts import Chart

REPORT_FILE = "report.html"
# Paragraphs that name the run (its id, its raw load's Data Docs): the only run-specific bytes of a report.
RUN_SPECIFIC = re.compile(rb'<p class="run-specific">.*?</p>', re.S)
SECTIONS = {
    "composition": "I. Sample composition",
    "foundation": "II. Foundation and structure of the intelligent economy",
    "network": "III. The value network",
    "ecosystem": "IV. Platform-led innovation ecosystem",
    "converged": "V. Converged industry sector",
    "index": "VI. Regional AI Industry Competitiveness Index",
    "reconciliation": "Appendix A. Reconciliation with the 2020 report",
    "quality": "Appendix B. Data quality",
}


# Codes that look like numbers but are labels (GB/T 2260 province codes, region codes).
_TEXT_COLUMNS = {"province_code": str, "province": str, "region_code": str, "dimension_value": str}


class _CsvFolder(Mapping[str, pd.DataFrame]):
    """A release's folder of CSVs by table id; each file is read the first time it is asked for.

    Earlier releases are consulted for a few tables only (composition, last year's figures).
    """

    def __init__(self, folder: Path):
        self._paths = {p.stem: p for p in sorted(folder.glob("*.csv"))}
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, table_id: str) -> pd.DataFrame:
        if table_id not in self._frames:
            self._frames[table_id] = pd.read_csv(self._paths[table_id], dtype=_TEXT_COLUMNS)
        return self._frames[table_id]

    def __contains__(self, table_id: object) -> bool:
        return table_id in self._paths

    def __iter__(self):
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


@dataclass
class PublishedRelease:
    """A release folder read back: its tables, index files and manifest."""

    folder: Path
    edition: int
    tables: Mapping[str, pd.DataFrame]
    index: Mapping[str, pd.DataFrame]
    manifest: dict

    @classmethod
    def read(cls, folder: Path) -> "PublishedRelease":
        folder = Path(folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return cls(folder, int(manifest["edition"]), _CsvFolder(folder / "tables"), _CsvFolder(folder / "index"), manifest)


@dataclass
class Table:
    """A table as the template draws it: a caption, column headers, and formatted cells."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""

    @property
    def numeric(self) -> list[bool]:
        """Per column: every filled cell is a number (right-aligned)."""
        return [all(_NUMBER.fullmatch(row[i]) for row in self.rows if row[i] not in ("", "new"))
                for i in range(len(self.headers))]


@dataclass
class Subheading:
    text: str


@dataclass
class Link:
    text: str
    href: str
    run_specific: bool = False


@dataclass
class Section:
    """A report section: its heading and its blocks in reading order (paragraphs are strings)."""

    section_id: str
    heading: str
    blocks: list[str | Subheading | Table | Chart | Link] = field(default_factory=list)


# --- formatting ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?[\d,]+(\.\d+)?%?")


def count(value) -> str:
    return "" if pd.isna(value) else f"{float(value):,.0f}"


def percent(value) -> str:
    return "" if pd.isna(value) else f"{100 * float(value):.2f}%"


def decimal(value, places: int = 3) -> str:
    return "" if pd.isna(value) else f"{float(value):,.{places}f}"


def number(value) -> str:
    """Whole numbers as counts, others with four decimals (statistics mix both)."""
    if pd.isna(value):
        return ""
    return count(value) if float(value).is_integer() else decimal(value, 4)


def change(value, places: int = 0) -> str:
    if pd.isna(value):
        return "new"
    return f"{float(value):+,.{places}f}" if float(value) else "0"


def table(caption: str, frame: pd.DataFrame, columns: list[tuple[str, str, object]], note: str = "") -> Table:
    """``columns``: (header, column, formatter) for each shown column, in order."""
    rows = [[fmt(row[column]) if fmt else str(row[column]) for _header, column, fmt in columns]
            for _, row in frame.iterrows()]
    return Table(caption, [header for header, _c, _f in columns], rows, note)


def with_previous(current: pd.DataFrame, previous: pd.DataFrame | None, keys: list[str], value: str) -> pd.DataFrame:
    """``current`` with the previous edition's ``value`` and the change, matched on ``keys``."""
    out = current.copy()
    if previous is None or value not in previous.columns:
        out["previous"], out["change"] = pd.NA, pd.NA
        return out
    before = previous[keys + [value]].rename(columns={value: "previous"})
    out = out.merge(before, on=keys, how="left")
    out["change"] = out[value] - out["previous"]
    return out


# --- labels from the reference data (one home) ----------------------------------------------------


def _labels(seed: str, code: str = "code", label: str = "label_zh") -> dict[str, str]:
    frame = reference_table(seed)
    return dict(zip(frame[code].astype(str), frame[label]))


def province_names() -> dict[str, str]:
    return _labels("provinces", "province_code", "short_zh")


def dimension_labels(dimension: str) -> dict[str, str]:
    if dimension == "province":
        return province_names()
    if dimension == "country":
        return _labels("countries", "country_code", "name_zh")
    return _labels(dimension)


# --- sections -----------------------------------------------------------------------------------


def composition_section(release: PublishedRelease, history: dict[int, PublishedRelease]) -> Section:
    section = Section("composition", SECTIONS["composition"])
    editions = sorted(history) + [release.edition]
    frames = {e: (history[e] if e in history else release).tables["sample_composition"] for e in editions}
    keys = ["subject_type", "subtype"]
    wide = frames[release.edition][keys].copy()
    for edition, frame in frames.items():
        wide = wide.merge(frame[keys + ["subject_count"]].rename(columns={"subject_count": edition}), on=keys, how="left")
    columns = [("subject", "subject_type", None), ("subtype", "subtype", None)]
    columns += [(str(e), e, count) for e in editions]
    if len(editions) > 1:
        wide["change"] = wide[release.edition] - wide[editions[-2]]
        columns.append((f"change vs {editions[-2]}", "change", change))
    totals = {e: int(frames[e]["subject_count"].sum()) for e in editions}
    section.blocks.append(
        f"The sample database of edition {release.edition} holds {totals[release.edition]:,} subjects of five kinds. "
        + (f"Editions shown: {', '.join(map(str, editions))}." if len(editions) > 1 else "Only this edition is published.")
    )
    section.blocks.append(table("Sample composition by edition", wide, columns,
                                note="Totals per edition: " + ", ".join(f"{e}: {t:,}" for e, t in totals.items())))
    labels = wide["subject_type"] + " / " + wide["subtype"]
    section.blocks.append(charts.grouped_bars("composition", "Subjects by kind and edition",
                                              wide.set_index(labels)[editions], "subjects"))
    return section


def _province_bar(frame: pd.DataFrame, value: str, chart_id: str, title: str, label: str) -> Chart:
    names = province_names()
    frame = frame[frame[value] > 0]
    return charts.bar_chart(chart_id, title, [names.get(c, c) for c in frame["province_code"]],
                            frame[value].tolist(), label)


def foundation_section(release: PublishedRelease, previous: PublishedRelease | None) -> Section:
    t = release.tables
    section = Section("foundation", SECTIONS["foundation"])
    enterprises = int(t["enterprise_by_tech_layer"]["enterprise_count"].sum())
    section.blocks.append(Subheading("1. Intelligent enterprises"))
    section.blocks.append(f"{enterprises:,} sampled AI enterprises: where they are, when they were founded, "
                          "what they apply AI to, and what they master.")
    by_province = with_previous(t["enterprise_by_province"], previous.tables["enterprise_by_province"] if previous else None,
                                ["province_code"], "enterprise_count")
    section.blocks.append(_province_bar(by_province, "enterprise_count", "enterprise_by_province",
                                        "AI enterprises by province", "enterprises"))
    top = by_province.sort_values(["enterprise_count", "province_code"], ascending=[False, True]).head(10)
    section.blocks.append(table("Top 10 provinces by AI enterprises", top, [
        ("province", "province_name_zh", None), ("enterprises", "enterprise_count", count),
        ("share", "share_of_enterprises", percent), ("change vs previous edition", "change", change)]))
    years = t["enterprise_by_founding_year"].sort_values("founded_year")
    section.blocks.append(charts.histogram_by_year("founding_years", "AI enterprises by founding year",
                                                   years["founded_year"].astype(int).tolist(),
                                                   years["enterprise_count"].astype(int).tolist(), "enterprises"))
    metro = t["enterprise_by_metro_region"]
    metro_names = _labels("metro_regions", "metro_region", "name_zh")
    section.blocks.append(charts.bar_chart("metro_regions", "AI enterprises by metropolitan region",
                                           [metro_names.get(m, m) for m in metro["metro_region"]],
                                           metro["enterprise_count"].tolist(), "enterprises"))
    fields = t["enterprise_by_application_field"]
    section.blocks.append(charts.bar_chart("application_fields", "Application fields (share of enterprises)",
                                           fields["label_zh"].tolist(), fields["share_of_enterprises"].tolist(),
                                           "share of enterprises", percent=True))
    financing = t["financing_by_application_field"]
    field_names = _labels("application_fields")
    section.blocks.append(charts.bar_chart("financing_by_field", "Financing amount by application field",
                                           [field_names.get(f, f) for f in financing["application_field"]],
                                           financing["share_of_amount"].tolist(), "share of amount", percent=True))
    layers = t["enterprise_by_tech_layer"]
    section.blocks.append(table("Technology layers", layers, [
        ("layer", "tech_layer", None), ("enterprises", "enterprise_count", count), ("share", "share_of_enterprises", percent)]))
    core = t["core_technology_distribution"]
    core_names = _labels("core_technologies")
    for scope, title in (("all", "Core technologies of all AI enterprises"),
                         ("base_technology", "Core technologies of base- and technology-layer enterprises")):
        part = core[core["scope"] == scope]
        if len(part):
            section.blocks.append(charts.bar_chart(f"core_technologies_{scope}", title,
                                                   [core_names.get(c, c) for c in part["core_technology"]],
                                                   part["share_of_scope"].tolist(), "share of enterprises", percent=True))
    section.blocks.append(table("Patents by technology layer", t["patents_by_tech_layer"], [
        ("layer", "tech_layer", None), ("enterprises", "enterprise_count", count), ("patents", "patent_count", count),
        ("share of patents", "share_of_patents", percent), ("patents per enterprise", "patents_per_enterprise", decimal)]))
    section.blocks.append(_province_bar(t["patents_by_province_top200"], "patent_count", "patents_by_province",
                                        "Patents of the top-200 patent holders by province", "patents"))
    section.blocks.append(table("Top 20 listed companies by R&D intensity", t["rd_intensity_top20_listed"], [
        ("rank", "rd_rank", None), ("company", "name", None), ("R&D intensity", "rd_intensity", percent)]))

    section.blocks.append(Subheading("2. Academic ecosystem: universities and non-university research institutes"))
    section.blocks.append(_province_bar(t["institutions_by_province"], "university_count", "universities_by_province",
                                        "AI universities by province", "universities"))
    section.blocks.append(table("Top 30 universities by international papers", t["universities_top30_international_papers"], [
        ("rank", "paper_rank", None), ("university", "name", None), ("papers", "papers_international", count),
        ("share", "share_of_papers", percent)]))
    section.blocks.append(Subheading("3. Linkers: conferences and industry alliances"))
    cities = t["conferences_by_city_top20"]
    section.blocks.append(charts.bar_chart("conference_cities", "AI conferences by city (top 20)", cities["city"].tolist(),
                                           cities["conference_count"].tolist(), "conferences"))
    section.blocks.append(table("Top 20 conference organisers", t["conference_organizers_top20"], [
        ("rank", "organizer_rank", None), ("organiser", "organizer", None), ("conferences", "conference_count", count),
        ("share", "share_of_conferences", percent)]))
    section.blocks.append(Subheading("4. Government: AI policies and industrial parks"))
    section.blocks.append(_province_bar(t["policies_by_province"], "policy_count", "policies_by_province",
                                        "AI policies by province", "policies"))
    section.blocks.append(_province_bar(t["industrial_parks_by_province"], "park_count", "parks_by_province",
                                        "AI industrial parks by province", "industrial parks"))
    return section


def network_section(release: PublishedRelease, previous: PublishedRelease | None) -> Section:
    t = release.tables
    section = Section("network", SECTIONS["network"])
    stats = t["value_network_stats"]
    whole = with_previous(stats[stats["network"] == "whole"], previous.tables["value_network_stats"] if previous else None,
                          ["network", "statistic"], "value")
    section.blocks.append(
        "The value network links the sampled AI enterprises to every organisation they have a technology, "
        "human-capital or investment relation with. Definitions are in the published table.")
    section.blocks.append(table("Structural statistics of the value network", whole, [
        ("statistic", "label", None), ("value", "value", number), ("method", "method", None),
        ("change vs previous edition", "change", lambda v: change(v, 4))]))
    degree = t["weighted_degree_top30"]
    for role, caption in (("relation", "Top 30 relation nodes by weighted degree"),
                          ("sample", "Top 30 sample nodes by weighted degree")):
        section.blocks.append(table(caption, degree[degree["node_role"] == role], [
            ("rank", "rank", None), ("organisation", "name", None), ("type", "org_type", None),
            ("weighted degree", "weighted_degree", count)]))
    io_top = t["technology_input_output_top30"]
    for direction in ("input", "output"):
        section.blocks.append(table(f"Top 30 sample enterprises by technology {direction} relations",
                                    io_top[io_top["direction"] == direction], [
            ("rank", "rank", None), ("enterprise", "name", None), (f"technology {direction}", "relation_count", count)]))
    if "network_core_nodes" in t and "network_core_edges" in t:
        nodes = t["network_core_nodes"]
        section.blocks.append(charts.network_drawing("network_core", f"The network's core: top {len(nodes)} nodes by weighted degree",
                                                     nodes, t["network_core_edges"]))
    return section


def ecosystem_section(release: PublishedRelease) -> Section:
    t = release.tables
    section = Section("ecosystem", SECTIONS["ecosystem"])
    summary = t["relation_summary"]
    section.blocks.append(table("Relations by group: domestic and overseas", summary, [
        ("group", "relation_group", None), ("relation", "relation_type", None), ("relations", "relation_count", count),
        ("domestic", "domestic_count", count), ("overseas", "overseas_count", count),
        ("domestic share", "domestic_share", percent), ("overseas share", "overseas_share", percent)]))
    for dimension, table_id, title in (
        ("province", "technology_relations_by_province_top10", "provinces"),
        ("country", "technology_relations_by_country_top10", "countries and regions"),
        ("integrative_sectors", "technology_relations_by_integrative_sector_top10", "integrative industrial sectors"),
        ("ai_core_sectors", "technology_relations_by_ai_core_sector_top10", "AI core industrial sectors"),
    ):
        names = dimension_labels(dimension)
        frame = t[table_id].assign(label=lambda f: [names.get(str(v), str(v)) for v in f["dimension_value"]])
        for direction in ("input", "output"):
            part = frame[frame["direction"] == direction]
            section.blocks.append(table(f"Technology {direction}: top 10 {title}", part, [
                ("rank", "relation_rank", None), (dimension.replace("_", " "), "label", None),
                ("relations", "relation_count", count), ("share", "share_of_direction", percent)]))
            if dimension in ("province", "country"):
                section.blocks.append(charts.bar_chart(f"technology_{direction}_{dimension}",
                                                       f"Technology {direction} relations: top 10 {title}",
                                                       part["label"].tolist(), part["relation_count"].tolist(), "relations"))
    return section


def converged_section(release: PublishedRelease) -> Section:
    t = release.tables
    section = Section("converged", SECTIONS["converged"])
    application = t["application_layer_weighted_degree_top15"]
    for role, caption in (("sample", "Application layer: top 15 sample nodes"),
                          ("relation", "Application layer: top 15 relation nodes")):
        section.blocks.append(table(caption, application[application["node_role"] == role], [
            ("rank", "rank", None), ("organisation", "name", None), ("weighted degree", "weighted_degree", count)]))
    for table_id, label in (("ego_technology_regions_top5", "region"), ("ego_technology_industries_top5", "industry")):
        ego = t[table_id]
        for (focal, direction), part in ego.groupby(["focal_name", "direction"], sort=True):
            section.blocks.append(table(f"{focal}: technology {direction} by {label} (top 5)", part, [
                ("rank", "rank", None), (label, f"{label}_name_zh", None), ("relations", "relation_count", count),
                ("share", "share", percent)]))
    if ego.empty:
        section.blocks.append("None of the focal enterprises is among this edition's sample nodes.")
    return section


def index_section(release: PublishedRelease, previous: PublishedRelease | None) -> Section:
    ix = release.index
    section = Section("index", SECTIONS["index"])
    weights = ix["weights"]
    pillars = weights[weights["level"] == 1]
    ranking = with_previous(ix["competitiveness_index"],
                            previous.index["competitiveness_index"] if previous else None, ["province_code"], "rank")
    ranking["rank_change"] = -ranking["change"]  # up the table is a positive move
    columns = [("rank", "rank", None), ("province", "province_name_zh", None), ("score", "score", lambda v: decimal(v, 2))]
    columns += [(label, f"{pillar}_score", lambda v: decimal(v, 1))
                for pillar, label in zip(pillars["node_id"], pillars["report_label"])]
    columns.append(("rank change vs previous edition", "rank_change", change))
    section.blocks.append(table("Competitiveness index ranking", ranking.sort_values("rank"), columns))
    names = province_names()
    ordered = ranking.sort_values("rank")
    contributions = pd.DataFrame(
        {label: ordered[f"{pillar}_score"].to_numpy() * weight
         for pillar, label, weight in zip(pillars["node_id"], pillars["report_label"], pillars["weight"])},
        index=[names.get(c, c) for c in ordered["province_code"]],
    )
    section.blocks.append(charts.stacked_bars("pillar_scores", "Pillar scores per province (score x pillar weight)",
                                              contributions, "weighted pillar score"))
    uncertainty = ix["rank_uncertainty"].sort_values("nominal_rank")
    section.blocks.append(charts.rank_intervals(
        "rank_uncertainty", "Rank uncertainty: nominal rank with the 5-95% interval of the Monte Carlo runs",
        [names.get(c, c) for c in uncertainty["province_code"]], uncertainty["nominal_rank"].tolist(),
        uncertainty["p05_rank"].tolist(), uncertainty["p95_rank"].tolist(), uncertainty["median_rank"].tolist()))
    section.blocks.append(weights_tree(weights))
    choices = release.manifest.get("choices", {})
    section.blocks += [
        "How the index is built, in plain words. Each province gets one value per indicator (for example its "
        "number of AI enterprises or of AI policies). Indicators measured in different units are put on a common "
        f"scale ({choices.get('normalisation', 'minmax')} normalisation: with min-max, the lowest province "
        "scores 0 and the highest 100).",
        "Indicators are combined into six pillars, and pillars into the index, as weighted "
        f"{choices.get('aggregation', 'arithmetic')} means. The weights ({choices.get('weights_source', 'report')}) "
        "are the report's expert weights unless the release says otherwise; the weights tree lists them.",
        "Because the weights and methods are choices, the index is recomputed a thousand times with perturbed "
        "weights and alternative normalisations and aggregations; the rank-uncertainty chart shows where each "
        "province's rank falls in 90% of those runs. A short bar means the rank is robust.",
    ]
    return section


def weights_tree(weights: pd.DataFrame) -> Table:
    """Every node of the weights tree in depth-first order, indented by level."""
    children = {parent: part for parent, part in weights.groupby(weights["parent_id"].fillna(""), sort=False)}
    rows = []

    def visit(parent: str, depth: int) -> None:
        for node in children.get(parent, weights.iloc[0:0]).itertuples():
            label = node.report_label if isinstance(node.report_label, str) and node.report_label else node.node_id
            effective = decimal(node.effective_weight, 4) if pd.notna(node.effective_weight) else ""
            rows.append(["\u2003" * depth + label, decimal(node.weight, 4), effective])
            visit(node.node_id, depth + 1)

    visit("", 0)
    return Table("Weights tree: pillars, sub-pillars and indicators", ["node", "weight within parent", "effective weight"],
                 rows, note="Effective weight: the indicator's share of the whole index (product of the weights above it).")


def reconciliation_section(release: PublishedRelease) -> Section:
    section = Section("reconciliation", SECTIONS["reconciliation"])
    reconciliation = release.tables.get("reconciliation", pd.DataFrame(columns=["status"]))
    counts = reconciliation["status"].value_counts()
    section.blocks.append(
        f"{len(reconciliation):,} figures printed in the 2020 report are compared with this edition's computed "
        "values: " + ", ".join(f"{counts.get(s, 0):,} {s}" for s in ("exact", "close", "mismatch", "missing"))
        + ". Close means within 5%; the synthetic sample reproduces the report's totals, not every ranked list.")
    section.blocks.append(table("Reconciliation, figure by figure", reconciliation, [
        ("figure", "figure", None), ("report table", "report_table", None), ("report", "report_value", lambda v: decimal(v, 4)),
        ("computed", "computed_value", lambda v: decimal(v, 4)), ("relative difference", "rel_diff", percent),
        ("status", "status", None)]))
    discrepancies = report_table("report_discrepancies")
    section.blocks.append(table("Inconsistencies found in the 2020 report itself", discrepancies, [
        ("section", "section", None), ("table", "report_table", None), ("printed", "printed", None),
        ("what the parts give", "components", None), ("treatment", "treatment", None)]))
    warned = [c for c in release.manifest.get("checks", []) if c["status"] != "SUCCEEDED" and not c.get("blocking")]
    if warned:
        section.blocks.append("Warnings recorded by this release's checks: "
                                  + ", ".join(f"{c['check']} on {c['asset']}" for c in warned) + ".")
    return section


def quality_section(release: PublishedRelease, data_docs: str | None) -> Section:
    section = Section("quality", SECTIONS["quality"])
    checks = pd.DataFrame(release.manifest.get("checks", []))
    if checks.empty:
        section.blocks.append("The manifest lists no checks.")
        return section
    blocking = checks[checks["blocking"]]
    section.blocks.append(
        f"{len(checks):,} checks guarded this release: {len(blocking):,} blocking, all of which passed before "
        f"anything was published, and {len(checks) - len(blocking):,} warnings.")
    by_asset = checks.groupby(["asset", "status"]).size().rename("checks").reset_index()
    section.blocks.append(table("Checks by asset and result", by_asset, [
        ("asset", "asset", None), ("result", "status", None), ("checks", "checks", count)]))
    if data_docs:
        section.blocks.append(Link("Great Expectations Data Docs of the raw load (opens offline)", Path(data_docs).as_uri(),
                                   run_specific=True))
    return section


def earlier_releases(release: PublishedRelease) -> dict[int, PublishedRelease]:
    """The releases of earlier editions published beside this one."""
    history = {}
    for sibling in sorted(release.folder.parent.iterdir()):
        if sibling.name.isdigit() and int(sibling.name) < release.edition and (sibling / "manifest.json").exists():
            history[int(sibling.name)] = PublishedRelease.read(sibling)
    return history


def build_sections(release: PublishedRelease, history: dict[int, PublishedRelease] | None = None) -> list[Section]:
    """Every section of the report, in order, with its tables and charts (``history``: earlier releases)."""
    history = earlier_releases(release) if history is None else history
    previous = history.get(release.edition - 1)
    return [
        composition_section(release, history),
        foundation_section(release, previous),
        network_section(release, previous),
        ecosystem_section(release),
        converged_section(release),
        index_section(release, previous),
        reconciliation_section(release),
        quality_section(release, release.manifest.get("run", {}).get("raw_data_docs")),
    ]


def render_report(release_dir: Path) -> str:
    """The report of the release in ``release_dir``, with earlier editions' releases beside it for history."""
    release = PublishedRelease.read(Path(release_dir))
    history = earlier_releases(release)
    sections = build_sections(release, history)
    previous = release.edition - 1 if release.edition - 1 in history else None
    return render_template(
        "report.html.j2", edition=release.edition, sections=sections, manifest=release.manifest, previous_edition=previous,
        run=release.manifest.get("run", {}),
    )


def write_report(release_dir: Path) -> tuple[Path, float]:
    """Render and write ``report.html`` into the release folder atomically; returns its path and render seconds."""
    started = time.perf_counter()
    html = render_report(release_dir)
    elapsed = time.perf_counter() - started
    target = Path(release_dir) / REPORT_FILE
    staging = target.with_suffix(".html.tmp")
    staging.write_text(html, encoding="utf-8")
    os.replace(staging, target)
    return target, elapsed
