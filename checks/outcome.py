"""What checks return: a plain check's outcome, and a contract suite's findings on one table and one load."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ieo.raw_reader import RawError


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    found: dict = field(default_factory=dict)


@dataclass
class SuiteOutcome:
    """What one suite found on one table."""

    table: str
    file: str
    success: bool
    evaluated: int
    failed: list[dict] = field(default_factory=list)
    errors: list[RawError] = field(default_factory=list)


@dataclass
class EditionValidation:
    """Every suite's outcome on one load, and where its Data Docs were written."""

    outcomes: dict[str, SuiteOutcome]
    data_docs: Path | None

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes.values())
