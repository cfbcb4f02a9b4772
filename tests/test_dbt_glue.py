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


def test_the_build_fingerprint_follows_what_an_editions_build_reads_and_nothing_else(tmp_path, monkeypatch):
    """On a copy of the project: the dbt files, the step's code, the reference data and every edition's current raw
    load count; code the build never runs does not."""
    import shutil

    import duckdb

    import glue.dbt as glue_dbt
    from ieo import fingerprint as fingerprints
    from ieo.engine import Engine
    from ieo.settings import DBT_PROJECT_DIR, PROJECT_ROOT
    from ieo.warehouse import CURRENT_TABLE, record_seeded

    root = tmp_path / "project"
    ignore = shutil.ignore_patterns("node_modules", "__pycache__")
    for package in glue_dbt.BUILD_PACKAGES:
        shutil.copytree(PROJECT_ROOT / package, root / package, ignore=ignore)
    for name in glue_dbt.PROJECT_INPUTS:
        source = DBT_PROJECT_DIR / name
        (root / "dbt_project").mkdir(exist_ok=True)
        (shutil.copy2 if source.is_file() else shutil.copytree)(source, root / "dbt_project" / name)
    monkeypatch.setattr(fingerprints, "PROJECT_ROOT", root)
    monkeypatch.setattr(glue_dbt, "DBT_PROJECT_DIR", root / "dbt_project")
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"CREATE SCHEMA raw; CREATE TABLE {CURRENT_TABLE} (edition INTEGER, load_id VARCHAR)")
        con.execute(f"INSERT INTO {CURRENT_TABLE} VALUES (2018, 'L2018'), (2019, 'L2019')")
    record_seeded(warehouse, "seeds-1")
    engine = Engine("duckdb", warehouse, tmp_path / "lake")

    def fingerprint(edition: int = 2019) -> str:
        return glue_dbt.build_fingerprint(engine, edition, "assets.dbt_models")

    def append(path, text="\n-- changed\n"):
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    seen = [fingerprint()]
    assert fingerprint() == seen[0] and fingerprint(2018) != seen[0]
    append(root / "ieo" / "index" / "weights.py", "\n# not run by a build\n")
    assert fingerprint() == seen[0]
    append(root / "dbt_project" / "models" / "marts" / "relation_summary.sql")
    seen.append(fingerprint())
    append(root / "dbt_project" / "macros" / "edition.sql")
    seen.append(fingerprint())
    with duckdb.connect(str(warehouse)) as con:  # another edition's current load: the staging views read every edition
        con.execute(f"UPDATE {CURRENT_TABLE} SET load_id = 'L2018b' WHERE edition = 2018")
    seen.append(fingerprint())
    record_seeded(warehouse, "seeds-2")
    seen.append(fingerprint())
    append(root / "ieo" / "lineage.py", "\n# the column lineage the step records\n")
    seen.append(fingerprint())
    append(root / "assets" / "dbt_models.py", "\n# the step itself\n")
    seen.append(fingerprint())
    assert len(set(seen)) == len(seen)
