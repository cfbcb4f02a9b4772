"""What a plain check returns: passed or not, and what it found (shown as the check's metadata)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    found: dict = field(default_factory=dict)
