"""Is an edition folder a complete, settled raw drop, and has it changed since it was last seen?

The sensor that starts runs on new survey files calls ``inspect_drop`` for each edition
folder. A drop counts only when every contract table is there (a CSV, Parquet or workbook sheet) and no file
has been written for ``stable_seconds``, so a copy still in progress is never loaded half-way.
Its fingerprint hashes the files' contents; a cheap signature (names, sizes, modification
times) lets an unchanged folder skip the hashing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ieo import contract as c
from ieo.raw_reader import ENCODINGS_FILE, FILE_SUFFIXES, table_sources
from ieo.workbooks import WORKBOOK_SUFFIX

INCOMPLETE, SETTLING, READY = "incomplete", "settling", "ready"


@dataclass(frozen=True)
class DropState:
    status: str  # incomplete, settling or ready
    signature: str  # names, sizes and modification times of the drop's files
    detail: str  # what is missing, or which file is too recent


def drop_files(folder: Path) -> list[Path]:
    """The files of an edition folder that a load reads: tables, workbooks and the encodings file."""
    tables = {table.name for table in c.CONTRACT}

    def read(path: Path) -> bool:
        if path.suffix == WORKBOOK_SUFFIX:
            return not path.name.startswith("~$")  # Excel's lock file of an open workbook
        return path.name == ENCODINGS_FILE or (path.suffix in FILE_SUFFIXES and path.stem in tables)

    return sorted(p for p in Path(folder).iterdir() if p.is_file() and read(p))


def inspect_drop(folder: Path, now: float, stable_seconds: float) -> DropState:
    """Whether ``folder`` holds every contract table and has been still for ``stable_seconds``."""
    files = drop_files(folder)
    present = set(table_sources(folder, [])[0])
    missing = [table.name for table in c.CONTRACT if table.name not in present]
    stats = [(p.name, p.stat()) for p in files]
    signature = hashlib.sha256(
        "\n".join(f"{name}:{st.st_size}:{st.st_mtime_ns}" for name, st in stats).encode()
    ).hexdigest()
    if missing:
        return DropState(INCOMPLETE, signature, "missing " + ", ".join(missing))
    newest = max(st.st_mtime for _name, st in stats)
    if now - newest < stable_seconds:
        recent = max(stats, key=lambda item: item[1].st_mtime)[0]
        return DropState(SETTLING, signature, f"{recent} written {now - newest:.0f} s ago (< {stable_seconds:g} s)")
    return DropState(READY, signature, "")


def content_fingerprint(folder: Path) -> str:
    """A hash over every drop file's name and content: it changes exactly when a file's bytes do."""
    digest = hashlib.sha256()
    for path in drop_files(folder):
        digest.update(path.name.encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()
