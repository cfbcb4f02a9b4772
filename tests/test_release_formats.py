"""The release's other forms: Parquet, the workbook and the Frictionless Data Package, against the CSVs.

Each form is read back with a library that did not write it (pyarrow reads what pandas gave it, python-calamine
reads XlsxWriter's workbook, frictionless validates the descriptor against the CSVs it describes).
"""

import json
import zipfile

import frictionless
import pandas as pd
import pyarrow.parquet as pq
import pytest
import python_calamine

from ieo import names
from ieo.release import Release, publish
from ieo.release_formats import CONTENTS_SHEET, TableDoc, sheet_names, table_docs

DOCS = {"t": TableDoc("A test table.", {"name": "A name.", "value": "A value.", "n": "A count."}, ("name",)),
        "competitiveness_index": TableDoc("The index.", {"province_code": "Code.", "score": "Score."}, ("province_code",))}


def release(names_column=("=HYPERLINK(\"x\")", "plain", "北京")) -> Release:
    return Release(
        edition=2019,
        tables={"t": pd.DataFrame({"name": list(names_column), "value": [0.1 + 0.2, -3.0, None],
                                   "n": pd.array([1, 2, None], dtype="Int64")})},
        index={"competitiveness_index": pd.DataFrame({"province_code": ["110000"], "score": [93.6]})},
        inputs=[], checks=[], choices={}, run={"run_id": "r"}, docs=DOCS,
    )


def test_parquet_has_typed_columns_the_values_and_the_descriptions(tmp_path):
    target = publish(release(), tmp_path)
    table = pq.read_table(target / "tables" / "t.parquet")
    assert [str(f.type) for f in table.schema] == ["string", "double", "int64"]
    assert table.column("name").to_pylist() == ["=HYPERLINK(\"x\")", "plain", "北京"]  # data, not neutralised
    assert table.column("n").to_pylist() == [1, 2, None]
    assert table.column("value").to_pylist() == [0.3, -3.0, None]  # the CSV's ten digits: 0.1 + 0.2 prints 0.3
    assert table.schema.metadata[b"description"] == b"A test table."
    assert table.schema.field("value").metadata[b"description"] == b"A value."


def test_the_workbook_lists_every_column_and_holds_typed_neutralised_cells(tmp_path):
    target = publish(release(), tmp_path)
    book = python_calamine.CalamineWorkbook.from_path(str(target / "ieo_2019.xlsx"))
    assert book.sheet_names == [CONTENTS_SHEET, "t", "competitiveness_index"]
    contents = book.get_sheet_by_name(CONTENTS_SHEET).to_python()
    assert contents[0] == ["sheet", "file", "table", "column", "type", "description"]
    assert ["t", "tables/t.csv", "t", "n", "integer", "A count."] in contents
    assert ["t", "tables/t.csv", "t", "", "", "A test table."] in contents
    rows = book.get_sheet_by_name("t").to_python()
    assert rows == [["name", "value", "n"], ["'=HYPERLINK(\"x\")", 0.3, 1.0], ["plain", -3.0, 2.0],
                    ["北京", "", ""]]
    with zipfile.ZipFile(target / "ieo_2019.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    assert '<pane ySplit="1" topLeftCell="A2"' in sheet  # the header row is frozen
    assert "2019-01-01T00:00:00Z" in core  # a fixed creation time, not the clock


def test_long_table_ids_get_unique_sheet_names_within_excels_limit():
    ids = [t.table_id for t in names.PUBLISHED_TABLES]
    sheets = sheet_names(ids)
    assert all(len(s) <= 31 for s in sheets.values()) and len(set(sheets.values())) == len(ids)
    assert sheets["relation_summary"] == "relation_summary"


def test_the_data_package_validates_and_a_duplicate_key_does_not(tmp_path):
    target = publish(release(), tmp_path / "good")
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == ["tables/t.csv", "index/competitiveness_index.csv"]
    t = package["resources"][0]
    assert [(f["name"], f["type"]) for f in t["schema"]["fields"]] == [("name", "string"), ("value", "number"),
                                                                       ("n", "integer")]
    assert t["schema"]["primaryKey"] == ["name"]
    report = frictionless.validate(target / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    duplicated = publish(release(names_column=("a", "a", "b")), tmp_path / "bad")
    report = frictionless.validate(duplicated / "datapackage.json")
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"primary-key"}


def test_a_changed_csv_fails_its_hash_in_the_data_package(tmp_path):
    target = publish(release(), tmp_path)
    path = target / "index" / "competitiveness_index.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("93.6", "93.7"), encoding="utf-8")
    report = frictionless.validate(target / "datapackage.json")
    assert not report.valid and "hash-count" in {e[0] for e in report.flatten(["type"])}


def test_table_docs_read_dbts_model_and_source_docs(dbt_manifest):
    from glue.dbt import manifest_path

    manifest = json.loads(manifest_path().read_text(encoding="utf-8"))
    docs = table_docs(manifest)
    assert set(docs) == {t.table_id for t in names.PUBLISHED_TABLES}
    assert docs["sample_composition"].primary_key == ("subtype",)  # its unique_combination test, less edition
    assert docs["weighted_degree_top30"].primary_key == ("node_role", "org_id")  # the source's meta
    assert docs["competitiveness_index"].columns["province_code"].startswith("GB/T 2260")  # a doc() block, rendered


def test_the_sample_release_validates_as_a_data_package_and_its_forms_agree(released):
    target = released["publish"] / "2019"
    report = frictionless.validate(target / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(r["path"] for r in package["resources"]) == sorted(t.file for t in names.PUBLISHED_TABLES)
    undocumented = [(r["name"], f["name"]) for r in package["resources"] for f in r["schema"]["fields"]
                    if not f["description"]]
    marts = {t.table_id for t in names.MART_TABLES}
    counted = (f for r in package["resources"] if r["name"] in marts for f in r["schema"]["fields"]
               if f["name"].endswith(("_count", "_rank", "_total", "_papers", "_patents"))
               and not f["name"].startswith(("share_", "average_")))
    assert [f["name"] for f in counted if f["type"] != "integer"] == []  # sums and ranks typed alike on every engine
    assert not undocumented and all(r["description"] for r in package["resources"])
    book = python_calamine.CalamineWorkbook.from_path(str(target / "ieo_2019.xlsx"))
    sheets = sheet_names([r["name"] for r in package["resources"]])
    for resource in package["resources"]:
        csv = pd.read_csv(target / resource["path"], keep_default_na=False, na_values=[""], dtype=str)
        parquet = pq.read_table(target / resource["path"].replace(".csv", ".parquet")).to_pandas()
        assert list(parquet.columns) == list(csv.columns) and len(parquet) == len(csv), resource["name"]
        rows = book.get_sheet_by_name(sheets[resource["name"]]).to_python()
        assert rows[0] == list(csv.columns) and len(rows) == len(csv) + 1, resource["name"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    outputs = {o["file"] for o in manifest["outputs"]}
    assert {"datapackage.json", "ieo_2019.xlsx"} | {r["path"].replace(".csv", ".parquet") for r in package["resources"]} <= outputs
    lineage = json.loads((target / "lineage.json").read_text(encoding="utf-8"))
    assert lineage["derived_files"]["tables/relation_summary.parquet"] == ["tables/relation_summary.csv"]


@pytest.mark.parametrize("table_id", ["network_core_nodes", "value_network_stats"])
def test_parquet_values_equal_the_csvs(released, table_id):
    target = released["publish"] / "2019" / "tables"
    csv = pd.read_csv(target / f"{table_id}.csv")
    parquet = pq.read_table(target / f"{table_id}.parquet").to_pandas()
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False, check_exact=False, rtol=1e-9)


def test_the_dbt_docs_site_opens_offline_from_the_lineage_page(released):
    """dbt_docs.html in headless Chromium: no request leaves the file, a model's and a Python table's
    documentation show, and the lineage page's link for a dbt step opens that step's page."""
    import time

    from tests.browser import chromium, requested_urls

    release = released["publish"] / "2019"
    lineage = json.loads((release / "lineage.json").read_text(encoding="utf-8"))
    assert lineage["steps"]["marts/relation_summary"]["dbt_docs"] == "dbt_docs.html#!/model/model.ieo.relation_summary"
    assert lineage["steps"]["reference/provinces"]["dbt_docs"] == "dbt_docs.html#!/seed/seed.ieo.provinces"
    assert lineage["steps"]["network/weighted_degree_top30"]["dbt_docs"].endswith("#!/source/source.ieo.network.weighted_degree_top30")
    browser = chromium()
    try:
        browser.get((release / "lineage.html").resolve().as_uri())
        link = browser.find_element("css selector", 'tr[id="step-marts/relation_summary"] a.docs')
        link.click()
        time.sleep(2)
        model_page = browser.execute_script("return document.body.innerText")
        browser.get((release / "dbt_docs.html").resolve().as_uri() + "#!/source/source.ieo.index.sensitivity")
        time.sleep(2)
        source_page = browser.execute_script("return document.body.innerText")
        requests = [u for u in requested_urls(browser) if not u.startswith(("file:", "data:"))]
        # dbt's own app asks for its icons through two templates that its build leaves unfilled (an Angular
        # expression and a webpack require of favicon.ico); nothing else may complain
        console = [e for e in browser.get_log("browser") if "getIcon" not in e["message"] and "favicon" not in e["message"]]
    finally:
        browser.quit()
    assert "Relations that occurred in the edition year by type" in model_page and "relation_group" in model_page
    assert "Sobol sensitivity indices" in source_page and "total_effect_ci" in source_page
    assert requests == [] and console == []
