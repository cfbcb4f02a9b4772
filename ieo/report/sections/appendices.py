"""Appendices A (reconciliation with the 2020 report) and B (data quality)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ieo.reference import report_table
from ieo.report.blocks import (
    Link,
    Section,
    count,
    decimal,
    percent,
    table,
)
from ieo.report.reader import PublishedRelease

RECONCILIATION_ID, RECONCILIATION_HEADING = "reconciliation", "Appendix A. Reconciliation with the 2020 report"
QUALITY_ID, QUALITY_HEADING = "quality", "Appendix B. Data quality"

def reconciliation_section(release: PublishedRelease) -> Section:
    section = Section(RECONCILIATION_ID, RECONCILIATION_HEADING)
    reconciliation = release.tables.get("reconciliation", pd.DataFrame(columns=["status"]))
    counts = reconciliation["status"].value_counts()
    section.blocks.append(
        f"{len(reconciliation):,} figures printed in the 2020 report are compared with this edition's computed "
        "values: " + ", ".join(f"{counts.get(s, 0):,} {s}" for s in ("exact", "close", "mismatch", "missing"))
        + ". Close means within 5%; the synthetic sample reproduces the report's totals, not every ranked list.")
    section.blocks.append(table("Reconciliation, figure by figure", reconciliation, [
        ("figure", "figure", None), ("report table", "report_table", None), ("report", "report_value", lambda v: decimal(v, 4)),
        ("computed", "computed_value", lambda v: decimal(v, 4)), ("relative difference", "rel_diff", percent),
        ("status", "status", None)]))
    discrepancies = report_table("report_discrepancies")
    section.blocks.append(table("Inconsistencies found in the 2020 report itself", discrepancies, [
        ("section", "section", None), ("table", "report_table", None), ("printed", "printed", None),
        ("what the parts give", "components", None), ("treatment", "treatment", None)]))
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
