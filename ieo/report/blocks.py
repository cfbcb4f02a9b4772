"""The blocks a report section is made of (tables, subheadings, links, charts) and how cells are formatted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ieo.reference import province_short_names, reference_table
from ieo.report.charts import Chart

_NUMBER = re.compile(r"[+-]?[\d,]+(\.\d+)?%?")


@dataclass
class Table:
    """A table as the template draws it: a caption, column headers, and formatted cells."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""
    figures: str = ""  # the reconciliation figures it shows (their id prefix), when the 2020 report prints it

    @property
    def numeric(self) -> list[bool]:
        """Per column: every filled cell is a number (right-aligned)."""
        return [all(_NUMBER.fullmatch(row[i]) for row in self.rows if row[i] not in ("", "new"))
                for i in range(len(self.headers))]


@dataclass
class Subheading:
    text: str


@dataclass
class Link:
    text: str
    href: str
    run_specific: bool = False


@dataclass
class Section:
    """A report section: its heading and its blocks in reading order (paragraphs are strings)."""

    section_id: str
    heading: str
    blocks: list[str | Subheading | Table | Chart | Link] = field(default_factory=list)


# --- cell formats ---------------------------------------------------------------------------------

def count(value) -> str:
    return "" if pd.isna(value) else f"{float(value):,.0f}"


def percent(value) -> str:
    return "" if pd.isna(value) else f"{100 * float(value):.2f}%"


def decimal(value, places: int = 3) -> str:
    return "" if pd.isna(value) else f"{float(value):,.{places}f}"


def number(value) -> str:
    """Whole numbers as counts, others with four decimals (statistics mix both)."""
    if pd.isna(value):
        return ""
    return count(value) if float(value).is_integer() else decimal(value, 4)


def change(value, places: int = 0) -> str:
    if pd.isna(value):
        return "new"
    return f"{float(value):+,.{places}f}" if float(value) else "0"


def table(caption: str, frame: pd.DataFrame, columns: list[tuple[str, str, object]], note: str = "",
          figures: str = "") -> Table:
    """``columns``: (header, column, formatter) for each shown column, in order. ``figures``: the id prefix of the
    reconciliation figures of a table the 2020 report prints, so the report can show where it differs."""
    rows = [[fmt(row[column]) if fmt else str(row[column]) for _header, column, fmt in columns]
            for _, row in frame.iterrows()]
    return Table(caption, [header for header, _c, _f in columns], rows, note, figures)


def with_previous(current: pd.DataFrame, previous: pd.DataFrame | None, keys: list[str], value: str) -> pd.DataFrame:
    """``current`` with the previous edition's ``value`` and the change, matched on ``keys``."""
    out = current.copy()
    if previous is None or value not in previous.columns:
        out["previous"], out["change"] = pd.NA, pd.NA
        return out
    before = previous[keys + [value]].rename(columns={value: "previous"})
    out = out.merge(before, on=keys, how="left")
    out["change"] = out[value] - out["previous"]
    return out


# --- labels from the reference data (one home) ----------------------------------------------------

def labels(seed: str, code: str = "code", label: str = "label_zh") -> dict[str, str]:
    frame = reference_table(seed)
    return dict(zip(frame[code].astype(str), frame[label]))


def dimension_labels(dimension: str) -> dict[str, str]:
    if dimension == "province":
        return province_short_names()
    if dimension == "country":
        return labels("countries", "country_code", "name_zh")
    return labels(dimension)
