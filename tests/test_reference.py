"""Reference data and the files derived from the contract."""

import pytest

from ieo import contract as c
from ieo.contract_render import (
    DOC_PATH,
    SOURCES_PATH,
    render_dbt_sources,
    render_markdown,
)
from ieo.reference import (
    country_lookup,
    domestic_countries,
    province_lookup,
    reference_table,
    report_table,
    taxonomy_lookup,
)


def test_there_are_31_provinces_with_gbt2260_codes_and_four_metro_regions():
    provinces = reference_table("provinces")
    assert len(provinces) == 31 and provinces.province_code.str.fullmatch(r"\d{2}0000").all()
    regions = provinces.dropna(subset=["metro_region"]).groupby("metro_region").name_en.apply(set).to_dict()
    assert regions == {
        "beijing_tianjin_hebei": {"Beijing", "Tianjin", "Hebei"},
        "yangtze_river_delta": {"Shanghai", "Jiangsu", "Zhejiang"},
        "pearl_river_delta": {"Guangdong"},
        "chengdu_chongqing": {"Sichuan", "Chongqing"},
    }
    assert set(reference_table("metro_regions").metro_region) == set(regions)


@pytest.mark.parametrize(
    "spelling, code",
    [("北京", "110000"), ("北京市", "110000"), ("beijing", "110000"), ("110000", "110000"), ("广西", "450000"),
     ("广西壮族自治区", "450000"), ("Inner Mongolia", "150000"), ("Nei Mongol", "150000"), ("内蒙古", "150000"),
     ("新疆维吾尔自治区", "650000"), ("Shaanxi", "610000"), ("Shanxi", "140000"), ("  Tibet ", "540000")],
)
def test_province_spellings_resolve(spelling, code):
    assert province_lookup().resolve(spelling) == code


def test_unknown_province_does_not_resolve():
    assert province_lookup().resolve("Atlantis") is None


def test_domestic_set_and_country_aliases():
    assert domestic_countries() == {"CN", "HK", "MO", "TW"}
    assert country_lookup().resolve("America") == "US" and country_lookup().resolve("Holland") == "NL"
    assert country_lookup().resolve("NA") == "NA"  # Namibia, not a missing value
    assert len(country_lookup().codes) == 249


def test_every_label_the_report_prints_resolves():
    top = report_table("report_technology_relations_top10")
    lookups = {"province": province_lookup(), "country": country_lookup(),
               "integrative_sector": taxonomy_lookup("integrative_sectors"),
               "ai_core_sector": taxonomy_lookup("ai_core_sectors")}
    unresolved = [(r.dimension, r.report_label) for r in top.itertuples() if lookups[r.dimension].resolve(r.report_label) is None]
    assert unresolved == []


def test_application_fields_are_the_reports_18():
    assert len(taxonomy_lookup("application_fields").codes) == 18


def test_report_labels_are_aliases():
    assert taxonomy_lookup("ai_core_sectors").resolve("Wise Information Technology of 120") == "smart_healthcare"
    assert taxonomy_lookup("ai_core_sectors").resolve("smart healthcare") == "smart_healthcare"
    assert taxonomy_lookup("integrative_sectors").resolve("Medical Treatment") == "healthcare"


def test_named_organisations_use_known_codes():
    named = reference_table("named_organizations")
    assert set(named.org_type) <= set(c.ORG_TYPES)
    assert set(named.province.dropna()) <= set(province_lookup().codes)
    assert set(named.integrative_sector.dropna()) <= set(taxonomy_lookup("integrative_sectors").codes)
    assert set(named.ai_core_sector.dropna()) <= set(taxonomy_lookup("ai_core_sectors").codes)


def test_derived_contract_files_are_current():
    assert SOURCES_PATH.read_text(encoding="utf-8") == render_dbt_sources(), "run `ieo contract --write`"
    assert DOC_PATH.read_text(encoding="utf-8") == render_markdown(), "run `ieo contract --write`"
