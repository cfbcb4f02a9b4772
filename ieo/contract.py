"""Raw survey data contract v1, encoded once.

Everything that knows about the raw files derives from ``CONTRACT`` below: the
reader (columns, types), the Great Expectations suites (value rules), the dbt
sources file and ``docs/data_contract.md`` (both rendered by
``ieo.contract_render``). Change the contract here and regenerate those files
with ``ieo contract --write``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_VERSION = "1"

ORG_TYPES = ("enterprise", "investor", "university", "research_institute", "government_agency", "other")
ENTERPRISE_CATEGORIES = ("listed", "unicorn", "other")
TECH_LAYERS = ("base", "technology", "application")
INVESTOR_KINDS = ("venture_capital", "private_equity", "corporate", "angel", "government_fund", "other")
RELATION_TYPES = (
    "technology_input",
    "technology_output",
    "study_experience",
    "work_experience",
    "investment",
    "financing",
)
MONEY_RELATION_TYPES = ("investment", "financing")
FIRST_FOUNDING_YEAR = 1949
LIST_SEPARATOR = ";"

# Column kinds. The reader parses each kind; the suites check its value rules.
STRING, ENUM, INT, DECIMAL, MONEY, DATE, PROVINCE, COUNTRY, TAXONOMY, TAXONOMY_LIST, CITY = (
    "string",
    "enum",
    "int",
    "decimal",
    "money",
    "date",
    "province",
    "country",
    "taxonomy",
    "taxonomy_list",
    "city",
)


@dataclass(frozen=True)
class Kind:
    """What a column kind means everywhere: the reader's pandas dtype, the warehouse type, the contract page's
    wording, and the reference set its values must belong to (``ieo.reference``), if any."""

    dtype: str
    sql_type: str
    words: str
    reference: str | None = None  # "provinces", "countries", "taxonomy" (the column's own) or None


KINDS: dict[str, Kind] = {
    STRING: Kind("object", "VARCHAR", "string"),
    ENUM: Kind("object", "VARCHAR", "enum"),
    INT: Kind("Int64", "BIGINT", "integer"),
    DECIMAL: Kind("Float64", "DOUBLE", "decimal"),
    MONEY: Kind("Float64", "DOUBLE", "money (CNY yuan, decimal >= 0)"),
    DATE: Kind("datetime64[s]", "DATE", "date (ISO 8601)"),
    PROVINCE: Kind("object", "VARCHAR", "province", "provinces"),
    COUNTRY: Kind("object", "VARCHAR", "ISO 3166-1 alpha-2", "countries"),
    TAXONOMY: Kind("object", "VARCHAR", "taxonomy", "taxonomy"),
    TAXONOMY_LIST: Kind("object", "VARCHAR", "taxonomy list (';'-separated)", "taxonomy"),
    # Resolved by the reader against the cities seed and the row's province; an unknown city is a warning, not an
    # error, so the kind has no reference set for the suites to check.
    CITY: Kind("object", "VARCHAR", "city (Chinese, pinyin or code; normalised to the cities seed)"),
}

# How a date or year column relates to the edition year.
WITHIN_EDITION, NOT_AFTER_EDITION = "within_edition_year", "not_after_edition_year"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    required: bool = False
    unique: bool = False
    values: tuple[str, ...] = ()
    taxonomy: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    edition_bound: str | None = None

    @property
    def is_year(self) -> bool:
        """Columns named ``*_year`` hold a year; the contract allows a bare year or a date there."""
        return self.name.endswith("_year")


@dataclass(frozen=True)
class Reference:
    """``column`` must name a row of ``table`` (by its key), optionally of given org types."""

    column: str
    table: str
    org_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: str
    columns: tuple[Column, ...]
    references: tuple[Reference, ...] = ()
    row_rules: tuple[str, ...] = field(default=())
    optional: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


@dataclass(frozen=True)
class RowRule:
    """A rule that involves more than one column of a row: its wording, and the SQL predicate (over the
    table's own columns) that is true on a row breaking it, which every SQL check of the rule uses."""

    wording: str
    violation_sql: str


# Row rules that involve more than one column; each is a named, documented check.
ROW_RULES: dict[str, RowRule] = {
    "province_iff_domestic_cn": RowRule(
        "province is required when country is CN and must be empty otherwise",
        "(country = 'CN') = (province IS NULL)"),
    "counterpart_differs_from_sample": RowRule(
        "counterpart_id must differ from sample_id (no self-relations)",
        "coalesce(sample_id = counterpart_id, false)"),
    "amount_only_for_money_relations": RowRule(
        "amount_cny may be given only for investment and financing relations",
        "amount_cny IS NOT NULL AND relation_type NOT IN ("
        + ", ".join(f"'{t}'" for t in MONEY_RELATION_TYPES) + ")"),
}


def _id(name: str, what: str) -> Column:
    return Column(name, STRING, f"{what}; non-empty, unique within the table", required=True, unique=True)


CONTRACT: tuple[Table, ...] = (
    Table(
        "organizations",
        "Every organisation that appears anywhere in the edition, sampled or not: the nodes of the value network.",
        key="org_id",
        columns=(
            _id("org_id", "Stable organisation ID: the same organisation keeps its ID across editions"),
            Column("name", STRING, "Chinese or English name", required=True),
            Column("org_type", ENUM, "Kind of organisation", required=True, values=ORG_TYPES),
            Column("country", COUNTRY, "ISO 3166-1 alpha-2 country code", required=True),
            Column("province", PROVINCE, "Province; required when country is CN, empty otherwise"),
            Column("city", CITY, "City (in China: a prefecture-level city or municipality)"),
            Column("integrative_sector", TAXONOMY, "Industry the organisation belongs to", taxonomy="integrative_sectors"),
            Column("ai_core_sector", TAXONOMY, "AI core industrial sector", taxonomy="ai_core_sectors"),
        ),
        row_rules=("province_iff_domestic_cn",),
    ),
    Table(
        "enterprises",
        "The sampled AI enterprises, one row each.",
        key="org_id",
        columns=(
            _id("org_id", "An organizations.org_id with org_type enterprise"),
            Column("category", ENUM, "Sample category", required=True, values=ENTERPRISE_CATEGORIES),
            Column(
                "founded_year",
                INT,
                "Year founded",
                required=True,
                minimum=FIRST_FOUNDING_YEAR,
                edition_bound=NOT_AFTER_EDITION,
            ),
            Column("tech_layer", ENUM, "Technology layer", required=True, values=TECH_LAYERS),
            Column("core_technology", TAXONOMY, "Core technology", required=True, taxonomy="core_technologies"),
            Column(
                "application_fields",
                TAXONOMY_LIST,
                "One or more application fields separated by ';'",
                required=True,
                taxonomy="application_fields",
            ),
            Column("patent_count", INT, "Number of patents", required=True, minimum=0),
            Column("rd_intensity", DECIMAL, "R&D spending / revenue (listed enterprises)", minimum=0, maximum=1),
            Column("valuation_cny", MONEY, "Valuation in CNY yuan", minimum=0),
        ),
        references=(Reference("org_id", "organizations", ("enterprise",)),),
    ),
    Table(
        "investors",
        "The sampled investors.",
        key="org_id",
        columns=(
            _id("org_id", "An organizations.org_id with org_type investor"),
            Column("investor_kind", ENUM, "Kind of investor", required=True, values=INVESTOR_KINDS),
        ),
        references=(Reference("org_id", "organizations", ("investor",)),),
    ),
    Table(
        "research_institutions",
        "The sampled universities and non-university research institutes.",
        key="org_id",
        columns=(
            _id("org_id", "An organizations.org_id with org_type university or research_institute"),
            Column("papers_domestic", INT, "Papers in domestic journals", required=True, minimum=0),
            Column("papers_international", INT, "Papers in international journals", required=True, minimum=0),
            Column("patent_count", INT, "Number of patents", required=True, minimum=0),
        ),
        references=(Reference("org_id", "organizations", ("university", "research_institute")),),
    ),
    Table(
        "conferences",
        "The AI conferences held in the edition year.",
        key="conference_id",
        columns=(
            _id("conference_id", "Conference ID"),
            Column("name", STRING, "Conference name", required=True),
            Column("city", CITY, "Host city", required=True),
            Column("province", PROVINCE, "Host province", required=True),
            Column("organizer", STRING, "Organiser", required=True),
            Column("held_on", DATE, "Date held", required=True, edition_bound=WITHIN_EDITION),
        ),
    ),
    Table(
        "alliances",
        "The industry alliances that exist at the end of the edition year.",
        key="alliance_id",
        columns=(
            _id("alliance_id", "Alliance ID"),
            Column("name", STRING, "Alliance name", required=True),
            Column("province", PROVINCE, "Province", required=True),
            Column("founded_on", DATE, "Date founded", edition_bound=NOT_AFTER_EDITION),
        ),
    ),
    Table(
        "policies",
        "The AI policy documents issued up to the end of the edition year (cumulative).",
        key="policy_id",
        columns=(
            _id("policy_id", "Policy ID"),
            Column("title", STRING, "Policy title", required=True),
            Column("province", PROVINCE, "Issuing province", required=True),
            Column("issued_on", DATE, "Date issued", required=True, edition_bound=NOT_AFTER_EDITION),
        ),
    ),
    Table(
        "industrial_parks",
        "The AI industrial parks planned up to the end of the edition year (cumulative).",
        key="park_id",
        columns=(
            _id("park_id", "Park ID"),
            Column("name", STRING, "Park name", required=True),
            Column("province", PROVINCE, "Province", required=True),
            Column("city", CITY, "City"),
            Column("planned_year", INT, "Year planned", required=True, edition_bound=NOT_AFTER_EDITION),
        ),
    ),
    Table(
        "relations",
        "The relational data of the sampled enterprises; every relation has one sampled enterprise on one side.",
        key="relation_id",
        columns=(
            _id("relation_id", "Relation ID"),
            Column("sample_id", STRING, "The sampled enterprise: an enterprises.org_id", required=True),
            Column("counterpart_id", STRING, "The counterpart: an organizations.org_id", required=True),
            Column("relation_type", ENUM, "Relation type", required=True, values=RELATION_TYPES),
            Column("occurred_on", DATE, "Date the relation started"),
            Column("amount_cny", MONEY, "Amount in CNY yuan; investment and financing only", minimum=0),
        ),
        references=(
            Reference("sample_id", "enterprises"),
            Reference("counterpart_id", "organizations"),
        ),
        row_rules=("counterpart_differs_from_sample", "amount_only_for_money_relations"),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in CONTRACT}
