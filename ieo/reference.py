"""Reference data, read from the dbt seeds that are its one home.

dbt loads the same CSV files as seeds, so the province list, the countries,
the domestic set and the taxonomies exist once, in ``dbt_project/seeds``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ieo.settings import SEEDS_DIR

REFERENCE_DIR = SEEDS_DIR / "reference"
REPORT_DIR = SEEDS_DIR / "report"
TAXONOMIES = ("application_fields", "core_technologies", "integrative_sectors", "ai_core_sectors")
ALIAS_SEPARATOR = "|"
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$")


def read_seed(path: Path) -> pd.DataFrame:
    """Read a seed as text; only an empty cell is missing (``NA`` is Namibia)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


@lru_cache(maxsize=None)
def reference_table(name: str) -> pd.DataFrame:
    return read_seed(REFERENCE_DIR / f"{name}.csv")


@lru_cache(maxsize=None)
def report_table(name: str) -> pd.DataFrame:
    return read_seed(REPORT_DIR / f"{name}.csv")


def _key(text: str) -> str:
    return " ".join(str(text).strip().casefold().split())


def _aliases(cell: object) -> list[str]:
    return [a for a in str(cell).split(ALIAS_SEPARATOR) if a.strip()] if isinstance(cell, str) else []


@dataclass(frozen=True)
class Lookup:
    """Case-insensitive map from every accepted spelling to one canonical code."""

    name: str
    codes: tuple[str, ...]
    spellings: dict[str, str]

    def resolve(self, value: str) -> str | None:
        return self.spellings.get(_key(value))


def _build_lookup(name: str, frame: pd.DataFrame, code_col: str, spelling_cols: list[str]) -> Lookup:
    spellings: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        code = getattr(row, code_col)
        words = [code] + [getattr(row, c) for c in spelling_cols] + _aliases(getattr(row, "aliases"))
        for word in words:
            if isinstance(word, str) and word.strip():
                existing = spellings.setdefault(_key(word), code)
                if existing != code:
                    raise ValueError(f"seed {name}: spelling {word!r} names both {existing} and {code}")
    return Lookup(name, tuple(frame[code_col]), spellings)


@lru_cache(maxsize=None)
def province_lookup() -> Lookup:
    """Chinese name with or without suffix, English or pinyin name, aliases, or the GB/T 2260 code."""
    frame = reference_table("provinces").copy()
    frame["bare_zh"] = frame["name_zh"].str.replace(_PROVINCE_SUFFIX, "", regex=True)
    return _build_lookup("provinces", frame, "province_code", ["name_zh", "short_zh", "bare_zh", "name_en"])


@dataclass(frozen=True)
class City:
    code: str
    short_zh: str  # the canonical spelling a resolved city is stored as
    province_code: str


@dataclass(frozen=True)
class CityLookup:
    """Case-insensitive map from every spelling of a city to the cities it may name: pinyin is ambiguous
    (Suzhou is 苏州 in Jiangsu and 宿州 in Anhui), so a spelling may name several, told apart by province."""

    spellings: dict[str, tuple[City, ...]]

    def candidates(self, value: str) -> tuple[City, ...]:
        return self.spellings.get(_key(value), ())


@lru_cache(maxsize=None)
def province_short_names() -> dict[str, str]:
    """Each province's GB/T 2260 code -> its short Chinese name (北京, 广东), as errors and the report show it."""
    provinces = reference_table("provinces")
    return dict(zip(provinces["province_code"].astype(str), provinces["short_zh"]))


@lru_cache(maxsize=None)
def city_lookup() -> CityLookup:
    """Chinese name with or without suffix, pinyin, aliases or the GB/T 2260 code of every prefecture-level city
    and municipality (seed ``reference/cities.csv``)."""
    spellings: dict[str, tuple[City, ...]] = {}
    for row in reference_table("cities").itertuples(index=False):
        city = City(row.city_code, row.short_zh, row.province_code)
        words = {_key(w) for w in [row.city_code, row.name_zh, row.short_zh, row.name_en, *_aliases(row.aliases)]
                 if isinstance(w, str) and w.strip()}
        words |= {w.replace("'", "").replace(" ", "") for w in words}  # Xi'an, Xian; Hohhot
        for word in words:
            spellings[word] = (*spellings.get(word, ()), city)
    return CityLookup(spellings)


@lru_cache(maxsize=None)
def country_lookup() -> Lookup:
    return _build_lookup("countries", reference_table("countries"), "country_code", ["name_en", "name_zh"])


@lru_cache(maxsize=None)
def taxonomy_lookup(taxonomy: str) -> Lookup:
    """Canonical code, English label, Chinese label, or any alias (report labels included)."""
    return _build_lookup(taxonomy, reference_table(taxonomy), "code", ["label_en", "label_zh"])


@lru_cache(maxsize=None)
def domestic_countries() -> frozenset[str]:
    """The one definition of "domestic": the country codes listed in the domestic_countries seed."""
    return frozenset(reference_table("domestic_countries")["country_code"])


@lru_cache(maxsize=None)
def organization_aliases() -> dict[str, str]:
    """Casefolded English names and report labels of the named organisations -> their Chinese name."""
    aliases: dict[str, str] = {}
    for row in reference_table("named_organizations").itertuples(index=False):
        for spelling in [row.name_en, *_aliases(row.report_labels)]:
            if isinstance(spelling, str) and spelling.strip():
                aliases.setdefault(_key(spelling), row.name_zh)
    return aliases


def named_organization(label: str) -> str | None:
    """The name in the data of the organisation the report prints as ``label`` (any of its spellings), if it is named."""
    return organization_aliases().get(_key(label))


def seeds_fingerprint() -> str:
    """sha256 over every seed file and the dbt project settings that type them: what reseeding depends on."""
    import hashlib

    from ieo.settings import DBT_PROJECT_DIR

    digest = hashlib.sha256()
    for path in [DBT_PROJECT_DIR / "dbt_project.yml", *sorted(p for p in SEEDS_DIR.rglob("*") if p.is_file())]:
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# The report's top-10 dimensions of technology relations, each with the lookup that resolves its labels.
DIMENSION_LOOKUPS = {
    "province": province_lookup,
    "country": country_lookup,
    "ai_core_sector": lambda: taxonomy_lookup("ai_core_sectors"),
    "integrative_sector": lambda: taxonomy_lookup("integrative_sectors"),
}


def region_code(label: str) -> str | None:
    """A region of the report's ego tables: a province, else a country or region (America, Hong Kong)."""
    return DIMENSION_LOOKUPS["province"]().resolve(label) or DIMENSION_LOOKUPS["country"]().resolve(label)


def industry_code(label: str) -> str | None:
    """An industry of the report's ego tables: an AI core sector, else an integrative sector."""
    return DIMENSION_LOOKUPS["ai_core_sector"]().resolve(label) or DIMENSION_LOOKUPS["integrative_sector"]().resolve(label)
