"""The release's dbt docs page is the same for the same project and edition, however dbt parsed and wherever
the checkout, the build's target folder and the warehouse were."""

import json

from ieo.dbt_docs import DATABASE, FIXED_TIME, docs_anchors, docs_page, empty_catalog, reproducible


def manifest(order: list[str], root: str, target: str, database: str) -> dict:
    nodes = {
        "model.ieo.b": {"unique_id": "model.ieo.b", "resource_type": "model", "schema": "marts", "name": "b",
                        "database": database, "created_at": 1796044917.7, "root_path": root,
                        "compiled_path": f"{target}/compiled/b.sql",
                        "compiled_code": f'select * from "{database}"."staging"."a"',
                        "columns": {"z": {"description": "first"}, "y": {"description": "second"}}},
        "model.ieo.a": {"unique_id": "model.ieo.a", "resource_type": "model", "schema": "staging", "name": "a",
                        "database": database, "created_at": 1796044918.1, "root_path": root, "columns": {}},
    }
    return {"metadata": {"dbt_version": "1.11.16", "generated_at": "2026-11-30T13:22:52Z", "invocation_id": "x",
                         "invocation_started_at": "2026-11-30T13:21:54Z", "env": {"A": "1"}},
            "nodes": {k: nodes[k] for k in order},
            "sources": {}, "parent_map": {"model.ieo.b": ["model.ieo.a"], "model.ieo.a": []},
            "child_map": {k: v for k, v in [("model.ieo.a", ["model.ieo.c", "model.ieo.b"]), ("model.ieo.b", [])]}}


def test_two_parses_in_two_checkouts_give_one_page():
    first = reproducible(manifest(["model.ieo.a", "model.ieo.b"], "/work/main/dbt_project", "/work/main/dbt_project/target/x1", "w"),
                         {"/work/main/dbt_project/target/x1": "target", "/work/main/dbt_project": "dbt_project", "/work/main": "."}, "w")
    second = reproducible(manifest(["model.ieo.b", "model.ieo.a"], "/tmp/clone/dbt_project", "/tmp/clone/dbt_project/target/y2", "warehouse2"),
                          {"/tmp/clone/dbt_project/target/y2": "target", "/tmp/clone/dbt_project": "dbt_project", "/tmp/clone": "."}, "warehouse2")
    assert json.dumps(first) == json.dumps(second)  # the page's bytes: order included
    b = first["nodes"]["model.ieo.b"]
    assert (b["database"], b["created_at"], b["root_path"], b["compiled_path"]) == (DATABASE, 0, "dbt_project", "target/compiled/b.sql")
    assert b["compiled_code"] == f'select * from "{DATABASE}"."staging"."a"'
    assert list(b["columns"]) == ["z", "y"]  # a table's columns keep their order
    assert first["child_map"]["model.ieo.a"] == ["model.ieo.b", "model.ieo.c"]
    assert first["metadata"]["generated_at"] == FIXED_TIME and first["metadata"]["env"] == {}
    template = '<html><script>var m = "MANIFEST.JSON INLINE DATA"; var c = "CATALOG.JSON INLINE DATA";</script></html>'
    page = docs_page(template, first, empty_catalog(first)).decode("utf-8")
    assert '"model.ieo.b"' in page and '"nodes": {}' in page and "INLINE DATA" not in page
    assert docs_anchors(first) == {"staging/a": "#!/model/model.ieo.a", "marts/b": "#!/model/model.ieo.b"}
