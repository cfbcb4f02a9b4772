"""Great Expectations suites generated from the raw-data contract: its one validation engine.

``build_suite`` turns a contract table into an ExpectationSuite for one
edition (edition-year bounds and reference sets depend on the edition).
``validate_edition`` runs every suite on the frames the reader produced and
turns each unexpected row into a RawError naming file, row and column.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ieo import contract as c
from ieo.raw_reader import SOURCE_ROW, RawError, RawTable
from ieo.reference import country_lookup, province_lookup, taxonomy_lookup

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402  (analytics must be off before import)
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.row_conditions import Column as RowColumn  # noqa: E402

logging.getLogger("great_expectations").setLevel(logging.WARNING)

RULE = "rule"  # the meta key holding the human wording of an expectation


@dataclass
class SuiteOutcome:
    """What one suite found on one table."""

    table: str
    file: str
    success: bool
    evaluated: int
    failed: list[dict] = field(default_factory=list)
    errors: list[RawError] = field(default_factory=list)


@lru_cache(maxsize=1)
def _context():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _with_rule(expectation, rule: str):
    expectation.meta = {RULE: rule}
    return expectation


def _year_bounds(column: c.Column, edition: int) -> tuple[object, object]:
    if column.kind == c.DATE:
        first, last = dt.datetime(edition, 1, 1), dt.datetime(edition, 12, 31)
    else:
        first, last = column.minimum, edition
    if column.edition_bound == c.WITHIN_EDITION:
        return first, last
    return (column.minimum if column.kind != c.DATE else None), last


def _column_expectations(column: c.Column, edition: int) -> list:
    e = gx.expectations
    name = column.name
    found = []
    if column.required:
        found.append(_with_rule(e.ExpectColumnValuesToNotBeNull(column=name), "a value is required"))
    if column.unique:
        found.append(_with_rule(e.ExpectColumnValuesToBeUnique(column=name), "must be unique within the table"))
    if column.kind == c.ENUM:
        rule = f"expected one of {', '.join(column.values)}"
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=list(column.values)), rule))
    elif column.kind == c.PROVINCE:
        rule = "expected one of the 31 provinces (Chinese or English name, alias or GB/T 2260 code)"
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=list(province_lookup().codes)), rule))
    elif column.kind == c.COUNTRY:
        rule = "expected an ISO 3166-1 alpha-2 country code"
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=list(country_lookup().codes)), rule))
    elif column.kind == c.TAXONOMY:
        rule = f"expected a value of the {column.taxonomy} taxonomy"
        codes = list(taxonomy_lookup(column.taxonomy).codes)
        found.append(_with_rule(e.ExpectColumnValuesToBeInSet(column=name, value_set=codes), rule))
    elif column.kind == c.TAXONOMY_LIST:
        codes = "|".join(re.escape(code) for code in taxonomy_lookup(column.taxonomy).codes)
        pattern = f"^({codes})({re.escape(c.LIST_SEPARATOR)}({codes}))*$"
        rule = f"expected one or more {column.taxonomy} values separated by '{c.LIST_SEPARATOR}'"
        found.append(_with_rule(e.ExpectColumnValuesToMatchRegex(column=name, regex=pattern), rule))
    if column.edition_bound:
        low, high = _year_bounds(column, edition)
        when = "within" if column.edition_bound == c.WITHIN_EDITION else "not after"
        rule = f"must be {when} the edition year {edition}" + (f" and not before {low}" if low is not None and column.kind != c.DATE else "")
        if column.edition_bound == c.WITHIN_EDITION and column.kind == c.DATE:
            rule = f"must fall within the edition year {edition}"
        found.append(_with_rule(e.ExpectColumnValuesToBeBetween(column=name, min_value=low, max_value=high), rule))
    elif column.minimum is not None or column.maximum is not None:
        bounds = " and ".join(
            part
            for part in (
                f">= {column.minimum:g}" if column.minimum is not None else "",
                f"<= {column.maximum:g}" if column.maximum is not None else "",
            )
            if part
        )
        rule = f"expected a value {bounds}"
        found.append(
            _with_rule(
                e.ExpectColumnValuesToBeBetween(column=name, min_value=column.minimum, max_value=column.maximum), rule
            )
        )
    return found


def _row_rule_expectations(rule_id: str) -> list:
    e = gx.expectations
    wording = c.ROW_RULES[rule_id]
    if rule_id == "province_iff_domestic_cn":
        return [
            _with_rule(
                e.ExpectColumnValuesToNotBeNull(column="province", row_condition=RowColumn("country") == "CN"),
                "a province is required when country is CN",
            ),
            _with_rule(
                e.ExpectColumnValuesToBeNull(column="province", row_condition=RowColumn("country") != "CN"),
                "province must be empty when country is not CN",
            ),
        ]
    if rule_id == "counterpart_differs_from_sample":
        return [
            _with_rule(
                e.ExpectSelectColumnValuesToBeUniqueWithinRecord(column_list=["sample_id", "counterpart_id"]), wording
            )
        ]
    if rule_id == "amount_only_for_money_relations":
        return [
            _with_rule(
                e.ExpectColumnValuesToBeNull(
                    column="amount_cny",
                    row_condition=RowColumn("relation_type").is_not_in(list(c.MONEY_RELATION_TYPES)),
                ),
                wording,
            )
        ]
    raise KeyError(f"no expectation defined for row rule {rule_id!r}")


def reference_sets(frames: dict[str, pd.DataFrame]) -> dict[tuple[str, tuple[str, ...]], list[str]]:
    """Key values each reference may point at, e.g. organisations of type enterprise."""
    sets = {}
    for table in c.CONTRACT:
        for ref in table.references:
            target = frames.get(ref.table)
            if target is None:
                continue
            key = c.TABLES[ref.table].key
            rows = target if not ref.org_types else target[target["org_type"].isin(ref.org_types)]
            sets[(ref.table, ref.org_types)] = rows[key].dropna().astype(str).unique().tolist()
    return sets


def build_suite(table: c.Table, edition: int, references: dict) -> gx.ExpectationSuite:
    """The expectation suite for one contract table in one edition."""
    suite = gx.ExpectationSuite(name=f"raw_{table.name}_{edition}")
    for column in table.columns:
        for expectation in _column_expectations(column, edition):
            suite.add_expectation(expectation)
    for ref in table.references:
        values = references.get((ref.table, ref.org_types))
        if values is None:
            continue
        kinds = f" with org_type {' or '.join(ref.org_types)}" if ref.org_types else ""
        rule = f"must be an existing {ref.table}.{c.TABLES[ref.table].key}{kinds}"
        suite.add_expectation(
            _with_rule(gx.expectations.ExpectColumnValuesToBeInSet(column=ref.column, value_set=values), rule)
        )
    for rule_id in table.row_rules:
        for expectation in _row_rule_expectations(rule_id):
            suite.add_expectation(expectation)
    return suite


def validate_frame(table: c.Table, frame: pd.DataFrame, file: str, edition: int, references: dict) -> SuiteOutcome:
    """Run one table's suite; every unexpected row becomes a RawError."""
    context = _context()
    name = f"{table.name}_{edition}"
    source = context.data_sources.add_or_update_pandas(f"raw_{name}")
    asset = source.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
    suite = build_suite(table, edition, references)
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [SOURCE_ROW]}
    )
    outcome = SuiteOutcome(table.name, file, bool(result.success), len(result.results))
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        column = config.kwargs.get("column") or ",".join(config.kwargs.get("column_list", []))
        rule = (config.meta or {}).get(RULE, config.type)
        unexpected = item.result.get("unexpected_index_list") or []
        outcome.failed.append(
            {
                "expectation": config.type,
                "column": column,
                "rule": rule,
                "unexpected_count": item.result.get("unexpected_count", len(unexpected)),
                "sample": [str(v) for v in (item.result.get("partial_unexpected_list") or [])[:10]],
            }
        )
        for hit in unexpected:
            value = hit.get(column) if column in hit else {k: v for k, v in hit.items() if k != SOURCE_ROW}
            outcome.errors.append(RawError(file, int(hit[SOURCE_ROW]), column, f"{rule}, got {_show(value)}"))
    return outcome


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return "an empty cell"
    if isinstance(value, pd.Timestamp):
        return repr(value.date().isoformat())
    return repr(value.item() if hasattr(value, "item") else value)


def validate_edition(tables: dict[str, RawTable], edition: int) -> dict[str, SuiteOutcome]:
    """Run the suites of every table of an edition."""
    frames = {name: t.frame for name, t in tables.items()}
    references = reference_sets(frames)
    return {
        name: validate_frame(c.TABLES[name], raw.frame, raw.display_path, edition, references)
        for name, raw in tables.items()
    }
