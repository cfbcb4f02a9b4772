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
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import yaml

from ieo import contract as c
from ieo.cells import as_dtype, blank_to_none, jsonable, parser, shown

SOURCE_ROW = "_source_row"
EXTRA_COLUMNS = "_extra"
ENCODINGS_FILE = "encodings.yml"
SUPPORTED_ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030"}


@dataclass(frozen=True, order=True)
class RawError:
    """One contract violation, located by file, 1-based row (header = row 1) and column."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class ContractViolation(Exception):
    """An edition broke the contract; it is rejected whole and never becomes the current load."""

    def __init__(self, edition: int, errors: list[RawError]):
        self.edition = edition
        self.errors = sorted(errors, key=lambda e: (e.file, e.row or 0, e.column or "", e.message))
        super().__init__(self.summary())

    def summary(self, limit: int = 50) -> str:
        lines = [f"edition {self.edition} rejected: {len(self.errors)} contract error(s); the current load is unchanged"]
        lines += [f"  {e}" for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"  ... and {len(self.errors) - limit} more")
        return "\n".join(lines)


@dataclass
class RawTable:
    """One contract table as read: typed contract columns, extra columns, and provenance."""

    name: str
    path: Path
    sha256: str
    frame: pd.DataFrame
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def display_path(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


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
    tables: dict[str, RawTable] = {}
    for table in c.CONTRACT:
        path = _locate(folder, table, errors)
        if path is None:
            continue
        result = _read_table(table, path, edition, declared.get(path.name), errors)
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


def _locate(folder: Path, table: c.Table, errors: list[RawError]) -> Path | None:
    candidates = [folder / f"{table.name}.csv", folder / f"{table.name}.parquet"]
    present = [p for p in candidates if p.exists()]
    if len(present) == 2:
        errors.append(
            RawError(f"{folder.name}/{table.name}.*", None, None, "both a .csv and a .parquet file exist; keep one")
        )
        return None
    if not present:
        if not table.optional:
            errors.append(
                RawError(f"{folder.name}/{table.name}.csv", None, None, "required table file is missing (.csv or .parquet)")
            )
        return None
    return present[0]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_table(
    table: c.Table, path: Path, edition: int, declared_encoding: str | None, errors: list[RawError]
) -> RawTable | None:
    display = f"{path.parent.name}/{path.name}"
    before = len(errors)
    if path.suffix == ".csv":
        cells, encoding = _read_csv_cells(path, display, declared_encoding, errors)
    else:
        cells, encoding = _read_parquet_cells(path, display, errors), None
    if cells is None or len(errors) > before:
        return None
    header, rows = cells
    missing = [name for name in table.column_names if name not in header]
    for name in missing:
        errors.append(RawError(display, 1, name, "required column is missing from the header"))
    duplicated = sorted({h for h in header if header.count(h) > 1})
    for name in duplicated:
        errors.append(RawError(display, 1, name, "column appears more than once in the header"))
    if missing or duplicated:
        return None
    extras = [h for h in header if h not in table.column_names]
    warnings = [f"{display}: unknown extra column {name!r} kept in the raw layer" for name in extras]
    frame = _typed_frame(table, header, rows, extras, display, errors)
    if len(errors) > before:
        return None
    return RawTable(table.name, path, sha256_of(path), frame, encoding, warnings)


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


def _detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) unless its first non-ASCII line is not UTF-8 but is GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for line in data.splitlines():
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
            return "utf-8-sig"
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
                return "gb18030"
            except UnicodeDecodeError:
                return "utf-8-sig"
    return "utf-8-sig"


# Let the csv module read oversized cells, so the contract names their row and column.
CSV_FIELD_LIMIT = 64 * 1024 * 1024


def _read_csv_cells(
    path: Path, display: str, declared: str | None, errors: list[RawError]
) -> tuple[tuple[list[str], list[list[str]]] | None, str | None]:
    data = path.read_bytes()
    encoding = declared or _detect_encoding(data)
    text = _decode(data, encoding, display, errors)
    if text is None:
        return None, encoding
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        errors.append(RawError(display, 1, None, "file is empty; expected a header row"))
        return None, encoding
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                errors.append(
                    RawError(display, number, None, f"ragged row: expected {len(header)} fields, found {len(row)}")
                )
                continue
            rows.append([str(number)] + row)
    except csv.Error as exc:
        errors.append(RawError(display, reader.line_num, None, f"malformed CSV: {exc}"))
        return None, encoding
    return (header, rows), ("utf-8" if encoding == "utf-8-sig" else encoding)


def _read_parquet_cells(path: Path, display: str, errors: list[RawError]) -> tuple[list[str], list[list[object]]] | None:
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
    table: c.Table,
    header: list[str],
    rows: list[list[object]],
    extras: list[str],
    display: str,
    errors: list[RawError],
) -> pd.DataFrame:
    positions = {name: i + 1 for i, name in enumerate(header)}
    data: dict[str, list] = {SOURCE_ROW: [int(r[0]) for r in rows]}
    for column in table.columns:
        parse = parser(column)
        values = []
        for row in rows:
            raw = blank_to_none(row[positions[column.name]])
            if raw is None:
                values.append(None)
                continue
            try:
                values.append(parse(raw))
            except ValueError as exc:
                errors.append(RawError(display, int(row[0]), column.name, f"{exc}, got {shown(raw)}"))
                values.append(None)
        data[column.name] = values
    data[EXTRA_COLUMNS] = [
        json.dumps({name: jsonable(row[positions[name]]) for name in extras}, ensure_ascii=False) if extras else None
        for row in rows
    ]
    frame = pd.DataFrame(data)
    for column in table.columns:
        frame[column.name] = as_dtype(frame[column.name], column.kind)
    return frame
