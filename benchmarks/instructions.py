"""Instructions per case under valgrind's callgrind: a speed figure the machine's load does not move.

    python benchmarks/instructions.py                       # this environment's spinewise
    python benchmarks/instructions.py --before /path/to/other/venv/bin/python

Runs benchmarks/profile_case.py --time twice under callgrind, with 50 and with 50 + N
cases, and reports (difference in instructions) / N: the cost of a case without start-up.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def instructions(python: str, cases: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", python,
                              str(HERE / "profile_case.py"), "--time", "--cases", str(cases)],
                             capture_output=True, text=True, check=True)
        found = re.search(r"Collected : (\d+)", run.stderr)
        return int(found.group(1))


def per_case(python: str, cases: int) -> float:
    base = instructions(python, 50)
    return (instructions(python, 50 + cases) - base) / cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--before", help="the Python of an environment with the earlier spinewise installed")
    options = parser.parse_args()
    now = per_case(sys.executable, options.cases)
    print(f"this spinewise: {now / 1e6:.2f} M instructions per case")
    if options.before:
        before = per_case(options.before, options.cases)
        print(f"before: {before / 1e6:.2f} M instructions per case; ratio {now / before:.2f}x")


if __name__ == "__main__":
    main()
