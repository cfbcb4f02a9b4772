"""The dbt step's housekeeping: which saved parse a dbt command starts from, and which build folders are pruned."""

import os

from glue.dbt import BUSY_SECONDS, prune_builds, saved_parse


def test_each_distinct_vars_and_target_have_their_own_saved_parse_whatever_the_command():
    first = ["build", "--vars", '{"warehouse": "/a/w.duckdb", "edition": 2019}']
    assert saved_parse(first) == saved_parse(list(first))
    assert saved_parse(first) == saved_parse(["build", "--full-refresh", "--indirect-selection", "cautious", *first[1:]])
    assert saved_parse(first) != saved_parse(["build", "--vars", '{"warehouse": "/a/w.duckdb", "edition": 2018}'])
    assert saved_parse(first) != saved_parse(["build", "--vars", '{"warehouse": "/b/w.duckdb", "edition": 2019}'])
    assert saved_parse(first) != saved_parse(["build", "--target", "spark", *first[1:]])


def test_a_dbt_steps_old_build_folders_are_pruned_beyond_the_newest_kept_but_never_a_busy_one(tmp_path):
    now = 1_000_000.0
    for age in range(6):  # survey_models-0 is the newest; every one is older than the busy window but the first
        folder = tmp_path / f"survey_models-{age}"
        folder.mkdir()
        seconds_ago = 60 if age == 0 else BUSY_SECONDS + 100 * age
        os.utime(folder, (now - seconds_ago, now - seconds_ago))
    (tmp_path / "reference_seeds-old").mkdir()  # another step's folder
    os.utime(tmp_path / "reference_seeds-old", (0, 0))
    removed = prune_builds(tmp_path, "survey_models", keep=2, now=now)
    assert sorted(p.name for p in removed) == ["survey_models-2", "survey_models-3", "survey_models-4",
                                               "survey_models-5"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reference_seeds-old", "survey_models-0", "survey_models-1"]

    busy = tmp_path / "survey_models-busy"  # beyond the newest two by age, but written to a minute ago
    busy.mkdir()
    os.utime(busy, (now - 60, now - 60))
    os.utime(tmp_path / "survey_models-0", (now - 30, now - 30))
    os.utime(tmp_path / "survey_models-1", (now - 20, now - 20))
    assert prune_builds(tmp_path, "survey_models", keep=2, now=now) == []
