"""Several writers and readers on one warehouse, from every entry point, on a fresh deployment.

- two `ieo run` started 1 s apart: the second waits for the first, names it, and both succeed;
- `ieo sql` answers from the read snapshot while a run writes, and sees completed editions only;
- a killed `ieo run` is marked failed, and a run the raw-drop sensor queued behind it starts and succeeds
  on a warehouse that never had reference data, while an `ieo run` started during it waits, then succeeds.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from ieo.warehouse import seeded_fingerprint
from ieo.writer_lock import current_holder, is_held
from orchestration.cli import INSTANCE_TEMPLATE
from tests.processes import start_daemon, stop_group, wait_until

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def environment(tmp_path: Path, raw: Path) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(INSTANCE_TEMPLATE, home / "dagster.yaml")  # the shipped instance settings
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", DAGSTER_HOME=str(home),
                IEO_RAW_DIR=str(raw), IEO_WAREHOUSE=str(tmp_path / "w.duckdb"),
                IEO_PUBLISH_DIR=str(tmp_path / "published"), IEO_DATA_DOCS_DIR=str(tmp_path / "docs"))


def ieo(env: dict, log: Path, *args: str, **popen) -> subprocess.Popen:
    """`ieo ...` in the background, its output to ``log`` (a pipe nobody reads would fill and stall it)."""
    return subprocess.Popen([str(BIN / "ieo"), *args], cwd=ROOT, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, text=True, **popen)


@pytest.mark.e2e
def test_two_ieo_runs_a_second_apart_both_succeed_and_sql_reads_while_one_writes(small_sample, dbt_manifest,
                                                                                 tmp_path):
    env = environment(tmp_path, small_sample)
    warehouse = Path(env["IEO_WAREHOUSE"])
    query = "select distinct edition from marts.sample_composition order by 1"
    logs = {edition: tmp_path / f"run-{edition}.log" for edition in ("2018", "2019")}
    processes = {"2018": ieo(env, logs["2018"], "run", "--edition", "2018")}
    time.sleep(1)
    processes["2019"] = ieo(env, logs["2019"], "run", "--edition", "2019")
    finished = wait_until(lambda: [e for e, p in processes.items() if p.poll() is not None], 900, "a run to finish", 0.2)
    [done] = finished
    [other] = [e for e in processes if e != done]
    # The other run waited for this one and is writing now: sql answers at once, from the completed edition only.
    writing = is_held(warehouse)
    sql = subprocess.run([str(BIN / "ieo"), "sql", query, "--format", "json"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    still_running = processes[other].poll() is None
    for process in processes.values():
        process.wait(timeout=900)
    outputs = {edition: log.read_text() for edition, log in logs.items()}

    for edition, process in processes.items():
        assert process.returncode == 0, outputs[edition][-3000:]
        assert "Could not set lock" not in outputs[edition]
    assert "waiting for the warehouse" in outputs[other] and f"(survey_edition {done}, pid" in outputs[other]
    assert "waiting for the warehouse" not in outputs[done]
    assert sql.returncode == 0, sql.stderr
    assert writing and still_running
    assert [row["edition"] for row in json.loads(sql.stdout)] == [int(done)]
    for edition in processes:
        release = Path(env["IEO_PUBLISH_DIR"]) / edition
        manifest = json.loads((release / "manifest.json").read_text())
        assert all((release / output["file"]).exists() for output in manifest["outputs"])
        assert (release / "report.html").exists()
    after = subprocess.run([str(BIN / "ieo"), "sql", query, "--format", "csv"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=60)
    assert after.stdout.split() == ["edition", "2018", "2019"]


@pytest.mark.e2e
@pytest.mark.daemon
def test_a_killed_ieo_run_is_failed_and_a_sensor_run_queued_behind_it_succeeds_on_a_fresh_warehouse(
        small_sample, dbt_manifest, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_sample / "2019", raw / "2019")
    env = environment(tmp_path, raw) | {"IEO_RAW_STABLE_SECONDS": "0"}
    home = Path(env["DAGSTER_HOME"])
    warehouse = Path(env["IEO_WAREHOUSE"])

    def runs(**filters):
        with dg.DagsterInstance.from_config(str(home)) as instance:
            return [r.dagster_run for r in instance.get_run_records(dg.RunsFilter(**filters))]

    killed = ieo(env, tmp_path / "killed.log", "run", "--edition", "2019", start_new_session=True)
    started = wait_until(lambda: runs(tags={"ieo/trigger": "cli"}, statuses=[dg.DagsterRunStatus.STARTED]), 300,
                         "the `ieo run` to start its run")
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert seeded_fingerprint(Path(env["IEO_WAREHOUSE"])) is None  # killed before any reference data was loaded

    started_sensor = subprocess.run([str(BIN / "dagster"), "sensor", "start", "raw_drop_sensor", "-w", "workspace.yaml"],
                                    cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert started_sensor.returncode == 0, started_sensor.stdout[-2000:] + started_sensor.stderr[-2000:]
    daemon = start_daemon("workspace.yaml", env, tmp_path / "daemon.log")
    try:
        # While the daemon's run writes, an `ieo run` of the same edition waits for it, then succeeds.
        [sensor_run] = wait_until(lambda: runs(tags={"ieo/trigger": "raw_drop_sensor"}), 600, "the sensor's run", 1)
        wait_until(lambda: is_held(warehouse) and current_holder(warehouse).run_id == sensor_run.run_id, 600,
                   "the sensor's run to take the warehouse", 0.5)
        behind = ieo(env, tmp_path / "behind.log", "run", "--edition", "2019")
        assert behind.wait(timeout=900) == 0, (tmp_path / "behind.log").read_text()[-3000:]
        sensor_runs = wait_until(
            lambda: [r for r in runs(tags={"ieo/trigger": "raw_drop_sensor"}) if r.is_finished], 900,
            "the sensor's run to finish", poll=3)
    finally:
        stop_group(daemon)
    daemon_log = (tmp_path / "daemon.log").read_text()[-3000:]
    [dead] = runs(run_ids=[started[0].run_id])
    assert dead.status == dg.DagsterRunStatus.FAILURE, daemon_log
    assert [r.status for r in sensor_runs] == [dg.DagsterRunStatus.SUCCESS], daemon_log
    assert sensor_runs[0].tags["dagster/partition"] == "2019" and sensor_runs[0].tags["ieo/release_kind"] == "provisional"
    assert (Path(env["IEO_PUBLISH_DIR"]) / "2019" / "manifest.json").exists()
    behind_log = (tmp_path / "behind.log").read_text()
    assert f"waiting for the warehouse {warehouse}: run {sensor_run.run_id} (survey_edition 2019" in behind_log
