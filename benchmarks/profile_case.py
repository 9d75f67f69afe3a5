"""Where a case's time goes: cProfile over `assess` on seeded random valid answers.

    python benchmarks/profile_case.py            # 2,000 cases, top 25 functions by own time
    python benchmarks/profile_case.py --cases 500 --sort cumulative
    python benchmarks/profile_case.py --time     # no profiler: microseconds per case only
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from answers import random_answers  # noqa: E402


def cases(triage, count: int, seed: int = 6) -> list[dict]:
    rng = random.Random(seed)
    return [random_answers(triage.rulebase, rng) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--time", action="store_true", help="only time the cases, without the profiler")
    options = parser.parse_args()

    from spinewise.engine import load_triage

    triage = load_triage(None)  # each installation's own shipped rules, so an earlier commit runs its own
    answers = cases(triage, options.cases)
    for case in answers[:50]:
        triage.assess(case)  # warm up
    if options.time:
        start = time.perf_counter()
        for case in answers:
            triage.assess(case)
        print(f"{(time.perf_counter() - start) / len(answers) * 1e6:.0f} us per case")
        return
    profile = cProfile.Profile()
    profile.enable()
    for case in answers:
        triage.assess(case)
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"{stats.total_tt / len(answers) * 1e6:.0f} us per case under the profiler, {len(answers)} cases")
    stats.sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
