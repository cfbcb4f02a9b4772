"""dbt's documentation site as one reproducible, offline page of the release (``dbt_docs.html``).

dbt's own ``docs generate --static`` inlines the manifest and the catalog into its single-page app; this does
the same with the manifest of the edition's dbt build (so every model shows the SQL compiled for the edition)
and an empty catalog (as ``--empty-catalog``: the warehouse's column types are not listed; the documented
columns are), after removing what would make the page differ between two runs of the same inputs: timestamps
and invocation ids, each node's parse time, the absolute paths of the checkout, the build's target folder and
the warehouse, and the warehouse file's name, which DuckDB makes the database name; and the order of the maps
keyed by unique id, which depends on whether dbt parsed the project whole or in part.
"""

from __future__ import annotations

import json

DOCS_FILE = "dbt_docs.html"
MANIFEST_SLOT, CATALOG_SLOT = '"MANIFEST.JSON INLINE DATA"', '"CATALOG.JSON INLINE DATA"'
FIXED_TIME = "1970-01-01T00:00:00Z"
RUN_FIELDS = ("generated_at", "invocation_started_at", "run_started_at")
CATALOG_SCHEMA = "https://schemas.getdbt.com/dbt/catalog/v1.json"
DATABASE = "warehouse"  # the database name the page shows, whatever the warehouse file is called


def _scrubbed(value, replacements: dict[str, str], database: str | None):
    if isinstance(value, dict):
        found = {}
        for key, item in value.items():
            if key == "created_at" and isinstance(item, (int, float)):
                found[key] = 0
            elif key == "database" and database is not None and item == database:
                found[key] = DATABASE
            else:
                found[key] = _scrubbed(item, replacements, database)
        return found
    if isinstance(value, list):
        return [_scrubbed(item, replacements, database) for item in value]
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return value
    return value


def reproducible(document: dict, replacements: dict[str, str], database: str | None) -> dict:
    """A manifest or catalog without its run's identity: fixed times and ids, paths replaced (longest first),
    the warehouse's database name as ``warehouse``."""
    ordered = dict(sorted(replacements.items(), key=lambda item: len(item[0]), reverse=True))
    if database is not None:
        ordered[f'"{database}".'] = f'"{DATABASE}".'
    scrubbed = _scrubbed(document, ordered, database)
    # The maps keyed by unique id (nodes, sources, macros, parent_map, ...) come out of a partial parse in another
    # order than out of a full one; sorted, they are the same. The maps' lists of ids are sets, sorted too.
    for key, value in scrubbed.items():
        if key != "metadata" and isinstance(value, dict):
            scrubbed[key] = {k: sorted(v) if key.endswith("_map") and isinstance(v, list) else v
                             for k, v in sorted(value.items())}
    metadata = scrubbed.get("metadata", {})
    metadata.update({key: FIXED_TIME for key in RUN_FIELDS if key in metadata})
    metadata.update({"invocation_id": None, "env": {}} if "invocation_id" in metadata else {})
    return scrubbed


def empty_catalog(manifest: dict) -> dict:
    """The catalog ``dbt docs generate --empty-catalog`` writes, for the manifest's dbt version."""
    return {"metadata": {"dbt_schema_version": CATALOG_SCHEMA, "dbt_version": manifest["metadata"]["dbt_version"],
                         "generated_at": FIXED_TIME, "invocation_id": None, "env": {}},
            "nodes": {}, "sources": {}, "errors": None}


def docs_page(index_html: str, manifest: dict, catalog: dict) -> bytes:
    """dbt's single-page documentation app with the manifest and catalog inlined, as ``--static`` makes it."""
    if MANIFEST_SLOT not in index_html or CATALOG_SLOT not in index_html:
        raise ValueError("dbt's docs index.html has no inline-data slots; this dbt version is not supported")
    page = index_html.replace(MANIFEST_SLOT, json.dumps(manifest, ensure_ascii=False))
    return page.replace(CATALOG_SLOT, json.dumps(catalog, ensure_ascii=False)).encode("utf-8")


def docs_anchors(manifest: dict) -> dict[str, str]:
    """Asset key (``layer/name``) -> its page in the docs app: models and seeds by schema, sources by source."""
    found = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed"):
            found[f"{node['schema']}/{node['name']}"] = f"#!/{node['resource_type']}/{node['unique_id']}"
    for source in manifest["sources"].values():
        found[f"{source['source_name']}/{source['name']}"] = f"#!/source/{source['unique_id']}"
    return found
