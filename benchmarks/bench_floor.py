"""The project's own floor: one edition computed by one plain process, with none of the platform's overhead.

Run: .venv/bin/python -m benchmarks.bench_floor [--raw-dir DIR] [--edition 2019] [--repeats 3]

The floor loads the edition's raw CSV files and the seeds into a fresh DuckDB file, executes the SQL dbt compiled
for every model in dependency order, computes the value-network tables and the index (weights, scores, coherence,
Monte Carlo robustness) with the project's own functions, and writes the release's CSV files. It skips what the
platform adds around that work: Dagster, the dbt runtime and its 200+ tests, Great Expectations, the raw layer's
Parquet lake and registry, reconciliation, lineage, the report and the manifest. The SQL is compiled once, before
the timed part (`dbt compile`), as a warm `dbt build` would find it parsed.

`compare_with(release_dir)` says how many of the floor's CSV files are byte-identical to a release's: a check
that the floor computes the same thing as the platform, not something cheaper.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from graphlib import TopologicalSorter
from pathlib import Path

from ieo.settings import TELEMETRY_OFF  # noqa: E402

for _var, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_var, _value)

import duckdb  # noqa: E402

from ieo import contract, names  # noqa: E402
from ieo.engine import Engine  # noqa: E402
from ieo.index.coherence import coherence  # noqa: E402
from ieo.index.compute import compute_index  # noqa: E402
from ieo.index.options import IndexOptions, choose_weights, weights_table  # noqa: E402
from ieo.index.uncertainty import monte_carlo  # noqa: E402
from ieo.index.weights import tree_from_frame  # noqa: E402
from ieo.network.graph import build_value_network  # noqa: E402
from ieo.network.tables import NetworkOptions, network_tables, read_network_inputs  # noqa: E402
from ieo.reference import organization_aliases  # noqa: E402
from ieo.release import csv_bytes  # noqa: E402
from ieo.release_tables import read_tables  # noqa: E402
from ieo.settings import DBT_PROJECT_DIR, DUCKDB, PROJECT_ROOT  # noqa: E402
from ieo.warehouse import replace_edition_tables  # noqa: E402

BIN = Path(sys.executable).parent
DATABASE = "floor.duckdb"  # the same file name when compiling and when running, so the compiled SQL's catalog matches
PROVENANCE = ("_extra JSON", "_source_row INTEGER", "_source_file VARCHAR", "_source_sha256 VARCHAR",
              "_load_id VARCHAR", "_loaded_at TIMESTAMP", "load_id VARCHAR")


def compile_project(edition: int, scratch: Path) -> dict:
    """dbt's manifest with every node's compiled SQL for the edition (not timed)."""
    warehouse = scratch / "compile" / DATABASE
    warehouse.parent.mkdir(parents=True)
    target = scratch / "target"
    subprocess.run([str(BIN / "dbt"), "compile", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                    str(DBT_PROJECT_DIR), "--target-path", str(target), "--vars",
                    json.dumps({"warehouse": str(warehouse), "edition": edition})],
                   check=True, cwd=PROJECT_ROOT, capture_output=True)
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def load_raw(con: duckdb.DuckDBPyConnection, raw_dir: Path, edition: int) -> None:
    """Each contract table from its CSV file, typed as the contract says, with the raw layer's provenance columns."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {names.RAW}")
    for table in contract.CONTRACT:
        typed = ", ".join(f"CAST({c.name} AS {contract.KINDS[c.kind].sql_type}) AS {c.name}" for c in table.columns)
        path = raw_dir / str(edition) / f"{table.name}.csv"
        if path.exists():
            source = f"read_csv('{path}', header = true, all_varchar = true)"
        else:  # an optional table the edition does not have
            empty = ", ".join(f"NULL::VARCHAR AS {c.name}" for c in table.columns)
            source = f"(SELECT {empty} LIMIT 0)"
        provenance = ", ".join(f"NULL::{kind} AS {name}" for name, kind in (p.split() for p in PROVENANCE))
        con.execute(f"CREATE TABLE {names.RAW}.{table.name} AS SELECT {edition}::BIGINT AS edition, {typed}, "
                    f"{provenance} FROM {source}")


def load_seeds(con: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    for node in manifest["nodes"].values():
        if node["resource_type"] != "seed":
            continue
        types = node["config"].get("column_types") or {}
        override = f", types = {{{', '.join(f'{k!r}: {v!r}' for k, v in types.items())}}}" if types else ""
        path = DBT_PROJECT_DIR / node["original_file_path"]
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {node['schema']}")
        con.execute(f"CREATE TABLE {node['relation_name']} AS SELECT * FROM read_csv('{path}', header = true{override})")


def run_models(con: duckdb.DuckDBPyConnection, manifest: dict) -> int:
    """Every model's compiled SQL, parents first; returns how many ran."""
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    order = TopologicalSorter({uid: [d for d in node["depends_on"]["nodes"] if d in models]
                               for uid, node in models.items()}).static_order()
    for uid in order:
        node = models[uid]
        kind = "VIEW" if node["config"]["materialized"] == "view" else "TABLE"
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {node['schema']}")
        con.execute(f"CREATE {kind} {node['relation_name']} AS {node['compiled_code']}")
    return len(models)


def floor(raw_dir: Path, edition: int, manifest: dict, out: Path) -> dict[str, bytes]:
    """One edition from raw files to release CSVs; returns the files (relative path -> bytes), also written to out."""
    warehouse = out / DATABASE
    with duckdb.connect(str(warehouse)) as con:
        load_raw(con, raw_dir, edition)
        load_seeds(con, manifest)
        run_models(con, manifest)
    engine = Engine(DUCKDB, warehouse, out / "lake")
    nodes, relations = read_network_inputs(engine, edition)
    network = network_tables(build_value_network(nodes, relations), NetworkOptions(), organization_aliases())
    replace_edition_tables(warehouse, names.NETWORK, edition, network.as_dict())

    options = IndexOptions()
    indicators = engine.read(names.PROVINCE_INDICATORS.relation, edition, order=None).sort_values("province_code")
    indicators = indicators.reset_index(drop=True)
    replace_edition_tables(warehouse, names.INDEX, edition,
                           {"weights": weights_table(choose_weights(options, indicators).tree)})
    stored = engine.read(names.TABLE["weights"].relation, edition, order=None)  # as the index assets read it
    tree, _ = tree_from_frame(stored, str(stored["source"].iloc[0]))
    result = compute_index(indicators, tree, options.normalisation, options.aggregation)
    nominal = result.index.set_index("province_code")["rank"]
    robustness = monte_carlo(indicators, tree, nominal, options.monte_carlo_runs, options.monte_carlo_seed,
                             options.weight_spread)
    replace_edition_tables(warehouse, names.INDEX, edition, {
        "competitiveness_index": result.index, "index_levels": result.levels, "indicators": result.indicators,
        "coherence": coherence(result, tree), "rank_uncertainty": robustness.ranks,
        "sensitivity": robustness.sensitivity})

    with engine.connect() as con:
        tables = read_tables(engine, con, edition, names.COMPUTED_TABLES)
        index = read_tables(engine, con, edition, names.INDEX_TABLES)
    files = {f"tables/{name}.csv": csv_bytes(frame) for name, frame in tables.items()}
    files.update({f"index/{name}.csv": csv_bytes(frame) for name, frame in index.items()})
    for relative, data in files.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(data)
    return files


def compare_with(files: dict[str, bytes], release_dir: Path) -> tuple[int, list[str]]:
    """How many of the floor's files equal the release's, and which differ."""
    differ = [name for name, data in sorted(files.items()) if (release_dir / name).read_bytes() != data]
    return len(files) - len(differ), differ


def floor_seconds(raw_dir: Path, edition: int, repeats: int) -> tuple[list[float], dict[str, bytes]]:
    """Wall seconds of each floor run (a fresh database each time), and the last run's files."""
    with tempfile.TemporaryDirectory(prefix="ieo-floor-") as scratch:
        manifest = compile_project(edition, Path(scratch))
        times, files = [], {}
        for attempt in range(repeats):
            out = Path(scratch) / f"run{attempt}"
            out.mkdir()
            started = time.perf_counter()
            files = floor(raw_dir, edition, manifest, out)
            times.append(time.perf_counter() - started)
    return times, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw-dir", type=Path, help="raw survey folder (default: the sample, generated at scale 1)")
    parser.add_argument("--edition", type=int, default=2019)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--release-dir", type=Path, help="a release of the same edition and raw files to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ieo-floor-raw-") as scratch:
        raw_dir = args.raw_dir
        if raw_dir is None:
            from ieo.sample.generator import generate

            raw_dir = Path(scratch)
            generate(raw_dir)
        times, files = floor_seconds(raw_dir, args.edition, args.repeats)
    print(f"floor, edition {args.edition}: median {statistics.median(times):.2f} s over {len(times)} runs "
          f"({', '.join(f'{t:.2f}' for t in times)}); {len(files)} CSV files")
    if args.release_dir:
        same, differ = compare_with(files, args.release_dir)
        print(f"byte-identical to {args.release_dir}: {same} of {len(files)}" + (f"; differ: {differ}" if differ else ""))


if __name__ == "__main__":
    main()
