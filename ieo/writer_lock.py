"""One writer at a time on a warehouse, whoever starts it: `ieo run`, the daemon, the UI or a test.

DuckDB allows one writer per file and fails the second with a lock error. Every run that writes
takes this lock first: an exclusive ``flock`` on ``<warehouse>.writer.lock``, which the operating
system releases when the holding process ends, however it ends (so a killed run never leaves it
held). The holder writes who it is into the file, so a waiting run can say what it waits for, and
a wait longer than the timeout fails with a message naming the holder.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

LOCK_SUFFIX = ".writer.lock"
POLL_SECONDS = 1.0
WAIT_NOTICE_SECONDS = 30.0  # how often a waiting writer repeats what it waits for


@dataclass(frozen=True)
class Holder:
    """Who holds (or wants) the warehouse: a Dagster run, its process and what started it."""

    run_id: str
    pid: int
    host: str
    started: str
    what: str

    @classmethod
    def this_process(cls, run_id: str, what: str) -> "Holder":
        return cls(run_id, os.getpid(), socket.gethostname(), dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                   what)

    def describe(self) -> str:
        return f"run {self.run_id} ({self.what}, pid {self.pid} on {self.host}, since {self.started})"


class WriterLockTimeout(TimeoutError):
    """The warehouse stayed held by another writer for longer than the timeout."""


def lock_path(warehouse: Path) -> Path:
    return Path(f"{warehouse}{LOCK_SUFFIX}")


def current_holder(warehouse: Path) -> Holder | None:
    """The holder recorded in the lock file, if the file names one (it may be stale once released)."""
    try:
        return Holder(**json.loads(lock_path(warehouse).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def is_held(warehouse: Path) -> bool:
    """Whether some process holds the writer lock right now."""
    path = lock_path(warehouse)
    if not path.exists():
        return False
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


class WriterLock:
    """The exclusive right to write ``warehouse``; ``acquire`` waits for it, ``release`` gives it back."""

    def __init__(self, warehouse: Path):
        self.warehouse = Path(warehouse)
        self.path = lock_path(self.warehouse)
        self._handle = None

    def acquire(self, holder: Holder, timeout: float, on_wait: Callable[[str], None] = print) -> float:
        """Wait until no other writer holds the warehouse (at most ``timeout`` seconds); returns the seconds waited."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        started = time.monotonic()
        last_notice = None
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                other = current_holder(self.warehouse)
                named = other.describe() if other else "another process"
                if waited >= timeout:
                    handle.close()
                    raise WriterLockTimeout(
                        f"gave up after {waited:.0f} s waiting to write {self.warehouse}: {named} still holds it "
                        f"(raise IEO_WRITER_TIMEOUT_SECONDS to wait longer)") from None
                if last_notice is None or time.monotonic() - last_notice >= WAIT_NOTICE_SECONDS:
                    on_wait(f"waiting for the warehouse {self.warehouse}: {named} is writing it")
                    last_notice = time.monotonic()
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(asdict(holder)))
        handle.flush()
        self._handle = handle
        return time.monotonic() - started

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
