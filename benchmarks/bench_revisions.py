"""`ieo run` of this checkout against an earlier revision, side by side: what a change bought, on one machine.

Run: .venv/bin/python -m benchmarks.bench_revisions REV [--repeats 3] [--scale 1]

REV is checked out in a temporary git worktree and run with this checkout's virtual environment, its own code
first on PYTHONPATH. Both run `ieo run --edition 2019` on the same raw files (the embedded sample, generated at
``--scale``), each with its own warehouse and Dagster instance: a first run each, then ``repeats`` steady runs
each, alternating, so that the machine's load falls on both alike. Prints the medians, their ratio, and whether
the two releases' CSV files are byte-identical.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_speed import EDITION, environment, median, run_command
from ieo.sample.generator import generate
from ieo.settings import PROJECT_ROOT


def release_csvs(publish_dir: Path) -> dict[str, bytes]:
    folder = publish_dir / str(EDITION)
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.csv"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev", help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ieo-bench-revisions-") as scratch:
        work = Path(scratch)
        generate(work / "raw", seed=2020, scale=args.scale)
        earlier = work / "earlier"
        subprocess.run(["git", "worktree", "add", "--detach", str(earlier), args.rev], cwd=PROJECT_ROOT, check=True,
                       capture_output=True)
        try:
            sides = {"this checkout": (PROJECT_ROOT, environment(work / "this", work / "raw")),
                     args.rev: (earlier, environment(work / "rev", work / "raw") | {"PYTHONPATH": str(earlier)})}
            command = [sys.executable, "-m", "orchestration.cli", "run", "--edition", str(EDITION)]
            first = {side: run_command(command, env, cwd)[0] for side, (cwd, env) in sides.items()}
            steady: dict[str, list[float]] = {side: [] for side in sides}
            for _ in range(args.repeats):
                for side, (cwd, env) in sides.items():
                    steady[side].append(run_command(command, env, cwd)[0])
            releases = {side: release_csvs(Path(env["IEO_PUBLISH_DIR"])) for side, (_, env) in sides.items()}
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(earlier)], cwd=PROJECT_ROOT, check=False)
    this, rev = releases.values()
    differ = sorted(name for name in this.keys() | rev.keys() if this.get(name) != rev.get(name))
    print(f"ieo run --edition {EDITION}, scale {args.scale:g}, medians of {args.repeats} steady runs, alternating")
    for side in sides:
        print(f"  {side:>14}: first {first[side]:.1f} s; steady {median(steady[side])}")
    ratio = statistics.median(steady[args.rev]) / statistics.median(steady["this checkout"])
    print(f"  steady, {args.rev} / this checkout: {ratio:.2f}x")
    print(f"  release CSV files byte-identical: {len(this) - len(differ)} of {len(this)}"
          + (f" (differ: {', '.join(differ)})" if differ else ""))


if __name__ == "__main__":
    main()
