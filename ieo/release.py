"""A release: one edition's published tables as files, with a manifest, swapped into place atomically.

Layout of ``<publish_dir>/<edition>/``: ``tables/<table_id>.csv`` and ``.parquet`` for every published table,
``index/*.csv`` and ``.parquet`` for the competitiveness index, the workbook ``ieo_<edition>.xlsx``,
``datapackage.json`` (a Frictionless Data Package of the CSVs), the documents and ``manifest.json``. Files are built in a
hidden staging folder beside the release and renamed into place only when complete, so a
failure at any point leaves the previous release exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ieo import names
from ieo.release_formats import (DATAPACKAGE, TableDoc, datapackage_bytes, parquet_bytes, parquet_path,
                                 workbook_bytes, workbook_name)
from ieo.settings import PROJECT_ROOT

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FLOAT_FORMAT = "%.10g"  # ten significant digits: stable across runs, far beyond any published precision
MANIFEST = "manifest.json"


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    result = frame.copy()
    for column in result.columns:
        if result[column].dtype == object or pd.api.types.is_string_dtype(result[column]):
            text = result[column]
            risky = text.notna() & text.astype(str).str.startswith(FORMULA_PREFIXES)
            if risky.any():
                result[column] = text.astype(object).where(~risky, "'" + text.astype(str))
    return result


def published_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns rounded to the ten significant digits the CSVs print, for the Parquet and workbook forms:
    every form then holds the same values, and the last bits of a sum, which vary with the order dbt's threads
    add in, never reach a file."""
    floats = [column for column in frame.columns if pd.api.types.is_float_dtype(frame[column])]
    if not floats:
        return frame
    result = frame.copy()
    for column in floats:
        values = result[column].astype("float64").to_numpy()
        rounded = [value if math.isnan(value) else float(FLOAT_FORMAT % value) for value in values]
        result[column] = pd.Series(rounded, index=result.index, dtype="float64").astype(frame[column].dtype)
    return result


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The published form of a table: UTF-8 with a header, LF line ends, neutralised text, fixed float format."""
    buffer = io.StringIO()
    neutralise(frame).to_csv(buffer, index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return buffer.getvalue().encode("utf-8")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_version() -> dict:
    """The git commit of the code that made the release, and whether the checkout had local changes."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": commit or "unknown", "git_dirty": bool(status) if status is not None else None}


FINAL, PROVISIONAL = "final", "provisional"
RELEASE_KINDS = (FINAL, PROVISIONAL)


class ReleaseRefused(Exception):
    """Publishing would break a release rule (a provisional release never replaces a final one)."""


def published_kind(release_dir: Path) -> str | None:
    """The kind of the release already in ``release_dir`` (releases from before kinds existed count as final)."""
    manifest = Path(release_dir) / MANIFEST
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("release_kind", FINAL)


@dataclass
class Release:
    """Everything a release holds, before it is written."""

    edition: int
    tables: dict[str, pd.DataFrame]  # table_id -> published table (tables/)
    index: dict[str, pd.DataFrame]  # file stem -> index table (index/)
    inputs: list[dict]  # raw files: table, file, sha256, rows
    checks: list[dict]  # asset, check, passed, severity
    choices: dict  # weights and normalisation choices
    run: dict = field(default_factory=dict)  # run id and creation time: the only non-reproducible block
    engine: dict = field(default_factory=dict)  # which engine ran the models and held the tables, and where
    kind: str = FINAL  # final (the annual release) or provisional (an in-progress edition's quarterly refresh)
    documents: dict[str, bytes] = field(default_factory=dict)  # other reproducible files, e.g. lineage.json
    docs: dict[str, TableDoc] = field(default_factory=dict)  # table id -> descriptions and key (dbt's docs)
    # Whether the previous edition was loaded, so the year-over-year checks compared against it.
    previous_edition_loaded: bool = False

    def frames(self) -> dict[str, tuple[str, pd.DataFrame]]:
        """Table id -> (its CSV's path in the release, the table), tables/ then index/, each sorted."""
        return {name: (f"{folder}/{name}.csv", frame)
                for folder, tables in ((names.TABLES_FOLDER, self.tables), (names.INDEX_FOLDER, self.index))
                for name, frame in sorted(tables.items())}

    def derived_files(self) -> dict[str, list[str]]:
        """Each file made from the CSVs' tables -> those CSVs: a Parquet copy, the workbook, the data package."""
        csvs = [path for path, _frame in self.frames().values()]
        derived = {parquet_path(path): [path] for path in csvs}
        derived[workbook_name(self.edition)] = csvs
        derived[DATAPACKAGE] = csvs
        return derived

    def files(self) -> dict[str, bytes]:
        """Relative path -> content of every data file and document, in a stable order: each table as CSV and
        Parquet, the workbook of every table, the documents, and datapackage.json describing the CSVs."""
        frames = self.frames()
        files = {path: csv_bytes(frame) for path, frame in frames.values()}
        rounded = {name: published_floats(frame) for name, (_path, frame) in frames.items()}
        files.update({parquet_path(path): parquet_bytes(rounded[name], self.docs.get(name))
                      for name, (path, _frame) in frames.items()})
        paths = {name: path for name, (path, _frame) in frames.items()}
        files[workbook_name(self.edition)] = workbook_bytes(
            self.edition, {name: neutralise(frame) for name, frame in rounded.items()}, paths, self.docs)
        files.update(sorted(self.documents.items()))
        digests = {path: (sha256_bytes(files[path]), len(files[path])) for path in paths.values()}
        files[DATAPACKAGE] = datapackage_bytes(self.edition, {name: frame for name, (_p, frame) in frames.items()},
                                               paths, digests, self.docs)
        return files

    def manifest(self, files: dict[str, bytes]) -> dict:
        return {
            "edition": self.edition,
            "release_kind": self.kind,
            "code": code_version(),
            "inputs": sorted(self.inputs, key=lambda i: i["table"]),
            "outputs": [
                {"file": path, "sha256": sha256_bytes(data), "bytes": len(data),
                 "rows": data.count(b"\n") - 1 if path.endswith(".csv") else None}
                for path, data in files.items()
            ],
            "checks": sorted(self.checks, key=lambda c: (c["asset"], c["check"])),
            "choices": self.choices,
            "year_over_year": {"previous_edition": self.edition - 1, "loaded": self.previous_edition_loaded},
            # Everything above is reproducible from the same inputs, code and configuration, on either engine.
            "engine": self.engine,
            "run": self.run,
        }


def publish(release: Release, publish_dir: Path) -> Path:
    """Write the release beside ``<publish_dir>/<edition>`` and swap it into place.

    Raises ReleaseRefused, writing nothing, when a provisional release would replace a final one.
    """
    if release.kind not in RELEASE_KINDS:
        raise ReleaseRefused(f"unknown release kind {release.kind!r}; expected one of {', '.join(RELEASE_KINDS)}")
    publish_dir = Path(publish_dir)
    target = publish_dir / str(release.edition)
    if release.kind == PROVISIONAL and published_kind(target) == FINAL:
        raise ReleaseRefused(f"edition {release.edition} already has a final release in {target}; "
                             "a provisional release never replaces it")
    publish_dir.mkdir(parents=True, exist_ok=True)
    staging = publish_dir / f".{release.edition}.staging-{uuid.uuid4().hex[:8]}"
    try:
        files = release.files()
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        manifest = json.dumps(release.manifest(files), indent=2, ensure_ascii=False, sort_keys=False)
        (staging / MANIFEST).write_text(manifest + "\n", encoding="utf-8")
        _swap(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames; on failure the old release is put back."""
    previous = target.with_name(f".{target.name}.previous-{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.rename(target, previous)
    try:
        os.rename(staging, target)
    except OSError:
        if previous.exists():
            os.rename(previous, target)
        raise
    shutil.rmtree(previous, ignore_errors=True)
