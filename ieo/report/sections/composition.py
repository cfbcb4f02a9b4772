"""Section I: the sample database by kind of subject, across the editions published."""

from __future__ import annotations

from ieo.report import charts
from ieo.report.blocks import (
    Section,
    change,
    count,
    table,
)
from ieo.report.reader import PublishedRelease

SECTION_ID = "composition"
HEADING = "I. Sample composition"


def composition_section(release: PublishedRelease, history: dict[int, PublishedRelease]) -> Section:
    section = Section(SECTION_ID, HEADING)
    editions = sorted(history) + [release.edition]
    frames = {e: (history[e] if e in history else release).tables["sample_composition"] for e in editions}
    keys = ["subject_type", "subtype"]
    wide = frames[release.edition][keys].copy()
    for edition, frame in frames.items():
        wide = wide.merge(frame[keys + ["subject_count"]].rename(columns={"subject_count": edition}), on=keys, how="left")
    columns = [("subject", "subject_type", None), ("subtype", "subtype", None)]
    columns += [(str(e), e, count) for e in editions]
    if len(editions) > 1:
        wide["change"] = wide[release.edition] - wide[editions[-2]]
        columns.append((f"change vs {editions[-2]}", "change", change))
    totals = {e: int(frames[e]["subject_count"].sum()) for e in editions}
    section.blocks.append(
        f"The sample database of edition {release.edition} holds {totals[release.edition]:,} subjects of five kinds. "
        + (f"Editions shown: {', '.join(map(str, editions))}." if len(editions) > 1 else "Only this edition is published.")
    )
    section.blocks.append(table("Sample composition by edition", wide, columns,
                                note="Totals per edition: " + ", ".join(f"{e}: {t:,}" for e, t in totals.items()),
                                figures="sample_"))
    labels = wide["subject_type"] + " / " + wide["subtype"]
    section.blocks.append(charts.grouped_bars("composition", "Subjects by kind and edition",
                                              wide.set_index(labels)[editions], "subjects"))
    return section
