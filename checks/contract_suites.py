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
    """Lowest and highest value allowed in an edition-bound date or year column."""
    if column.kind != c.DATE:
        return column.minimum, edition
    first = dt.datetime(edition, 1, 1) if column.edition_bound == c.WITHIN_EDITION else None
    return first, dt.datetime(edition, 12, 31)


def _edition_rule(column: c.Column, edition: int) -> str:
    if column.edition_bound == c.WITHIN_EDITION:
        return f"must fall within the edition year {edition}"
    if column.minimum is not None:
        return f"must be between {column.minimum:g} and the edition year {edition}"
    return f"must not be after the edition year {edition}"


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
        pattern = f"^(?:{codes})(?:{re.escape(c.LIST_SEPARATOR)}(?:{codes}))*$"
        rule = f"expected one or more {column.taxonomy} values separated by '{c.LIST_SEPARATOR}'"
        found.append(_with_rule(e.ExpectColumnValuesToMatchRegex(column=name, regex=pattern), rule))
    if column.edition_bound:
        low, high = _year_bounds(column, edition)
        found.append(
            _with_rule(
                e.ExpectColumnValuesToBeBetween(column=name, min_value=low, max_value=high),
                _edition_rule(column, edition),
            )
        )
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
        expectation = e.ExpectColumnValuesToBeInSet(column="_self_relation", value_set=[False])
        expectation.meta = {RULE: wording, REPORTED_COLUMN: "counterpart_id"}
        return [expectation]
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


MISSING = "<missing>"
REPORTED_COLUMN = "reported_column"  # meta key: the contract column a derived column stands for


def _lookup_column(ref: c.Reference) -> str:
    return f"_ref_{ref.column}"


def prepare_frame(table: c.Table, frame: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Add the derived columns the suite expects on: what each reference points at, and self-relations.

    A reference becomes a lookup (the target's org_type, or "exists"), so that one fast
    in-set expectation checks it, however many organisations there are.
    """
    prepared = frame.copy()
    for ref in table.references:
        target = frames.get(ref.table)
        key = c.TABLES[ref.table].key
        if target is None:
            found = pd.Series(MISSING, index=frame.index)
        else:
            marker = target.set_index(key)["org_type"] if ref.org_types else pd.Series("exists", index=target[key])
            marker = marker[~marker.index.duplicated()]
            found = frame[ref.column].map(marker).fillna(MISSING)
        prepared[_lookup_column(ref)] = found.where(frame[ref.column].notna(), None)
    if "counterpart_differs_from_sample" in table.row_rules:
        prepared["_self_relation"] = (frame["sample_id"] == frame["counterpart_id"]).fillna(False).astype(bool)
    return prepared


def build_suite(table: c.Table, edition: int) -> gx.ExpectationSuite:
    """The expectation suite for one contract table in one edition."""
    _context()  # GX binds suites to the active context
    suite = gx.ExpectationSuite(name=f"raw_{table.name}_{edition}")
    for column in table.columns:
        for expectation in _column_expectations(column, edition):
            suite.add_expectation(expectation)
    for ref in table.references:
        kinds = f" with org_type {' or '.join(ref.org_types)}" if ref.org_types else ""
        rule = f"must be an existing {ref.table}.{c.TABLES[ref.table].key}{kinds}"
        expectation = gx.expectations.ExpectColumnValuesToBeInSet(
            column=_lookup_column(ref), value_set=list(ref.org_types) or ["exists"]
        )
        expectation.meta = {RULE: rule, REPORTED_COLUMN: ref.column}
        suite.add_expectation(expectation)
    for rule_id in table.row_rules:
        for expectation in _row_rule_expectations(rule_id):
            suite.add_expectation(expectation)
    return suite


def validate_frame(
    table: c.Table, frame: pd.DataFrame, file: str, edition: int, frames: dict[str, pd.DataFrame]
) -> SuiteOutcome:
    """Run one table's suite; every unexpected row becomes a RawError."""
    context = _context()
    name = f"{table.name}_{edition}"
    source = context.data_sources.add_or_update_pandas(f"raw_{name}")
    asset = source.add_dataframe_asset(name)
    prepared = prepare_frame(table, frame, frames)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": prepared})
    suite = build_suite(table, edition)
    reported = [SOURCE_ROW] + [ref.column for ref in table.references]
    if "counterpart_differs_from_sample" in table.row_rules:
        reported.append("counterpart_id")
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": sorted(set(reported))}
    )
    outcome = SuiteOutcome(table.name, file, bool(result.success), len(result.results))
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        meta = config.meta or {}
        column = meta.get(REPORTED_COLUMN) or config.kwargs.get("column")
        rule = meta.get(RULE, config.type)
        unexpected = item.result.get("unexpected_index_list") or []
        outcome.failed.append(
            {
                "expectation": config.type,
                "column": column,
                "rule": rule,
                "unexpected_count": item.result.get("unexpected_count", len(unexpected)),
                "sample": sorted({_show(hit.get(column)) for hit in unexpected[:200]})[:10],
            }
        )
        for hit in unexpected:
            outcome.errors.append(RawError(file, int(hit[SOURCE_ROW]), column, f"{rule}, got {_show(hit.get(column))}"))
    return outcome


def _show(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "an empty cell"
    if isinstance(value, pd.Timestamp):
        return repr(value.date().isoformat())
    return repr(value.item() if hasattr(value, "item") else value)


def validate_edition(tables: dict[str, RawTable], edition: int) -> dict[str, SuiteOutcome]:
    """Run the suites of every table of an edition."""
    frames = {name: t.frame for name, t in tables.items()}
    return {
        name: validate_frame(c.TABLES[name], raw.frame, raw.display_path, edition, frames)
        for name, raw in tables.items()
    }
