"""`ieo run` of this checkout against an earlier revision, side by side: what a change bought, on one machine.

Run: .venv/bin/python -m benchmarks.bench_revisions REV [--repeats 3] [--scale 1] [--raw DIR] [--fresh]

REV is checked out in a temporary git worktree and run with this checkout's virtual environment, its own code
first on PYTHONPATH. Both run `ieo run --edition 2019` on the same raw files (the embedded sample, generated at
``--scale``), each with its own warehouse and Dagster instance: a first run each, then ``repeats`` steady runs
each, alternating, so that the machine's load falls on both alike. With ``--fresh`` every timed run is a first
run, on an empty warehouse and instance of its own (how scale 100 is measured). ``--raw`` reuses raw files
already generated. Prints the medians, their ratio, each side's peak memory (the whole process tree), and
whether the two releases' CSV files are byte-identical.
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


def release_csvs(publish_dir: str) -> dict[str, bytes]:
    folder = Path(publish_dir) / str(EDITION)
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.csv"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev", help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--raw", type=Path, help="raw files already generated (else the sample at --scale)")
    parser.add_argument("--fresh", action="store_true", help="time first runs, each on an empty warehouse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ieo-bench-revisions-") as scratch:
        work = Path(scratch)
        raw = args.raw or work / "raw"
        if args.raw is None:
            generate(raw, seed=2020, scale=args.scale)
        earlier = work / "earlier"
        subprocess.run(["git", "worktree", "add", "--detach", str(earlier), args.rev], cwd=PROJECT_ROOT, check=True,
                       capture_output=True)
        try:
            code = {"this checkout": (PROJECT_ROOT, {}), args.rev: (earlier, {"PYTHONPATH": str(earlier)})}
            command = [sys.executable, "-m", "orchestration.cli", "run", "--edition", str(EDITION)]

            def run(side: str, folder: str) -> tuple[float, int]:
                cwd, extra = code[side]
                return run_command(command, environment(work / folder, raw) | extra, cwd)

            names = {side: f"side{i}" for i, side in enumerate(code)}
            first = {side: run(side, names[side]) for side in code}
            timed: dict[str, list[tuple[float, int]]] = {side: [] for side in code}
            for repeat in range(args.repeats):
                for side in code:
                    folder = f"{names[side]}-{repeat}" if args.fresh else names[side]
                    timed[side].append(run(side, folder))
            releases = {side: release_csvs(environment(work / names[side], raw)["IEO_PUBLISH_DIR"]) for side in code}
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(earlier)], cwd=PROJECT_ROOT, check=False)
    kind = "first runs, each on an empty warehouse" if args.fresh else "steady runs"
    print(f"ieo run --edition {EDITION}, {args.raw or f'scale {args.scale:g}'}, medians of {args.repeats} {kind}, "
          "alternating")
    for side in code:
        seconds = [s for s, _ in timed[side]]
        peaks = ", ".join(f"{p / 2**30:.2f}" for _, p in [first[side], *timed[side]])
        print(f"  {side:>14}: first {first[side][0]:.1f} s; timed {median(seconds)}; peak GiB {peaks}")
    ratio = statistics.median(s for s, _ in timed[args.rev]) / statistics.median(s for s, _ in timed["this checkout"])
    print(f"  {args.rev} / this checkout: {ratio:.2f}x")
    this, rev = releases.values()
    differ = sorted(name for name in this.keys() | rev.keys() if this.get(name) != rev.get(name))
    print(f"  release CSV files byte-identical: {len(this) - len(differ)} of {len(this)}"
          + (f" (differ: {', '.join(differ)})" if differ else ""))


if __name__ == "__main__":
    main()
