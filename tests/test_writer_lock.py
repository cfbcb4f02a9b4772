"""The warehouse's writer lock: one holder at a time across processes, a named holder, a timeout, release on death."""

import os
import signal
import subprocess
import sys
import time

import pytest

from ieo.writer_lock import (
    Holder,
    WriterLock,
    WriterLockTimeout,
    current_holder,
    is_held,
)

HOLD = r"""
import sys, time
from pathlib import Path
from ieo.writer_lock import Holder, WriterLock
lock = WriterLock(Path(sys.argv[1]))
lock.acquire(Holder.this_process("run-in-other-process", "survey_edition 2019"), timeout=5)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def hold_in_another_process(warehouse, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse), str(seconds)], stdout=subprocess.PIPE,
                               text=True, start_new_session=True)
    assert process.stdout.readline().strip() == "held"
    return process


@pytest.mark.unit
def test_a_second_writer_waits_names_the_holder_and_gives_up_after_its_timeout(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    other = hold_in_another_process(warehouse, 30)
    try:
        assert is_held(warehouse) and current_holder(warehouse).run_id == "run-in-other-process"
        notices = []
        started = time.monotonic()
        with pytest.raises(WriterLockTimeout, match=r"gave up after \d+ s waiting to write .*w\.duckdb: run "
                           r"run-in-other-process \(survey_edition 2019, pid \d+ on .*\) still holds it"):
            WriterLock(warehouse).acquire(Holder.this_process("mine", "test"), timeout=2, on_wait=notices.append)
        assert 2 <= time.monotonic() - started < 10
        assert notices and "run run-in-other-process (survey_edition 2019" in notices[0]
    finally:
        other.kill()
        other.wait()


@pytest.mark.unit
def test_the_lock_is_free_once_its_holder_is_killed(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    other = hold_in_another_process(warehouse, 300)
    os.killpg(other.pid, signal.SIGKILL)
    other.wait()
    assert not is_held(warehouse)
    lock = WriterLock(warehouse)
    assert lock.acquire(Holder.this_process("mine", "test"), timeout=5) < 2
    assert current_holder(warehouse).run_id == "mine"
    lock.release()


@pytest.mark.unit
def test_a_waiting_writer_proceeds_when_the_holder_releases(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    other = hold_in_another_process(warehouse, 2)
    lock = WriterLock(warehouse)
    waited = lock.acquire(Holder.this_process("mine", "test"), timeout=30, on_wait=lambda _: None)
    lock.release()
    other.wait()
    assert 0.5 < waited < 30
