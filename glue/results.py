"""Plain check outcomes as Dagster check results, with the same metadata keys everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dagster as dg

from checks.outcome import CheckOutcome
from ieo.warehouse import connect

OWNER = "team:data-engineering"
FOUND = "found"  # the metadata key under which every check's findings are shown


def check_result(outcome: CheckOutcome, *, blocking: bool = True, key: dg.AssetKey | None = None,
                 name: str | None = None) -> dg.AssetCheckResult:
    """One outcome as a check result; blocking checks fail with ERROR severity, the others warn."""
    return dg.AssetCheckResult(
        asset_key=key, check_name=name, passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        metadata={FOUND: dg.MetadataValue.json(outcome.found)},
    )


def run_checks(warehouse, edition: int, key: dg.AssetKey,
               checks: Iterable[Callable[..., CheckOutcome]]) -> list[dg.AssetCheckResult]:
    """Run plain checks (functions of a DuckDB connection and an edition) as blocking results on ``key``."""
    con = connect(warehouse)
    try:
        return [check_result(check(con, edition), key=key, name=check.__name__) for check in checks]
    finally:
        con.close()
