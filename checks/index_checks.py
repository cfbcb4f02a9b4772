"""Checks of the published index, read back from the warehouse and compared with the inputs.

Plain functions over a DuckDB connection; ``assets/index.py`` runs them as blocking checks,
so a failing one stops the release.
"""

from __future__ import annotations

import duckdb

from checks.outcome import CheckOutcome
from ieo import names
from ieo.index.weights import WeightHierarchyError, tree_from_frame

SCHEMA = names.INDEX


def weights_hierarchy_valid(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Children's weights sum to their parent's within 0.0005, no parent is missing and no weight is negative."""
    frame = con.execute(f"SELECT * FROM {SCHEMA}.weights WHERE edition = ?", [edition]).df()
    try:
        _tree, rounding = tree_from_frame(frame, "published")
    except WeightHierarchyError as error:
        return CheckOutcome(False, {"error": str(error)})
    return CheckOutcome(True, {
        "nodes": len(frame),
        "rounding_differences": [
            {"parent": r.parent_id, "printed": r.parent_weight, "children_sum": round(r.children_sum, 6),
             "known_as": "report_discrepancies: index_weight_rounding"} for r in rounding
        ],
    })


def every_province_scored(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Every province of the reference list has exactly one finite score and a rank."""
    missing, duplicated, unscored = con.execute(
        f"""
        WITH scored AS (SELECT province_code, score, rank FROM {SCHEMA}.competitiveness_index WHERE edition = $edition)
        SELECT
            (SELECT array_sort(array_agg(province_code)) FROM reference.provinces
              WHERE province_code NOT IN (SELECT province_code FROM scored)),
            (SELECT array_sort(array_agg(province_code))
               FROM (SELECT province_code FROM scored GROUP BY 1 HAVING count(*) > 1)),
            (SELECT array_sort(array_agg(province_code)) FROM scored WHERE score IS NULL OR isnan(score) OR rank IS NULL)
        """,
        {"edition": edition},
    ).fetchone()
    return CheckOutcome(not (missing or duplicated or unscored),
                        {"missing": missing or [], "duplicated": duplicated or [], "unscored": unscored or []})


def ranks_follow_scores(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Rank 1 is the highest score and equal scores share a rank (competition ranking)."""
    wrong = con.execute(
        f"""
        SELECT array_sort(array_agg(province_code)) FROM (
            SELECT province_code, rank,
                   rank() OVER (ORDER BY round(score, 9) DESC) AS expected
            FROM {SCHEMA}.competitiveness_index WHERE edition = ?
        ) WHERE rank <> expected
        """,
        [edition],
    ).fetchone()[0]
    return CheckOutcome(not wrong, {"provinces_out_of_order": wrong or []})


def contributions_add_up(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Under arithmetic aggregation, each province's indicator contributions sum to its score."""
    rows = con.execute(
        f"""
        SELECT i.province_code, sum(i.contribution) AS total, any_value(c.score) AS score,
               count(i.contribution) AS counted
        FROM {SCHEMA}.indicators AS i
        JOIN {SCHEMA}.competitiveness_index AS c USING (edition, province_code)
        WHERE i.edition = ? GROUP BY 1
        """,
        [edition],
    ).fetchall()
    if all(counted == 0 for *_rest, counted in rows):
        return CheckOutcome(True, {"skipped": "geometric aggregation has no additive contributions"})
    off = {code: {"contributions": total, "score": score} for code, total, score, _ in rows
           if abs(total - score) > 1e-6 * max(1.0, abs(score))}
    return CheckOutcome(not off, {"provinces": len(rows), "mismatched": off})


WEIGHT_CHECKS = (weights_hierarchy_valid,)
INDEX_CHECKS = (every_province_scored, ranks_follow_scores, contributions_add_up)
