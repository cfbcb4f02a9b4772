"""Cell values as the contract reads them: blanks, numbers, years, dates, and the typed column they make.

Each column kind of ``ieo.contract`` has its parser here (``parser``) and its pandas dtype
(``as_dtype``); a parser raises ValueError with the rule a bad cell broke. ``column_values`` applies a
column's parser to every cell of a column at once, with the same values and errors as cell by cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ieo import contract as c
from ieo.raw_errors import RawError
from ieo.reference import country_lookup, province_lookup, taxonomy_lookup

MAX_TEXT = 10_000  # characters in one text cell
# C0 and C1 control characters but tab, line feed and carriage return: NUL, BEL, ESC and the like corrupt the
# published CSVs and workbooks, and no survey answer needs them.
CONTROL_CHARACTERS = frozenset(chr(i) for i in [*range(0x20), 0x7F, *range(0x80, 0xA0)]) - {"\t", "\n", "\r"}
_CONTROL_PATTERN = re.compile("[" + "".join(sorted(CONTROL_CHARACTERS)) + "]")


def shown(value: object, limit: int = 60) -> str:
    """A value as an error message quotes it: its repr, cut short when long."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value):,} characters)"
    return repr(value)


def blank_to_none(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def jsonable(value: object) -> object:
    value = blank_to_none(value)
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def as_dtype(series: pd.Series, kind: str) -> pd.Series:
    """A parsed column as the contract's dtype for its kind."""
    dtype = c.KINDS[kind].dtype
    if dtype.startswith("datetime") and series.notna().any():
        return pd.to_datetime(series).astype(dtype)
    return series.astype(dtype)


def reference_lookup(column: c.Column):
    """The reference set a column's values resolve into (its kind's ``reference``), or None."""
    reference = c.KINDS[column.kind].reference
    if reference == "provinces":
        return province_lookup()
    if reference == "countries":
        return country_lookup()
    return taxonomy_lookup(column.taxonomy) if reference == "taxonomy" else None


def parser(column: c.Column):
    """The function that turns one cell of ``column`` into its value, or raises ValueError saying why not."""
    if column.kind == c.TAXONOMY_LIST:
        resolve = _resolver(reference_lookup(column))
        return lambda v: c.LIST_SEPARATOR.join(resolve(p) for p in str(v).split(c.LIST_SEPARATOR) if p.strip())
    if c.KINDS[column.kind].reference:
        return _resolver(reference_lookup(column))
    if column.kind == c.INT:
        return _parse_year if column.is_year else _parse_int
    return {c.DECIMAL: _parse_decimal, c.MONEY: _parse_decimal, c.DATE: _parse_date,
            c.ENUM: lambda v: str(v).strip().lower(), c.STRING: _parse_text, c.CITY: _parse_text}[column.kind]


def _parse_text(value: object) -> str:
    """Free text: at most MAX_TEXT characters, and not a spreadsheet formula.

    A cell such as ``=HYPERLINK(...)`` is refused at the door rather than carried into releases
    that auditors open in spreadsheets (published files neutralise such text as well).
    """
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT:,} characters ({len(text):,})")
    if text.startswith("="):
        raise ValueError("text looks like a spreadsheet formula (starts with '=')")
    if control := next((ch for ch in text if ch in CONTROL_CHARACTERS), None):
        raise ValueError(f"text holds the control character U+{ord(control):04X} (only tab and line breaks are allowed)")
    return text


def _resolver(lookup):
    """Map a spelling to its canonical code; keep an unknown value verbatim for the suite to report."""

    def resolve(value: object) -> str:
        text = str(value).strip()
        return lookup.resolve(text) or text

    return resolve


def _parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("expected an integer")
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        raise ValueError("expected an integer") from None


def _parse_year(value: object) -> int:
    """A ``*_year`` column takes a bare year or an ISO 8601 date."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.year
    try:
        return _parse_int(value)
    except ValueError:
        try:
            return _parse_date(value).year
        except ValueError:
            raise ValueError("expected a year (YYYY) or an ISO 8601 date") from None


def _parse_decimal(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a decimal number")
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError("expected a decimal number") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError("expected a decimal number")
    return number


def _parse_date(value: object) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError("expected an ISO 8601 date (YYYY-MM-DD)")


def column_values(column: c.Column, cells: Sequence[object], rows: Sequence[object], display: str,
                  errors: list[RawError]) -> list[object]:
    """Every cell of ``column`` parsed (None where blank or bad), each bad cell an error naming its row.

    The result and the errors, in row order, are those of parsing cell by cell; a column of text cells (every
    CSV cell) is parsed in bulk: free text is screened as a whole column (only a column that may break a rule
    is parsed cell by cell), and any other kind is parsed once per distinct cell, as a survey's codes, years,
    amounts and dates repeat.
    """
    if set(map(type, cells)) - {str}:
        return _cell_by_cell(column, cells, rows, display, errors)
    if column.kind in (c.STRING, c.CITY):
        text = list(map(str.strip, cells))
        if _any_suspect_text(text):
            return _cell_by_cell(column, cells, rows, display, errors)
        return [cell or None for cell in text]
    parse = parser(column)
    codes, distinct = pd.factorize(np.asarray(cells, dtype=object))
    parsed: list[object] = []
    failures: dict[int, str] = {}
    for code, cell in enumerate(distinct):
        value, problem = _parsed(parse, cell) if cell.strip() else (None, None)
        parsed.append(value)
        if problem:
            failures[code] = problem
    if failures:
        for i in np.flatnonzero(np.isin(codes, list(failures))):
            errors.append(RawError(display, int(rows[i]), column.name, failures[codes[i]]))
    return np.asarray(parsed, dtype=object)[codes].tolist()


def _any_suspect_text(text: list[str]) -> bool:
    """Whether any stripped cell may break a free-text rule, tested on the whole column at C speed.

    A formula is looked for at the start of every line, so "=" after a line break inside a cell is a false
    alarm, which only sends the column the slow way.
    """
    joined = "\n".join(text)
    return (max(map(len, text), default=0) > MAX_TEXT or joined.startswith("=") or "\n=" in joined
            or _CONTROL_PATTERN.search(joined) is not None)


def _parsed(parse, cell: object) -> tuple[object, str | None]:
    """``cell`` parsed and no problem, or None and the error message that names the rule and the cell."""
    try:
        return parse(cell), None
    except ValueError as exc:
        return None, f"{exc}, got {shown(cell)}"


def _cell_by_cell(column: c.Column, cells: Sequence[object], rows: Sequence[object], display: str,
                  errors: list[RawError]) -> list[object]:
    """The reference way: each cell parsed on its own (workbook and Parquet cells, which are not all text)."""
    parse = parser(column)
    values = []
    for cell, row in zip(cells, rows):
        raw = blank_to_none(cell)
        value, problem = (None, None) if raw is None else _parsed(parse, raw)
        values.append(value)
        if problem:
            errors.append(RawError(display, int(row), column.name, problem))
    return values
