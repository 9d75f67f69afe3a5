"""Whole-process times of what issue 25 touched, for two source trees side by side.

    python benchmarks/release.py --before /tmp/base-tree [--runs 15]

`--before` is a checkout of the commit to compare with (e.g. `git archive main | tar -x -C
DIR`); its `src/` is put first on PYTHONPATH, and its own `rules/` used. The runs of the two
trees are interleaved so that load from other work on the machine falls on both alike. It
prints the median and the fastest run of:

- `spinewise assess --answers examples/healthy_glutes_only.json --format json` with the rule
  cache warm (start-up: what every lifter waits for); after this work it also checks the
  cached `rules check` verdict (failing closed) and the trust file;
- `spinewise rules check` on the shipped rules (a clinician runs it after every edit);
  target: within 1.5x of before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def timed(command, env) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="spinewise-bench-")
    trees = {"before": args.before.resolve(), "after": HERE}
    envs = {name: {**os.environ, "PYTHONPATH": str(tree / "src"), "XDG_CACHE_HOME": f"{cache}/{name}",
                   "SPINEWISE_TRUST": ""} for name, tree in trees.items()}
    jobs = {
        "assess (start-up, warm cache)": lambda tree: [sys.executable, "-m", "spinewise", "assess", "--answers",
                                                       str(HERE / "examples/healthy_glutes_only.json"), "--format",
                                                       "json", "--rules", str(tree / "rules")],
        "rules check (shipped rules)": lambda tree: [sys.executable, "-m", "spinewise", "rules", "check",
                                                     str(tree / "rules")],
    }
    for label, command in jobs.items():
        times = {name: [] for name in trees}
        for name, tree in trees.items():  # warm the caches
            subprocess.run(command(tree), env=envs[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = args.runs if "assess" in label else max(3, args.runs // 3)
        for _ in range(runs):
            for name, tree in trees.items():
                times[name].append(timed(command(tree), envs[name]))
        before, after = (statistics.median(times[name]) for name in ("before", "after"))
        print(f"{label}: before median {before:.3f} s (fastest {min(times['before']):.3f}), after median "
              f"{after:.3f} s (fastest {min(times['after']):.3f}): {after / before:.2f}x", flush=True)


if __name__ == "__main__":
    main()
