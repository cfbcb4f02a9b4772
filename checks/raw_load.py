"""Write, audit and publish one edition's raw load: the quality gate in front of everything else.

The edition's rows are written under a new load id, the contract's suites validate that load,
and only a load that passes becomes the edition's current data (``ieo.warehouse``). A failed load
is kept with its findings; nothing downstream reads it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from checks.outcome import SuiteOutcome
from checks.validation import validate_edition
from ieo.fingerprint import Fingerprint
from ieo.raw_reader import ContractViolation, RawTable, edition_dir, read_edition
from ieo.reference import seeds_fingerprint
from ieo.settings import DEFAULT_VALIDATION_ENGINE, validation_engine_for
from ieo.warehouse import finish_load, reject_load, write_load


class SuiteViolation(ContractViolation):
    """The edition was readable but broke value rules; carries what every suite found.

    The load was kept as failed under ``load_id``; ``data_docs`` is its Data Docs index.
    """

    def __init__(self, edition: int, load_id: str, outcomes: dict[str, SuiteOutcome], data_docs: Path | None):
        self.load_id = load_id
        self.outcomes = outcomes
        self.data_docs = data_docs
        super().__init__(edition, [e for o in outcomes.values() for e in o.errors])


@dataclass
class EditionLoad:
    edition: int
    load_id: str
    loaded_at: dt.datetime
    tables: dict[str, RawTable]
    outcomes: dict[str, SuiteOutcome]
    data_docs: Path | None
    replaced_load_id: str | None


def load_edition(
    raw_dir: Path,
    warehouse: Path,
    edition: int,
    load_id: "str | None" = None,
    *,
    engine: str = DEFAULT_VALIDATION_ENGINE,
    docs_dir: Path | None = None,
    lake: Path | None = None,
) -> EditionLoad:
    """Write, audit and publish one edition's load.

    Raises ContractViolation when files are unreadable (the attempt is recorded as
    rejected) and SuiteViolation when the suites fail (the load is kept as failed);
    either way the edition's current load is unchanged.
    """
    load_id = load_id or uuid.uuid4().hex
    try:
        tables = read_edition(raw_dir, edition)
    except ContractViolation as exc:
        reject_load(warehouse, edition, load_id, engine, [asdict(e) for e in exc.errors], lake)
        raise
    engine = validation_engine_for(engine, sum(len(raw.frame) for raw in tables.values()))
    loaded_at = write_load(warehouse, edition, tables, load_id, engine, lake)
    site = Path(docs_dir) / str(edition) / load_id if docs_dir is not None else None
    validation = validate_edition(tables, edition, engine=engine, warehouse=warehouse, load_id=load_id, docs_dir=site)
    replaced = finish_load(
        warehouse,
        edition,
        load_id,
        {name: (o.success, o.failed) for name, o in validation.outcomes.items()},
        str(validation.data_docs) if validation.data_docs else None,
        lake,
    )
    if not validation.success:
        raise SuiteViolation(edition, load_id, validation.outcomes, validation.data_docs)
    return EditionLoad(edition, load_id, loaded_at, tables, validation.outcomes, validation.data_docs, replaced)


PROJECT_PACKAGES = ("ieo", "checks")  # where the code that reads and judges a load can come from
# The libraries that parse the files and evaluate the suites (distribution names).
LOAD_LIBRARIES = ("great_expectations", "pandas", "numpy", "pyarrow", "duckdb", "duckdb_engine", "sqlalchemy", "pyyaml")


def load_fingerprint(raw_dir: Path, edition: int, engine: str) -> str:
    """sha256 over everything a load's outcome depends on: every file of the edition's folder, the reference
    seeds the suites judge values by, the source of every project module a load runs, the versions of the
    libraries that parse and validate, and the validation engine asked for. Two loads with one fingerprint read
    the same bytes and judge them the same way, so the second would find what the first found."""
    fingerprint = Fingerprint()
    folder = edition_dir(raw_dir, edition)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        fingerprint.add_file(f"raw/{path.relative_to(folder).as_posix()}", path)
    fingerprint.add("seeds", seeds_fingerprint())
    fingerprint.add_modules(__name__, PROJECT_PACKAGES)
    fingerprint.add_libraries(LOAD_LIBRARIES)
    fingerprint.add("engine", engine)
    return fingerprint.hexdigest()
