"""Section II: enterprises, the academic ecosystem, linkers and government."""

from __future__ import annotations

import pandas as pd

from ieo import names
from ieo.report import charts
from ieo.report.blocks import (
    Section,
    Subheading,
    change,
    count,
    decimal,
    labels,
    percent,
    table,
    with_previous,
)
from ieo.reference import province_short_names
from ieo.report.charts import Chart
from ieo.report.reader import PublishedRelease

SECTION_ID = "foundation"
HEADING = "II. Foundation and structure of the intelligent economy"


def _province_bar(frame: pd.DataFrame, value: str, chart_id: str, title: str, label: str) -> Chart:
    shown_names = province_short_names()
    frame = frame[frame[value] > 0]
    return charts.bar_chart(chart_id, title, [shown_names.get(c, c) for c in frame["province_code"]],
                            frame[value].tolist(), label)


def scope_label(layers: tuple[str, ...]) -> str:
    """Who a core-technology scope counts: "all AI enterprises" or "base- and technology-layer enterprises"."""
    if not layers:
        return "all AI enterprises"
    leading = ", ".join(f"{layer}-" for layer in layers[:-1])
    return (f"{leading} and " if leading else "") + f"{layers[-1]}-layer enterprises"


def foundation_section(release: PublishedRelease, previous: PublishedRelease | None) -> Section:
    t = release.tables
    section = Section(SECTION_ID, HEADING)
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
    metro_names = labels("metro_regions", "metro_region", "name_zh")
    section.blocks.append(charts.bar_chart("metro_regions", "AI enterprises by metropolitan region",
                                           [metro_names.get(m, m) for m in metro["metro_region"]],
                                           metro["enterprise_count"].tolist(), "enterprises"))
    fields = t["enterprise_by_application_field"]
    section.blocks.append(charts.bar_chart("application_fields", "Application fields (share of enterprises)",
                                           fields["label_zh"].tolist(), fields["share_of_enterprises"].tolist(),
                                           "share of enterprises", percent=True))
    financing = t["financing_by_application_field"]
    field_names = labels("application_fields")
    section.blocks.append(charts.bar_chart("financing_by_field", "Financing amount by application field",
                                           [field_names.get(f, f) for f in financing["application_field"]],
                                           financing["share_of_amount"].tolist(), "share of amount", percent=True))
    layers = t["enterprise_by_tech_layer"]
    section.blocks.append(table("Technology layers", layers, [
        ("layer", "tech_layer", None), ("enterprises", "enterprise_count", count), ("share", "share_of_enterprises", percent)],
        figures="enterprise_by_tech_layer"))
    core = t["core_technology_distribution"]
    core_names = labels("core_technologies")
    for scope, layers in names.CORE_TECHNOLOGY_SCOPES.items():
        title = f"Core technologies of {scope_label(layers)}"
        part = core[core["scope"] == scope]
        if part.empty:
            section.blocks.append(f"{title}: no enterprise of this scope in edition {release.edition}.")
            continue
        section.blocks.append(charts.bar_chart(f"core_technologies_{scope}", title,
                                               [core_names.get(c, c) for c in part["core_technology"]],
                                               part["share_of_scope"].tolist(), "share of enterprises", percent=True))
    section.blocks.append(table("Patents by technology layer", t["patents_by_tech_layer"], [
        ("layer", "tech_layer", None), ("enterprises", "enterprise_count", count), ("patents", "patent_count", count),
        ("share of patents", "share_of_patents", percent), ("patents per enterprise", "patents_per_enterprise", decimal)]))
    section.blocks.append(_province_bar(t["patents_by_province_top200"], "patent_count", "patents_by_province",
                                        "Patents of the top-200 patent holders by province", "patents"))
    section.blocks.append(table("Top 20 listed companies by R&D intensity", t["rd_intensity_top20_listed"], [
        ("rank", "rd_rank", None), ("company", "name", None), ("R&D intensity", "rd_intensity", percent)],
        figures="rd_intensity"))

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
