"""GX Data Docs open offline: every stylesheet, script and image a page loads is a file of the site."""

from pathlib import Path

import pandas as pd
import pytest

from checks.offline_data_docs import (
    ASSET_PACKAGES,
    CDN_FILES,
    VENDOR,
    loaded_addresses,
    make_offline,
)
from checks.raw_load import SuiteViolation, load_edition

EDITION = 2019


def test_loaded_addresses_are_rewritten_and_links_to_follow_are_not(tmp_path):
    site = tmp_path / "site"
    page = site / "validations" / "suite" / "run" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css">'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'
        '<script src="https://cdn.jsdelivr.net/npm/vega-lite@5"></script>'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=20261129T05Z">'
        '<script src="https://example.org/unknown.js"></script>'
        '<a href="https://greatexpectations.io">GX</a>',
        encoding="utf-8",
    )
    styles = site / "static" / "styles" / "custom.css"
    styles.parent.mkdir(parents=True)
    styles.write_text("a { background: url('https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/x.png') }")

    assert make_offline(site) == ["https://example.org/unknown.js"]

    text = page.read_text(encoding="utf-8")
    assert loaded_addresses(text) == ["https://example.org/unknown.js"]
    assert 'href="../../../static/vendor/bootstrap/dist/css/bootstrap.min.css"' in text
    assert 'src="../../../static/vendor/vega/build/vega.min.js"' in text
    assert 'src="../../../static/vendor/vega-lite/build/vega-lite.min.js"' in text
    assert 'src="../../../static/images/logo-long.png"' in text
    assert '<a href="https://greatexpectations.io">' in text
    assert "url('../images/logo-long.png')" in styles.read_text()
    for package_file in CDN_FILES.values():
        copied = site / VENDOR / package_file
        assert copied.read_bytes() == (ASSET_PACKAGES / package_file).read_bytes()
    assert list((site / VENDOR / "@fortawesome" / "fontawesome-free" / "webfonts").glob("*.woff2"))


def test_a_failed_loads_data_docs_open_offline_in_chromium(edition_copy, tmp_path):
    """The pages auditors open: no request leaves the machine, no console error, scripts and styles live."""
    from tests.browser import chromium, full_page_screenshot, requested_urls

    path = edition_copy / str(EDITION) / "enterprises.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[3, "patent_count"] = "-5"
    frame.to_csv(path, index=False)
    with pytest.raises(SuiteViolation) as caught:
        load_edition(edition_copy, tmp_path / "w.duckdb", EDITION, "bad-load", docs_dir=tmp_path / "docs")
    index: Path = caught.value.data_docs
    enterprises = next(p for p in (index.parent / "validations").rglob("*.html") if "raw_enterprises" in p.as_posix())

    browser = chromium()
    try:
        seen = {}
        for name, page in (("index", index), ("enterprises", enterprises)):
            browser.get(page.resolve().as_uri())
            seen[name] = {
                "requests": requested_urls(browser),
                "console": [e for e in browser.get_log("browser") if e["level"] == "SEVERE"],
                "live": browser.execute_script(
                    "const probe = document.createElement('i'); probe.className = 'd-none fas';"
                    " document.body.appendChild(probe); const style = getComputedStyle(probe);"
                    " return [typeof jQuery, typeof jQuery.fn.bootstrapTable, typeof vegaEmbed, style.display,"
                    " style.fontFamily, Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)]"),
                "text": browser.find_element("tag name", "body").text,
            }
            full_page_screenshot(browser, f"data-docs-{name}.png")
    finally:
        browser.quit()
    for name, page in seen.items():
        assert page["requests"] and all(u.startswith(("file://", "data:")) for u in page["requests"]), name
        assert page["console"] == [], name
        # jQuery, its bootstrap-table plugin and vega-embed ran; Bootstrap's and Font Awesome's rules apply.
        assert page["live"] == ["function", "function", "function", "none", '"Font Awesome 6 Free"', True], name
    assert "patent_count" in seen["enterprises"]["text"] and "Failed" in seen["enterprises"]["text"]


def test_the_copies_are_the_files_gx_pins_by_subresource_integrity():
    """Where GX's templates pin a CDN file by its sha384, the installed copy has that very hash."""
    import base64
    import hashlib
    import re

    import great_expectations

    templates = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
    pinned = {m[1]: m[2] for t in templates.glob("*.j2")
              for m in re.finditer(r'src="(https://[^"]+)" integrity="sha384-([^"]+)"', t.read_text(encoding="utf-8"))}
    assert len(pinned) >= 2
    for address, digest in pinned.items():
        copy = ASSET_PACKAGES / CDN_FILES[address]
        assert base64.b64encode(hashlib.sha384(copy.read_bytes()).digest()).decode() == digest, address
