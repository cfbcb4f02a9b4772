"""Appendices A (reconciliation with the 2020 report) and B (data quality)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ieo.reconciliation import COLUMNS
from ieo.reference import report_table
from ieo.report.blocks import (
    Link,
    Section,
    Subheading,
    Table,
    count,
    decimal,
    percent,
    table,
)
from ieo.report.reader import PublishedRelease

RECONCILIATION_ID, RECONCILIATION_HEADING = "reconciliation", "Appendix A. Reconciliation with the 2020 report"
QUALITY_ID, QUALITY_HEADING = "quality", "Appendix B. Data quality"

STATUS_ORDER = ("mismatch", "missing", "close", "exact")  # the appendix shows what differs first


def _explained(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Reconciliation rows with the figure's id without its edition, and why a known inconsistency differs."""
    treatment = report_table("report_discrepancies").set_index("discrepancy_id")["treatment"].to_dict()
    return reconciliation.assign(
        shown=reconciliation["figure"].str.split("/", n=1).str[1],
        why=[f"{d}: {treatment.get(d, '')}" if isinstance(d, str) else "" for d in reconciliation["known_discrepancy"]])


FIGURE_COLUMNS = [("printed", "report_value", lambda v: decimal(v, 4)), ("regenerated", "computed_value", lambda v: decimal(v, 4)),
                  ("relative difference", "rel_diff", percent), ("status", "status", None),
                  ("why (the report's own inconsistencies)", "why", None)]


def beside_printed_tables(sections: list[Section], release: PublishedRelease) -> None:
    """After each table the 2020 report prints, the printed and the regenerated value of every figure that differs."""
    reconciliation = release.tables.get("reconciliation")
    if reconciliation is None or reconciliation.empty:
        return
    differing = _explained(reconciliation[reconciliation["status"] != "exact"])
    for section in sections:
        blocks = []
        for block in section.blocks:
            blocks.append(block)
            if isinstance(block, Table) and block.figures:
                rows = differing[differing["shown"].str.startswith(block.figures)]
                if len(rows):
                    blocks.append(table(f"Where “{block.caption}” differs from the 2020 report", rows.assign(
                        shown=rows["shown"].str.slice(len(block.figures)).str.strip("/")),
                        [("figure", "shown", None), *FIGURE_COLUMNS]))
        section.blocks = blocks


def reconciliation_section(release: PublishedRelease) -> Section:
    section = Section(RECONCILIATION_ID, RECONCILIATION_HEADING)
    reconciliation = _explained(release.tables.get("reconciliation", pd.DataFrame(columns=COLUMNS)))
    counts = reconciliation["status"].value_counts()
    known = reconciliation["known_discrepancy"].notna()
    section.blocks.append(
        f"{len(reconciliation):,} figures printed in the 2020 report are compared with this edition's computed "
        "values: " + ", ".join(f"{counts.get(s, 0):,} {s}" for s in STATUS_ORDER)
        + f". Exact means equal at the printed precision, close within 5%. {int(known.sum()):,} of them are figures "
        "the report itself gets wrong; each names the inconsistency that explains it.")
    for status in STATUS_ORDER:
        rows = reconciliation[reconciliation["status"] == status]
        if len(rows):
            section.blocks.append(Subheading(f"{status.capitalize()} ({len(rows):,})"))
            section.blocks.append(table(f"Figures that reconcile as {status}", rows, [
                ("figure", "shown", None), ("report table", "report_table", None), *FIGURE_COLUMNS]))
    discrepancies = report_table("report_discrepancies")
    section.blocks.append(table("Inconsistencies found in the 2020 report itself", discrepancies, [
        ("id", "discrepancy_id", None), ("section", "section", None), ("table", "report_table", None),
        ("printed", "printed", None), ("what the parts give", "components", None), ("treatment", "treatment", None)]))
    warned = [c for c in release.manifest.get("checks", []) if c["status"] != "SUCCEEDED" and not c.get("blocking")]
    if warned:
        section.blocks.append("Warnings recorded by this release's checks: "
                                  + ", ".join(f"{c['check']} on {c['asset']}" for c in warned) + ".")
    return section


def quality_section(release: PublishedRelease, data_docs: str | None) -> Section:
    section = Section(QUALITY_ID, QUALITY_HEADING)
    checks = pd.DataFrame(release.manifest.get("checks", []))
    if checks.empty:
        section.blocks.append("The manifest lists no checks.")
        return section
    blocking = checks[checks["blocking"]]
    section.blocks.append(
        f"{len(checks):,} checks guarded this release: {len(blocking):,} blocking, all of which passed before "
        f"anything was published, and {len(checks) - len(blocking):,} warnings.")
    by_asset = checks.groupby(["asset", "status"]).size().rename("checks").reset_index()
    section.blocks.append(table("Checks by asset and result", by_asset, [
        ("asset", "asset", None), ("result", "status", None), ("checks", "checks", count)]))
    if data_docs:
        section.blocks.append(Link("Great Expectations Data Docs of the raw load (opens offline)", Path(data_docs).as_uri(),
                                   run_specific=True))
    return section
