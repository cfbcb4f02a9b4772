"""report.html: built from a release's files, self-contained, and readable in a real browser."""

import base64
import io
import json
import shutil

import pandas as pd
import pytest
from PIL import Image

from ieo.report import charts
from ieo.report.blocks import with_previous
from ieo.report.build import SECTIONS, build_sections, render_report
from ieo.report.charts import Chart
from ieo.report.reader import PublishedRelease
from ieo.report.sections.index import weights_tree


def png_size(chart: Chart) -> tuple[int, int]:
    header, data = chart.data_uri.split(",", 1)
    assert header == "data:image/png;base64"
    return Image.open(io.BytesIO(base64.b64decode(data))).size


def test_year_over_year_change_is_matched_by_key_and_new_rows_are_marked():
    current = pd.DataFrame({"code": ["a", "b", "c"], "n": [10, 4, 1]})
    previous = pd.DataFrame({"code": ["b", "a"], "n": [5, 7]})
    out = with_previous(current, previous, ["code"], "n")
    assert out["change"].tolist()[:2] == [3, -1] and pd.isna(out["change"].iloc[2])
    assert with_previous(current, None, ["code"], "n")["change"].isna().all()


def test_a_printed_table_is_followed_by_the_figures_where_it_differs_from_the_report():
    from types import SimpleNamespace

    from ieo.report.blocks import Section, Table
    from ieo.report.sections.appendices import beside_printed_tables, reconciliation_section

    reconciliation = pd.DataFrame({
        "figure": ["2019/relation_summary/technology_input/relation_count", "2019/relation_summary/financing/relation_count",
                   "2019/technology_io/input/Baidu", "2019/sample_totals/all"],
        "report_table": ["summary", "summary", "io", "totals"], "report_value": [1095.0, 435.0, 149.0, 5554.0],
        "computed_value": [1095.0, 430.0, None, 4901.0], "rel_diff": [0.0, 5 / 435, None, 653 / 5554],
        "status": ["exact", "close", "missing", "mismatch"], "known_discrepancy": [None, None, None, "sample_total_2019"]})
    release = SimpleNamespace(tables={"reconciliation": reconciliation}, manifest={})
    summary, io_top, other = (Table("Relations", ["a"], [["1"]], figures="relation_summary"),
                              Table("Inputs", ["a"], [["1"]], figures="technology_io/output"), Table("Other", ["a"], []))
    sections = [Section("s", "S", [summary, "text", io_top, other])]
    beside_printed_tables(sections, release)
    blocks = sections[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Table", "Table", "str", "Table", "Table"]  # only after "Relations"
    assert blocks[1].rows == [["financing/relation_count", "435.0000", "430.0000", "1.15%", "close", ""]]
    appendix = reconciliation_section(release)
    headings = [b.text for b in appendix.blocks if type(b).__name__ == "Subheading"]
    assert headings == ["Mismatch (1)", "Missing (1)", "Close (1)", "Exact (1)"]  # what differs first
    mismatch = appendix.blocks[appendix.blocks.index(next(b for b in appendix.blocks if getattr(b, "text", "") ==
                                                          "Mismatch (1)")) + 1]
    assert mismatch.rows[0][0] == "sample_totals/all" and mismatch.rows[0][-1].startswith("sample_total_2019: ")


def test_weights_tree_lists_every_node_under_its_parent():
    weights = pd.DataFrame({
        "node_id": ["p1", "p2", "s1", "i1", "i2"], "level": [1, 1, 2, 3, 3], "parent_id": [None, None, "p1", "s1", "s1"],
        "report_label": ["Pillar one", "Pillar two", "Sub", None, "Indicator two"],
        "weight": [0.6, 0.4, 1.0, 0.25, 0.75], "effective_weight": [None, None, None, 0.15, 0.45],
    })
    rows = weights_tree(weights).rows
    assert [r[0].strip("\u2003") for r in rows] == ["Pillar one", "Sub", "i1", "Indicator two", "Pillar two"]
    assert [len(r[0]) - len(r[0].lstrip("\u2003")) for r in rows] == [0, 1, 2, 2, 0]
    assert rows[3][1:] == ["0.7500", "0.4500"]


def test_bar_chart_sorts_bars_and_draws_chinese_labels():
    assert "CJK" in charts.cjk_font() or "Hei" in charts.cjk_font()
    chart = charts.bar_chart("t", "省份", ["北京", "上海", "广东"], [3, 9, 5], "企业")
    width, height = png_size(chart)
    assert width > 300 and height > 100
    assert chart.alt.startswith("省份: 上海 9, 广东 5, 北京 3")  # largest first


def test_charts_are_byte_for_byte_repeatable():
    first = charts.bar_chart("t", "t", ["a", "b"], [1, 2], "n").data_uri
    assert charts.bar_chart("t", "t", ["a", "b"], [1, 2], "n").data_uri == first


def test_the_tile_map_places_every_province_once_and_draws_the_same_bytes_twice():
    from ieo.reference import reference_table
    from ieo.report.sections.index import index_map

    provinces = reference_table("provinces")
    places = list(zip(provinces["tile_column"], provinces["tile_row"]))
    assert len(provinces) == 31 and len(set(places)) == 31  # one square per province, none on another
    beijing, tianjin, hainan = (provinces.set_index("short_zh").loc[n, ["tile_column", "tile_row"]].astype(int).tolist()
                                for n in ("北京", "天津", "海南"))
    assert tianjin[1] > beijing[1] and hainan[1] == max(provinces["tile_row"].astype(int))  # south is down
    ranking = pd.DataFrame({"province_code": provinces["province_code"], "score": range(31, 0, -1),
                            "rank": range(1, 32)})
    chart = index_map(ranking)
    assert chart.data_uri == index_map(ranking).data_uri
    assert chart.alt.endswith(f"31 provinces; highest {provinces['short_zh'].iloc[0]} (31.0 · #1)")
    width, height = png_size(chart)
    assert width > 600 and height > 500


@pytest.fixture(scope="module")
def two_editions(released, tmp_path_factory):
    """The sample's 2019 release, and a copy of it posing as 2018 with Beijing's enterprise count 5 lower."""
    publish = tmp_path_factory.mktemp("report") / "published"
    shutil.copytree(released["publish"] / "2019", publish / "2019")
    earlier = publish / "2018"
    shutil.copytree(publish / "2019", earlier)
    manifest = json.loads((earlier / "manifest.json").read_text(encoding="utf-8"))
    manifest["edition"] = 2018
    (earlier / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    path = earlier / "tables" / "enterprise_by_province.csv"
    frame = pd.read_csv(path, dtype={"province_code": str})
    frame.loc[frame["province_code"] == "110000", "enterprise_count"] -= 5
    frame.to_csv(path, index=False)
    return publish


def test_report_shows_year_over_year_changes_from_the_earlier_release(two_editions):
    html = render_report(two_editions / "2019")
    assert "Year-over-year changes compare with edition 2018" in html
    beijing = next(line for line in html.splitlines() if "<td>北京市</td>" in line)
    assert ">+5<" in beijing
    assert "<th class=\"num\">2018</th>" in html and "<th class=\"num\">2019</th>" in html  # composition by edition


def test_a_report_drawn_with_kept_charts_is_the_same_file(two_editions, tmp_path):
    drawn = render_report(two_editions / "2019")
    first = render_report(two_editions / "2019", tmp_path)
    kept = sorted(tmp_path.glob("*.json"))
    second = render_report(two_editions / "2019", tmp_path)
    assert first == drawn and second == drawn
    assert len(kept) == drawn.count("data:image/png;base64,") and sorted(tmp_path.glob("*.json")) == kept


def test_the_published_report_is_a_dagster_output_of_the_release(released):
    report = released["publish"] / "2019" / "report.html"
    html = report.read_text(encoding="utf-8")
    for heading in SECTIONS.values():
        assert f">{heading}</h2>" in html
    assert "synthetic sample database" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_report_in_headless_chromium(released):
    """No console errors, no network requests, every heading, one drawn image per chart; screenshot saved."""
    from tests.browser import chromium, full_page_screenshot, requested_urls

    release_dir = released["publish"] / "2019"
    expected_charts = [b for s in build_sections(PublishedRelease.read(release_dir)) for b in s.blocks
                       if isinstance(b, Chart)]
    page = (release_dir / "report.html").resolve().as_uri()
    browser = chromium()
    try:
        browser.get(page)
        headings = browser.execute_script("return Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.alt, i.naturalWidth, i.naturalHeight, i.complete])")
        requests = [u for u in requested_urls(browser) if u != page and not u.startswith("data:")]
        console = browser.get_log("browser")
        shot = full_page_screenshot(browser, "report-2019.png")
    finally:
        browser.quit()
    assert console == []
    assert requests == []
    assert set(SECTIONS.values()) <= set(headings)
    assert len(images) == len(expected_charts) >= 15
    assert [alt for alt, *_ in images] == [c.alt for c in expected_charts]
    assert all(width > 0 and height > 0 and complete for _alt, width, height, complete in images)
    assert shot.stat().st_size > 100_000


def test_every_table_column_and_value_a_report_section_reads_is_in_the_sample_release(released):
    """The expected inputs come from the registry (ieo.names), never from the builder's own output."""
    from ieo import names
    from ieo.report.reader import declared_columns

    release = released["publish"] / "2019"
    for section, tables in names.REPORT_INPUTS.items():
        for table_id, columns in tables.items():
            path = release / names.TABLE[table_id].file
            assert path.exists(), (section, table_id)
            header = pd.read_csv(path, nrows=0).columns
            for pattern in columns:
                assert declared_columns((pattern,), header), (section, table_id, pattern)
    for (table_id, column), values in names.REPORT_SELECTS.items():
        present = set(pd.read_csv(release / names.TABLE[table_id].file, usecols=[column])[column])
        assert set(values) <= present, (table_id, column, set(values) - present)
    html = (release / "report.html").read_text(encoding="utf-8")
    for scope in names.CORE_TECHNOLOGY_SCOPES:
        assert f'id="chart-core_technologies_{scope}"' in html, scope


def test_a_section_cannot_read_what_the_registry_does_not_declare(released):
    from ieo.report.reader import UndeclaredInput

    release = PublishedRelease.read(released["publish"] / "2019").section("composition")
    assert list(release.tables["sample_composition"].columns) == ["subject_type", "subtype", "subject_count"]
    with pytest.raises(UndeclaredInput, match="report section 'composition' reads 'relation_summary'"):
        release.tables["relation_summary"]
