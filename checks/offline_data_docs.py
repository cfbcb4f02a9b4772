"""Make a GX Data Docs site open offline, as auditors need it to.

GX's page templates load Bootstrap, jQuery, Vega, Font Awesome and GX's own logo
from CDNs; offline a page would lose its styling, its sortable tables and its
charts. The same files, pinned to the versions the templates name, are npm
packages installed under ``checks/data_docs_assets`` (`make install` runs
`npm ci` there). ``make_offline`` copies what a site's pages load into the
site's ``static/vendor`` folder, so each load's site is self-contained, and
points the pages and stylesheets at the copies.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSET_PACKAGES = Path(__file__).resolve().parent / "data_docs_assets" / "node_modules"
VENDOR = Path("static") / "vendor"

# Each address GX's templates load, and the file of the pinned npm package (package.json) serving it.
CDN_FILES = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    # The templates name 1.19.0 for this one stylesheet; 1.19.1 ships the same rules.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}
# Folders a copied stylesheet loads by relative path (Font Awesome's ../webfonts/).
CDN_FOLDERS = ("@fortawesome/fontawesome-free/webfonts",)
# GX's logos on S3: the site's own copy of the logo stands in (there is no local dark variant).
SITE_LOGO = Path("static") / "images" / "logo-long.png"
GX_LOGO_HOST = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"

# A tag that loads a resource, and its one address attribute.
_TAG = re.compile(r"<(?:script|img|link)\b[^>]*>", re.IGNORECASE)
_ADDRESS = re.compile(r"""\b(?P<attribute>src|href)=(?P<quote>["'])(?P<address>[^"']*)(?P=quote)""", re.IGNORECASE)
# Subresource-integrity attributes make the browser fetch in CORS mode, which file:// pages refuse.
_CORS_ATTRIBUTES = re.compile(r"""\s(?:integrity|crossorigin)=(["'])[^"']*\1""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>["']?)(?P<address>https?://[^"')\s]+)""", re.IGNORECASE)
FAVICON = Path("static") / "images" / "favicon.ico"


def _is_external(address: str) -> bool:
    return address.startswith(("http://", "https://"))


def loaded_addresses(text: str) -> list[str]:
    """The external addresses a page or stylesheet would fetch when opened (not links a reader may follow)."""
    addresses = [m["address"] for m in _CSS_URL.finditer(text)]
    for tag in _TAG.finditer(text):
        found = _ADDRESS.search(tag[0])
        if found and _is_external(found["address"]):
            addresses.append(found["address"])
    return addresses


def _local_file(address: str) -> Path | None:
    """The site-relative file that replaces ``address``, or None when it has no local copy."""
    if address.startswith(GX_LOGO_HOST):
        return SITE_LOGO
    package_file = CDN_FILES.get(address.split("?", 1)[0])
    return VENDOR / package_file if package_file else None


def _copy_packages(site: Path) -> None:
    for package_file in CDN_FILES.values():
        target = site / VENDOR / package_file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSET_PACKAGES / package_file, target)
    for folder in CDN_FOLDERS:
        shutil.copytree(ASSET_PACKAGES / folder, site / VENDOR / folder, dirs_exist_ok=True)


def _rewrite(text: str, site: Path, folder: Path, remaining: set[str]) -> str:
    """``text`` of a document in ``folder`` with every loaded address that has a local copy pointed at it."""

    def relative(local: Path) -> str:
        return Path(os.path.relpath(site / local, folder)).as_posix()

    def tag(match: re.Match) -> str:
        found = _ADDRESS.search(match[0])
        if not found:
            return match[0]
        address = found["address"]
        if _is_external(address):
            local = _local_file(address)
            if local is None:
                remaining.add(address)
                return match[0]
            rewritten = relative(local)
            tag_text = _CORS_ATTRIBUTES.sub("", match[0])
        elif address.endswith(FAVICON.as_posix()):
            # GX's validation pages point their favicon one folder too shallow.
            rewritten, tag_text = relative(FAVICON), match[0]
        else:
            return match[0]
        return _ADDRESS.sub(lambda a: f"{a['attribute']}={a['quote']}{rewritten}{a['quote']}", tag_text, count=1)

    def css_url(match: re.Match) -> str:
        local = _local_file(match["address"])
        if local is None:
            remaining.add(match["address"])
            return match[0]
        return f"url({match['quote']}{relative(local)}"

    return _CSS_URL.sub(css_url, _TAG.sub(tag, text))


def make_offline(site: Path) -> list[str]:
    """Point every page and stylesheet of the Data Docs ``site`` at local copies.

    Returns the external addresses still loaded (empty when the site opens offline). When the
    asset packages are not installed the pages are left as GX wrote them and all are returned.
    """
    site = Path(site)
    documents = [d for d in sorted([*site.rglob("*.html"), *site.rglob("*.css")])
                 if VENDOR not in d.relative_to(site).parents]
    if not ASSET_PACKAGES.is_dir():
        return sorted({a for d in documents for a in loaded_addresses(d.read_text(encoding="utf-8"))})
    _copy_packages(site)
    remaining: set[str] = set()
    for document in documents:
        text = document.read_text(encoding="utf-8")
        document.write_text(_rewrite(text, site, document.parent, remaining), encoding="utf-8")
    return sorted(remaining)
