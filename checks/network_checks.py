"""Checks of the published value-network statistics, recomputed from the staged inputs.

Each check reads the statistics table back from the warehouse and compares it with
plain SQL over the staging layer, so a fault in the Python graph code cannot hide
itself. They are plain functions; ``assets/network.py`` runs them as blocking checks.
"""

from __future__ import annotations

import math

import duckdb

from checks.outcome import CheckOutcome
from ieo import names

STATS_TABLE = names.TABLE[names.NETWORK_STATS].relation


def _statistics(con: duckdb.DuckDBPyConnection, edition: int) -> dict[tuple[str, str], float]:
    rows = con.execute(
        f"SELECT network, statistic, value FROM {STATS_TABLE} WHERE edition = ?", [edition]
    ).fetchall()
    return {(network, statistic): value for network, statistic, value in rows}


def _staged_counts(con: duckdb.DuckDBPyConnection, edition: int) -> dict[str, int]:
    relations, nodes, samples = con.execute(
        """
        WITH r AS (SELECT sample_id, counterpart_id FROM staging.stg_relations WHERE edition = $edition),
             ends AS (SELECT sample_id AS org_id FROM r UNION SELECT counterpart_id FROM r)
        SELECT (SELECT count(*) FROM r),
               (SELECT count(*) FROM ends),
               (SELECT count(*) FROM ends JOIN staging.stg_enterprises e
                    ON e.edition = $edition AND e.org_id = ends.org_id)
        """,
        {"edition": edition},
    ).fetchone()
    return {"graph_relations": relations, "graph_nodes": nodes, "sample_nodes": samples}


def counts_match_staged_inputs(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Sample nodes, graph nodes and relations equal the counts in staging.stg_relations / stg_enterprises."""
    stats = _statistics(con, edition)
    staged = _staged_counts(con, edition)
    published = {key: stats.get(("whole", key)) for key in staged}
    mismatched = {k: {"published": published[k], "staged": staged[k]} for k in staged if published[k] != staged[k]}
    return CheckOutcome(
        not mismatched,
        {"staged": staged, "published": published, "mismatched": mismatched},
    )


def average_degree_is_relations_per_node(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """The report's average degree equals graph relations / graph nodes in every network."""
    stats = _statistics(con, edition)
    wrong = {}
    for network in sorted({n for n, _ in stats}):
        nodes, relations = stats.get((network, "graph_nodes")), stats.get((network, "graph_relations"))
        degree = stats.get((network, "average_degree_report"))
        expected = relations / nodes if nodes else math.nan
        if degree is None or not math.isclose(degree, expected, rel_tol=1e-12):
            wrong[network] = {"published": degree, "relations_per_node": expected}
    return CheckOutcome(
        not wrong,
        {"mismatched": wrong},
    )


def clustering_in_unit_interval(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """Every average clustering coefficient lies in [0, 1]."""
    stats = _statistics(con, edition)
    values = {f"{n}.{s}": v for (n, s), v in stats.items() if s.startswith("average_clustering")}
    bad = {k: v for k, v in values.items() if v is None or not 0.0 <= v <= 1.0}
    return CheckOutcome(
        bool(values) and not bad,
        {"values": values, "out_of_range": bad},
    )


def path_length_finite_and_at_least_one(con: duckdb.DuckDBPyConnection, edition: int) -> CheckOutcome:
    """The average path length of every network is finite and at least 1."""
    stats = _statistics(con, edition)
    values = {n: v for (n, s), v in stats.items() if s == "average_path_length"}
    bad = {n: v for n, v in values.items() if v is None or not (math.isfinite(v) and v >= 1.0)}
    return CheckOutcome(
        bool(values) and not bad,
        {"values": values, "invalid": bad},
    )


NETWORK_STATISTICS_CHECKS = (
    counts_match_staged_inputs,
    average_degree_is_relations_per_node,
    clustering_in_unit_interval,
    path_length_finite_and_at_least_one,
)
