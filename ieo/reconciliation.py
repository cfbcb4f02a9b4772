"""Reconciliation: every figure the report prints beside the figure the pipeline computes.

The report's figures are the seeds in ``dbt_project/seeds/report`` (with their section and
table title in ``report_tables``). A figure is *exact* when the computed value, rounded to
the printed precision, equals the printed one; *close* when it is within ``CLOSE_TOLERANCE``
relative difference; *mismatch* otherwise; *missing* when the pipeline has no such figure.
Figures the report itself gets wrong carry the id of the ``report_discrepancies`` row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ieo.reference import (
    DIMENSION_LOOKUPS,
    industry_code,
    named_organization,
    region_code,
    report_table,
)

CLOSE_TOLERANCE = 0.05
EXACT, CLOSE, MISMATCH, MISSING = "exact", "close", "mismatch", "missing"
COLUMNS = ["figure", "section", "report_table", "report_value", "computed_value", "abs_diff", "rel_diff", "status",
           "known_discrepancy"]


@dataclass(frozen=True)
class Computed:
    """The computed tables reconciliation reads, for one edition (marts and network tables by id)."""

    edition: int
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def _status(report: float, computed: float | None, decimals: int) -> tuple[str, float, float]:
    if computed is None or pd.isna(computed):
        return MISSING, np.nan, np.nan
    diff = computed - report
    rel = abs(diff) / abs(report) if report else (0.0 if diff == 0 else np.inf)
    if round(computed, decimals) == round(report, decimals):
        return EXACT, abs(diff), rel
    return (CLOSE if rel <= CLOSE_TOLERANCE else MISMATCH), abs(diff), rel


class _Rows:
    """Collects figure rows for one report seed."""

    def __init__(self, seed: str, edition: int):
        meta = report_table("report_tables").set_index("seed").loc[seed]
        self.section, self.title, self.edition, self.rows = meta["section"], meta["table_title"], edition, []
        self.known = _known_discrepancies()

    def add(self, figure: str, report: float, computed: float | None, decimals: int = 0) -> None:
        status, abs_diff, rel_diff = _status(float(report), None if computed is None else float(computed), decimals)
        figure = f"{self.edition}/{figure}"
        self.rows.append({"figure": figure, "section": self.section, "report_table": self.title,
                          "report_value": float(report), "computed_value": computed, "abs_diff": abs_diff,
                          "rel_diff": rel_diff, "status": status, "known_discrepancy": self.known.get(figure)})


def _known_discrepancies() -> dict[str, str]:
    """figure id -> the report_discrepancies row that explains why it cannot match."""
    table = report_table("report_discrepancies")
    known = {}
    for row in table.itertuples(index=False):
        for figure in str(row.figures).split("|") if isinstance(row.figures, str) else []:
            known[figure.strip()] = row.discrepancy_id
    return known


def _seed(name: str, edition: int) -> pd.DataFrame:
    table = report_table(name)
    return table[table["edition"].astype(int) == edition]


def _lookup(frame: pd.DataFrame, key: dict, column: str):
    mask = np.ones(len(frame), dtype=bool)
    for name, value in key.items():
        mask &= frame[name].astype(str).to_numpy() == str(value)
    hit = frame[mask]
    return hit[column].iloc[0] if len(hit) else None


def sample_composition(c: Computed) -> list[dict]:
    rows = _Rows("report_sample_composition", c.edition)
    for r in _seed("report_sample_composition", c.edition).itertuples():
        computed = _lookup(c["sample_composition"], {"subject_type": r.subject_type, "subtype": r.subtype}, "subject_count")
        rows.add(f"sample_composition/{r.subject_type}/{r.subtype}", r.subject_count, computed)
    totals = _Rows("report_sample_totals", c.edition)
    composition = c["sample_composition"]
    for r in _seed("report_sample_totals", c.edition).itertuples():
        if r.scope == "all":
            computed = composition["subject_count"].sum() if len(composition) else None
        else:
            computed = composition.loc[composition["subject_type"] == r.scope, "subject_count"].sum() or None
        totals.add(f"sample_totals/{r.scope}", r.printed_total, computed)
    return rows.rows + totals.rows


def relation_summary(c: Computed) -> list[dict]:
    rows = _Rows("report_relation_summary", c.edition)
    computed = c["relation_summary"]
    for r in _seed("report_relation_summary", c.edition).itertuples():
        key = {"relation_type": r.relation_type}
        for column in ("relation_count", "domestic_count", "overseas_count"):
            if pd.notna(getattr(r, column)):
                rows.add(f"relation_summary/{r.relation_type}/{column}", getattr(r, column), _lookup(computed, key, column))
        for printed, share_column in (("printed_domestic_percent", "domestic_share"),
                                      ("printed_overseas_percent", "overseas_share"),
                                      ("printed_share_of_group_percent", "share_of_group")):
            if pd.notna(getattr(r, printed)):
                share = _lookup(computed, key, share_column)
                rows.add(f"relation_summary/{r.relation_type}/{share_column}_percent", getattr(r, printed),
                         None if share is None else share * 100, decimals=2)
    return rows.rows


def tech_layers(c: Computed) -> list[dict]:
    rows = _Rows("report_tech_layers", c.edition)
    for r in _seed("report_tech_layers", c.edition).itertuples():
        key = {"tech_layer": r.tech_layer}
        rows.add(f"enterprise_by_tech_layer/{r.tech_layer}/count", r.enterprise_count,
                 _lookup(c["enterprise_by_tech_layer"], key, "enterprise_count"))
        share = _lookup(c["enterprise_by_tech_layer"], key, "share_of_enterprises")
        rows.add(f"enterprise_by_tech_layer/{r.tech_layer}/percent", r.printed_share_percent,
                 None if share is None else share * 100, decimals=2)
    return rows.rows


def technology_top10(c: Computed) -> list[dict]:
    rows = _Rows("report_technology_relations_top10", c.edition)
    for r in _seed("report_technology_relations_top10", c.edition).itertuples():
        code = DIMENSION_LOOKUPS[r.dimension]().resolve(r.report_label)
        table = c[f"technology_relations_by_{r.dimension}_top10"]
        key = {"direction": r.direction, "dimension_value": code}
        figure = f"technology_relations_by_{r.dimension}_top10/{r.direction}/{code or r.report_label}"
        rows.add(f"{figure}/count", r.relation_count, _lookup(table, key, "relation_count"))
        share = _lookup(table, key, "share_of_direction")
        rows.add(f"{figure}/percent", r.printed_share_percent, None if share is None else share * 100, decimals=2)
    return rows.rows


def value_network_stats(c: Computed) -> list[dict]:
    rows = _Rows("report_value_network_stats", c.edition)
    stats = c["value_network_stats"]
    whole = stats[stats["network"] == "whole"]
    for r in _seed("report_value_network_stats", c.edition).itertuples():
        printed = str(r.printed_value)
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        rows.add(f"value_network_stats/{r.statistic}", float(printed),
                 _lookup(whole, {"statistic": r.statistic}, "value"), decimals)
    return rows.rows


def _name_matches(names: pd.Series, label: str) -> np.ndarray:
    wanted = {label.casefold(), str(named_organization(label) or "").casefold()} - {""}
    return names.astype(str).str.casefold().isin(wanted).to_numpy()


def _value_for_name(table: pd.DataFrame, label: str, column: str, **key):
    """``column`` of the row whose organisation the report calls ``label`` (and matching ``key``), if any."""
    mask = _name_matches(table["name"], label).copy()
    for name, value in key.items():
        mask &= (table[name] == value).to_numpy()
    hit = table[mask]
    return hit[column].iloc[0] if len(hit) else None


def top_lists(c: Computed) -> list[dict]:
    weighted = _Rows("report_weighted_degree_top", c.edition)
    tables = {"whole": c["weighted_degree_top30"], "application_layer": c["application_layer_weighted_degree_top15"]}
    for r in _seed("report_weighted_degree_top", c.edition).itertuples():
        weighted.add(f"weighted_degree/{r.network}/{r.node_role}/{r.report_label}", r.weighted_degree,
                     _value_for_name(tables[r.network], r.report_label, "weighted_degree", node_role=r.node_role))
    technology = _Rows("report_technology_io_top30", c.edition)
    for r in _seed("report_technology_io_top30", c.edition).itertuples():
        technology.add(f"technology_io/{r.direction}/{r.report_label}", r.relation_count, _value_for_name(
            c["technology_input_output_top30"], r.report_label, "relation_count", direction=r.direction))
    rd = _Rows("report_rd_intensity_top20_listed", c.edition)
    for r in _seed("report_rd_intensity_top20_listed", c.edition).itertuples():
        intensity = _value_for_name(c["rd_intensity_top20_listed"], r.report_label, "rd_intensity")
        rd.add(f"rd_intensity/{r.report_label}", r.printed_rd_intensity_percent,
               None if intensity is None else intensity * 100, decimals=2)
    return weighted.rows + technology.rows + rd.rows


EGO_TABLES = {"region": "ego_technology_regions_top5", "industry": "ego_technology_industries_top5"}


def ego_tables(c: Computed) -> list[dict]:
    """The focal unicorns' top-5 regions and industries: each printed share, and each printed count of an industry."""
    rows = _Rows("report_ego_top5", c.edition)
    resolve = {"region": region_code, "industry": industry_code}
    for r in _seed("report_ego_top5", c.edition).itertuples():
        code = resolve[r.dimension](r.report_label)
        table = c[EGO_TABLES[r.dimension]]
        figure = f"ego_{r.dimension}/{r.focal_label}/{r.direction}/{code or r.report_label}"
        key = {"direction": r.direction, f"{r.dimension}_code": code}
        mask = _name_matches(table["focal_name"], r.focal_label)
        share = _lookup(table[mask], key, "share")
        if pd.notna(r.relation_count) and str(r.relation_count).strip():
            rows.add(f"{figure}/count", r.relation_count, _lookup(table[mask], key, "relation_count"))
        rows.add(f"{figure}/percent", r.printed_share_percent, None if share is None else share * 100, decimals=2)
    return rows.rows


COMPARISONS = (sample_composition, relation_summary, tech_layers, technology_top10, value_network_stats, top_lists,
               ego_tables)


def reconcile(computed: Computed) -> pd.DataFrame:
    """The reconciliation table of one edition; empty when the report prints nothing for it."""
    rows = [row for comparison in COMPARISONS for row in comparison(computed)]
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(table: pd.DataFrame) -> dict[str, int]:
    return {status: int((table["status"] == status).sum()) for status in (EXACT, CLOSE, MISMATCH, MISSING)}
