"""Checks of an edition beyond its own raw files: across tables, against the previous edition,
and against the survey calendar. Plain functions over a DuckDB connection; assets/quality.py
attaches them to the assets they guard.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from checks.outcome import CheckOutcome
from ieo import contract, names
from ieo.warehouse import current_load_files

WARN_CHANGE = 0.5  # a subject count moving by more than half from the previous edition is worth a look

# The raw counts behind each row of the sample-composition mart, read straight from the raw layer.
RAW_SUBJECT_COUNTS = """
    SELECT 'enterprise' AS subject_type, category AS subtype, count(*) AS n FROM raw.enterprises
        WHERE edition = $edition GROUP BY ALL
    UNION ALL SELECT 'investor', 'investor', count(*) FROM raw.investors WHERE edition = $edition
    UNION ALL SELECT 'research', o.org_type, count(*) FROM raw.research_institutions AS r
        JOIN raw.organizations AS o ON o.edition = r.edition AND o.org_id = r.org_id
        WHERE r.edition = $edition GROUP BY ALL
    UNION ALL SELECT 'linker', 'conference', count(*) FROM raw.conferences WHERE edition = $edition
    UNION ALL SELECT 'linker', 'alliance', count(*) FROM raw.alliances WHERE edition = $edition
    UNION ALL SELECT 'government', 'policy', count(*) FROM raw.policies WHERE edition = $edition
    UNION ALL SELECT 'government', 'industrial_park', count(*) FROM raw.industrial_parks WHERE edition = $edition
"""


def _counts(con: duckdb.DuckDBPyConnection, edition: int) -> dict[str, int]:
    rows = con.execute(RAW_SUBJECT_COUNTS, {"edition": edition}).fetchall()
    return {f"{kind}/{subtype}": n for kind, subtype, n in rows if n}


def subject_counts_match_sample_composition(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Every subject count of the sample-composition mart equals the count of rows in the raw tables."""
    raw = _counts(con, edition)
    mart = {f"{kind}/{subtype}": n for kind, subtype, n in con.execute(
        "SELECT subject_type, subtype, subject_count FROM marts.sample_composition WHERE edition = ?", [edition]
    ).fetchall()}
    differing = {k: {"raw": raw.get(k), "mart": mart.get(k)} for k in sorted(raw.keys() | mart.keys())
                 if raw.get(k) != mart.get(k)}
    return CheckOutcome(not differing, {"subjects": len(raw), "differing": differing})


def relations_are_well_formed(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """No relation links an organisation to itself, and amount_cny appears only on money relations (investment,
    financing): the contract's row rules, checked again on the staged relations with the contract's own SQL."""
    self_relation = contract.ROW_RULES["counterpart_differs_from_sample"].violation_sql
    stray_amount = contract.ROW_RULES["amount_only_for_money_relations"].violation_sql
    self_links, stray_amounts = con.execute(
        f"""SELECT array_agg(relation_id) FILTER (WHERE {self_relation}),
                   array_agg(relation_id) FILTER (WHERE {stray_amount})
            FROM {names.STAGING}.stg_relations WHERE edition = ?""",
        [edition],
    ).fetchone()
    self_links, stray_amounts = self_links or [], stray_amounts or []
    return CheckOutcome(not (self_links or stray_amounts), {
        "self_relations": len(self_links), "self_relation_ids": self_links[:20],
        "amounts_on_other_types": len(stray_amounts), "amount_relation_ids": stray_amounts[:20]})


def _previous_loaded(con: duckdb.DuckDBPyConnection, edition: int) -> bool:
    return bool(con.execute("SELECT count(*) FROM raw.organizations WHERE edition = ?", [edition - 1]).fetchone()[0])


def org_types_stable_across_editions(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """An org_id keeps the org_type it had in the previous edition."""
    if not _previous_loaded(con, edition):
        return CheckOutcome(True, {"previous_edition": None, "note": f"edition {edition - 1} is not loaded"})
    changed = con.execute(
        """SELECT c.org_id, p.org_type AS before, c.org_type AS now
           FROM raw.organizations AS c JOIN raw.organizations AS p
             ON p.org_id = c.org_id AND p.edition = c.edition - 1
           WHERE c.edition = ? AND p.org_type <> c.org_type ORDER BY c.org_id""",
        [edition],
    ).fetchall()
    return CheckOutcome(not changed, {"previous_edition": edition - 1, "changed": len(changed),
                                      "examples": [{"org_id": o, "before": b, "now": n} for o, b, n in changed[:20]]})


def cumulative_counts_do_not_decrease(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Policies and industrial parks are cumulative: an edition never has fewer than the previous one."""
    if not _previous_loaded(con, edition):
        return CheckOutcome(True, {"previous_edition": None, "note": f"edition {edition - 1} is not loaded"})
    counts = {}
    for table in ("policies", "industrial_parks"):
        before, now = con.execute(
            f"""SELECT count(*) FILTER (WHERE edition = $previous), count(*) FILTER (WHERE edition = $edition)
                FROM raw.{table}""",
            {"previous": edition - 1, "edition": edition},
        ).fetchone()
        counts[table] = {"previous": before, "current": now}
    fewer = {t: c for t, c in counts.items() if c["current"] < c["previous"]}
    return CheckOutcome(not fewer, {"previous_edition": edition - 1, "counts": counts, "decreased": fewer})


def subject_counts_change_under_half(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """No subject count moves by more than 50% from the previous edition (a warning: samples do grow)."""
    if not _previous_loaded(con, edition):
        return CheckOutcome(True, {"previous_edition": None, "note": f"edition {edition - 1} is not loaded"})
    before, now = _counts(con, edition - 1), _counts(con, edition)
    moved = {}
    for key in sorted(before.keys() | now.keys()):
        previous, current = before.get(key, 0), now.get(key, 0)
        change = (current - previous) / previous if previous else float("inf")
        if abs(change) > WARN_CHANGE:
            moved[key] = {"previous": previous, "current": current, "change": round(change, 4)}
    return CheckOutcome(not moved, {"previous_edition": edition - 1, "moved_by_more_than_half": moved})


def raw_files_are_fresh(con: duckdb.DuckDBPyConnection, edition: int, survey_date: dt.date) -> CheckOutcome:
    """The current load's raw files were written on or after the survey date (a warning)."""
    rows = list(current_load_files(con, edition)[["table_name", "source_file"]].itertuples(index=False))
    stale = {}
    for table, source in rows:
        path = Path(source)
        if path.exists():
            written = dt.datetime.fromtimestamp(path.stat().st_mtime).date()
            if written < survey_date:
                stale[table] = written.isoformat()
    return CheckOutcome(not stale, {"survey_date": survey_date.isoformat(), "files": len(rows), "older": stale})
