"""The Spark engine end to end, on a local standalone cluster started from the pyspark wheel.

The sample's edition 2019 released through Spark must be byte for byte the DuckDB engine's release of the same
inputs (the manifest's engine and run blocks aside), and the hand fixture's marts, checked by hand in
test_marts_hand_fixture.py, must come out the same on both engines. The cluster is stopped whatever happens.
"""

import json
import subprocess

import pytest

from glue.dbt import DBT_EXECUTABLE, dbt_target_args
from ieo import names
from ieo.dbt_docs import DOCS_FILE
from ieo.engine import Engine
from ieo.reference import seeds_fingerprint
from ieo.release import MANIFEST, csv_bytes
from ieo.settings import DBT_PROJECT_DIR, SPARK, default_lake
from ieo.spark_cluster import ClusterConfig, ClusterError, down, port_accepts, up
from tests.conftest import build_marts, run_edition, tree_bytes
from tests.processes import free_port
from tests.test_marts_hand_fixture import FIXTURE

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    config = ClusterConfig(folder=tmp_path_factory.mktemp("spark"), thrift_port=free_port(), master_port=free_port())
    try:
        up(config)
        yield config
    finally:
        down(config)
    assert not port_accepts(config.host, config.thrift_port), "the Thrift server still listens after `down`"


def run_on_spark(paths: dict, cluster: ClusterConfig) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IEO_SPARK_HOST", cluster.host)
        patch.setenv("IEO_SPARK_PORT", str(cluster.thrift_port))
        return run_edition(paths, "--engine", "spark")


@pytest.fixture(scope="module")
def spark_released(released, cluster, tmp_path_factory) -> dict:
    """`ieo run --engine spark --edition 2019` of the same raw folder as the DuckDB engine's `released`."""
    root = tmp_path_factory.mktemp("spark_release")
    paths = {"raw": released["raw"], "warehouse": root / "w.duckdb", "publish": root / "published",
             "home": root / "dh", "data_docs": root / "data_docs"}
    assert run_on_spark(paths, cluster) == 0
    return paths


def test_the_sample_release_on_spark_is_byte_identical_to_duckdbs(released, spark_released):
    paths = spark_released
    on_duckdb, on_spark = (tree_bytes(p["publish"] / "2019") for p in (released, paths))
    csvs = sorted(name for name in on_duckdb if name.endswith(".csv"))
    assert len(csvs) == len(names.PUBLISHED_TABLES) and csvs == sorted(n for n in on_spark if n.endswith(".csv"))
    differing = [name for name in csvs if on_duckdb[name] != on_spark[name]]
    assert not differing, f"CSVs that differ between the engines: {differing}"

    differing = [name for name in on_duckdb if name.endswith((".parquet", ".xlsx", "datapackage.json"))
                 and on_duckdb[name] != on_spark.get(name)]
    assert not differing, f"other forms of the tables that differ between the engines: {differing}"

    duck_manifest, spark_manifest = (json.loads(tree[MANIFEST]) for tree in (on_duckdb, on_spark))
    assert duck_manifest["engine"]["name"] == "duckdb" and spark_manifest["engine"]["name"] == SPARK
    for manifest in (duck_manifest, spark_manifest):
        del manifest["engine"], manifest["run"]
        # dbt's documentation shows the SQL each engine's dialect compiled: the one file that differs
        manifest["outputs"] = [o for o in manifest["outputs"] if o["file"] != DOCS_FILE]
    assert duck_manifest == spark_manifest
    assert b"spark" in on_spark[DOCS_FILE] and on_duckdb[DOCS_FILE] != on_spark[DOCS_FILE]


def test_a_failed_spark_model_is_named_with_sparks_error_and_the_release_stays(spark_released, cluster, capsys):
    spark = Engine(SPARK, spark_released["warehouse"], default_lake(spark_released["warehouse"]), cluster.host,
                   cluster.thrift_port)
    before = tree_bytes(spark_released["publish"])
    with spark.connect() as con:
        # Read by one early model only; the seeds stay recorded as loaded, so the run does not reload it.
        con.execute("DROP TABLE reference.domestic_countries")
    capsys.readouterr()
    try:
        assert run_on_spark(spark_released, cluster) == 1
        failure = capsys.readouterr().err
    finally:
        spark.record_seeded("reference.domestic_countries dropped by a test")  # the next run reloads the seeds
    assert "survey_models: dbt build of edition 2019 on spark" in failure
    assert "model.ieo.int_organizations" in failure  # the model that reads the seed
    assert "[TABLE_OR_VIEW_NOT_FOUND]" in failure and "`reference`.`domestic_countries`" in failure
    assert "\tat org.apache" not in failure
    assert tree_bytes(spark_released["publish"]) == before


def test_the_hand_fixtures_marts_are_the_same_on_both_engines(cluster, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    build_marts(FIXTURE, warehouse, [2019])  # loads the lake too, and builds the DuckDB marts
    duck = Engine("duckdb", warehouse, default_lake(warehouse))
    spark = Engine(SPARK, warehouse, default_lake(warehouse), cluster.host, cluster.thrift_port)
    spark.prepare_raw()
    steps = ([] if spark.seeded_fingerprint() == seeds_fingerprint() else [["seed", "--full-refresh"]]) + [["run"]]
    for step in steps:
        done = subprocess.run([str(DBT_EXECUTABLE), *step, *dbt_target_args(spark, 2019), "--project-dir",
                               str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:]
    differing = [t.table_id for t in names.MART_TABLES
                 if csv_bytes(duck.read(t.relation, 2019, t.order)) != csv_bytes(spark.read(t.relation, 2019, t.order))]
    assert not differing, f"marts that differ between the engines: {differing}"
    assert len(duck.read("marts.sample_composition", 2019)) == 10  # the fixture's ten subtypes, not an empty table


def test_a_cluster_that_does_not_come_up_in_time_is_stopped_and_its_log_shown(tmp_path):
    config = ClusterConfig(folder=tmp_path / "spark", thrift_port=free_port(), master_port=free_port(),
                           start_timeout_seconds=0.5)
    with pytest.raises(ClusterError, match=r"did not accept connections on 127\.0\.0\.1:\d+ within 0\.5 s; "
                                           r"last lines of .*master\.log"):
        up(config)
    assert not config.state_file.exists() and not port_accepts(config.host, config.master_port)
