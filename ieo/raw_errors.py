"""What the raw reader reports: one located contract error, and the rejection of an edition that has any."""

from __future__ import annotations

from dataclasses import dataclass


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
