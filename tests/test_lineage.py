"""Lineage of a release: hand-built steps, and the sample release traced down to raw contract columns."""

import json

from ieo.lineage import (
    WHOLE_TABLE,
    Step,
    build_lineage,
    render_lineage_html,
    sql_column_lineage,
)


def test_sql_column_lineage_follows_ctes_joins_and_stars():
    schema = {"intermediate": {"e": {"province": "VARCHAR", "org_id": "VARCHAR"}},
              "reference": {"p": {"code": "VARCHAR", "name": "VARCHAR"}}}
    sql = """
        with c as (select province, count(*) as n from "w"."intermediate"."e" group by province),
             everything as (select * from "w"."reference"."p")
        select p.code, c.n, upper(p.name) as name_upper, coalesce(c.province, p.code) as either
        from everything as p left join c on c.province = p.code"""
    assert sql_column_lineage(sql, schema) == {
        "code": [("reference/p", "code")],
        "n": [],  # a count reads rows, not a column
        "name_upper": [("reference/p", "name")],
        "either": [("intermediate/e", "province"), ("reference/p", "code")],
    }


def hand_steps() -> dict[str, Step]:
    """raw/t(a, b) -> staging/s(a2 from a, n = count) -> marts/m(x from a2, y whole-table); seed reference/r."""
    return {
        "raw/t": Step("raw/t", "raw load", []),
        "reference/r": Step("reference/r", "seed", []),
        "staging/s": Step("staging/s", "dbt", ["raw/t"], {"a2": [("raw/t", "a")], "n": []}, "c1",
                          checks=[{"check": "not_null", "status": "SUCCEEDED"}]),
        "marts/m": Step("marts/m", "dbt", ["reference/r", "staging/s"], {"x": [("staging/s", "a2")]}, "c2"),
        "index/i": Step("index/i", "python", ["marts/m"], {}, "p1"),
    }


def test_columns_are_traced_to_raw_columns_or_whole_tables():
    lineage = build_lineage(2019, {"tables/m.csv": ("marts/m", ["x", "y"]), "index/i.csv": ("index/i", ["score"])},
                            hand_steps(), [{"table": "t", "file": "2019/t.csv", "sha256": "ab", "rows": 1}],
                            {"reference/r": "cd"})
    m = lineage["tables"]["tables/m.csv"]["columns"]
    assert m["x"] == {"upstream": ["staging/s.a2"], "sources": ["raw/t.a"]}
    assert m["y"] == {"upstream": [f"reference/r.{WHOLE_TABLE}", f"staging/s.{WHOLE_TABLE}"],
                      "sources": [f"raw/t.{WHOLE_TABLE}", f"reference/r.{WHOLE_TABLE}"]}
    score = lineage["tables"]["index/i.csv"]["columns"]["score"]
    assert score["upstream"] == [f"marts/m.{WHOLE_TABLE}"]
    assert score["sources"] == [f"raw/t.{WHOLE_TABLE}", f"reference/r.{WHOLE_TABLE}"]
    assert set(lineage["steps"]) == {"raw/t", "reference/r", "staging/s", "marts/m", "index/i"}
    assert lineage["steps"]["staging/s"]["checks"] == [{"check": "not_null", "status": "SUCCEEDED"}]
    html = render_lineage_html(lineage)
    assert "<code>raw/t.a</code>" in html and "http" not in html


def test_the_sample_release_traces_every_published_column(released):
    release = released["publish"] / "2019"
    lineage = json.loads((release / "lineage.json").read_text(encoding="utf-8"))
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert {"lineage.json", "lineage.html"} <= {o["file"] for o in manifest["outputs"]}
    published = sorted(p.relative_to(release).as_posix() for p in release.glob("*/*.csv"))
    assert sorted(lineage["tables"]) == published
    for file, table in lineage["tables"].items():
        header = (release / file).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert list(table["columns"]) == header, file
        for column, links in table["columns"].items():
            assert links["sources"], f"{file}:{column} has no sources"
            assert all(s.split("/")[0] in ("raw", "reference", "report") for s in links["sources"])
    rd = lineage["tables"]["tables/rd_intensity_top20_listed.csv"]["columns"]
    assert rd["rd_intensity"]["sources"] == ["raw/enterprises.rd_intensity"]  # column level through dbt
    assert rd["name"]["sources"] == ["raw/organizations.name"]
    steps = lineage["steps"]
    assert steps["marts/rd_intensity_top20_listed"]["code_version"]  # dbt's checksum of the model
    assert steps["network/value_network_stats"]["source_file"] == "assets/network.py"
    assert all(c["status"] == "SUCCEEDED" for c in steps["network/value_network_stats"]["checks"])
    assert {i["sha256"] for i in lineage["inputs"]["raw_files"]} == {i["sha256"] for i in manifest["inputs"]}
    assert "http" not in (release / "lineage.html").read_text(encoding="utf-8")
