"""Write, audit, publish: every load is kept, only a passing one becomes current, failures stay visible."""

import json

import duckdb
import pandas as pd
import pytest

from checks.raw_load import SuiteViolation, load_edition
from ieo import contract as c
from ieo.raw_reader import ContractViolation
from ieo.warehouse import (
    CURRENT_TABLE,
    FAILED,
    LEGACY_REPLACED,
    PASSED,
    REJECTED,
    connect,
    current_load_files,
    ensure_raw_schema,
    load_history,
    write_load,
)

EDITION = 2019


def set_patent_count(folder, row_index, value):
    path = folder / str(EDITION) / "enterprises.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row_index, "patent_count"] = value
    frame.to_csv(path, index=False)


def history(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return load_history(con, EDITION)


def test_a_failed_load_is_kept_visible_and_never_read(edition_copy, tmp_path):
    warehouse, docs = tmp_path / "w.duckdb", tmp_path / "docs"
    good = load_edition(edition_copy, warehouse, EDITION, "good-load", docs_dir=docs)
    set_patent_count(edition_copy, 3, "-5")
    set_patent_count(edition_copy, 7, "-9")
    with pytest.raises(SuiteViolation) as caught:
        load_edition(edition_copy, warehouse, EDITION, "bad-load", docs_dir=docs)
    assert caught.value.load_id == "bad-load"

    loads = history(warehouse).set_index("load_id")
    assert loads.loc["good-load", "status"] == PASSED and loads.loc["good-load", "current"]
    assert loads.loc["bad-load", "status"] == FAILED and not loads.loc["bad-load", "current"]
    assert loads.loc["bad-load", "problem_count"] == 1  # one failed expectation

    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept = dict(con.sql("select _load_id, count(*) from raw_loads.enterprises group by 1").fetchall())
        visible = {r[0] for r in con.sql("select distinct _load_id from raw.enterprises").fetchall()}
        problems = json.loads(con.execute("select problems from raw._loads where load_id = 'bad-load'").fetchone()[0])
        files = con.execute(
            "select table_name, suite_passed from raw._load_files where load_id = 'bad-load' order by 1"
        ).fetchall()
    rows = len(good.tables["enterprises"].frame)
    assert kept == {"good-load": rows, "bad-load": rows}
    assert visible == {"good-load"}  # what dbt's sources read
    assert problems == [
        {
            "expectation": "expect_column_values_to_be_between",
            "column": "patent_count",
            "rule": "expected a value >= 0",
            "unexpected_count": 2,
            "sample_rows": [5, 9],
            "sample_values": ["-5", "-9"],
            "table": "enterprises",
        }
    ]
    assert dict(files) == {t.name: t.name != "enterprises" for t in c.CONTRACT}


def test_a_passing_reload_becomes_current_and_names_what_it_replaced(small_sample, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    load_edition(small_sample, warehouse, EDITION, "first")
    second = load_edition(small_sample, warehouse, EDITION, "second")
    assert second.replaced_load_id == "first"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert set(current_load_files(con, EDITION)["load_id"]) == {"second"}
        assert con.execute("select count(distinct _load_id) from raw_loads.relations").fetchone()[0] == 2
    assert history(warehouse).set_index("load_id")["current"].to_dict() == {"second": True, "first": False}


def test_an_unreadable_edition_is_recorded_as_rejected(edition_copy, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    load_edition(edition_copy, warehouse, EDITION, "good-load")
    path = edition_copy / str(EDITION) / "policies.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("policy_id", "policy_code", 1), encoding="utf-8")
    with pytest.raises(ContractViolation):
        load_edition(edition_copy, warehouse, EDITION, "unreadable")
    loads = history(warehouse).set_index("load_id")
    assert loads.loc["unreadable", "status"] == REJECTED and loads.loc["good-load", "current"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        problems = json.loads(con.execute("select problems from raw._loads where load_id = 'unreadable'").fetchone()[0])
        assert con.execute("select count(*) from raw_loads.policies where _load_id = 'unreadable'").fetchone()[0] == 0
    assert {(p["file"], p["column"]) for p in problems} >= {("2019/policies.csv", "policy_id")}


def test_a_load_interrupted_before_its_audit_never_becomes_current(small_sample, tmp_path):
    from ieo.raw_reader import read_edition

    warehouse = tmp_path / "w.duckdb"
    load_edition(small_sample, warehouse, EDITION, "good-load")
    write_load(warehouse, EDITION, read_edition(small_sample, EDITION), "crashed", "pandas")
    loads = history(warehouse).set_index("load_id")
    assert loads.loc["crashed", "status"] == "auditing" and not loads.loc["crashed", "current"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert {r[0] for r in con.sql("select distinct _load_id from raw.relations").fetchall()} == {"good-load"}


def test_data_docs_are_written_per_load_and_show_the_failure(edition_copy, tmp_path):
    docs = tmp_path / "docs"
    set_patent_count(edition_copy, 3, "-5")
    with pytest.raises(SuiteViolation) as caught:
        load_edition(edition_copy, tmp_path / "w.duckdb", EDITION, "bad-load", docs_dir=docs)
    index = caught.value.data_docs
    assert index == docs / str(EDITION) / "bad-load" / "index.html" and index.exists()
    pages = list((index.parent / "validations").rglob("*.html"))
    assert len(pages) == len(c.CONTRACT)
    enterprises = next(p for p in pages if "raw_enterprises_2019" in p.as_posix()).read_text(encoding="utf-8")
    assert "patent_count" in enterprises and "Failed" in enterprises


def test_a_warehouse_from_before_load_history_is_upgraded_in_place(small_sample, tmp_path):
    """Raw tables that held only the current load become the kept history; nothing is lost."""
    from ieo.raw_reader import read_edition

    warehouse = tmp_path / "old.duckdb"
    write_load(warehouse, EDITION, read_edition(small_sample, EDITION), "old-load", "pandas")
    with duckdb.connect(str(warehouse)) as con:  # rebuild the single-load layout from it
        for table in c.CONTRACT:
            con.execute(f"drop view raw.{table.name}")
            con.execute(f"create table raw.{table.name} as select * from raw_loads.{table.name}")
            con.execute(f"drop table raw_loads.{table.name}")
        con.execute("create table raw._old as select load_id, edition, table_name, source_file, source_sha256, "
                    "row_count, loaded_at from raw._load_files")
        con.execute("insert into raw._old select 'replaced-load', edition, table_name, source_file, source_sha256, "
                    "row_count, loaded_at - interval 1 day from raw._load_files")
        con.execute(f"drop table raw._loads; drop table raw._load_files; drop table {CURRENT_TABLE}")
        con.execute("alter table raw._old rename to _loads")
        before = con.execute("select count(*), sum(hash(t)) from raw.relations t").fetchone()
    con = connect(warehouse)
    try:
        ensure_raw_schema(con)
        assert con.execute("select count(*), sum(hash(t)) from raw.relations t").fetchone() == before
        statuses = load_history(con, EDITION).set_index("load_id")[["status", "current"]].to_dict("index")
    finally:
        con.close()
    assert statuses == {"old-load": {"status": PASSED, "current": True},
                        "replaced-load": {"status": LEGACY_REPLACED, "current": False}}


@pytest.mark.e2e
def test_every_load_is_written_once_to_the_parquet_lake_and_the_raw_views_read_the_current_one(edition_copy, tmp_path):
    import pyarrow.parquet as pq

    from ieo.lake import load_file, registry_file

    warehouse, lake = tmp_path / "w.duckdb", tmp_path / "elsewhere" / "lake"
    load_edition(edition_copy, warehouse, EDITION, "good-load", lake=lake)
    set_patent_count(edition_copy, 3, "-5")
    with pytest.raises(SuiteViolation):
        load_edition(edition_copy, warehouse, EDITION, "bad-load", lake=lake)
    written = {load: {t.name: load_file(lake, t.name, EDITION, load) for t in c.CONTRACT}
               for load in ("good-load", "bad-load")}
    assert all(path.exists() for files in written.values() for path in files.values())  # failing loads too
    before = {path: path.stat().st_mtime_ns for files in written.values() for path in files.values()}

    # Any engine reads the lake: here pyarrow, without DuckDB.
    good = pq.read_table(written["good-load"]["enterprises"]).to_pandas()
    bad = pq.read_table(written["bad-load"]["enterprises"]).to_pandas()
    assert set(good["_load_id"]) == {"good-load"} and (bad["patent_count"] == -5).sum() == 1
    loads = pq.read_table(registry_file(lake, "loads")).to_pandas().set_index("load_id")
    assert loads.loc["good-load", "status"] == PASSED and loads.loc["bad-load", "status"] == FAILED
    assert pq.read_table(registry_file(lake, "current")).to_pandas()["load_id"].tolist() == ["good-load"]

    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(view,)] = con.execute("select sql from duckdb_views() where schema_name = 'raw' and view_name = 'enterprises'"
                                ).fetchall()
        visible = con.sql("select _load_id, count(*) from raw.enterprises group by 1").fetchall()
        [(kept,)] = con.sql("select count(*) from raw_loads.enterprises where _load_id = 'good-load'").fetchall()
    assert "read_parquet" in view and str(lake) in view
    assert visible == [("good-load", kept)]  # the failed load is in the lake, and never read

    # A later load writes its own files and leaves every earlier one as it was.
    set_patent_count(edition_copy, 3, "5")
    load_edition(edition_copy, warehouse, EDITION, "fixed-load", lake=lake)
    assert {path: path.stat().st_mtime_ns for path in before} == before
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("select distinct _load_id from raw.relations").fetchall() == [("fixed-load",)]
