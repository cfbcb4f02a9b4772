"""The Great Expectations suites, generated from the raw-data contract for one edition.

Every column rule of ``ieo.contract`` becomes an expectation on its column; the rules one column
cannot express (references, self-relations, taxonomy lists) are expectations on derived columns
that each validation engine computes (``checks.engines``), under the names given here.
Each expectation carries its human wording (meta ``rule``) and, for a derived column, the
contract column it stands for (meta ``reported_column``), so every finding names a real column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import great_expectations as gx
import pandas as pd
from great_expectations.expectations.row_conditions import Column as RowColumn

from checks.outcome import SuiteOutcome
from ieo import contract as c
from ieo.raw_reader import SOURCE_ROW, RawError
from ieo.reference import country_lookup, province_lookup, taxonomy_lookup

RULE = "rule"  # the meta key holding the human wording of an expectation
REPORTED_COLUMN = "reported_column"  # meta key: the contract column a derived column stands for
SAMPLE_SIZE = 10  # bad values shown per failed expectation
MISSING = "<missing>"  # what a reference that points at nothing resolves to
SELF_RELATION = "_self_relation"


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
        rule = f"expected one or more {column.taxonomy} values separated by '{c.LIST_SEPARATOR}'"
        expectation = e.ExpectColumnValuesToBeInSet(column=known_column(column.name), value_set=[True])
        expectation.meta = {RULE: rule, REPORTED_COLUMN: name}
        found.append(expectation)
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


def _province_iff_domestic_cn(wording: str) -> list:
    e = gx.expectations
    return [
        _with_rule(e.ExpectColumnValuesToNotBeNull(column="province", row_condition=RowColumn("country") == "CN"),
                   "a province is required when country is CN"),
        _with_rule(e.ExpectColumnValuesToBeNull(column="province", row_condition=RowColumn("country") != "CN"),
                   "province must be empty when country is not CN"),
    ]


def _counterpart_differs_from_sample(wording: str) -> list:
    expectation = gx.expectations.ExpectColumnValuesToBeInSet(column=SELF_RELATION, value_set=[False])
    expectation.meta = {RULE: wording, REPORTED_COLUMN: "counterpart_id"}
    return [expectation]


def _amount_only_for_money_relations(wording: str) -> list:
    condition = RowColumn("relation_type").is_not_in(list(c.MONEY_RELATION_TYPES))
    return [_with_rule(gx.expectations.ExpectColumnValuesToBeNull(column="amount_cny", row_condition=condition), wording)]


@dataclass(frozen=True)
class RowRule:
    """A contract row rule in every form the engines need: its expectations and, when the rule needs a
    derived column, that column computed on a pandas frame and in SQL (the contract's violation predicate)."""

    expectations: Callable[[str], list]
    derived_column: str | None = None
    pandas: Callable[[pd.DataFrame], pd.Series] | None = None
    sql: str | None = None


ROW_RULES = {
    "province_iff_domestic_cn": RowRule(_province_iff_domestic_cn),
    "counterpart_differs_from_sample": RowRule(
        _counterpart_differs_from_sample, SELF_RELATION,
        pandas=lambda frame: (frame["sample_id"] == frame["counterpart_id"]).fillna(False).astype(bool),
        sql=c.ROW_RULES["counterpart_differs_from_sample"].violation_sql),
    "amount_only_for_money_relations": RowRule(_amount_only_for_money_relations),
}


def lookup_column(ref: c.Reference) -> str:
    return f"_ref_{ref.column}"


def known_column(name: str) -> str:
    return f"_known_{name}"


def build_suite(table: c.Table, edition: int) -> gx.ExpectationSuite:
    """The expectation suite for one contract table in one edition."""
    suite = gx.ExpectationSuite(name=f"raw_{table.name}_{edition}")
    for column in table.columns:
        for expectation in _column_expectations(column, edition):
            suite.add_expectation(expectation)
    for ref in table.references:
        kinds = f" with org_type {' or '.join(ref.org_types)}" if ref.org_types else ""
        rule = f"must be an existing {ref.table}.{c.TABLES[ref.table].key}{kinds}"
        expectation = gx.expectations.ExpectColumnValuesToBeInSet(
            column=lookup_column(ref), value_set=list(ref.org_types) or ["exists"]
        )
        expectation.meta = {RULE: rule, REPORTED_COLUMN: ref.column}
        suite.add_expectation(expectation)
    for rule_id in table.row_rules:
        for expectation in ROW_RULES[rule_id].expectations(c.ROW_RULES[rule_id].wording):
            suite.add_expectation(expectation)
    return suite


def _raised(exception_info: dict) -> str | None:
    """The message of an error GX caught while running an expectation, in either form it reports one: the
    expectation's own, or one entry per metric (a failed metric query), which would otherwise pass for an
    expectation that failed on no row."""
    reports = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    for report in reports:
        if isinstance(report, dict) and report.get("raised_exception"):
            return str(report.get("exception_message") or "no message")
    return None


def findings(table: c.Table, file: str, result) -> SuiteOutcome:
    """Turn a GX validation result into failed expectations (count, sample of bad values) and row errors."""
    outcome = SuiteOutcome(table.name, file, bool(result.success), len(result.results))
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        meta = config.meta or {}
        column = meta.get(REPORTED_COLUMN) or config.kwargs.get("column")
        rule = meta.get(RULE, config.type)
        message = _raised(item.exception_info)
        if message is not None:
            raise RuntimeError(f"{file}: expectation {config.type} on {column} could not run: {message}")
        unexpected = sorted(item.result.get("unexpected_index_list") or [], key=lambda hit: hit[SOURCE_ROW])
        outcome.failed.append(
            {
                "expectation": config.type,
                "column": column,
                "rule": rule,
                "unexpected_count": item.result.get("unexpected_count", len(unexpected)),
                "sample_rows": [int(hit[SOURCE_ROW]) for hit in unexpected[:SAMPLE_SIZE]],
                "sample_values": list(dict.fromkeys(_show(hit.get(column)) for hit in unexpected))[:SAMPLE_SIZE],
            }
        )
        for hit in unexpected:
            outcome.errors.append(RawError(file, int(hit[SOURCE_ROW]), column, f"{rule}, got {_show(hit.get(column))}"))
    return outcome


def reported_columns(table: c.Table) -> list[str]:
    reported = {SOURCE_ROW, *(ref.column for ref in table.references)}
    reported.update(col.name for col in table.columns if col.kind == c.TAXONOMY_LIST)
    if "counterpart_differs_from_sample" in table.row_rules:
        reported.add("counterpart_id")
    return sorted(reported)


def _show(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "an empty cell"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return repr(value.date().isoformat())
    if isinstance(value, dt.date):
        return repr(value.isoformat())
    return repr(value.item() if hasattr(value, "item") else value)
