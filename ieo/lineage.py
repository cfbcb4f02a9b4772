"""Column lineage of a release, for auditors: lineage.json and a static lineage.html.

For every published table and column it gives the upstream columns step by step down to the
raw contract columns and the seeds, the code version of each step, the hash of each input
file, and the checks that guarded each step with their results. Column-level links come from
the compiled SQL of each dbt model, resolved by sqlglot against the warehouse's schema right after
the models are built (``sql_column_lineage``); where a column has none (a count, a Python step),
the link is to the upstream tables as a whole.

Everything here is reproducible from the same inputs and code, so both files are part of the
release and `ieo verify` compares them like the tables.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ieo.report import render_template
from ieo.settings import PROJECT_ROOT

WHOLE_TABLE = "*"  # a dependency on a table's rows as a whole, not on one column
SOURCE_LAYERS = ("raw", "reference", "report")  # where lineage ends: the contract tables and the seeds


@dataclass
class Step:
    """One asset that the published tables descend from."""

    asset: str  # "marts/enterprise_by_province"
    kind: str  # "dbt", "python", "seed" or "raw load"
    parents: list[str]
    column_deps: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # column -> (asset, column)
    code_version: str | None = None
    source_file: str | None = None
    checks: list[dict] = field(default_factory=list)


def sql_column_lineage(sql: str, schema: dict[str, dict[str, dict[str, str]]],
                       dialect: str = "duckdb") -> dict[str, list[tuple[str, str]]]:
    """For each output column of a SELECT, the ("schema/table", column) pairs its values are read from.

    ``schema`` maps schema -> table -> column -> type (for expanding ``*``). A column computed
    without reading any column (``count(*)``, a literal) gets an empty list.
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.lineage import lineage
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.optimizer.scope import build_scope

    tree = sqlglot.parse_one(sql, dialect=dialect)
    for table in tree.find_all(exp.Table):
        table.set("catalog", None)  # the database file's name differs between warehouses
    qualified = qualify(tree, schema=schema, dialect=dialect, validate_qualify_columns=False)
    scope = build_scope(qualified)
    found = {}
    for column in qualified.named_selects:
        node = lineage(column, qualified, schema=schema, dialect=dialect, scope=scope, copy=False)
        leaves = {(f"{n.source.db}/{n.source.name}", n.name.split(".")[-1].strip('"'))
                  for n in node.walk() if not n.downstream and isinstance(n.source, exp.Table)}
        found[column] = sorted(leaves)
    return found


def cached_column_lineage(sql: str, schema: dict[str, dict[str, dict[str, str]]], dialect: str,
                          cache_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """``sql_column_lineage``, kept in ``cache_dir`` under the hash of everything it depends on (the SQL, the
    schema and the dialect): a model whose compiled SQL and schema did not change is not resolved again."""
    key = hashlib.sha256(json.dumps([sql, schema, dialect], sort_keys=True).encode()).hexdigest()
    path = cache_dir / f"{key}.json"
    if path.exists():
        return {column: [tuple(dep) for dep in deps] for column, deps in json.loads(path.read_text()).items()}
    found = sql_column_lineage(sql, schema, dialect)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(found))
    os.replace(partial, path)  # whole or absent: another process may read it
    return found


def upstream_of(steps: dict[str, Step], asset: str, column: str) -> list[tuple[str, str]]:
    """The direct upstream (asset, column) pairs of one column; whole tables where no column link is known."""
    step = steps.get(asset)
    if step is None:
        return []
    deps = step.column_deps.get(column)
    if deps:
        return sorted(set(deps))
    return [(parent, WHOLE_TABLE) for parent in sorted(step.parents)]


def sources_of(steps: dict[str, Step], asset: str, column: str) -> list[tuple[str, str]]:
    """Every raw contract column or seed column ``column`` descends from (transitively)."""
    found, seen, frontier = set(), set(), [(asset, column)]
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for parent in upstream_of(steps, *node):
            if parent[0].split("/")[0] in SOURCE_LAYERS:
                found.add(parent)
            else:
                frontier.append(parent)
    return sorted(found)


def build_lineage(edition: int, published: dict[str, tuple[str, list[str]]], steps: dict[str, Step],
                  inputs: list[dict], seeds: dict[str, str], derived: dict[str, list[str]] | None = None,
                  docs: dict[str, str] | None = None) -> dict:
    """The lineage document.

    ``published``: release CSV -> (producing asset, its columns); ``inputs``: the raw files with
    their sha256 (the manifest's); ``seeds``: seed asset -> sha256 of its CSV; ``derived``: each other
    form of the tables (Parquet, the workbook, the data package) -> the CSVs whose tables it holds; ``docs``:
    asset -> its page in the release's dbt documentation.
    """
    tables = {}
    for file, (asset, columns) in sorted(published.items()):
        tables[file] = {
            "asset": asset,
            "columns": {
                column: {
                    "upstream": [_name(a, c) for a, c in upstream_of(steps, asset, column)],
                    "sources": [_name(a, c) for a, c in sources_of(steps, asset, column)],
                }
                for column in columns
            },
        }
    used = {a for t in tables.values() for c in t["columns"].values() for a in _assets(c["upstream"] + c["sources"])}
    used |= {t["asset"] for t in tables.values()}
    closure = set()
    frontier = list(used)
    while frontier:
        asset = frontier.pop()
        if asset in closure:
            continue
        closure.add(asset)
        frontier += steps[asset].parents if asset in steps else []
    return {
        "edition": edition,
        "tables": tables,
        "derived_files": dict(sorted((derived or {}).items())),
        "steps": {
            asset: {
                "kind": steps[asset].kind,
                "upstream": sorted(steps[asset].parents),
                "code_version": steps[asset].code_version,
                "source_file": steps[asset].source_file,
                "checks": sorted(steps[asset].checks, key=lambda c: c["check"]),
                "dbt_docs": (docs or {}).get(asset),
            }
            for asset in sorted(closure) if asset in steps
        },
        "inputs": {
            "raw_files": sorted(inputs, key=lambda i: i["table"]),
            "seeds": [{"asset": asset, "sha256": digest} for asset, digest in sorted(seeds.items())],
        },
    }


def _name(asset: str, column: str) -> str:
    return f"{asset}.{column}"


def _assets(names: list[str]) -> set[str]:
    return {name.rsplit(".", 1)[0] for name in names}


def render_lineage_html(lineage: dict) -> str:
    """A static page of the lineage document: no scripts, no external requests."""
    return render_template("lineage.html.j2", lineage=lineage, whole_table=WHOLE_TABLE)


def source_file_of(path: str | None) -> str | None:
    """A project-relative path for a code reference, so the document does not depend on the checkout's location."""
    if not path:
        return None
    resolved = Path(path).resolve()
    return resolved.relative_to(PROJECT_ROOT).as_posix() if resolved.is_relative_to(PROJECT_ROOT) else resolved.as_posix()
