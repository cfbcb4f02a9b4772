"""A backfill of editions 2017-2019 through Dagster's run queue on a fresh warehouse: one run per edition, never
two at once, the first loading the reference data."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import INSTANCE_TEMPLATE
from tests.processes import start_daemon, stop_group

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EDITIONS = ("2017", "2018", "2019")


@pytest.mark.daemon
def test_backfill_of_three_editions_runs_them_one_at_a_time(small_sample, dbt_manifest, tmp_path, monkeypatch):

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_TEMPLATE, home / "dagster.yaml")  # the shipped run queue settings
    shutil.copytree(small_sample, tmp_path / "raw")
    for var, value in {"DAGSTER_HOME": home, "IEO_RAW_DIR": tmp_path / "raw", "IEO_WAREHOUSE": tmp_path / "w.duckdb",
                       "IEO_PUBLISH_DIR": tmp_path / "published", "IEO_DATA_DOCS_DIR": tmp_path / "docs"}.items():
        monkeypatch.setenv(var, str(value))
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")

    # A fresh warehouse: no reference data; the first edition run loads it.
    submitted = subprocess.run(
        [str(BIN / "dagster"), "job", "backfill", "-w", "workspace.yaml", "-j", "survey_edition",
         "--partitions", ",".join(EDITIONS), "--noprompt"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert submitted.returncode == 0, submitted.stdout[-2000:] + submitted.stderr[-2000:]

    daemon = start_daemon("workspace.yaml", env, tmp_path / "daemon.log")
    try:
        deadline = time.time() + 900
        while time.time() < deadline:
            with dg.DagsterInstance.get() as instance:
                records = instance.get_run_records(dg.RunsFilter(job_name="survey_edition"))
            if len(records) == len(EDITIONS) and all(r.dagster_run.is_finished for r in records):
                break
            time.sleep(3)
    finally:
        stop_group(daemon)

    runs = sorted(records, key=lambda r: r.start_time or 0)
    assert sorted(r.dagster_run.tags["dagster/partition"] for r in runs) == list(EDITIONS)
    assert [r.dagster_run.status for r in runs] == [dg.DagsterRunStatus.SUCCESS] * 3, (tmp_path / "daemon.log").read_text()[-3000:]
    for earlier, later in zip(runs, runs[1:]):
        assert later.start_time >= earlier.end_time  # queued behind the previous run, never beside it
    for edition in EDITIONS:
        assert (tmp_path / "published" / edition / "manifest.json").exists()
