"""The report of one release: every table and chart of the 2020 report, from the release's own files.

``render_report`` reads only a published release folder (and earlier editions' releases
beside it, for year-over-year changes), so the report always says what the data says. Each
section (``ieo.report.sections``) sees only the tables and columns ``ieo.names.REPORT_INPUTS``
declares for it. The HTML is one self-contained file: charts are inline PNG, styles inline, no scripts.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import nullcontext
from pathlib import Path

from ieo.report import render_template
from ieo.report.blocks import Section
from ieo.report.charts import charts_kept_in
from ieo.report.reader import PublishedRelease, earlier_releases
from ieo.report.sections import (
    appendices,
    composition,
    converged,
    ecosystem,
    foundation,
    index,
    network,
)

REPORT_FILE = "report.html"
# Paragraphs that name the run (its id, its raw load's Data Docs): the only run-specific bytes of a report.
RUN_SPECIFIC = re.compile(rb'<p class="run-specific">.*?</p>', re.S)
SECTIONS = {module.SECTION_ID: module.HEADING for module in (composition, foundation, network, ecosystem, converged, index)}
SECTIONS.update({appendices.RECONCILIATION_ID: appendices.RECONCILIATION_HEADING,
                 appendices.QUALITY_ID: appendices.QUALITY_HEADING})


def build_sections(release: PublishedRelease, history: dict[int, PublishedRelease] | None = None) -> list[Section]:
    """Every section of the report, in order, with its tables and charts (``history``: earlier releases)."""
    history = earlier_releases(release) if history is None else history

    def view(section: str) -> tuple[PublishedRelease, dict[int, PublishedRelease], PublishedRelease | None]:
        earlier = {edition: r.section(section) for edition, r in history.items()}
        return release.section(section), earlier, earlier.get(release.edition - 1)

    sections = [
        composition.composition_section(*view(composition.SECTION_ID)[:2]),
        foundation.foundation_section(*view(foundation.SECTION_ID)[::2]),
        network.network_section(*view(network.SECTION_ID)[::2]),
        ecosystem.ecosystem_section(view(ecosystem.SECTION_ID)[0]),
        converged.converged_section(view(converged.SECTION_ID)[0]),
        index.index_section(*view(index.SECTION_ID)[::2]),
        appendices.reconciliation_section(view(appendices.RECONCILIATION_ID)[0]),
        appendices.quality_section(view(appendices.QUALITY_ID)[0], release.manifest.get("run", {}).get("raw_data_docs")),
    ]
    appendices.beside_printed_tables(sections, view(appendices.RECONCILIATION_ID)[0])
    return sections


def render_report(release_dir: Path, chart_folder: Path | None = None) -> str:
    """The report of the release in ``release_dir``, with earlier editions' releases beside it for history; with
    ``chart_folder``, charts drawn before from the same figures are read back from it (``charts_kept_in``)."""
    release = PublishedRelease.read(Path(release_dir))
    history = earlier_releases(release)
    with charts_kept_in(chart_folder) if chart_folder is not None else nullcontext():
        sections = build_sections(release, history)
    previous = release.edition - 1 if release.edition - 1 in history else None
    return render_template(
        "report.html.j2", edition=release.edition, sections=sections, manifest=release.manifest, previous_edition=previous,
        run=release.manifest.get("run", {}),
    )


def write_report(release_dir: Path, chart_folder: Path | None = None) -> tuple[Path, float]:
    """Render and write ``report.html`` into the release folder atomically; returns its path and render seconds."""
    started = time.perf_counter()
    html = render_report(release_dir, chart_folder)
    elapsed = time.perf_counter() - started
    target = Path(release_dir) / REPORT_FILE
    staging = target.with_suffix(".html.tmp")
    staging.write_text(html, encoding="utf-8")
    os.replace(staging, target)
    return target, elapsed
