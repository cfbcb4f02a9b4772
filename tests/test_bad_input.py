"""Bad input: every kind is rejected whole, with file, row and column named, and the current load untouched."""

import csv

import duckdb
import pytest

from checks.raw_load import load_edition
from ieo import contract as c
from ieo.raw_reader import ContractViolation
from ieo.settings import VALIDATION_ENGINES as ENGINES

pytestmark = pytest.mark.xdist_group("test_bad_input")  # the module's loaded warehouse, built once on one worker

EDITION = 2019


def rows_of(folder, table):
    with open(folder / str(EDITION) / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(folder, table, rows):
    with open(folder / str(EDITION) / f"{table}.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(folder, table, row, column, value):
    """Set the cell at 1-based ``row`` (header = 1) and return the value it had."""
    rows = rows_of(folder, table)
    index = rows[0].index(column)
    old = rows[row - 1][index]
    rows[row - 1][index] = value
    write_rows(folder, table, rows)
    return old


def cell(folder, table, row, column):
    rows = rows_of(folder, table)
    return rows[row - 1][rows[0].index(column)]


def first_row(folder, table, column, predicate):
    """The 1-based row number of the first data row whose ``column`` satisfies ``predicate``."""
    rows = rows_of(folder, table)
    index = rows[0].index(column)
    return next(n for n, row in enumerate(rows[1:], start=2) if predicate(row[index]))


def warehouse_state(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table.name: con.sql(
                f"select edition, count(*), min(_load_id), sum(hash(t)) from raw.{table.name} t group by 1 order by 1"
            ).fetchall()
            for table in c.CONTRACT
        }


@pytest.fixture(scope="module")
def loaded_warehouse(small_sample, tmp_path_factory):
    """A warehouse already holding good loads of 2018 and 2019."""
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    load_edition(small_sample, path, 2018)
    load_edition(small_sample, path, EDITION)
    return path


def cell_case(name, table, row, column, value, message):
    """A case that puts one bad value in one cell."""

    def case(folder):
        set_cell(folder, table, row, column, value)
        return [message]

    case.__name__ = name
    return case


_not_an_integer = cell_case('_not_an_integer', 'enterprises', 3, 'patent_count', 'many',
    "2019/enterprises.csv, row 3, column patent_count: expected an integer, got 'many'")
_not_a_date = cell_case('_not_a_date', 'conferences', 6, 'held_on', '2019/06/24',
    "2019/conferences.csv, row 6, column held_on: expected an ISO 8601 date (YYYY-MM-DD), got '2019/06/24'")
_unknown_enum = cell_case('_unknown_enum', 'enterprises', 4, 'tech_layer', 'quantum',
    "2019/enterprises.csv, row 4, column tech_layer: expected one of base, technology, application, got 'quantum'")
_unknown_province = cell_case('_unknown_province', 'industrial_parks', 3, 'province', 'Atlantis',
    "2019/industrial_parks.csv, row 3, column province: expected one of the 31 provinces (Chinese or English name, alias or GB/T 2260 code), got 'Atlantis'")
_unknown_taxonomy = cell_case('_unknown_taxonomy', 'enterprises', 2, 'core_technology', 'Telepathy',
    "2019/enterprises.csv, row 2, column core_technology: expected a value of the core_technologies taxonomy, got 'Telepathy'")
_unknown_list_member = cell_case('_unknown_list_member', 'enterprises', 5, 'application_fields', 'Smart City;Teleportation',
    "2019/enterprises.csv, row 5, column application_fields: expected one or more application_fields values separated by ';', got 'smart_city;Teleportation'")
_negative_patents = cell_case('_negative_patents', 'research_institutions', 3, 'patent_count', '-4',
    '2019/research_institutions.csv, row 3, column patent_count: expected a value >= 0, got -4')
_founded_after_edition = cell_case('_founded_after_edition', 'enterprises', 6, 'founded_year', '2021',
    '2019/enterprises.csv, row 6, column founded_year: must be between 1949 and the edition year 2019, got 2021')
_conference_outside_edition = cell_case('_conference_outside_edition', 'conferences', 2, 'held_on', '2018-12-31',
    "2019/conferences.csv, row 2, column held_on: must fall within the edition year 2019, got '2018-12-31'")
_dangling_counterpart = cell_case('_dangling_counterpart', 'relations', 7, 'counterpart_id', 'NO-SUCH-ORG',
    "2019/relations.csv, row 7, column counterpart_id: must be an existing organizations.org_id, got 'NO-SUCH-ORG'")
_missing_required_value = cell_case('_missing_required_value', 'conferences', 3, 'organizer', '  ',
    '2019/conferences.csv, row 3, column organizer: a value is required, got an empty cell')


def _missing_file(folder):
    (folder / "2019" / "policies.csv").unlink()
    return ["2019/policies.csv: required table file is missing (.csv, .parquet or .xlsx, or a sheet named after it in an edition workbook)"]


def _csv_and_parquet(folder):
    (folder / "2019" / "alliances.parquet").write_bytes(b"PAR1")
    return ["2019/alliances.*: the table is present more than once (2019/alliances.csv; 2019/alliances.parquet); keep one"]


def _undecodable_bytes(folder):
    path = folder / "2019" / "conferences.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3] + b"\xff"
    path.write_bytes(b"\n".join(lines))
    return ["2019/conferences.csv, row 4: byte 0xff cannot be decoded as UTF-8 (line 4)"]


def _missing_column(folder):
    rows = rows_of(folder, "investors")
    write_rows(folder, "investors", [row[:1] for row in rows])
    return ["2019/investors.csv, row 1, column investor_kind: required column is missing from the header"]


def _duplicated_header(folder):
    rows = rows_of(folder, "investors")
    write_rows(folder, "investors", [row + [row[1]] for row in rows])
    return ["2019/investors.csv, row 1, column investor_kind: column appears more than once in the header"]


def _ragged_row(folder):
    rows = rows_of(folder, "alliances")
    rows[4] = rows[4] + ["surplus"]
    write_rows(folder, "alliances", rows)
    return ["2019/alliances.csv, row 5: ragged row: expected 4 fields, found 5"]


def _not_a_decimal(folder):
    row = first_row(folder, "enterprises", "rd_intensity", lambda v: v != "")
    set_cell(folder, "enterprises", row, "rd_intensity", "12%")
    return [f"2019/enterprises.csv, row {row}, column rd_intensity: expected a decimal number, got '12%'"]


def _duplicate_id(folder):
    value = cell(folder, "policies", 2, "policy_id")
    set_cell(folder, "policies", 5, "policy_id", value)
    return [
        f"2019/policies.csv, row 2, column policy_id: must be unique within the table, got '{value}'",
        f"2019/policies.csv, row 5, column policy_id: must be unique within the table, got '{value}'",
    ]


def _rd_intensity_above_one(folder):
    row = first_row(folder, "enterprises", "rd_intensity", lambda v: v != "")
    set_cell(folder, "enterprises", row, "rd_intensity", "1.5")
    return [f"2019/enterprises.csv, row {row}, column rd_intensity: expected a value >= 0 and <= 1, got 1.5"]


def _enterprise_of_wrong_type(folder):
    org_id = cell(folder, "enterprises", 9, "org_id")
    row = first_row(folder, "organizations", "org_id", lambda v: v == org_id)
    set_cell(folder, "organizations", row, "org_type", "investor")
    return [
        f"2019/enterprises.csv, row 9, column org_id: must be an existing organizations.org_id with org_type "
        f"enterprise, got '{org_id}'"
    ]


def _self_relation(folder):
    sample = cell(folder, "relations", 4, "sample_id")
    set_cell(folder, "relations", 4, "counterpart_id", sample)
    return [f"2019/relations.csv, row 4, column counterpart_id: counterpart_id must differ from sample_id (no self-relations), got '{sample}'"]


def _amount_on_technology_relation(folder):
    row = first_row(folder, "relations", "relation_type", lambda v: v == "technology_output")
    set_cell(folder, "relations", row, "amount_cny", "100")
    return [f"2019/relations.csv, row {row}, column amount_cny: amount_cny may be given only for investment and financing relations, got 100.0"]


def _province_on_foreign_org(folder):
    row = first_row(folder, "organizations", "country", lambda v: v == "US")
    set_cell(folder, "organizations", row, "province", "Beijing")
    return [f"2019/organizations.csv, row {row}, column province: province must be empty when country is not CN, got '110000'"]


def _unsupported_declared_encoding(folder):
    (folder / "2019" / "encodings.yml").write_text("relations.csv: latin-1\n", encoding="utf-8")
    return ["2019/encodings.yml: unsupported encoding 'latin-1' for relations.csv; expected one of utf-8, gb18030"]


def _errors_in_several_files_reported_together(folder):
    return _not_an_integer(folder) + _ragged_row(folder) + _missing_file(folder)


def _value_errors_in_several_files_reported_together(folder):
    return _unknown_enum(folder) + _dangling_counterpart(folder)


CASES = [
    _missing_file, _csv_and_parquet, _undecodable_bytes, _missing_column, _duplicated_header, _ragged_row,
    _not_an_integer, _not_a_date, _not_a_decimal, _duplicate_id, _unknown_enum, _unknown_province,
    _unknown_taxonomy, _unknown_list_member, _negative_patents, _rd_intensity_above_one, _founded_after_edition,
    _conference_outside_edition, _dangling_counterpart, _enterprise_of_wrong_type, _self_relation,
    _amount_on_technology_relation, _province_on_foreign_org, _missing_required_value,
    _unsupported_declared_encoding, _errors_in_several_files_reported_together,
    _value_errors_in_several_files_reported_together,
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("break_edition", CASES, ids=[case.__name__.strip("_") for case in CASES])
def test_bad_edition_is_rejected_whole_with_located_errors(break_edition, engine, edition_copy, loaded_warehouse):
    """Both validation engines must find exactly the same errors."""
    expected = break_edition(edition_copy)
    before = warehouse_state(loaded_warehouse)
    with pytest.raises(ContractViolation) as caught:
        load_edition(edition_copy, loaded_warehouse, EDITION, engine=engine)
    assert [str(e) for e in caught.value.errors] == sorted(expected)
    assert warehouse_state(loaded_warehouse) == before
    assert f"edition {EDITION} rejected: {len(expected)} contract error(s); the current load is unchanged" in str(caught.value)


def test_missing_edition_folder_is_named(tmp_path):
    with pytest.raises(ContractViolation, match=r"2030/: edition folder .*2030 does not exist"):
        load_edition(tmp_path, tmp_path / "w.duckdb", 2030)
