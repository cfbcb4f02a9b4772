"""Write the corpus's Excel cases (the workbooks under excel_*/2019/) from the hand-made edition.

The workbooks are kept in git; run this to remake them after the hand fixture changes:
``python -m tests.bad_inputs.make_excel_cases``. Each workbook's bytes depend only on the fixture
(fixed document properties). The password-protected case needs msoffcrypto-tool (a dev dependency).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import xlsxwriter

CORPUS = Path(__file__).parent
FIXTURE = CORPUS.parent / "fixtures" / "hand_2019" / "2019"
PROPERTIES = {"title": "IEO bad-input corpus", "created": dt.datetime(2020, 1, 1)}


def fixture_rows(table: str) -> list[list[str]]:
    with open(FIXTURE / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def workbook(path: Path, sheets: dict[str, list[list[object]]], merge: str | None = None,
             hidden: tuple[str, ...] = ()) -> Path:
    """A workbook with one sheet per entry (those named in ``hidden`` hidden), every cell written as text unless
    it is a number."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties(PROPERTIES)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for col, value in enumerate(row):
                if value not in ("", None):
                    sheet.write(r, col, value)
        if merge:
            sheet.merge_range(merge, rows[0][0])
        if name in hidden:
            sheet.hide()
    book.close()
    return path


def main() -> None:
    policies = fixture_rows("policies")
    enterprises = fixture_rows("enterprises")

    # a workbook saved under a CSV's name
    workbook(CORPUS / "excel_workbook_saved_as_csv" / "2019" / "enterprises.csv", {"enterprises": enterprises})
    # a text file saved under a workbook's name
    text = CORPUS / "excel_not_a_workbook" / "2019" / "policies.xlsx"
    text.parent.mkdir(parents=True, exist_ok=True)
    text.write_bytes((FIXTURE / "policies.csv").read_bytes())
    # a sheet that is not a contract table in an edition workbook
    workbook(CORPUS / "excel_unknown_sheet" / "2019" / "survey.xlsx", {"policies": policies, "Notes": [["checked"]]})
    # a table's sheet hidden in an edition workbook (a hidden helper sheet beside it is ignored)
    workbook(CORPUS / "excel_hidden_table_sheet" / "2019" / "survey.xlsx",
             {"policies": policies, "alliances": fixture_rows("alliances"), "Lookups": [["checked"]]},
             hidden=("alliances", "Lookups"))
    # the same table as a workbook and as a CSV
    workbook(CORPUS / "excel_and_csv_both" / "2019" / "policies.xlsx", {"policies": policies})
    # a header with merged cells
    workbook(CORPUS / "excel_merged_header" / "2019" / "policies.xlsx", {"policies": policies}, merge="A1:B1")
    # a header over two rows: a title row above the column names
    workbook(CORPUS / "excel_two_header_rows" / "2019" / "policies.xlsx",
             {"policies": [["政策 (policies)"], *policies]})
    # a bad date after a blank row: the error names Excel's row 4
    bad = [policies[0], policies[1], [], [*policies[2][:3], "soon"], *policies[3:]]
    workbook(CORPUS / "excel_bad_value_after_blank_row" / "2019" / "policies.xlsx", {"policies": bad})
    # password-protected (msoffcrypto-tool encrypts the workbook with Excel's agile encryption)
    import msoffcrypto.format.ooxml as ooxml

    plain = workbook(CORPUS / "excel_password_protected" / "plain.xlsx", {"policies": policies})
    target = CORPUS / "excel_password_protected" / "2019" / "policies.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(plain, "rb") as source, open(target, "wb") as out:
        ooxml.OOXMLFile(source).encrypt("ieo", out)
    plain.unlink()
    # control characters in text cells (a CSV: NUL in a name, ESC in a conference's name)
    for table, row, column, character in (("organizations", 2, "name", "\x00"), ("conferences", 3, "name", "\x1b")):
        rows = fixture_rows(table)
        position = rows[0].index(column)
        rows[row - 1][position] = rows[row - 1][position][:2] + character + rows[row - 1][position][2:]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path = CORPUS / "control_characters_in_text" / "2019" / f"{table}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(buffer.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
