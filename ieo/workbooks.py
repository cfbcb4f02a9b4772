"""Excel workbooks as raw input: which sheets they hold, and their cells as Excel shows them.

Cells are read with python-calamine, the reader pandas uses for ``engine="calamine"``. The
sheet is read directly rather than through ``pandas.read_excel``, because pandas drops blank
rows and the reader's errors must give the row numbers Excel shows (the header is row 1).
Formula cells are found in the sheet's XML, which calamine does not expose: they are read by
their cached value and named in a warning.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import python_calamine as calamine

from ieo import contract as c
from ieo.cells import blank_to_none, shown
from ieo.raw_errors import RawError

WORKBOOK_SUFFIX = ".xlsx"
ZIP_MAGIC = b"PK\x03\x04"
# An OLE2 compound file: what Excel writes for a password-protected workbook, and for a legacy .xls.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Day 0 of Excel's two date systems. The 1900 system counts a 29 February 1900 that never was (day 60), so its
# days from 61 on count from 30 December 1899 and its days 1-59 from 31 December 1899.
EPOCH_1900, EPOCH_1900_EARLY, EPOCH_1904 = dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1904, 1, 1)
LAST_EXCEL_DATE = dt.date(9999, 12, 31)
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[ />]")  # <f>, <f t="shared" .../>, with or without a prefix


class WorkbookError(ValueError):
    """A workbook that cannot be read at all, with what to do about it."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells (row 0 is Excel's row 1), its merged ranges, its formula cells and its workbook's date
    system."""

    name: str
    rows: list[list[object]]
    merged: list[str]  # A1-style ranges
    formulas: dict[tuple[int, int], str]  # (row, column), 0-based -> the cell's A1 reference
    date1904: bool = False  # the workbook counts dates from 1904 (old Mac Excel), not 1900


@dataclass(frozen=True)
class SheetNames:
    """A workbook's worksheets, those Excel shows and those it hides."""

    visible: list[str]
    hidden: list[str]


def cell_name(row: int, column: int) -> str:
    """The A1 reference of a 0-based cell."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"{letters}{row + 1}"


def excel_serial_date(serial: float, date1904: bool = False) -> dt.date:
    """The date Excel shows for serial number ``serial`` formatted as a date, in the workbook's date system."""
    day = int(serial)
    if date1904:
        epoch = EPOCH_1904
    elif day == 60:
        raise ValueError("expected a date; a number here is read as an Excel serial date, and 60 is Excel's "
                         "29 February 1900, a day that never was")
    else:
        epoch = EPOCH_1900 if day > 60 else EPOCH_1900_EARLY
    if serial < (0 if date1904 else 1) or day > (LAST_EXCEL_DATE - epoch).days:
        raise ValueError("expected a date; a number here is read as an Excel serial date, and this one is out of range")
    return epoch + dt.timedelta(days=day)


def sniff(head: bytes) -> str | None:
    """What a file's first bytes say it is, when that is not text: 'xlsx', 'ole2', 'utf-16', or None."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def sheet_names(path: Path) -> SheetNames:
    """The worksheets of a workbook, or WorkbookError saying why it cannot be opened."""
    workbook = _open(path)
    try:
        sheets = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    finally:
        workbook.close()
    return SheetNames([m.name for m in sheets if m.visible == calamine.SheetVisibleEnum.Visible],
                      [m.name for m in sheets if m.visible != calamine.SheetVisibleEnum.Visible])


def read_sheet(path: Path, name: str) -> Sheet:
    """Every cell of sheet ``name`` from A1, with blank cells as ''."""
    workbook = _open(path)
    try:
        sheet = workbook.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        merged = [f"{cell_name(*start)}:{cell_name(*end)}" for start, end in (sheet.merged_cell_ranges or [])]
    finally:
        workbook.close()
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        return Sheet(name, rows, merged, _formula_cells(archive, book, name), _date1904(book))


def _open(path: Path) -> calamine.CalamineWorkbook:
    with open(path, "rb") as handle:
        head = handle.read(8)
    kind = sniff(head)
    if kind == "ole2":
        raise WorkbookError("is an OLE2 file: a password-protected workbook or a legacy .xls; "
                            "remove the password (or open the .xls) and save it as an .xlsx workbook")
    if kind != "xlsx":
        raise WorkbookError("is not an Excel workbook (an .xlsx file is a ZIP archive); "
                            "save the table from Excel as an .xlsx workbook, or as a UTF-8 CSV named .csv")
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise WorkbookError("is password-protected; remove the password and save it again") from None
    except Exception as exc:  # calamine raises several types for a damaged archive
        raise WorkbookError(f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
                            "open it in Excel and save it again as .xlsx") from None


def _date1904(book: ElementTree.Element) -> bool:
    """Whether workbook.xml says the workbook uses the 1904 date system (calamine applies it only to cells
    formatted as dates, not to the bare numbers a date column may hold)."""
    properties = book.find(f"{MAIN_NS}workbookPr")
    return properties is not None and properties.get("date1904", "").lower() in ("1", "true")


def _formula_cells(archive: zipfile.ZipFile, book: ElementTree.Element, sheet: str) -> dict[tuple[int, int], str]:
    """The cells of ``sheet`` that hold a formula, found in the workbook's XML."""
    part = _sheet_part(archive, book, sheet)
    if part is None:
        return {}
    if not FORMULA_ELEMENT.search(archive.read(part)):  # most sheets hold none: skip parsing the XML
        return {}
    found = {}
    with archive.open(part) as handle:
        for _event, element in ElementTree.iterparse(handle):
            if element.tag == f"{MAIN_NS}c":
                if element.find(f"{MAIN_NS}f") is not None:
                    reference = element.get("r", "")
                    found[_cell_position(reference)] = reference
                element.clear()
    return found


def _sheet_part(archive: zipfile.ZipFile, workbook: ElementTree.Element, sheet: str) -> str | None:
    targets = {r.get("Id"): r.get("Target") for r in
               ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{PACKAGE_NS}Relationship")}
    for entry in workbook.iter(f"{MAIN_NS}sheet"):
        if entry.get("name") == sheet:
            target = targets.get(entry.get(f"{RELATIONSHIP_NS}id"), "")
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return None


def _cell_position(reference: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", reference).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(digits) - 1, column - 1


def read_sheet_cells(table: c.Table, path: Path, sheet_name: str, display: str, errors: list[RawError],
                     warnings: list[str]) -> tuple[list[str], list[list[object]]] | None:
    """A sheet's header (Excel's row 1) and data rows, each led by its Excel row number.

    Integral numbers are read as integers, numbers in a date column as Excel serial dates (in the workbook's
    date system), blank rows are skipped and blank trailing columns dropped. A merged or multi-row header is
    refused: the contract needs one header row naming every column.
    """
    try:
        sheet = read_sheet(path, sheet_name)
    except WorkbookError as exc:
        errors.append(RawError(display, None, None, str(exc)))
        return None
    rows = [[_sheet_value(value) for value in row] for row in sheet.rows]
    if not rows or not any(blank_to_none(v) is not None for v in rows[0]):
        errors.append(RawError(display, 1, None, "row 1 is empty; the sheet's first row must be the header"))
        return None
    merged_header = [r for r in sheet.merged if r.split(":")[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "1"]
    if merged_header:
        errors.append(RawError(display, 1, None, f"the header has merged cells ({', '.join(merged_header)}); unmerge "
                                                 "them and give every column its own name in row 1"))
        return None
    width = max(_last_filled(row) + 1 for row in rows)
    header = [str(v).strip() for v in rows[0][:width]] + [""] * max(0, width - len(rows[0]))
    second = {str(v).strip() for v in (rows[1] if len(rows) > 1 else [])}
    if len(set(table.column_names) - set(header)) > len(set(table.column_names) - second):
        errors.append(RawError(display, 2, None, "the header spans more than one row; keep a single header row "
                                                 "(row 1) naming every column, and put data from row 2"))
        return None
    filled = {i for row in rows[1:] for i, v in enumerate(row) if v != "" and blank_to_none(v) is not None}
    used = [i for i, name in enumerate(header) if name or i in filled]
    unnamed = [i for i in used if not header[i]]
    for position in unnamed:
        errors.append(RawError(display, 1, cell_name(0, position)[:-1],
                               "a column holds data but has no name in the header row"))
    if unnamed:
        return None
    header = [header[i] for i in used]
    dates = {i for i, name in enumerate(header) if name in table.column_names and table.column(name).kind == c.DATE}
    data: list[list[object]] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [row[i] if i < len(row) else "" for i in used]
        if all(blank_to_none(v) is None for v in cells):
            continue
        for i in dates:
            if isinstance(cells[i], (int, float)) and not isinstance(cells[i], bool):
                try:
                    cells[i] = excel_serial_date(cells[i], sheet.date1904)
                except ValueError as exc:
                    errors.append(RawError(display, number, header[i], f"{exc}, got {shown(cells[i])}"))
        data.append([str(number)] + cells)
    for (row, column), reference in sorted(sheet.formulas.items()):
        value = sheet.rows[row][column] if row < len(sheet.rows) and column < len(sheet.rows[row]) else ""
        warnings.append(f"{display}, cell {reference}: a formula, read by its cached value {shown(value)}")
    return header, data


def _last_filled(row: list[object]) -> int:
    """The position of a row's last non-blank cell, or -1."""
    for position in range(len(row) - 1, -1, -1):
        if blank_to_none(row[position]) is not None:
            return position
    return -1


def _sheet_value(value: object) -> object:
    """A calamine cell as the contract's parsers take it: integral floats as int, datetimes as dates."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value
