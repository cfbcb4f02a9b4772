"""dbt's own tests catch known-bad data, and every model and column is documented."""

import json
import shutil

import duckdb
import pytest

from ieo import names
from ieo.contract import CONTRACT
from ieo.settings import DBT_PROJECT_DIR
from tests.conftest import build_marts, dbt, dbt_target
from tests.test_marts_hand_fixture import FIXTURE

pytestmark = pytest.mark.xdist_group("test_dbt_quality")  # the module's warehouse, built once on one worker

@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("quality") / "warehouse.duckdb"
    build_marts(FIXTURE, warehouse, [2019])
    return warehouse


@pytest.fixture
def warehouse_copy(good_warehouse, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(good_warehouse, copy)
    return copy


def run_tests(warehouse, selector):
    return dbt(["test", "--vars", "{edition: 2019}", "--select", selector], warehouse)


def test_dbt_tests_pass_on_the_good_fixture(good_warehouse):
    result = run_tests(good_warehouse, "staging intermediate marts")
    assert result.returncode == 0, result.stdout[-3000:]


def test_relation_to_a_missing_organisation_fails_the_relationship_test(warehouse_copy):
    with duckdb.connect(str(warehouse_copy)) as con:
        # raw.relations reads the current load from the lake, whose files are never rewritten: this copy's view
        # is pointed at the current rows plus one bad row instead.
        con.execute("create table raw_loads.tampered_relations as select * from raw.relations")
        con.execute("""insert into raw_loads.tampered_relations (edition, relation_id, sample_id, counterpart_id,
                                                                 relation_type, _load_id)
                       select 2019, 'R99', 'E1', 'GHOST', 'technology_input', load_id
                       from raw._current where edition = 2019""")
        con.execute("create or replace view raw.relations as select * from raw_loads.tampered_relations")
    result = run_tests(warehouse_copy, "stg_relations")
    assert result.returncode != 0
    assert "FAIL 1 exists_in_edition_stg_relations_counterpart_id" in result.stdout


def test_shares_not_summing_to_one_fail_the_sum_test(warehouse_copy):
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("update marts.enterprise_by_tech_layer set share_of_enterprises = 0.25 where tech_layer = 'base'")
    result = run_tests(warehouse_copy, "enterprise_by_tech_layer")
    assert result.returncode != 0
    assert "FAIL 1 sums_to_one_enterprise_by_tech_layer_share_of_enterprises" in result.stdout


def test_a_share_above_one_fails_the_range_test(warehouse_copy):
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("update marts.relation_summary set domestic_share = 1.5 where relation_type = 'financing'")
    result = run_tests(warehouse_copy, "relation_summary")
    assert "FAIL 1 between_zero_and_one_relation_summary_domestic_share" in result.stdout


def test_docs_generate_and_every_model_and_column_is_described(good_warehouse):
    result = dbt(["docs", "generate", "--vars", "{edition: 2019}"], good_warehouse)
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((dbt_target(good_warehouse) / "manifest.json").read_text())
    catalog = json.loads((dbt_target(good_warehouse) / "catalog.json").read_text())
    models = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}
    intermediates = list((DBT_PROJECT_DIR / "models" / names.INTERMEDIATE).glob("*.sql"))
    assert len(models) == len(CONTRACT) + len(intermediates) + len(names.MART_TABLES)  # one staging model per raw table
    undocumented = []
    for unique_id, node in models.items():
        if not node["description"].strip():
            undocumented.append(unique_id)
        built = {c.lower() for c in catalog["nodes"][unique_id]["columns"]}
        described = {name for name, col in node["columns"].items() if col["description"].strip()}
        undocumented += [f"{unique_id}.{c}" for c in sorted(built - described)]
    assert undocumented == []
