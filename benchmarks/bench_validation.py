"""Where to run the contract's expectation suites: GX on DuckDB (SQL datasource) or GX on pandas.

Run: .venv/bin/python -m benchmarks.bench_validation [--scales 1 10] [--repeats 3] [--cache DIR]

Each scale's sample edition 2019 is read and written once as a load; then the nine
suites validate that same load with each engine in turn (alternating, so drift on
this noisy machine hits both), without Data Docs, and once more with them. The
figure is the median; the ratio is DuckDB's median over pandas' in the same process.
Making a built site open offline (copying the pinned CDN files in, rewriting its
pages) is timed on its own, as the median of ``--repeats`` passes over one site.
"""

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from ieo.settings import TELEMETRY_OFF  # noqa: E402
for _var, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_var, _value)

from checks.offline_data_docs import make_offline  # noqa: E402
from checks.validation import validate_edition
from ieo.raw_reader import read_edition  # noqa: E402
from ieo.sample.generator import generate  # noqa: E402
from ieo.settings import VALIDATION_ENGINES as ENGINES  # noqa: E402
from ieo.warehouse import write_load  # noqa: E402

EDITION = 2019


def raw_edition(cache: Path, scale: float) -> Path:
    raw = cache / f"scale{scale:g}"
    if not (raw / str(EDITION) / "relations.csv").exists():
        generate(raw, seed=2020, scale=scale)
    return raw


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", default=os.environ.get("IEO_BENCH_CACHE", "/tmp/ieo-bench-graph"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ieo-bench-validation-"))
    for scale in args.scales:
        tables = read_edition(raw_edition(Path(args.cache), scale), EDITION)
        rows = sum(len(t.frame) for t in tables.values())
        warehouse = work / f"scale{scale:g}.duckdb"
        load_id = uuid.uuid4().hex
        write_load(warehouse, EDITION, tables, load_id, "benchmark")
        times = {engine: [] for engine in ENGINES}
        verdicts = {}
        for _ in range(args.repeats):
            for engine in ENGINES:
                started = time.perf_counter()
                result = validate_edition(tables, EDITION, engine=engine, warehouse=warehouse, load_id=load_id)
                times[engine].append(time.perf_counter() - started)
                verdicts[engine] = {name: (o.success, o.evaluated) for name, o in result.outcomes.items()}
        assert verdicts["duckdb"] == verdicts["pandas"], "the engines disagree"
        medians = {engine: statistics.median(t) for engine, t in times.items()}
        docs = {}
        for engine in ENGINES:
            started = time.perf_counter()
            validate_edition(tables, EDITION, engine=engine, warehouse=warehouse, load_id=load_id, docs_dir=work / f"docs-{engine}-{scale:g}")
            docs[engine] = time.perf_counter() - started
        print(f"scale {scale:g}: {rows:,} rows in 9 tables; {args.repeats} runs per engine")
        for engine in ENGINES:
            spread = f"min {min(times[engine]):.2f}, max {max(times[engine]):.2f}"
            print(f"  {engine:7s} validate median {medians[engine]:.2f} s ({spread}); with Data Docs, one run {docs[engine]:.2f} s")
        print(f"  duckdb / pandas = {medians['duckdb'] / medians['pandas']:.2f}x; both engines give the same verdicts")
        site = work / f"docs-pandas-{scale:g}"
        offline = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            assert make_offline(site) == [], "the site still loads external addresses"
            offline.append(time.perf_counter() - started)
        size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
        print(f"  offline Data Docs: median {statistics.median(offline):.3f} s per site; the site is {size:,} bytes")


if __name__ == "__main__":
    main()
