"""Background processes the end-to-end tests start: the Dagster daemon, and stopping a process group."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def interruptible() -> None:
    """In a child before it starts: SIGINT back to its default. A shell starts background jobs with SIGINT ignored,
    and Dagster's commands map SIGTERM to whatever SIGINT does, so they would ignore SIGTERM too and never stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_daemon(workspace: str | Path, env: dict, log: Path) -> subprocess.Popen:
    """`dagster-daemon run` on ``workspace`` (relative to the project root) in its own process group."""
    return subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-w", str(workspace)], cwd=ROOT, env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=interruptible)


def stop_group(process: subprocess.Popen | None, timeout: float = 60) -> None:
    """SIGTERM a process started with start_new_session, and wait for it; nothing if it already ended."""
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)


def wait_until(condition, timeout: float, what: str, poll: float = 0.5):
    """The first truthy value of ``condition()``, polled until ``timeout`` seconds have passed."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
