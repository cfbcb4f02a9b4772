"""What every asset module shares: the owner, and running plain checks as Dagster check results."""

import dagster as dg

from ieo.warehouse import connect
from orchestration.resources import IeoSettings

OWNER = "team:data-engineering"


def check_results(settings: IeoSettings, edition: int, key: dg.AssetKey, checks) -> list[dg.AssetCheckResult]:
    """Run plain checks (functions of a DuckDB connection and an edition) as results on ``key``."""
    con = connect(settings.warehouse_path)
    try:
        return [
            dg.AssetCheckResult(asset_key=key, check_name=check.__name__, passed=outcome.passed,
                                metadata={"details": dg.MetadataValue.json(outcome.metadata)})
            for check in checks
            for outcome in [check(con, edition)]
        ]
    finally:
        con.close()
