"""Files derived from the contract and the registry of names: the dbt sources, the documentation
page and the seed of shared dimension values.

Both are checked in so they can be read without running anything; a test
fails when either is stale. Regenerate with ``ieo contract --write``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ieo import contract as c
from ieo import names
from ieo.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from ieo.warehouse import (
    CURRENT_TABLE,
    LOAD_FILES_TABLE,
    LOADS_SCHEMA,
    LOADS_TABLE,
    PROVENANCE_COLUMNS,
    RAW_SCHEMA,
    sql_type,
)

SOURCES_PATH = DBT_PROJECT_DIR / "models" / "staging" / "_raw_sources.yml"
DOC_PATH = PROJECT_ROOT / "docs" / "data_contract.md"
DIMENSIONS_SEED = DBT_PROJECT_DIR / "seeds" / "reference" / "dimension_values.csv"
GENERATED_NOTE = "Generated from ieo/contract.py by `ieo contract --write`; do not edit by hand."



def _column_tests(column: c.Column) -> list:
    tests: list = []
    if column.required:
        tests.append("not_null")
    if column.unique:
        tests.append("unique_within_edition")
    if column.kind == c.ENUM:
        tests.append({"accepted_values": {"arguments": {"values": list(column.values)}}})
    return tests


def render_dbt_sources() -> str:
    tables = []
    for table in c.CONTRACT:
        columns = [{"name": "edition", "description": "Survey edition (year) the row was loaded for", "data_tests": ["not_null"]}]
        for column in table.columns:
            entry = {"name": column.name, "description": column.description, "data_type": sql_type(column).lower()}
            tests = _column_tests(column)
            if tests:
                entry["data_tests"] = tests
            columns.append(entry)
        tables.append(
            {
                "name": table.name,
                "description": table.description,
                "meta": {"dagster": {"asset_key": [RAW_SCHEMA, table.name]}},
                "columns": columns,
            }
        )
    document = {
        "version": 2,
        "sources": [
            {
                "name": RAW_SCHEMA,
                "schema": RAW_SCHEMA,
                "description": f"Raw survey tables, contract v{c.CONTRACT_VERSION}; one row per source row per edition.",
                "tables": tables,
            }
        ],
    }
    return f"# {GENERATED_NOTE}\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def _rules(table: c.Table, column: c.Column) -> str:
    parts = []
    parts.append("required" if column.required else "optional")
    if column.unique:
        parts.append("unique")
    if column.values:
        parts.append("one of " + ", ".join(f"`{v}`" for v in column.values))
    if column.taxonomy:
        parts.append(f"seed `{column.taxonomy}`")
    if column.minimum is not None:
        parts.append(f">= {column.minimum:g}")
    if column.maximum is not None:
        parts.append(f"<= {column.maximum:g}")
    if column.edition_bound == c.WITHIN_EDITION:
        parts.append("within the edition year")
    elif column.edition_bound == c.NOT_AFTER_EDITION:
        parts.append("not after the edition year")
    if column.is_year:
        parts.append("a bare year or an ISO date")
    for ref in table.references:
        if ref.column == column.name:
            kinds = f" with org_type {' or '.join(ref.org_types)}" if ref.org_types else ""
            parts.append(f"in `{ref.table}.{c.TABLES[ref.table].key}`{kinds}")
    return "; ".join(parts)


def render_markdown() -> str:
    lines = [
        f"# Raw data contract v{c.CONTRACT_VERSION}",
        "",
        f"<!-- {GENERATED_NOTE} -->",
        "",
        "An edition's files sit in `<IEO_RAW_DIR>/<edition>/`, one source per table: `NAME.csv`,",
        "`NAME.parquet`, `NAME.xlsx` (its only sheet, or the sheet named `NAME`), or a sheet named `NAME` in an",
        "edition workbook (any other `.xlsx` of the folder, every visible sheet of which must be a table; hidden",
        "sheets that are not tables are left unread, and a hidden sheet named after a table is refused). A table",
        "found twice is refused as ambiguous. CSV may be UTF-8, UTF-8 with BOM, or GB18030: detected, or declared",
        "in an optional `encodings.yml` (`relations.csv: gb18030`); a UTF-16 file or a workbook saved as `.csv` is",
        "named for what it is. In a workbook, row numbers are Excel's, numbers in a date column are Excel serial",
        "dates in the workbook's date system (1900, or 1904 for old Mac workbooks), integral numbers in text",
        "columns read as integers, a formula cell is read by its cached value with a warning naming the cell, and",
        "a merged or multi-row header is refused. Text cells may hold tab and line breaks but no other control",
        "character. The header row names the columns in any order;",
        "unknown extra columns are kept in the raw layer (`_extra`, JSON) and reported as warnings. An empty",
        "cell is a missing value. Province, country and taxonomy values are matched case-insensitively",
        "against the seeds in `dbt_project/seeds/reference/` (canonical code, names, aliases and the labels",
        "the 2020 report prints) and stored as canonical codes. A city in China (Chinese name with or without",
        "市, pinyin, a common romanisation or its GB/T 2260 code) is stored as the `cities` seed's short name, the",
        "row's province telling apart pinyin names that several cities share (Suzhou); a city in another province",
        "than its row's is an error, an unknown or undecided one is kept as written with a warning, and a city",
        "abroad (country not CN) is kept as written.",
        "",
        "**Bad input.** An edition is loaded whole or not at all. The reader rejects what cannot be read",
        "(missing or doubled file, undecodable bytes, missing column, ragged row, unparseable value); the",
        "Great Expectations suites generated from this contract check every value rule below. All errors of",
        "an edition are reported together as `FILE, row N, column C: what was expected, got VALUE`",
        "(row 1 is the header). A rejected edition changes nothing already loaded.",
        "",
        "**Domestic** means a counterpart country in the `domestic_countries` seed (by default CN, HK, MO, TW).",
        "",
    ]
    for table in c.CONTRACT:
        lines += [f"## {table.name}" + (" (optional)" if table.optional else " (required)"), "", table.description, ""]
        lines += ["| column | type | rules | meaning |", "|---|---|---|---|"]
        for column in table.columns:
            lines.append(f"| `{column.name}` | {c.KINDS[column.kind].words} | {_rules(table, column)} | {column.description} |")
        if table.row_rules:
            lines += ["", "Row rules:"]
            lines += [f"- `{rule}`: {c.ROW_RULES[rule].wording}." for rule in table.row_rules]
        lines.append("")
    lines += [
        "## Raw layer in the warehouse",
        "",
        f"Every load of a table is kept in `{LOADS_SCHEMA}.<table>`; the view `{RAW_SCHEMA}.<table>` shows each "
        "edition's current load (the last one that passed its checks). Rows carry an `edition` column and "
        "these provenance columns:",
        "",
    ]
    lines += [f"- `{name}` ({kind})" for name, kind in PROVENANCE_COLUMNS]
    lines += [
        "",
        f"`{LOADS_TABLE}` records every load (load id, edition, status passed/failed/rejected, engine, times, "
        f"problems), `{LOAD_FILES_TABLE}` each file of a load (file, sha256, rows, suite verdict, failed "
        f"expectations) and `{CURRENT_TABLE}` each edition's current load.",
        "",
    ]
    return "\n".join(lines)


def render_dimension_seed() -> str:
    """The seed through which dbt reads the dimension values of ieo.names (layers, relation types, scopes)."""
    rows = names.dimension_rows()
    header = list(rows[0])
    return "\n".join([",".join(header)] + [",".join(row[h] for h in header) for row in rows]) + "\n"


def rendered() -> dict[Path, str]:
    """Every generated file and its content."""
    return {SOURCES_PATH: render_dbt_sources(), DOC_PATH: render_markdown(), DIMENSIONS_SEED: render_dimension_seed()}


def write_all() -> list[Path]:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(rendered())
