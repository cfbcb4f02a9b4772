"""`ieo spark up|down|status`, and the check `ieo run --engine spark` makes before it starts."""

from __future__ import annotations

import sys
import time

from ieo.settings import Settings
from ieo.spark_cluster import ClusterConfig, ClusterError, down, port_accepts, status, up


def cluster_config(settings: Settings) -> ClusterConfig:
    return ClusterConfig(folder=settings.spark_dir, host=settings.spark_host, thrift_port=settings.spark_port,
                         master_port=settings.spark_master_port)


def spark_command(action: str, settings: Settings) -> int:
    """`ieo spark up|down|status`; the exit status is 0 when it did what was asked (status: the cluster is up)."""
    config = cluster_config(settings)
    try:
        if action == "up":
            started = time.perf_counter()
            print(up(config).describe() + f" ({time.perf_counter() - started:.0f} s); logs in {config.folder / 'logs'}")
        elif action == "down":
            stopped = down(config)
            print(f"stopped {', '.join(stopped)}" if stopped else "no local Spark cluster was running")
        else:
            current = status(config)
            print(current.describe())
            return 0 if current.running and current.thrift_reachable else 3
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def spark_reachable(settings: Settings) -> bool:
    """Whether the Spark engine's Thrift server answers; if not, say how to start or point at one."""
    if port_accepts(settings.spark_host, settings.spark_port, timeout=5):
        return True
    print(f"the Spark engine's Thrift server at {settings.spark_host}:{settings.spark_port} does not accept "
          "connections: start the local cluster with `ieo spark up`, or set IEO_SPARK_HOST and IEO_SPARK_PORT "
          "to a cluster's", file=sys.stderr)
    return False
