"""report.html: render time and size for a published release.

Run: .venv/bin/python -m benchmarks.bench_report [RELEASE_DIR] [--repeats 3]   (default data/published/2019)

The baseline, run in the same process, is reading every file of the release back
(PublishedRelease.read, then each table); a render reads those it draws, and earlier
releases' only where it compares with them; the rest is charts and the template. Each round
also renders with the charts kept in a folder (``charts_kept_in``) that the first round filled,
as `ieo run` does for an unchanged release, and checks that it is the same HTML.
"""

import argparse
import statistics
import tempfile
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
    reads, renders, kept_renders = [], [], []
    with tempfile.TemporaryDirectory(prefix="ieo-bench-charts-") as folder:
        kept = Path(folder)
        render_report(release_dir, kept)  # fills the folder, as the first run of an unchanged release does
        for _ in range(args.repeats):
            started = time.perf_counter()
            release = PublishedRelease.read(release_dir)
            assert all(len(frame.columns) for frame in [*release.tables.values(), *release.index.values()])
            reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            html = render_report(release_dir)
            renders.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert render_report(release_dir, kept) == html
            kept_renders.append(time.perf_counter() - started)
    charts = sum(isinstance(b, Chart) for s in build_sections(release) for b in s.blocks)
    size = len(html.encode("utf-8"))
    print(f"report of {release_dir}: {size:,} bytes, {charts} charts; render median {statistics.median(renders):.2f} s "
          f"(min {min(renders):.2f}, max {max(renders):.2f}, {args.repeats} runs); reading the release back "
          f"{statistics.median(reads):.2f} s ({statistics.median(renders) / statistics.median(reads):.0f}x)")
    print(f"with the charts kept: render median {statistics.median(kept_renders):.2f} s (min {min(kept_renders):.2f}, "
          f"max {max(kept_renders):.2f}); {statistics.median(renders) / statistics.median(kept_renders):.1f}x faster")


if __name__ == "__main__":
    main()
