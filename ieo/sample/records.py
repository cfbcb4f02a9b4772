"""The generator's typed records (named after the contract's columns) and its small numeric helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np


@dataclass
class Org:
    """A row of the contract's organizations table."""

    org_id: str
    name: str
    org_type: str
    country: str
    province: str | None
    city: str | None
    integrative_sector: str | None = None
    ai_core_sector: str | None = None


@dataclass
class Relation:
    """A row of the contract's relations table, with where the generator aims its counterpart."""

    sample_id: str
    relation_type: str
    year: int
    domestic: bool
    counterpart_id: str | None = None
    occurred_on: str | None = None
    amount_cny: str | None = None
    target_province: str | None = None
    target_country: str | None = None


@dataclass
class World:
    """Everything generated for the latest edition; earlier editions are views of it."""

    orgs: dict[str, Org] = field(default_factory=dict)
    enterprises: list[dict] = field(default_factory=list)
    enterprise_categories: dict[int, dict[str, str]] = field(default_factory=dict)
    investors: list[dict] = field(default_factory=list)
    research: list[dict] = field(default_factory=list)
    members: dict[int, dict[str, set[str]]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    conferences: list[dict] = field(default_factory=list)
    alliances: list[dict] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)
    parks: list[dict] = field(default_factory=list)


def scaled(count: float, scale: float) -> int:
    return int(round(count * scale))


def largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum to ``total`` exactly."""
    keys = list(weights)
    raw = np.array([weights[k] for k in keys], dtype=float)
    raw = raw / raw.sum() * total
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts), kind="stable")[: total - parts.sum()]:
        parts[i] += 1
    return dict(zip(keys, parts.tolist()))


class Weighted:
    """Keys with cumulative weights, built once, for fast repeated weighted draws."""

    def __init__(self, weights: dict[str, float]):
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.keys, cum_weights=self.cumulative)[0]


def month_day(day_of_year: int) -> str:
    """``MM-DD`` of a day of a non-leap year (1-365)."""
    return (dt.date(2001, 1, 1) + dt.timedelta(days=day_of_year - 1)).strftime("%m-%d")


def hash_fraction(text: str) -> float:
    """A stable fraction in [0, 1) from a string (Python's hash() is salted per process)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) / float(1 << 48)
