"""A published release read back: its tables, index files and manifest, as report.html's sections see them.

A section reads only the tables and columns ``ieo.names.REPORT_INPUTS`` declares for it, so the
declaration is the report's complete list of inputs and a test can hold every release to it.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ieo import names
from ieo.release import MANIFEST

# Codes that look like numbers but are labels (GB/T 2260 province codes, region codes).
_TEXT_COLUMNS = {"province_code": str, "province": str, "region_code": str, "dimension_value": str}


class UndeclaredInput(KeyError):
    """A report section asked for a table or column that ieo.names.REPORT_INPUTS does not declare for it."""


class _CsvFolder(Mapping[str, pd.DataFrame]):
    """A release's folder of CSVs by table id; each file is read the first time it is asked for."""

    def __init__(self, folder: Path):
        self._paths = {p.stem: p for p in sorted(folder.glob("*.csv"))}
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, table_id: str) -> pd.DataFrame:
        if table_id not in self._frames:
            self._frames[table_id] = pd.read_csv(self._paths[table_id], dtype=_TEXT_COLUMNS)
        return self._frames[table_id]

    def __contains__(self, table_id: object) -> bool:
        return table_id in self._paths

    def __iter__(self):
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def declared_columns(declared: tuple[str, ...], columns) -> list[str]:
    """The columns of a table that a declaration names (``*`` matches, as in ``*_score``), in table order."""
    return [c for c in columns if any(fnmatch.fnmatchcase(c, pattern) for pattern in declared)]


class _SectionInputs(Mapping[str, pd.DataFrame]):
    """The tables of one folder that a section declares, restricted to the declared columns."""

    def __init__(self, folder: _CsvFolder, section: str):
        self._folder, self._section = folder, section
        self._declared = names.REPORT_INPUTS[section]

    def __getitem__(self, table_id: str) -> pd.DataFrame:
        if table_id not in self._declared:
            raise UndeclaredInput(f"report section {self._section!r} reads {table_id!r}, which "
                                  "ieo.names.REPORT_INPUTS does not declare for it")
        frame = self._folder[table_id]
        return frame[declared_columns(self._declared[table_id], frame.columns)]

    def __contains__(self, table_id: object) -> bool:
        return table_id in self._declared and table_id in self._folder

    def __iter__(self):
        return (t for t in self._folder if t in self._declared)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class PublishedRelease:
    """A release folder read back: its tables, index files and manifest."""

    folder: Path
    edition: int
    tables: Mapping[str, pd.DataFrame]
    index: Mapping[str, pd.DataFrame]
    manifest: dict

    @classmethod
    def read(cls, folder: Path) -> "PublishedRelease":
        folder = Path(folder)
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return cls(folder, int(manifest["edition"]), _CsvFolder(folder / names.TABLES_FOLDER),
                   _CsvFolder(folder / names.INDEX_FOLDER), manifest)

    def section(self, section: str) -> "PublishedRelease":
        """This release as ``section`` may read it: only its declared tables and columns."""
        return PublishedRelease(self.folder, self.edition, _SectionInputs(self.tables, section),
                                _SectionInputs(self.index, section), self.manifest)


def earlier_releases(release: PublishedRelease) -> dict[int, PublishedRelease]:
    """The releases of earlier editions published beside this one."""
    history = {}
    for sibling in sorted(release.folder.parent.iterdir()):
        if sibling.name.isdigit() and int(sibling.name) < release.edition and (sibling / MANIFEST).exists():
            history[int(sibling.name)] = PublishedRelease.read(sibling)
    return history
