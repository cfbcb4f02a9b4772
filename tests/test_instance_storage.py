"""The shipped instance settings load glue.instance's storage, which reads and writes the same SQLite files as
Dagster's own storage: a process on the shipped settings and one on Dagster's defaults see each other's events
while the first keeps its connections open."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from glue import instance as kept
from orchestration.cli import INSTANCE_TEMPLATE


# Run in a separate process on Dagster's default instance settings (no dagster.yaml): it reports what it sees of
# asset `written_by_ieo`, then materializes `written_by_dagster`.
DAGSTER_DEFAULT_PROCESS = textwrap.dedent("""
    import sys
    import dagster as dg
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
    with dg.DagsterInstance.from_config(sys.argv[1]) as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage, type(instance.event_log_storage)
        event = instance.get_latest_materialization_event(dg.AssetKey("written_by_ieo"))
        print(event.asset_materialization.metadata["rows"].value if event else "none")
        instance.report_runless_asset_event(dg.AssetMaterialization("written_by_dagster", metadata={"rows": 7}))
""")


def _home(tmp_path: Path, settings: bool) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    if settings:
        shutil.copy(INSTANCE_TEMPLATE, home / "dagster.yaml")
    return home


@pytest.mark.unit
def test_the_shipped_settings_load_the_kept_engine_event_log_under_the_instance_folder(tmp_path):
    home = _home(tmp_path, settings=True)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance, kept.IeoInstance)
        storage = instance.event_log_storage
        assert type(storage) is kept.KeptEngineSqliteEventLogStorage
        instance.report_runless_asset_event(dg.AssetMaterialization("a", metadata={"rows": 1}))
    assert (home / "history" / "runs" / "index.db").exists()
    assert (home / "history" / "runs.db").exists()  # the run storage stays Dagster's, in its usual place


@pytest.mark.unit
def test_a_process_on_dagsters_own_storage_and_one_on_the_kept_engines_see_each_others_events(tmp_path):
    home = _home(tmp_path, settings=False)  # the subprocess reads Dagster's defaults: no dagster.yaml
    shutil.copy(INSTANCE_TEMPLATE, tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home), config_dir=str(tmp_path))) as instance:
        assert type(instance.event_log_storage) is kept.KeptEngineSqliteEventLogStorage
        for rows in (3, 5):
            instance.report_runless_asset_event(dg.AssetMaterialization("written_by_ieo", metadata={"rows": rows}))
        assert instance.event_log_storage._engines  # its connections stay open while the other process works
        other = subprocess.run([sys.executable, "-c", DAGSTER_DEFAULT_PROCESS, str(home)], capture_output=True,
                               text=True, timeout=120, cwd=tmp_path, check=False)
        assert other.returncode == 0, other.stderr[-3000:]
        assert other.stdout.strip() == "5"
        seen = instance.get_latest_materialization_event(dg.AssetKey("written_by_dagster"))
        assert seen is not None and seen.asset_materialization.metadata["rows"].value == 7


@pytest.mark.unit
def test_past_the_limit_the_least_recently_used_engine_is_closed(tmp_path, monkeypatch):
    monkeypatch.setattr(kept, "KEPT_ENGINES", 2)
    storage = kept.KeptEngineSqliteEventLogStorage(str(tmp_path / "runs"))
    for shard in ("run_a", "run_b", "run_a", "run_c"):
        with storage.run_connection(shard) as connection:
            connection.exec_driver_sql("select 1")
    assert list(storage._engines) == ["run_a", "run_c"]
    storage.dispose()
    assert not storage._engines
    assert isinstance(storage, SqliteEventLogStorage)  # everything else is Dagster's own
