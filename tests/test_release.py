"""The published release: CSV form, atomic swap, determinism, and the gate, end to end through Dagster."""

import hashlib
import json
import shutil

import pandas as pd
import pytest

from ieo import names
from ieo.contract import CONTRACT
from ieo.release import Release, csv_bytes, neutralise, publish
from ieo.report.build import RUN_SPECIFIC
from tests.conftest import run_edition, tree_bytes


def small_release(edition: int = 2019, run_id: str = "run-1") -> Release:
    return Release(
        edition=edition,
        tables={"t": pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "plain"], "value": [0.1 + 0.2, -3.0]})},
        index={"competitiveness_index": pd.DataFrame({"province_code": ["110000"], "score": [93.6]})},
        inputs=[{"table": "relations", "file": "2019/relations.csv", "sha256": "ab", "rows": 2}],
        checks=[{"asset": "raw/relations", "check": "contract_suite", "status": "SUCCEEDED"}],
        choices={"weights": "report"},
        run={"run_id": run_id, "created_at": "now"},
    )


def test_formula_like_text_is_neutralised_and_numbers_are_not():
    frame = pd.DataFrame({"text": ["=1+1", "+86 10", "-x", "@sum", "ok", None], "number": [-1, 2, 3, 4, 5, 6]})
    out = neutralise(frame)
    assert out["text"].tolist()[:5] == ["'=1+1", "'+86 10", "'-x", "'@sum", "ok"]
    assert out["number"].tolist() == [-1, 2, 3, 4, 5, 6]
    assert csv_bytes(frame).decode("utf-8").splitlines()[1] == "'=1+1,-1"


def test_csv_form_is_utf8_with_a_header_and_stable_floats():
    data = csv_bytes(pd.DataFrame({"省份": ["北京"], "x": [0.1 + 0.2]}))
    assert data.decode("utf-8") == "省份,x\n北京,0.3\n"


def test_publish_writes_the_layout_and_a_manifest(tmp_path):
    target = publish(small_release(), tmp_path)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    files = {o["file"]: o for o in manifest["outputs"]}
    csvs = {"tables/t.csv", "index/competitiveness_index.csv"}
    assert set(files) == csvs | {p.replace(".csv", ".parquet") for p in csvs} | {"ieo_2019.xlsx", "datapackage.json"}
    assert files["tables/t.csv"]["sha256"] == hashlib.sha256((target / "tables/t.csv").read_bytes()).hexdigest()
    assert files["tables/t.csv"]["rows"] == 2
    assert manifest["run"] == {"run_id": "run-1", "created_at": "now"} and list(manifest)[-1] == "run"
    assert [p.name for p in tmp_path.iterdir()] == ["2019"]  # no staging folder left behind


def test_the_same_release_twice_differs_only_in_the_run_block(tmp_path):
    first = tree_bytes(publish(small_release(run_id="a"), tmp_path / "one"))
    second = tree_bytes(publish(small_release(run_id="b"), tmp_path / "two"))
    assert {k for k in first if first[k] != second[k]} == {"manifest.json"}
    one, two = (json.loads(x[("manifest.json")]) for x in (first, second))
    one.pop("run"), two.pop("run")
    assert one == two


def test_a_failure_while_writing_leaves_the_previous_release_untouched(tmp_path, monkeypatch):
    previous = tree_bytes(publish(small_release(), tmp_path))
    broken = small_release()
    broken.index["coherence"] = pd.DataFrame({"x": [1]})
    monkeypatch.setattr("ieo.release.csv_bytes", lambda frame: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        publish(broken, tmp_path)
    assert tree_bytes(tmp_path / "2019") == previous
    assert [p.name for p in tmp_path.iterdir()] == ["2019"]


# --- end to end: the sample database, edition 2019, through Dagster -------------------------------


def test_sample_release_is_complete(released):
    release = released["publish"] / "2019"
    tables = {p.stem for p in (release / "tables").glob("*.csv")}
    assert {"sample_composition", "relation_summary", "province_indicators", "value_network_stats",
            "weighted_degree_top30", "ego_technology_regions_top5", "reconciliation"} <= tables
    assert len(tables) == len(names.MART_TABLES) + len(names.NETWORK_TABLES) + 1  # marts, network, reconciliation
    index = {p.name for p in (release / "index").glob("*.csv")}
    assert {"competitiveness_index.csv", "indicators.csv", "weights.csv", "rank_uncertainty.csv",
            "coherence.csv"} <= index
    ranking = pd.read_csv(release / "index/competitiveness_index.csv", dtype={"province_code": str})
    assert len(ranking) == 31 and ranking["rank"].min() == 1
    assert {"province_code", "province_name_zh", "score", "rank", "enterprise_capabilities_score",
            "enterprise_capabilities_rank"} <= set(ranking.columns)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs"]) == len(CONTRACT) and all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    blocking = [c for c in manifest["checks"] if c["blocking"]]
    assert {c["status"] for c in blocking} == {"SUCCEEDED"} and len(blocking) > 100
    warned = {c["check"] for c in manifest["checks"] if c["status"] != "SUCCEEDED"}
    assert "composition_totals_match_rows" in warned  # the report's own inconsistencies are recorded, not gating
    assert all(not c["blocking"] for c in manifest["checks"] if c["check"] in warned)
    assert manifest["choices"]["weights_source"] == "report" and manifest["choices"]["normalisation"] == "minmax"
    assert len(manifest["code"]["git_commit"]) in (40, len("unknown"))


def test_a_second_run_reproduces_the_release_byte_for_byte(released):
    before = tree_bytes(released["publish"] / "2019")
    assert run_edition(released) == 0
    after = tree_bytes(released["publish"] / "2019")
    assert {k for k in before if before[k] != after[k]} == {"manifest.json", "report.html"}
    first, second = (json.loads(x["manifest.json"]) for x in (before, after))
    assert first.pop("run") != second.pop("run") and first == second
    # the report differs only in the paragraphs naming the run
    reports = [RUN_SPECIFIC.sub(b"", x["report.html"]) for x in (before, after)]
    assert reports[0] == reports[1] and reports[0] != before["report.html"]
    # nothing the raw load depends on changed, so the warehouse's current load stood, checks and all
    loads, checks = raw_records(released["home"])
    assert {m["reloaded"] for m in loads.values()} == {False}
    assert {m["load_id"] for m in loads.values()} == {current_load(released["warehouse"])}
    assert {m["carried_from_run"] for m in loads.values()} == {current_load(released["warehouse"])}
    assert all(passed and metadata["carried_from_run"] != run for passed, metadata, run in checks.values())
    # nor did anything the dbt build depends on: its tables and its tests' results stood too, from the first run
    built, tested = model_records(released["home"])
    first = first_run(released["home"])
    assert len(built) > 30 and {(m["rebuilt"], m["carried_from_run"]) for m in built.values()} == {(False, first)}
    assert len(tested) > 150 and {metadata["carried_from_run"] for _passed, metadata in tested.values()} == {first}


def test_an_editions_first_run_parses_the_dbt_project_once(released):
    """The seeds' build takes the edition's dbt vars, so the models' build of the same run starts from its parse."""
    from glue.dbt import TARGET_DIR

    first = first_run(released["home"])
    logs = {step: (folder / "dbt.log").read_text(encoding="utf-8")
            for step in ("reference_seeds", "survey_models") for folder in TARGET_DIR.glob(f"{step}-{first[:8]}-*")}
    assert "UnableToPartialParse" in logs["reference_seeds"]  # a new warehouse: its vars were never parsed
    assert "UnableToPartialParse" not in logs["survey_models"] and "PartialParsingEnabled" in logs["survey_models"]


def test_reload_raw_loads_unchanged_files_again_and_publishes_the_same_bytes(released):
    before = tree_bytes(released["publish"] / "2019")
    kept = current_load(released["warehouse"])
    assert run_edition(released, "--reload-raw") == 0
    loads, checks = raw_records(released["home"])
    new = current_load(released["warehouse"])
    assert new != kept and {m["load_id"] for m in loads.values()} == {new}
    assert {m["reloaded"] for m in loads.values()} == {True} and not any("carried_from_run" in m for m in loads.values())
    assert all(passed and "carried_from_run" not in metadata for passed, metadata, _run in checks.values())
    built, _tested = model_records(released["home"])
    assert {m["rebuilt"] for m in built.values()} == {True}  # a new load of the edition: its models read it
    after = tree_bytes(released["publish"] / "2019")
    assert {k for k in before if before[k] != after[k]} <= {"manifest.json", "report.html", "lineage.json", "lineage.html"}


def test_rebuild_models_builds_unchanged_models_again_and_publishes_the_same_bytes(released):
    before = tree_bytes(released["publish"] / "2019")
    assert run_edition(released, "--rebuild-models") == 0
    loads, _checks = raw_records(released["home"])
    built, tested = model_records(released["home"])
    assert {m["reloaded"] for m in loads.values()} == {False}
    assert {m["rebuilt"] for m in built.values()} == {True} and not any("carried_from_run" in m for m in built.values())
    assert not any("carried_from_run" in metadata for _passed, metadata in tested.values())
    after = tree_bytes(released["publish"] / "2019")
    assert {k for k in before if before[k] != after[k]} <= {"manifest.json", "report.html", "lineage.json", "lineage.html"}


def test_a_model_table_missing_from_the_warehouse_is_built_again(released):
    import duckdb

    import dagster as dg

    from assets.dbt_models import missing_relations
    from ieo.engine import Engine
    from ieo.settings import DUCKDB, default_lake

    with duckdb.connect(str(released["warehouse"])) as con:
        con.execute("DROP TABLE marts.relation_summary")
    engine = Engine(DUCKDB, released["warehouse"], default_lake(released["warehouse"]))
    read_and_built = [dg.AssetKey(path) for path in (["marts", "relation_summary"], ["marts", "sample_composition"],
                                                     ["staging", "stg_relations"], ["reference", "provinces"],
                                                     ["raw", "relations"])]
    assert missing_relations(engine, 2019, read_and_built) == ["marts/relation_summary"]
    assert run_edition(released) == 0
    built, _tested = model_records(released["home"])
    assert {m["rebuilt"] for m in built.values()} == {True}
    with duckdb.connect(str(released["warehouse"]), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.relation_summary WHERE edition = 2019").fetchone()[0] > 0


def test_a_current_load_missing_from_the_lake_is_loaded_again(released):
    """The raw views read the lake: a run repairs a lake that lost the current load's files, as it did before loads
    were kept when unchanged."""
    from ieo.lake import load_file
    from ieo.settings import default_lake

    kept = current_load(released["warehouse"])
    load_file(default_lake(released["warehouse"]), "relations", 2019, kept).unlink()
    assert run_edition(released) == 0
    loads, _checks = raw_records(released["home"])
    assert {m["reloaded"] for m in loads.values()} == {True} and current_load(released["warehouse"]) != kept


def raw_records(home) -> tuple[dict[str, dict], dict[str, tuple[bool, dict, str]]]:
    """Each raw table's latest materialization of edition 2019 (its metadata), and its contract check's latest
    result (passed, metadata, run), as the Dagster instance recorded them."""
    import dagster as dg

    loads, checks = {}, {}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for table in CONTRACT:
            key = dg.AssetKey([names.RAW, table.name])
            record = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=key, asset_partitions=["2019"]), limit=1).records[0]
            loads[table.name] = {k: v.value for k, v in record.asset_materialization.metadata.items()}
            evaluation = instance.event_log_storage.get_asset_check_execution_history(
                dg.AssetCheckKey(key, "contract_suite"), limit=1)[0].event.dagster_event.event_specific_data
            checks[table.name] = (evaluation.passed, {k: v.value for k, v in evaluation.metadata.items()},
                                  record.run_id)
    return loads, checks


def model_records(home) -> tuple[dict[str, dict], dict[str, tuple[bool, dict]]]:
    """Each dbt model's latest materialization of edition 2019 (its metadata), and each dbt test's latest result
    (passed, metadata), as the Dagster instance recorded them."""
    import dagster as dg

    from assets.dbt_models import survey_models
    from glue.results import latest_check_record

    built, tested = {}, {}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for key in survey_models.keys:
            record = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=key, asset_partitions=["2019"]), limit=1).records[0]
            built[key.to_user_string()] = {k: v.value for k, v in record.asset_materialization.metadata.items()}
        for key in survey_models.check_keys:
            evaluation = latest_check_record(instance, key, "2019").event.dagster_event.event_specific_data
            tested[f"{key.asset_key.to_user_string()}:{key.name}"] = (
                evaluation.passed, {k: v.value for k, v in evaluation.metadata.items()})
    return built, tested


def first_run(home) -> str:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        return instance.get_run_records(ascending=True, limit=1)[0].dagster_run.run_id


def current_load(warehouse) -> str:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select load_id from raw._current where edition = 2019").fetchone()[0]


def test_at_scale_10_a_second_run_reproduces_every_data_file_and_the_lineage(dbt_manifest, tmp_path):
    """Four dbt threads, the saved dbt parse and the cached column lineage (all in use by the second run) leave
    the published bytes as they were, at ten times the sample's size too."""
    from ieo.sample.generator import generate

    paths = {"raw": tmp_path / "raw", "warehouse": tmp_path / "w.duckdb", "publish": tmp_path / "published",
             "home": tmp_path / "dh", "data_docs": tmp_path / "data_docs"}
    generate(paths["raw"], seed=2020, scale=10)
    assert run_edition(paths) == 0
    before = tree_bytes(paths["publish"] / "2019")
    assert run_edition(paths) == 0
    after = tree_bytes(paths["publish"] / "2019")
    assert {k for k in before if before[k] != after[k]} == {"manifest.json", "report.html"}
    assert sum(name.endswith(".csv") for name in after) == len(names.PUBLISHED_TABLES)


def test_a_corrupt_input_stops_publication_and_keeps_the_old_release(released, tmp_path, capsys):
    before = tree_bytes(released["publish"] / "2019")
    paths = {**released, "raw": tmp_path / "raw"}
    shutil.copytree(released["raw"], paths["raw"])
    enterprises = paths["raw"] / "2019" / "enterprises.csv"
    frame = pd.read_csv(enterprises, dtype=str, keep_default_na=False)
    frame.loc[3, "patent_count"] = "-5"
    frame.to_csv(enterprises, index=False)
    assert run_edition(paths) == 1
    assert "2019/enterprises.csv, row 5, column patent_count" in capsys.readouterr().err
    assert tree_bytes(released["publish"] / "2019") == before

    # what Dagster recorded: the run stopped at the raw load's check, whose metadata names the bad row
    import dagster as dg

    with dg.DagsterInstance.from_config(str(released["home"])) as instance:
        run = instance.get_runs(limit=1)[0]
        logs = instance.all_logs(run.run_id)
    assert run.status == dg.DagsterRunStatus.FAILURE
    failures = [e.dagster_event for e in logs if e.dagster_event and e.dagster_event.event_type_value == "STEP_FAILURE"]
    assert [f.step_key for f in failures] == ["raw_survey_edition"]
    checks = {  # the raw assets' checks (the run also reports the unchanged reference seeds and their checks)
        e.dagster_event.event_specific_data.asset_key.to_user_string(): e.dagster_event.event_specific_data
        for e in logs
        if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.dagster_event.event_specific_data.asset_key.path[0] == "raw"
    }
    failed = {key for key, evaluation in checks.items() if not evaluation.passed}
    assert failed == {"raw/enterprises"} and len(checks) == len(CONTRACT)
    [item] = checks["raw/enterprises"].metadata["failed_expectations_json"].value
    assert (item["column"], item["unexpected_count"], item["sample_rows"], item["sample_values"]) == (
        "patent_count", 1, [5], ["-5"])
    materialized = [e.dagster_event.event_specific_data.materialization for e in logs
                    if e.dagster_event and e.dagster_event.event_type_value == "ASSET_MATERIALIZATION"]
    # Nothing of the edition; only the reference seeds, reported current and not reloaded.
    assert materialized and all(m.asset_key.path[0] in ("reference", "report") and m.metadata["reloaded"].value is False
                                for m in materialized)


def test_malformed_index_weights_stop_publication(released, tmp_path, capsys):
    from ieo.reference import reference_table

    before = tree_bytes(released["publish"] / "2019")
    weights = reference_table("index_weights").copy()
    weights.loc[weights["node_id"] == "enterprise_count", "weight"] = "0.3782"
    bad = tmp_path / "weights.csv"
    weights.to_csv(bad, index=False)
    assert run_edition(released, "--weights", str(bad)) == 1
    assert "children of enterprise_size sum to 0.4045, not 0.2045" in capsys.readouterr().err
    assert tree_bytes(released["publish"] / "2019") == before
