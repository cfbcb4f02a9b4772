"""The two engines side by side: `ieo run --edition 2019` of the sample on DuckDB and on the local Spark cluster.

Run: .venv/bin/python -m benchmarks.bench_engines [--scales 1 10] [--repeats 1]

For each engine and scale: seconds of the dbt step (the survey_models step of the run, from the Dagster
instance's step statistics), seconds of the whole edition (the `ieo run` command), and the peak resident
memory of each process: `ieo run` with its children (dbt), and on Spark the master, the Thrift server's driver
and the executor (the worker itself is not sampled), every 0.2 s from /proc. Each engine runs in a fresh data folder;
the Spark cluster is started once, before the first Spark run (its start-up is reported apart), and stopped
at the end whatever happens.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ieo.settings import ENGINES, SPARK, TELEMETRY_OFF
from ieo.spark_cluster import ClusterConfig, down, up

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE_PERIOD = 0.2
DBT_STEP = "survey_models"


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(root: int, tree: dict[int, list[int]]) -> int:
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_bytes(pid)
        stack += tree.get(pid, [])
    return total


class PeakMemory:
    """Peak resident memory of named process trees, sampled in a thread while a command runs."""

    def __init__(self, roots: dict[str, int]):
        self.roots, self.peaks = dict(roots), {name: 0 for name in roots}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            tree = _children()
            for name, pid in self.roots.items():
                self.peaks[name] = max(self.peaks[name], _tree_rss(pid, tree))
            self._stop.wait(SAMPLE_PERIOD)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def dbt_step_seconds(dagster_home: Path) -> float:
    """How long the latest run's dbt step took, from the instance's step statistics."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(dagster_home))
    run = instance.get_runs(limit=1)[0]
    stats = [s for s in instance.get_run_step_stats(run.run_id) if s.step_key.startswith(DBT_STEP)]
    return sum(s.end_time - s.start_time for s in stats)


def run_once(engine: str, raw: Path, folder: Path, cluster: ClusterConfig | None) -> dict:
    env = {**os.environ, **TELEMETRY_OFF, "DAGSTER_HOME": str(folder / "dagster_home"),
           "IEO_DATA_DOCS_DIR": str(folder / "data_docs"), "IEO_ENGINE": engine}
    if cluster is not None:
        env.update(IEO_SPARK_HOST=cluster.host, IEO_SPARK_PORT=str(cluster.thrift_port))
    command = [str(BIN / "ieo"), "run", "--edition", "2019", "--raw-dir", str(raw),
               "--warehouse", str(folder / "warehouse.duckdb"), "--publish-dir", str(folder / "published")]
    started = time.perf_counter()
    with open(folder / "run.log", "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        roots = {"ieo run (with dbt)": process.pid}
        if cluster is not None:
            roots.update(cluster_pids(cluster))
        with PeakMemory(roots) as memory:
            code = process.wait()
    seconds = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"{engine} run failed; see {folder / 'run.log'}")
    return {"seconds": seconds, "dbt": dbt_step_seconds(folder / "dagster_home"), "peaks": memory.peaks}


def cluster_pids(cluster: ClusterConfig) -> dict[str, int]:
    """The cluster's processes by role, the executor (a child of the worker) apart from its worker."""
    import json

    pids = json.loads(cluster.state_file.read_text())["pids"]
    executors = _children().get(pids["worker"], [])
    roles = {"Spark master": pids["master"], "Spark Thrift server (driver)": pids["thrift"]}
    if executors:
        roles["Spark executor"] = executors[0]
    return roles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    from ieo.sample.generator import generate

    scratch = Path(tempfile.mkdtemp(prefix="ieo-bench-engines-"))
    cluster = ClusterConfig(folder=scratch / "spark", thrift_port=10991, master_port=7991)
    rows = []
    try:
        started = time.perf_counter()
        up(cluster)
        print(f"local Spark cluster up in {time.perf_counter() - started:.1f} s", flush=True)
        for scale in args.scales:
            raw = scratch / f"raw_{scale:g}"
            generate(raw, seed=2020, scale=scale)
            for engine in ENGINES:
                results = []
                for repeat in range(args.repeats):
                    folder = scratch / f"{engine}_{scale:g}_{repeat}"
                    folder.mkdir()
                    results.append(run_once(engine, raw, folder, cluster if engine == SPARK else None))
                    print(f"scale {scale:g} {engine}: {results[-1]['seconds']:.1f} s", flush=True)
                peaks: dict[str, int] = {}
                for result in results:
                    for name, peak in result["peaks"].items():
                        peaks[name] = max(peaks.get(name, 0), peak)
                rows.append((scale, engine, statistics.median(r["dbt"] for r in results),
                             statistics.median(r["seconds"] for r in results), peaks))
    finally:
        down(cluster)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\nmedians of {args.repeats} run(s); peak resident memory per process (MB)\n")
    print("| scale | engine | dbt step (s) | whole edition (s) | peak memory (MB) |")
    print("|---|---|---|---|---|")
    for scale, engine, dbt_seconds, seconds, peaks in rows:
        memory = "; ".join(f"{name} {peak / 2**20:,.0f}" for name, peak in peaks.items())
        print(f"| {scale:g} | {engine} | {dbt_seconds:.1f} | {seconds:.1f} | {memory} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
