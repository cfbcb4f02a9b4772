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
from ieo.raw_reader import ContractViolation, RawTable, read_edition
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
