"""A local Spark standalone cluster from the pyspark wheel: a master, one worker and the Thrift server.

The Thrift server is how dbt (``method: thrift``) and the platform's reader reach Spark, the same way
they would reach a production endpoint (EMR, Dataproc, Spark on Kubernetes). Every process binds to
127.0.0.1; their logs, pids, metastore and warehouse live under one folder (``data/spark/`` by default).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

LOG_TAIL_LINES = 30
SPARK_DIST = Path(sys.prefix) / "spark" / "pyspark"  # where `make install` puts the pyspark wheel's files
THRIFT_SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


class ClusterError(RuntimeError):
    """The cluster cannot start or be reached; the message says why and what to do."""


@dataclass(frozen=True)
class ClusterConfig:
    folder: Path  # logs, pids, metastore and Spark's warehouse
    host: str = "127.0.0.1"
    thrift_port: int = 10000
    master_port: int = 7077
    start_timeout_seconds: float = 180.0
    worker_memory: str = "2g"
    driver_memory: str = "1g"
    executor_memory: str = "1g"

    @property
    def state_file(self) -> Path:
        return self.folder / "cluster.json"

    @property
    def warehouse_dir(self) -> Path:
        return self.folder / "warehouse"

    def log(self, role: str) -> Path:
        return self.folder / "logs" / f"{role}.log"


@dataclass(frozen=True)
class ClusterStatus:
    running: bool
    thrift_reachable: bool
    pids: dict[str, int]
    host: str
    thrift_port: int

    def describe(self) -> str:
        if not self.pids:
            return "no local Spark cluster is running"
        alive = ", ".join(f"{role} (pid {pid}{'' if _alive(pid) else ', exited'})" for role, pid in self.pids.items())
        reach = "accepts connections" if self.thrift_reachable else "does not accept connections"
        return f"local Spark cluster: {alive}; Thrift server at {self.host}:{self.thrift_port} {reach}"


def spark_home() -> Path:
    """Spark's jars and launch scripts: SPARK_HOME, else the pyspark wheel `make install` unpacks into .venv/spark
    (beside the environment, not importable: Great Expectations imports pyspark whenever it can, and pyspark's
    import ends some worker processes)."""
    home = Path(os.environ.get("SPARK_HOME") or SPARK_DIST)
    if not (home / "bin" / "spark-class").exists():
        raise ClusterError(f"no Spark distribution at {home}: `make install` unpacks the pyspark wheel into "
                           f"{SPARK_DIST.parent}, or set SPARK_HOME to a Spark installation")
    return home


def java_binary() -> str:
    """The `java` Spark will run, or a ClusterError saying how to install it."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    found = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if not found:
        raise ClusterError("Java is not installed, and Spark needs it: `make java` (part of `make test`) installs Debian's "
                           "openjdk-17-jre-headless (or set JAVA_HOME to a Java 17 installation)")
    return found


def port_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    return _reaches(os.kill, pid)


def _group_alive(pgid: int) -> bool:
    return _reaches(os.killpg, pgid)


def _reaches(send, target: int) -> bool:
    """Whether signal 0 reaches ``target`` (a process, or a process group): it exists, ours or not."""
    try:
        send(target, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pids(config: ClusterConfig) -> dict[str, int]:
    if not config.state_file.exists():
        return {}
    return {role: int(pid) for role, pid in json.loads(config.state_file.read_text())["pids"].items()}


def status(config: ClusterConfig) -> ClusterStatus:
    pids = _read_pids(config)
    running = bool(pids) and all(_alive(pid) for pid in pids.values())
    return ClusterStatus(running, port_accepts(config.host, config.thrift_port), pids, config.host, config.thrift_port)


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    if not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _environment(config: ClusterConfig, java: str, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "SPARK_HOME": str(home),
        "JAVA_HOME": str(Path(java).resolve().parents[1]),
        "SPARK_LOCAL_IP": config.host,
        "SPARK_LOG_DIR": str(config.folder / "logs"),
        "SPARK_WORKER_DIR": str(config.folder / "work"),
        "SPARK_LOCAL_DIRS": str(config.folder / "tmp"),
        "SPARK_SUBMIT_OPTS": f"-Dderby.system.home={config.folder / 'metastore'}",
        "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", "python3"),
    })
    return env


def _start(command: list[str], log: Path, env: dict[str, str], cwd: Path) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return process.pid


def _wait_for_port(config: ClusterConfig, port: int, role: str, pid: int, deadline: float) -> None:
    while not port_accepts(config.host, port):
        if not _alive(pid):
            raise ClusterError(f"the Spark {role} exited before it accepted connections on {config.host}:{port}; "
                               f"last lines of {config.log(role)}:\n{log_tail(config.log(role))}")
        if time.monotonic() > deadline:
            raise ClusterError(f"the Spark {role} did not accept connections on {config.host}:{port} within "
                               f"{config.start_timeout_seconds:g} s; last lines of {config.log(role)}:\n"
                               f"{log_tail(config.log(role))}")
        time.sleep(0.5)


def up(config: ClusterConfig) -> ClusterStatus:
    """Start the cluster and return once the Thrift server accepts connections; an already running one is kept."""
    current = status(config)
    if current.running and current.thrift_reachable:
        return current
    if current.pids:
        down(config)  # a part-started or part-dead cluster of ours: start again from nothing
    java = java_binary()
    for port, what in ((config.thrift_port, "Thrift server"), (config.master_port, "master")):
        if port_accepts(config.host, port):
            raise ClusterError(f"port {port} on {config.host}, wanted for the Spark {what}, is taken by another "
                               f"process; stop it or choose another port (IEO_SPARK_PORT / IEO_SPARK_MASTER_PORT)")
    for sub in ("logs", "work", "tmp", "metastore", "warehouse"):
        (config.folder / sub).mkdir(parents=True, exist_ok=True)
    home = spark_home()
    env = _environment(config, java, home)
    bin_dir = home / "bin"
    master_url = f"spark://{config.host}:{config.master_port}"
    deadline = time.monotonic() + config.start_timeout_seconds
    pids: dict[str, int] = {}

    def record() -> None:
        config.state_file.write_text(json.dumps({"pids": pids, **_public(config)}, indent=2))

    try:
        pids["master"] = _start([str(bin_dir / "spark-class"), "org.apache.spark.deploy.master.Master",
                                 "--host", config.host, "--port", str(config.master_port), "--webui-port", "0"],
                                config.log("master"), env, config.folder)
        record()
        _wait_for_port(config, config.master_port, "master", pids["master"], deadline)
        pids["worker"] = _start([str(bin_dir / "spark-class"), "org.apache.spark.deploy.worker.Worker",
                                 "--host", config.host, "--webui-port", "0", "--cores", "2",
                                 "--memory", config.worker_memory, master_url], config.log("worker"), env, config.folder)
        record()
        pids["thrift"] = _start([
            str(bin_dir / "spark-submit"), "--class", THRIFT_SERVER_CLASS, "--name", "ieo-thrift-server",
            "--master", master_url, "--driver-memory", config.driver_memory,
            "--executor-memory", config.executor_memory,
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.sql.shuffle.partitions=4",
            "--conf", f"spark.sql.warehouse.dir={config.warehouse_dir}",
            "--conf", f"spark.driver.host={config.host}",
            "--conf", f"spark.driver.extraJavaOptions=-Dderby.system.home={config.folder / 'metastore'}",
            "--hiveconf", f"hive.server2.thrift.port={config.thrift_port}",
            "--hiveconf", f"hive.server2.thrift.bind.host={config.host}",
            "spark-internal"], config.log("thrift"), env, config.folder)
        record()
        _wait_for_port(config, config.thrift_port, "thrift", pids["thrift"], deadline)
    except BaseException:
        down(config)
        raise
    return status(config)


def _public(config: ClusterConfig) -> dict:
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()}


def down(config: ClusterConfig, grace_seconds: float = 20.0, kill_seconds: float = 10.0) -> list[str]:
    """Stop every process of the cluster: their process groups, so spark-submit's children go too.

    Each group gets SIGTERM, then SIGKILL if any of its processes outlives ``grace_seconds``; either way this
    returns once no process of the groups is left (or ``kill_seconds`` after the SIGKILL), so their ports are
    free. A group is watched, not only its first process: that one may be gone while another still listens.
    """
    pids = _read_pids(config)
    for pid in reversed(list(pids.values())):
        _signal_group(pid, signal.SIGTERM)
    _wait_until_gone(pids.values(), grace_seconds)
    for pid in pids.values():
        if _group_alive(pid):
            _signal_group(pid, signal.SIGKILL)
    _wait_until_gone(pids.values(), kill_seconds)
    config.state_file.unlink(missing_ok=True)
    return list(pids)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_until_gone(pgids, seconds: float) -> None:
    """Wait, reaping our exited children, until no process of the groups is left or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        _reap(pgids)
        if not any(_group_alive(pgid) for pgid in pgids) or time.monotonic() >= deadline:
            return
        time.sleep(0.2)


def _reap(pids) -> None:
    """Collect exited children of this process, so they stop counting as alive."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
