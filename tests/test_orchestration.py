"""The Dagster code location and the `ieo` CLI, run end to end through Dagster."""

import datetime as dt

import dagster as dg
import duckdb
import pytest

from glue.partitions import edition_partitions
from ieo.contract import CONTRACT
from orchestration.cli import main


def test_edition_partitions_are_years_from_2017_to_the_current_year():
    keys = edition_partitions.get_partition_keys(current_time=dt.datetime(2026, 11, 28))
    assert keys[0] == "2017" and keys[-1] == "2026" and keys[2] == "2019"


def test_every_asset_has_a_group_owner_kind_and_description(dbt_manifest):
    from orchestration.definitions import defs

    specs = list(defs.resolve_all_asset_specs())
    assert {s.group_name for s in specs} == {"raw", "reference", "staging", "intermediate", "marts", "network", "index",
                                             "quality", "publish"}
    # A layer is a warehouse schema, an asset key prefix and an asset group at once.
    assert all(s.key.path[0] == s.group_name for s in specs if s.group_name != "reference"), \
        [s.key for s in specs if s.key.path[0] != s.group_name and s.group_name != "reference"]
    raw = [s for s in specs if s.group_name == "raw"]
    assert len(raw) == len(CONTRACT)
    for spec in specs:
        assert spec.owners and spec.kinds and spec.description, spec.key
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert "contract_suite" in checks
    assert "sums_to_one_enterprise_by_tech_layer_share_of_enterprises__edition" in checks  # dbt tests are checks
    assert "source_not_null_raw_relations_sample_id" in checks  # dbt source tests check the raw assets
    graph = defs.resolve_asset_graph()
    non_blocking = {key.name for key in graph.asset_check_keys if not graph.get_check_spec(key).blocking}
    # dbt tests of error severity block; only the warnings do not
    assert non_blocking == {"index_weights_add_up", "relation_counts_add_up", "composition_totals_match_rows",
                            "top10_countries_within_overseas_total", "subject_counts_change_under_half",
                            "raw_files_are_fresh", "application_layer_within_whole_network",
                            "focal_relations_within_top30"}
    relation_summary = next(s for s in specs if s.key.path[-1] == "relation_summary")
    upstream = {dep.asset_key.path[-1] for dep in relation_summary.deps}
    assert upstream == {"int_relations"}
    network_stats = next(s for s in specs if s.key == dg.AssetKey(["network", "value_network_stats"]))
    assert {dep.asset_key for dep in network_stats.deps} <= set(graph.get_all_asset_keys())  # no orphan inputs


@pytest.fixture
def cli_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return tmp_path


def test_ieo_run_materializes_every_edition_through_dagster(dbt_manifest, small_sample, cli_paths, capsys):
    warehouse = cli_paths / "warehouse.duckdb"
    code = main(["run", "--raw-dir", str(small_sample), "--warehouse", str(warehouse),
                 "--publish-dir", str(cli_paths / "published")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "all 3 runs succeeded" in out and "materialized raw/relations" in out
    assert "materialized reference/provinces" in out  # a fresh warehouse gets its reference data from the edition run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        editions = con.sql("select distinct edition from raw.relations order by 1").fetchall()
        provinces = con.execute("select count(*) from reference.provinces").fetchone()[0]
    assert editions == [(2017,), (2018,), (2019,)] and provinces == 31

    instance = dg.DagsterInstance.get()
    event = instance.get_latest_materialization_event(dg.AssetKey(["raw", "relations"]))
    metadata = event.asset_materialization.metadata
    assert event.asset_materialization.partition == "2019"
    assert len(metadata["source_sha256"].value) == 64
    assert metadata["dagster/row_count"].value > 0

    stats = instance.get_latest_materialization_event(dg.AssetKey(["network", "value_network_stats"]))
    assert stats.asset_materialization.partition == "2019"
    assert stats.asset_materialization.metadata["whole.graph_relations"].value > 0
    checks = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey(["network", "value_network_stats"]), "counts_match_staged_inputs")]
    )
    assert all(record.status.value == "SUCCEEDED" for record in checks.values()) and checks


def test_ieo_run_exits_nonzero_with_a_summary_on_bad_input(dbt_manifest, edition_copy, cli_paths, capsys):
    (edition_copy / "2019" / "policies.csv").unlink()
    code = main(["run", "--edition", "2019", "--raw-dir", str(edition_copy),
                 "--warehouse", str(cli_paths / "w.duckdb")])
    err = capsys.readouterr().err
    assert code == 1
    assert "1 of 1 runs failed" in err
    assert "2019/policies.csv: required table file is missing (.csv, .parquet or .xlsx, or a sheet named after it in an edition workbook)" in err


def test_ieo_run_without_editions_explains_what_to_do(cli_paths, capsys):
    assert main(["run", "--raw-dir", str(cli_paths / "empty")]) == 2
    assert "run `ieo sample`" in capsys.readouterr().err
