"""report.html: render time and size for a published release.

Run: .venv/bin/python -m benchmarks.bench_report [RELEASE_DIR] [--repeats 3]   (default data/published/2019)

The baseline, run in the same process, is reading every file of the release back
(PublishedRelease.read, then each table); a render reads those it draws, and earlier
releases' only where it compares with them; the rest is charts and the template.
"""

import argparse
import statistics
import time
from pathlib import Path

from ieo.report.build import build_sections, render_report
from ieo.report.charts import Chart
from ieo.report.reader import PublishedRelease


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("release_dir", nargs="?", default="data/published/2019")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    release_dir = Path(args.release_dir)
    reads, renders = [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        release = PublishedRelease.read(release_dir)
        assert all(len(frame.columns) for frame in [*release.tables.values(), *release.index.values()])
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        html = render_report(release_dir)
        renders.append(time.perf_counter() - started)
    charts = sum(isinstance(b, Chart) for s in build_sections(release) for b in s.blocks)
    size = len(html.encode("utf-8"))
    print(f"report of {release_dir}: {size:,} bytes, {charts} charts; render median {statistics.median(renders):.2f} s "
          f"(min {min(renders):.2f}, max {max(renders):.2f}, {args.repeats} runs); reading the release back "
          f"{statistics.median(reads):.2f} s ({statistics.median(renders) / statistics.median(reads):.0f}x)")


if __name__ == "__main__":
    main()
