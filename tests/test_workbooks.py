"""Excel workbooks as raw input: Excel's quirks read as the CSV edition reads, and the sample written as workbooks.

Workbooks are built here with XlsxWriter, the way a survey team's Excel would store the cells (dates as serial
numbers, numbers typed or stored as text, formulas with cached values); the expectation is always the hand
fixture's CSV, read by the same reader.
"""

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from ieo.raw_drops import READY, inspect_drop
from ieo.raw_reader import ContractViolation, read_edition
from ieo.workbooks import cell_name, excel_serial_date

FIXTURE = Path(__file__).parent / "fixtures" / "hand_2019"
EDITION = 2019


def fixture_rows(table: str) -> list[list[str]]:
    return pd.read_csv(FIXTURE / "2019" / f"{table}.csv", dtype=str, keep_default_na=False).T.reset_index().T.values.tolist()


@pytest.fixture
def hand_copy(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "raw")
    return tmp_path / "raw"


def test_excel_serial_dates_and_cell_names_by_hand():
    # What Excel shows for these serials formatted as dates (Microsoft's documented examples and the 1,462 days
    # between the 1900 and 1904 systems); 60 is Excel's 29 February 1900, which never was.
    assert excel_serial_date(43466) == dt.date(2019, 1, 1)
    assert [excel_serial_date(n) for n in (1, 59, 61)] == [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1)]
    assert excel_serial_date(2_958_465) == dt.date(9999, 12, 31)
    assert excel_serial_date(0, date1904=True) == dt.date(1904, 1, 1)
    assert excel_serial_date(43466 - 1462, date1904=True) == dt.date(2019, 1, 1)
    with pytest.raises(ValueError, match="never was"):
        excel_serial_date(60)
    for serial, date1904 in ((0, False), (2_958_466, False), (-1, True), (2_958_465 - 1461, True)):
        with pytest.raises(ValueError, match="out of range"):
            excel_serial_date(serial, date1904)
    assert [cell_name(0, 0), cell_name(4, 25), cell_name(9, 26), cell_name(0, 701)] == ["A1", "Z5", "AA10", "ZZ1"]


def test_quirky_workbooks_read_exactly_as_the_csvs(hand_copy):
    """Serial dates without a date format, numbers stored as text, typed numbers, a formula with a cached value,
    blank rows, trailing blank rows and columns with formats, a per-table workbook whose only sheet is Sheet1."""
    expected = read_edition(FIXTURE, EDITION)
    folder = hand_copy / "2019"
    policies, enterprises = fixture_rows("policies"), fixture_rows("enterprises")

    book = xlsxwriter.Workbook(str(folder / "survey 2019.xlsx"), {"strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDDDDD"})
    sheet = book.add_worksheet("policies")
    sheet.write_row(0, 0, policies[0], bold)
    for r, row in enumerate(policies[1:], start=1):
        sheet.write_row(r, 0, row[:3])
        sheet.write_number(r, 3, (dt.date.fromisoformat(row[3]) - dt.date(1899, 12, 30)).days)  # a bare serial
    for r in range(len(policies), len(policies) + 5):  # formatted empty cells extend the used range
        sheet.write_blank(r, 6, None, bold)
    sheet = book.add_worksheet("enterprises")
    sheet.write_row(0, 0, enterprises[0])
    header = enterprises[0]
    for r, row in enumerate(enterprises[1:], start=2):  # a blank row 2: data from row 3
        for col, value in enumerate(row):
            name = header[col]
            if value == "":
                continue
            if name == "patent_count":
                sheet.write_string(r, col, value)  # a number stored as text
            elif name == "valuation_cny":
                sheet.write_formula(r, col, f"={value}/1", None, int(value))
            elif name in ("founded_year", "rd_intensity"):
                sheet.write_number(r, col, float(value))
            else:
                sheet.write_string(r, col, value)
    book.close()
    (folder / "policies.csv").unlink()
    (folder / "enterprises.csv").unlink()
    alliances = fixture_rows("alliances")
    book = xlsxwriter.Workbook(str(folder / "alliances.xlsx"))
    sheet = book.add_worksheet()  # Sheet1: the only sheet of a workbook named after its table
    for r, row in enumerate(alliances):
        for col, value in enumerate(row):
            if r and value and alliances[0][col] == "founded_on":
                sheet.write_datetime(r, col, dt.datetime.fromisoformat(value), book.add_format({"num_format": "d mmm yyyy"}))
            elif value:
                sheet.write_string(r, col, value)
    book.close()
    (folder / "alliances.csv").unlink()

    read = read_edition(hand_copy, EDITION)
    for table, raw in expected.items():
        got = read[table].frame
        if table == "enterprises":  # the blank row 2 moves every data row one down, as Excel numbers them
            assert got["_source_row"].tolist() == [n + 1 for n in raw.frame["_source_row"]]
            got = got.assign(_source_row=raw.frame["_source_row"])
        pd.testing.assert_frame_equal(got, raw.frame, obj=table)
    assert read["policies"].display_path == "2019/survey 2019.xlsx, sheet policies"
    assert read["alliances"].display_path == "2019/alliances.xlsx, sheet Sheet1"
    formulas = [w for w in read["enterprises"].warnings if "formula" in w]
    with_valuation = sum(1 for row in enterprises[1:] if row[header.index("valuation_cny")])
    column = cell_name(0, header.index("valuation_cny"))[:-1]
    assert len(formulas) == with_valuation and formulas[0].startswith(f"2019/survey 2019.xlsx, sheet enterprises, cell {column}")
    assert inspect_drop(folder, now=1e12, stable_seconds=0).status == READY


def policies_sheet_errors(raw: Path, fill) -> list[str]:
    """The reader's errors for an edition whose policies table is the sheet ``fill(sheet, rows)`` writes."""
    folder = raw / "2019"
    book = xlsxwriter.Workbook(str(folder / "policies.xlsx"))
    fill(book.add_worksheet("policies"), fixture_rows("policies"))
    book.close()
    (folder / "policies.csv").unlink()
    with pytest.raises(ContractViolation) as caught:
        read_edition(raw, EDITION)
    return [str(e) for e in caught.value.errors]


def test_a_sheet_row_is_reported_at_the_row_excel_shows(hand_copy):
    def fill(sheet, rows):
        sheet.write_row(0, 0, rows[0])
        sheet.write_row(5, 0, [*rows[1][:3], "2019-13-01"])  # rows 2-5 blank: the bad date is on Excel's row 6

    assert policies_sheet_errors(hand_copy, fill) == [
        "2019/policies.xlsx, sheet policies, row 6, column issued_on: expected an ISO 8601 date (YYYY-MM-DD), got '2019-13-01'"]


def test_bare_serial_dates_of_a_1904_workbook_read_as_excel_shows_them(hand_copy):
    """Old Mac Excel counts days from 1904: read in the 1900 system, its serials would land four years early."""
    expected = read_edition(FIXTURE, EDITION)["policies"].frame
    folder = hand_copy / "2019"
    rows = fixture_rows("policies")
    book = xlsxwriter.Workbook(str(folder / "policies.xlsx"), {"date_1904": True})
    sheet = book.add_worksheet("policies")
    sheet.write_row(0, 0, rows[0])
    for r, row in enumerate(rows[1:], start=1):
        sheet.write_row(r, 0, row[:3])
        sheet.write_number(r, 3, (dt.date.fromisoformat(row[3]) - dt.date(1904, 1, 1)).days)
    book.close()
    (folder / "policies.csv").unlink()
    pd.testing.assert_frame_equal(read_edition(hand_copy, EDITION)["policies"].frame, expected)


def test_a_hidden_table_sheet_is_refused_and_hidden_helper_sheets_are_ignored(hand_copy):
    folder = hand_copy / "2019"
    book = xlsxwriter.Workbook(str(folder / "survey.xlsx"))
    for table in ("policies", "alliances", "lookups"):
        sheet = book.add_worksheet(table)
        for r, row in enumerate(fixture_rows(table) if table != "lookups" else [["a note"]]):
            sheet.write_row(r, 0, row)
        if table != "policies":
            sheet.hide()
    book.close()
    (folder / "policies.csv").unlink()
    (folder / "alliances.csv").unlink()
    with pytest.raises(ContractViolation) as caught:
        read_edition(hand_copy, EDITION)
    assert [str(e) for e in caught.value.errors] == [
        "2019/survey.xlsx, sheet alliances: is a hidden sheet; unhide it to load it (Excel: right-click a sheet tab, "
        "Unhide), or delete it"]


def test_a_column_without_a_header_is_refused_with_its_cell(hand_copy):
    def fill(sheet, rows):
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        sheet.write_string(2, 5, "a note")  # F3, under no header

    # column E is blank throughout and dropped; F holds a value under no name
    assert policies_sheet_errors(hand_copy, fill) == [
        "2019/policies.xlsx, sheet policies, row 1, column F: a column holds data but has no name in the header row"]


def test_the_sample_as_workbooks_publishes_the_csv_editions_release(released, tmp_path):
    """`ieo sample --format xlsx`'s edition workbook, run end to end, publishes the same bytes as the CSVs did;
    only the record of the inputs (file names and hashes) and of the run differ."""
    import json

    from ieo.report.build import RUN_SPECIFIC
    from ieo.sample.writer import csvs_to_workbook, edition_workbook_name
    from tests.conftest import run_edition, tree_bytes

    paths = {"raw": tmp_path / "raw", "warehouse": tmp_path / "w.duckdb", "publish": tmp_path / "published",
             "home": tmp_path / "dh", "data_docs": tmp_path / "data_docs"}
    shutil.copytree(released["raw"] / "2019", paths["raw"] / "2019")
    csvs_to_workbook(paths["raw"] / "2019", 2019)
    assert sorted(p.name for p in (paths["raw"] / "2019").iterdir()) == [edition_workbook_name(2019)]
    assert run_edition(paths) == 0

    from_csv, from_xlsx = (tree_bytes(p["publish"] / "2019") for p in (released, paths))
    assert sorted(from_csv) == sorted(from_xlsx)
    differing = sorted(name for name in from_csv if from_csv[name] != from_xlsx[name])
    assert differing == ["lineage.html", "lineage.json", "manifest.json", "report.html"]
    csv_manifest, xlsx_manifest = (json.loads(tree["manifest.json"]) for tree in (from_csv, from_xlsx))
    assert {i["file"].rsplit("/", 1)[-1] for i in xlsx_manifest["inputs"]} == {edition_workbook_name(2019)}
    assert [i["rows"] for i in csv_manifest["inputs"]] == [i["rows"] for i in xlsx_manifest["inputs"]]
    for manifest in (csv_manifest, xlsx_manifest):
        del manifest["inputs"], manifest["run"], manifest["engine"]  # engine: where the warehouse is
    outputs = {o["file"]: o for o in xlsx_manifest.pop("outputs")}
    assert {f for f, o in outputs.items() if o["sha256"] != hashlib.sha256(from_csv[f]).hexdigest()} <= set(differing)
    csv_manifest.pop("outputs")
    assert csv_manifest == xlsx_manifest
    reports = [RUN_SPECIFIC.sub(b"", tree["report.html"]) for tree in (from_csv, from_xlsx)]
    assert reports[0] == reports[1]
