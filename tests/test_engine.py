"""The engine seam's plain parts: Spark parameter binding, DuckDB's dtypes and row order on Spark's results,
the engine settings, the cluster's refusals, and the publication guard against tables from another engine."""

import datetime as dt
import json
import socket
import subprocess
import sys
import time

import dagster as dg
import duckdb
import pandas as pd
import pytest

from glue.results import ENGINE, written_elsewhere
from ieo.settings import SettingError, Settings
from ieo.spark_cluster import ClusterConfig, ClusterError, down, port_accepts, up
from ieo.spark_warehouse import _order_terms, bind, typed_frame


def test_parameters_become_spark_literals_and_quoted_text_is_left_alone():
    assert bind("SELECT * FROM t WHERE a = ? AND b = ? AND c = '?'", [2019, "China's"]) == (
        "SELECT * FROM t WHERE a = 2019 AND b = 'China\\'s' AND c = '?'")
    assert bind("WHERE e = $edition OR p = $previous OR x = '$edition'", {"edition": 2019, "previous": 2018}) == (
        "WHERE e = 2019 OR p = 2018 OR x = '$edition'")
    assert bind("VALUES (?, ?, ?)", [None, dt.date(2020, 1, 1), 0.5]) == "VALUES (NULL, DATE '2020-01-01', 0.5)"
    assert bind("SELECT 1", None) == "SELECT 1"


def test_spark_results_get_the_dtypes_duckdb_gives_the_same_sql_types():
    rows = [(1, 10, 1.5, "2019-01-01", True, "x"), (None, None, None, None, None, None)]
    description = [(n, kind, None, None, None, None, True) for n, kind in (
        ("i", "INT_TYPE"), ("b", "BIGINT_TYPE"), ("d", "DECIMAL_TYPE"), ("day", "DATE_TYPE"),
        ("flag", "BOOLEAN_TYPE"), ("s", "STRING_TYPE"))]
    expected = duckdb.connect().execute(
        "SELECT * FROM (VALUES (1::INTEGER, 10::BIGINT, 1.5::DECIMAL(10, 2), DATE '2019-01-01', true, 'x'), "
        "(NULL, NULL, NULL, NULL, NULL, NULL)) t(i, b, d, day, flag, s)").df()
    got = typed_frame(rows, description)
    assert list(got.dtypes.astype(str)) == list(expected.dtypes.astype(str))
    pd.testing.assert_frame_equal(got, expected)
    complete = typed_frame([(1, 2)], description[:2])
    assert list(complete.dtypes.astype(str)) == ["int32", "int64"]  # no nulls: plain numpy integers, as DuckDB


COLUMN_KINDS = {  # every DuckDB type the warehouse holds, with and without nulls: name -> (SQL type, a value)
    "text": ("VARCHAR", "'省 x'"), "flag": ("BOOLEAN", "true"), "small": ("INTEGER", "7"), "big": ("BIGINT", "9"),
    "share": ("DOUBLE", "0.25"), "day": ("DATE", "DATE '2019-03-01'"), "amount": ("DECIMAL(18, 2)", "1.50"),
    "total": ("HUGEINT", "12"), "at": ("TIMESTAMP", "TIMESTAMP '2020-01-02 03:04:05'"),
}


@pytest.mark.parametrize("rows", [0, 1, 3])
def test_query_frames_are_those_duckdb_gives_whichever_way_each_column_is_converted(rows):
    from ieo.warehouse import query_frame

    con = duckdb.connect()
    columns = [f"CAST(CASE WHEN i % 2 = 0 THEN {value} END AS {kind}) AS {name}_with_nulls, "
               f"CAST(NULL AS {kind}) AS {name}_empty, CAST({value} AS {kind}) AS {name}"
               for name, (kind, value) in COLUMN_KINDS.items()]
    for sql in (f"SELECT i, {', '.join(columns)} FROM range(?) t(i) ORDER BY i",
                f"SELECT i, {', '.join(columns)}, 'a name twice' AS i FROM range(?) t(i) ORDER BY i"):
        expected = con.execute(sql, [rows]).df()
        got = query_frame(con, sql, [rows])
        assert [str(d) for d in got.dtypes] == [str(d) for d in expected.dtypes]
        pd.testing.assert_frame_equal(got, expected)


def test_row_order_spells_out_all_columns_with_nulls_last_as_duckdb_sorts():
    assert _order_terms("ALL", ["a", "b"]) == "`a` NULLS LAST, `b` NULLS LAST"
    assert _order_terms("rank, province_code", ["x"]) == "rank NULLS LAST, province_code NULLS LAST"
    assert _order_terms("pillar_id, indicator_id NULLS FIRST", []) == "pillar_id NULLS LAST, indicator_id NULLS FIRST"


def test_engine_settings_are_read_and_bad_values_named():
    settings = Settings.from_env({"IEO_ENGINE": "spark", "IEO_SPARK_HOST": "thrift.example", "IEO_SPARK_PORT": "10001"})
    assert (settings.engine, settings.spark_host, settings.spark_port) == ("spark", "thrift.example", 10001)
    assert Settings.from_env({}).engine == "duckdb"
    assert Settings.from_env({}, engine="spark").engine == "spark"
    with pytest.raises(SettingError, match="IEO_ENGINE must be one of duckdb, spark; it is 'trino'"):
        Settings.from_env({"IEO_ENGINE": "trino"})
    with pytest.raises(SettingError, match="IEO_SPARK_PORT must be a TCP port"):
        Settings.from_env({"IEO_SPARK_PORT": "70000"})


def test_the_validation_engine_is_picked_by_the_loads_size_unless_one_is_chosen():
    from ieo.settings import DUCKDB_VALIDATION_FROM_ROWS, validation_engine_for

    assert Settings.from_env({}).validation_engine == "auto"
    assert validation_engine_for("auto", 60_012) == "pandas"
    assert validation_engine_for("auto", DUCKDB_VALIDATION_FROM_ROWS - 1) == "pandas"
    assert validation_engine_for("auto", DUCKDB_VALIDATION_FROM_ROWS) == "duckdb"
    assert validation_engine_for("pandas", 6_007_167) == "pandas"
    assert validation_engine_for("duckdb", 0) == "duckdb"
    with pytest.raises(SettingError, match="IEO_VALIDATION_ENGINE must be one of auto, duckdb, pandas; it is 'sql'"):
        Settings.from_env({"IEO_VALIDATION_ENGINE": "sql"})


def test_the_cluster_refuses_to_start_without_java(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ClusterError, match="Java is not installed.*openjdk-17-jre-headless"):
        up(ClusterConfig(folder=tmp_path / "spark"))


def test_the_cluster_refuses_a_port_another_process_holds(tmp_path, monkeypatch):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "java").write_text("#!/bin/sh\n")  # found, never run: the port is checked first
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        with pytest.raises(ClusterError, match=f"port {port} on 127.0.0.1.*is taken by another process"):
            up(ClusterConfig(folder=tmp_path / "spark", thrift_port=port))
    assert not (tmp_path / "spark" / "cluster.json").exists()


# A child that shrugs off SIGTERM and listens, under a shell that dies of it: the group outlives its first process.
STUBBORN_LISTENER = """
import signal, socket, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
server = socket.create_server(("127.0.0.1", 0))
open(sys.argv[1], "w").write(str(server.getsockname()[1]))
time.sleep(600)
"""


def test_down_stops_a_group_whose_first_process_is_gone_but_whose_child_still_listens(tmp_path):
    folder, port_file = tmp_path / "spark", tmp_path / "port"
    folder.mkdir()
    script = f"{sys.executable} -c '{STUBBORN_LISTENER}' {port_file} & wait"
    shell = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    config = ClusterConfig(folder=folder)
    config.state_file.write_text(json.dumps({"pids": {"master": shell.pid}}))
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    port = int(port_file.read_text())
    assert port_accepts("127.0.0.1", port)
    assert down(config, grace_seconds=1.0) == ["master"]
    assert shell.poll() is not None and not port_accepts("127.0.0.1", port)
    assert not config.state_file.exists()


def test_publication_sees_tables_last_written_to_another_engine():
    instance = dg.DagsterInstance.ephemeral()
    marts, network, older = (dg.AssetKey(["marts", "a"]), dg.AssetKey(["network", "b"]), dg.AssetKey(["index", "c"]))
    for key, where in ((marts, "spark://127.0.0.1:10000"), (network, "/w.duckdb"), (older, None)):
        metadata = {ENGINE: where} if where else {}
        instance.report_runless_asset_event(dg.AssetMaterialization(key, partition="2019", metadata=metadata))
    instance.report_runless_asset_event(dg.AssetMaterialization(marts, partition="2018", metadata={ENGINE: "/w.duckdb"}))
    assert written_elsewhere(instance, [marts, network, older], "2019", "/w.duckdb") == {
        "marts/a": "spark://127.0.0.1:10000"}
    assert written_elsewhere(instance, [marts, network, older], "2018", "/w.duckdb") == {}


def test_a_failed_dbt_node_is_named_with_the_engines_error_and_no_stack_trace():
    from glue.dbt import failed_nodes

    run_results = {"results": [
        {"unique_id": "model.ieo.stg_relations", "status": "success", "message": "OK"},
        {"unique_id": "model.ieo.province_indicators", "status": "error",
         "message": "Runtime Error\n  Database Error\n    org.apache.hive.service.cli.HiveSQLException: Error running "
                    "query: [UNRESOLVED_ROUTINE] Cannot resolve routine `list_contains`\n"
                    "    \tat org.apache.spark.sql.hive.thriftserver.X.run(X.scala:43)\n    ... 22 more"},
        {"unique_id": "test.ieo.not_null_x", "status": "fail", "message": "Got 2 results, configured to fail if != 0"},
    ]}
    assert failed_nodes(run_results) == [
        "model.ieo.province_indicators: Runtime Error | Database Error | org.apache.hive.service.cli.HiveSQLException: "
        "Error running query: [UNRESOLVED_ROUTINE] Cannot resolve routine `list_contains`",
        "test.ieo.not_null_x: Got 2 results, configured to fail if != 0"]
