"""Schedules, the raw-drop sensor and release kinds: evaluated at chosen instants, without a daemon."""

import datetime as dt
import json
import os
import shutil
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
import pytest

from glue.tags import RELEASE_KIND_TAG, TRIGGER_TAG
from ieo.release import FINAL, PROVISIONAL, Release, ReleaseRefused, publish
from ieo.settings import SettingError, parse_stable_seconds
from orchestration.automation import (
    annual_final_release,
    quarterly_provisional_release,
    raw_drop_sensor,
)
from tests.conftest import tree_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def raw_dir(small_sample, tmp_path, monkeypatch):
    target = tmp_path / "raw"
    shutil.copytree(small_sample, target)
    monkeypatch.setenv("IEO_RAW_DIR", str(target))
    return target


@pytest.fixture
def repository(raw_dir, dbt_manifest):
    from ieo.settings import Settings
    from orchestration.definitions import build_definitions

    return build_definitions(Settings.from_env()).get_repository_def()


def tick(schedule, when: dt.datetime, repository):
    with dg.build_schedule_context(scheduled_execution_time=when, repository_def=repository) as context:
        return schedule.evaluate_tick(context)


def test_the_annual_schedule_finalises_last_years_edition(repository):
    data = tick(annual_final_release, dt.datetime(2020, 1, 15, 6, tzinfo=SHANGHAI), repository)
    [request] = data.run_requests
    assert request.partition_key == "2019"
    assert request.tags[RELEASE_KIND_TAG] == FINAL and request.tags[TRIGGER_TAG] == "annual_schedule"
    assert request.run_key == "final-2019"
    skipped = tick(annual_final_release, dt.datetime(2031, 1, 15, 6, tzinfo=SHANGHAI), repository)
    assert not skipped.run_requests and "no raw folder for edition 2030" in skipped.skip_message


@pytest.mark.parametrize(("when", "edition"), [
    (dt.datetime(2019, 4, 1, 6), "2019"), (dt.datetime(2019, 7, 1, 6), "2019"), (dt.datetime(2019, 10, 1, 6), "2019"),
    (dt.datetime(2019, 1, 1, 6), "2018"),  # the year just closed, before its final release on 15 January
])
def test_the_quarterly_schedule_refreshes_the_edition_in_progress_as_provisional(repository, when, edition):
    [request] = tick(quarterly_provisional_release, when.replace(tzinfo=SHANGHAI), repository).run_requests
    assert request.partition_key == edition
    assert request.tags[RELEASE_KIND_TAG] == PROVISIONAL and request.tags[TRIGGER_TAG] == "quarterly_schedule"
    assert request.run_key == f"provisional-{edition}-{when:%Y%m%d}"


def test_the_schedules_tick_when_their_cron_says():
    start = dt.datetime(2019, 12, 31, tzinfo=SHANGHAI).timestamp()
    from dagster._utils.schedules import cron_string_iterator

    def ticks(schedule, count):
        found = cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone)
        return [next(found).strftime("%Y-%m-%d %H:%M") for _ in range(count)]

    assert ticks(annual_final_release, 2) == ["2020-01-15 06:00", "2021-01-15 06:00"]
    assert ticks(quarterly_provisional_release, 4) == ["2020-01-01 06:00", "2020-04-01 06:00", "2020-07-01 06:00",
                                                       "2020-10-01 06:00"]


def sense(repository, cursor=None):
    with dg.build_sensor_context(cursor=cursor, repository_def=repository) as context:
        data = raw_drop_sensor.evaluate_tick(context)
        return data.run_requests, data.cursor, data.skip_message


def test_the_sensor_requests_a_run_per_new_or_changed_edition_only(raw_dir, repository, monkeypatch):
    monkeypatch.setenv("IEO_RAW_STABLE_SECONDS", "0")
    requests, cursor, _ = sense(repository)
    assert sorted(r.partition_key for r in requests) == ["2017", "2018", "2019"]
    assert all(r.tags[RELEASE_KIND_TAG] == PROVISIONAL for r in requests)

    requests, cursor, skip = sense(repository, cursor)
    assert requests == [] and "no new or changed" in skip

    path = raw_dir / "2018" / "policies.csv"
    os.utime(path)  # touched, same bytes: no run
    requests, cursor, _ = sense(repository, cursor)
    assert requests == []

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "title"] = frame.loc[0, "title"] + " (revised)"
    frame.to_csv(path, index=False)
    requests, cursor, _ = sense(repository, cursor)
    assert [r.partition_key for r in requests] == ["2018"]
    fingerprint = json.loads(cursor)["2018"]["fingerprint"]
    assert requests[0].tags["ieo/raw_fingerprint"] == fingerprint and requests[0].run_key == f"drop-2018-{fingerprint[:16]}"


def test_the_sensor_waits_for_a_complete_and_settled_folder(raw_dir, repository, monkeypatch):
    monkeypatch.setenv("IEO_RAW_STABLE_SECONDS", "0")
    shutil.copytree(raw_dir / "2019", raw_dir / "2020")
    (raw_dir / "2020" / "relations.csv").unlink()
    _requests, cursor, _ = sense(repository)
    requests, _, skip = sense(repository, cursor)
    assert requests == [] and "2020: incomplete (missing relations)" in skip

    shutil.copy(raw_dir / "2019" / "relations.csv", raw_dir / "2020" / "relations.csv")
    monkeypatch.setenv("IEO_RAW_STABLE_SECONDS", "3600")  # just written: still settling
    requests, _, skip = sense(repository, cursor)
    assert requests == [] and "2020: settling (relations.csv written" in skip

    monkeypatch.setenv("IEO_RAW_STABLE_SECONDS", "0")
    requests, _, _ = sense(repository, cursor)
    assert [r.partition_key for r in requests] == ["2020"]


@pytest.mark.parametrize("setting", ["five minutes", "-1", "nan"])
def test_a_stable_interval_that_is_not_a_number_of_seconds_is_named(setting):
    with pytest.raises(SettingError, match=f"IEO_RAW_STABLE_SECONDS must be a number of seconds, 0 or more; it is '{setting}'"):
        parse_stable_seconds(setting)
    assert parse_stable_seconds("") == 300 and parse_stable_seconds(" 2.5 ") == 2.5


def release(kind: str, value: float) -> Release:
    return Release(edition=2019, tables={"t": pd.DataFrame({"v": [value]})}, index={}, inputs=[], checks=[],
                   choices={}, run={"run_id": kind}, kind=kind)


def test_a_provisional_release_never_replaces_a_final_one(tmp_path):
    publish(release(PROVISIONAL, 1.0), tmp_path)
    publish(release(PROVISIONAL, 2.0), tmp_path)  # provisional over provisional: the refresh
    publish(release(FINAL, 3.0), tmp_path)  # final over provisional
    before = tree_bytes(tmp_path / "2019")
    with pytest.raises(ReleaseRefused, match="already has a final release"):
        publish(release(PROVISIONAL, 4.0), tmp_path)
    assert tree_bytes(tmp_path / "2019") == before
    assert json.loads(before["manifest.json"])["release_kind"] == FINAL
    publish(release(FINAL, 5.0), tmp_path)  # a corrected final replaces the final


def test_only_in_process_runs_of_dead_processes_on_this_host_are_orphaned():
    from orchestration.runner import is_orphaned

    alive = {100}.__contains__
    assert is_orphaned({"ieo/pid": "200", "ieo/host": "here"}, "here", alive)
    assert not is_orphaned({"ieo/pid": "100", "ieo/host": "here"}, "here", alive)  # still running
    assert not is_orphaned({"ieo/pid": "200", "ieo/host": "elsewhere"}, "here", alive)  # another host's run
    assert not is_orphaned({}, "here", alive)  # launched by the daemon: run monitoring's business


def test_the_reference_data_is_loaded_only_when_needed():
    from assets.dbt_models import reseed_reason

    assert reseed_reason(False, "abc", "abc", True) is None
    assert reseed_reason(True, "abc", "abc", True) == "the run asks for it"
    assert reseed_reason(False, None, "abc", True) == "the warehouse has no reference data yet"
    assert reseed_reason(False, "old", "abc", True) == "the seed files changed since they were loaded"
    assert "no passing results" in reseed_reason(False, "abc", "abc", False)


def test_the_raw_files_are_loaded_again_only_when_needed():
    from assets.raw import reload_reason

    both = {"enterprises": ("L1", "fp"), "relations": ("L1", "fp")}
    assert reload_reason(False, "fp", "L1", both, True, True) is None
    assert reload_reason(True, "fp", "L1", both, True, True) == "the run asks for it"
    assert reload_reason(False, "fp", None, both, True, True) == "the warehouse has no current load of the edition"
    assert "recorded no load" in reload_reason(False, "fp", "L1", {**both, "relations": None}, True, True)
    assert "(L2) is not the one" in reload_reason(False, "fp", "L2", both, True, True)
    assert "(L1) is not the one" in reload_reason(False, "fp", "L1", {**both, "relations": ("L0", "fp")}, True, True)
    assert "changed since load L1" in reload_reason(False, "new", "L1", both, True, True)
    assert "changed since load L1" in reload_reason(False, "fp", "L1", {**both, "relations": ("L1", "old")}, True, True)
    assert "no passing contract checks of load L1" in reload_reason(False, "fp", "L1", both, False, True)
    assert "lake lacks some of the files of load L1" in reload_reason(False, "fp", "L1", both, True, False)


def test_an_editions_models_are_built_again_only_when_needed():
    from assets.dbt_models import rebuild_reason

    a, b = dg.AssetKey(["staging", "a"]), dg.AssetKey(["marts", "b"])
    built = {a: ("R1", "fp"), b: ("R1", "fp")}
    tests = {dg.AssetCheckKey(a, "not_null_a_x"): "R1", dg.AssetCheckKey(b, "unique_b_y"): "R1"}
    assert rebuild_reason(False, "fp", built, tests, list) is None
    assert rebuild_reason(False, "fp", {a: ("R1", "fp"), b: ("R2", "fp")}, tests, list) is None  # built by two runs
    assert rebuild_reason(True, "fp", built, tests, list) == "the run asks for it"
    assert "recorded no build" in rebuild_reason(False, "fp", {**built, b: None}, tests, list)
    assert "changed since its models were last built" in rebuild_reason(False, "new", built, tests, list)
    assert "changed since" in rebuild_reason(False, "fp", {**built, b: ("R1", "old")}, tests, list)
    failed = {**tests, dg.AssetCheckKey(b, "unique_b_y"): None}
    assert "no recorded result that passed or only warned" in rebuild_reason(False, "fp", built, failed, list)
    elsewhere = {**tests, dg.AssetCheckKey(b, "unique_b_y"): "R0"}
    assert "another run than its models' latest build" in rebuild_reason(False, "fp", built, elsewhere, list)
    assert rebuild_reason(False, "fp", built, tests, lambda: ["marts/b"]) == "the engine lacks marts/b"
    many = [f"marts/t{i}" for i in range(7)]
    assert rebuild_reason(False, "fp", built, tests, lambda: many).endswith("marts/t4 and 2 more")
