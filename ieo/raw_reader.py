"""Read one edition's raw files into typed DataFrames, as the contract describes.

The reader rejects only what cannot be read: a missing or doubled file,
undecodable bytes, a missing column, a ragged row or a value that does not
parse as its type. Value rules (ranges, accepted values, references) belong to
the Great Expectations suites in ``checks.contract_suites``. Province, country
and taxonomy values are normalised to their canonical codes here; a value that
does not resolve is kept verbatim so that the suite reports it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import yaml

from ieo import contract as c
from ieo import workbooks
from ieo.bulk import collector_paused, text_lines
from ieo.cells import as_dtype, column_values, jsonable
from ieo.cities import resolve_cities
from ieo.raw_errors import ContractViolation, RawError

SOURCE_ROW = "_source_row"
EXTRA_COLUMNS = "_extra"
ENCODINGS_FILE = "encodings.yml"
SUPPORTED_ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030"}
HIDDEN_SHEET = "is a hidden sheet; unhide it to load it (Excel: right-click a sheet tab, Unhide), or delete it"
FILE_SUFFIXES = (".csv", ".parquet", workbooks.WORKBOOK_SUFFIX)
ROWS_PER_CHUNK = 100_000  # rows typed at a time: a table's raw cells never all live at once
Rows = list[list[object]]  # each row: its number in the file, then its cells


@dataclass(frozen=True)
class Source:
    """Where one table is kept: a CSV or Parquet file, or one sheet of a workbook."""

    path: Path
    sheet: str | None = None
    problem: str | None = None  # why the source cannot be read (a damaged or hidden workbook sheet)

    @property
    def display(self) -> str:
        shown_path = f"{self.path.parent.name}/{self.path.name}"
        return f"{shown_path}, sheet {self.sheet}" if self.sheet is not None else shown_path


@dataclass
class RawTable:
    """One contract table as read: typed contract columns, extra columns, and provenance."""

    name: str
    path: Path
    sha256: str
    frame: pd.DataFrame
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None

    @property
    def display_path(self) -> str:
        return Source(self.path, self.sheet).display


def edition_dir(raw_dir: Path, edition: int) -> Path:
    return Path(raw_dir) / str(edition)


def available_editions(raw_dir: Path) -> list[int]:
    """Edition folders present under the raw directory, oldest first."""
    raw = Path(raw_dir)
    if not raw.is_dir():
        return []
    return sorted(int(p.name) for p in raw.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)


def read_edition(raw_dir: Path, edition: int) -> dict[str, RawTable]:
    """Read every contract table of an edition, or raise one ContractViolation listing all errors."""
    folder = edition_dir(raw_dir, edition)
    if not folder.is_dir():
        raise ContractViolation(edition, [RawError(f"{edition}/", None, None, f"edition folder {folder} does not exist")])
    errors: list[RawError] = []
    declared = _declared_encodings(folder, errors)
    sources, opaque = table_sources(folder, errors)
    tables: dict[str, RawTable] = {}
    with collector_paused():
        for table in c.CONTRACT:
            source = _locate(folder, table, sources.get(table.name, []), opaque, errors)
            if source is None:
                continue
            result = _read_table(table, source, declared.get(source.path.name), errors)
            if result is not None:
                tables[table.name] = result
    if errors:
        raise ContractViolation(edition, errors)
    return tables


def _declared_encodings(folder: Path, errors: list[RawError]) -> dict[str, str]:
    """Optional ``encodings.yml`` mapping a CSV file name to its encoding (utf-8 or gb18030)."""
    path = folder / ENCODINGS_FILE
    if not path.exists():
        return {}
    try:
        declared = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        errors.append(RawError(f"{folder.name}/{ENCODINGS_FILE}", None, None, f"cannot be parsed: {exc}"))
        return {}
    result = {}
    for name, encoding in dict(declared).items():
        normalised = SUPPORTED_ENCODINGS.get(str(encoding).strip().lower())
        if normalised is None:
            errors.append(
                RawError(
                    f"{folder.name}/{ENCODINGS_FILE}",
                    None,
                    None,
                    f"unsupported encoding {encoding!r} for {name}; expected one of utf-8, gb18030",
                )
            )
        else:
            result[str(name)] = normalised
    return result


def table_sources(folder: Path, errors: list[RawError]) -> tuple[dict[str, list[Source]], bool]:
    """Every place in ``folder`` that holds a contract table, and whether an edition workbook could not be opened.

    A table is ``<table>.csv``, ``<table>.parquet`` or ``<table>.xlsx`` (its only sheet, or the sheet named
    after it), or a sheet named after it in any other workbook of the folder (an edition workbook, whose every
    visible sheet must be a contract table; hidden sheets that are not tables are helpers, left unread). A
    workbook named after its table that cannot be read is its table's source with the problem; an edition
    workbook that cannot be opened is an error, and may hold any table. A hidden sheet named after a table is its
    table's source with that problem, never silently left out.
    """
    tables = {table.name for table in c.CONTRACT}
    found: dict[str, list[Source]] = {}
    opaque = False
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file() or path.suffix not in FILE_SUFFIXES or path.name.startswith("~$"):
            continue
        if path.suffix != workbooks.WORKBOOK_SUFFIX:
            if path.stem in tables:
                found.setdefault(path.stem, []).append(Source(path))
            continue
        display = f"{folder.name}/{path.name}"
        try:
            sheets = workbooks.sheet_names(path)
        except workbooks.WorkbookError as exc:
            if path.stem in tables:
                found.setdefault(path.stem, []).append(Source(path, problem=str(exc)))
            else:
                errors.append(RawError(display, None, None, str(exc)))
                opaque = True
            continue
        if path.stem in tables:
            visible = sheets.visible
            if path.stem in sheets.hidden:
                sheet, problem = path.stem, HIDDEN_SHEET
            else:
                sheet = visible[0] if len(visible) == 1 else path.stem if path.stem in visible else None
                problem = None if sheet else (f"holds sheets {', '.join(visible) or '(none)'}; keep one sheet, or "
                                              f"name the table's sheet {path.stem!r}")
            found.setdefault(path.stem, []).append(Source(path, sheet, problem))
            continue
        for sheet in sheets.hidden:
            if sheet in tables:
                found.setdefault(sheet, []).append(Source(path, sheet, HIDDEN_SHEET))
        for sheet in sheets.visible:
            if sheet in tables:
                found.setdefault(sheet, []).append(Source(path, sheet))
            else:
                errors.append(RawError(f"{display}, sheet {sheet}", None, None,
                                       "is not a contract table; name each sheet of an edition workbook after its "
                                       f"table ({', '.join(sorted(tables))})"))
    return found, opaque


def _locate(folder: Path, table: c.Table, sources: list[Source], opaque: bool, errors: list[RawError]) -> Source | None:
    if len(sources) > 1:
        errors.append(RawError(f"{folder.name}/{table.name}.*", None, None,
                               f"the table is present more than once ({'; '.join(s.display for s in sources)}); "
                               "keep one"))
        return None
    if not sources:
        if not table.optional and not opaque:
            errors.append(RawError(f"{folder.name}/{table.name}.csv", None, None,
                                   "required table file is missing (.csv, .parquet or .xlsx, "
                                   "or a sheet named after it in an edition workbook)"))
        return None
    return sources[0]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_table(table: c.Table, source: Source, declared_encoding: str | None, errors: list[RawError]) -> RawTable | None:
    """One table, or None with its errors: the file's own (unreadable, ragged, malformed) before the header's, and
    the header's before its cells'; each kind is reported only when the one before found nothing."""
    path, display = source.path, source.display
    if source.problem:
        errors.append(RawError(display, None, None, source.problem))
        return None
    before = len(errors)
    warnings: list[str] = []
    if path.suffix == ".csv":
        cells, encoding = _read_csv_cells(path, display, declared_encoding, errors)
    elif path.suffix == ".parquet":
        cells, encoding = _one_chunk(_read_parquet_cells(path, display, errors)), None
    else:
        cells, encoding = _one_chunk(workbooks.read_sheet_cells(table, path, source.sheet, display, errors, warnings)), None
    if cells is None or len(errors) > before:
        return None
    header, chunks = cells
    header_errors = [RawError(display, 1, name, "required column is missing from the header")
                     for name in table.column_names if name not in header]
    header_errors += [RawError(display, 1, name, "column appears more than once in the header")
                      for name in sorted({h for h in header if header.count(h) > 1})]
    if header_errors:
        for _ in chunks:  # the rows' own errors come first
            pass
        if len(errors) == before:
            errors += header_errors
        return None
    extras = [h for h in header if h not in table.column_names]
    warnings += [f"{display}: unknown extra column {name!r} kept in the raw layer" for name in extras]
    frame, cell_errors = _typed_frame(table, header, chunks, extras, display)
    if len(errors) > before:
        return None
    errors += cell_errors
    resolve_cities(table, frame, frame[SOURCE_ROW], display, errors, warnings)
    if len(errors) > before:
        return None
    return RawTable(table.name, path, sha256_of(path), frame, encoding, warnings, source.sheet)


def _one_chunk(cells: tuple[list[str], Rows] | None) -> tuple[list[str], list[Rows]] | None:
    return None if cells is None else (cells[0], [cells[1]])


def _decode(data: bytes, encoding: str, display: str, errors: list[RawError]) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        label = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        errors.append(
            RawError(display, line, None, f"byte 0x{data[exc.start]:02x} cannot be decoded as {label} (line {line})")
        )
        return None


_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) unless its first non-ASCII line is not UTF-8 but is GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    found = _NON_ASCII.search(data)
    if found is None:
        return "utf-8-sig"
    at = found.start()
    ends = [end for end in (data.find(b"\n", at), data.find(b"\r", at)) if end >= 0]
    line = data[at:min(ends, default=len(data))]  # that line from its first non-ASCII byte: the rest decodes anyway
    try:
        line.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        try:
            line.decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            return "utf-8-sig"


# Let the csv module read oversized cells, so the contract names their row and column.
CSV_FIELD_LIMIT = 64 * 1024 * 1024


def _read_csv_cells(
    path: Path, display: str, declared: str | None, errors: list[RawError]
) -> tuple[tuple[list[str], Iterator[Rows]] | None, str | None]:
    """The header, and the rows a chunk at a time as they are read (ragged rows and malformed CSV become errors
    then); the file's bytes are let go once decoded."""
    data = path.read_bytes()
    if not_text := _not_text(data[:8], path):
        errors.append(RawError(display, None, None, not_text))
        return None, None
    encoding = declared or _detect_encoding(data)
    text = _decode(data, encoding, display, errors)
    del data
    if text is None:
        return None, encoding
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(text_lines(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        errors.append(RawError(display, 1, None, "file is empty; expected a header row"))
        return None, encoding
    return (header, _row_chunks(reader, len(header), display, errors)), ("utf-8" if encoding == "utf-8-sig" else encoding)


def _row_chunks(reader: Iterator[list[str]], width: int, display: str, errors: list[RawError]) -> Iterator[Rows]:
    """Each data row as [its number, its cells...], ROWS_PER_CHUNK rows at a time."""
    chunk: Rows = []
    try:
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != width:
                errors.append(RawError(display, number, None, f"ragged row: expected {width} fields, found {len(row)}"))
                continue
            chunk.append([str(number)] + row)
            if len(chunk) == ROWS_PER_CHUNK:
                yield chunk
                chunk = []
    except csv.Error as exc:
        errors.append(RawError(display, reader.line_num, None, f"malformed CSV: {exc}"))
        return
    yield chunk


def _not_text(head: bytes, path: Path) -> str | None:
    """Why a .csv file is not a CSV at all, when its first bytes say what it is instead."""
    kind = workbooks.sniff(head)
    if kind == "xlsx":
        return (f"is an Excel workbook (a ZIP archive), not a CSV; rename it {path.stem}.xlsx to load its sheet, "
                "or export the sheet from Excel as CSV UTF-8")
    if kind == "ole2":
        return ("is a legacy Excel .xls or a password-protected workbook, not a CSV; save it from Excel as an "
                "unprotected .xlsx workbook, or as CSV UTF-8")
    if kind == "utf-16":
        order = "FF FE" if head.startswith(b"\xff\xfe") else "FE FF"
        return (f"is UTF-16 (it starts with the byte order mark {order}); save it as UTF-8 (Excel: CSV UTF-8) "
                "or GB18030, the encodings accepted")
    return None


def _read_parquet_cells(path: Path, display: str, errors: list[RawError]) -> tuple[list[str], Rows] | None:
    try:
        frame = pq.read_table(path).to_pandas()
    except Exception as exc:  # pyarrow raises several types for a damaged file
        errors.append(RawError(display, None, None, f"cannot be read as Parquet: {exc}"))
        return None
    header = [str(col) for col in frame.columns]
    frame = frame.astype(object).where(frame.notna(), None)
    rows = [[str(i + 2)] + list(values) for i, values in enumerate(frame.itertuples(index=False, name=None))]
    return header, rows


def _typed_frame(
    table: c.Table, header: list[str], chunks: Iterable[Rows], extras: list[str], display: str
) -> tuple[pd.DataFrame, list[RawError]]:
    """The table's frame, typed a chunk of rows at a time so that only one chunk's raw cells are alive, and its
    cells' errors (ContractViolation sorts them)."""
    positions = {name: i + 1 for i, name in enumerate(header)}
    cell_errors: list[RawError] = []
    parts = [_typed_chunk(table, positions, rows, extras, display, cell_errors) for rows in chunks if rows]
    if len(parts) < 2:
        return (parts[0] if parts else _typed_chunk(table, positions, [], extras, display, cell_errors)), cell_errors
    frame = pd.DataFrame({name: _joined([part.pop(name) for part in parts]) for name in list(parts[0].columns)})
    return frame, cell_errors


def _joined(pieces: list[pd.Series]) -> pd.Series:
    """A column's chunks as one column, with its blanks as typing the whole column at once gives them: pandas
    makes a text column's blanks NaN, but a chunk with no text in that column keeps them as None."""
    column = pd.concat(pieces, ignore_index=True)
    if column.dtype == object and any(piece.isna().all() for piece in pieces) and column.notna().any():
        column = column.where(column.notna(), np.nan)
    return column


def _typed_chunk(table: c.Table, positions: dict[str, int], rows: Rows, extras: list[str], display: str,
                 errors: list[RawError]) -> pd.DataFrame:
    by_column = list(zip(*rows)) or [()] * (len(positions) + 1)
    data: dict[str, list] = {SOURCE_ROW: list(map(int, by_column[0]))}
    for column in table.columns:
        data[column.name] = column_values(column, by_column[positions[column.name]], by_column[0], display, errors)
    data[EXTRA_COLUMNS] = [
        json.dumps({name: jsonable(row[positions[name]]) for name in extras}, ensure_ascii=False) for row in rows
    ] if extras else [None] * len(rows)
    frame = pd.DataFrame(data)
    for column in table.columns:
        frame[column.name] = as_dtype(frame[column.name], column.kind)
    return frame
