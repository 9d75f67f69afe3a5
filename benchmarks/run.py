"""Measure spinewise's speed figures against their baselines and targets; print a table.

    python benchmarks/run.py              # every figure, 11 runs each (a few minutes)
    python benchmarks/run.py --quick      # 5 runs each, smaller batches, 5 s web levels
    python benchmarks/run.py --markdown   # the table as Markdown, for the README
    python benchmarks/run.py --before /tmp/spinewise-before/venv/bin/python   # beside an earlier commit

`--before` names the Python of an environment holding an earlier spinewise
(benchmarks/before.py installs one from a commit): the per-case and batch figures then run
both, taking turns process by process on the same cases, and print the ratio.

Start-up and batch figures are whole processes, each the median of repeated runs after a
warm-up run, the way a user meets them: bytecode is cached (PYTHONDONTWRITEBYTECODE is
removed and a private PYTHONPYCACHEPREFIX used) and so is the parsed rule base (a private
XDG_CACHE_HOME). The baseline for `assess` imports experta through spinewise.engine.compat:
a bare `import experta` fails on Python 3.10+ (its pinned frozendict 1.2 needs the
collections.Mapping alias that module restores). Scaling figures are in-process medians.
Run it with the Python of the environment spinewise is installed in.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from answers import random_answers, write_cases  # noqa: E402
from synthetic import write_synthetic_rulebase  # noqa: E402

EXAMPLE = REPO / "examples" / "tuck_pain_on_lowering.json"


@dataclass
class Figure:
    name: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


@dataclass
class Run:
    seconds: float
    peak_rss_kb: int
    cpu_seconds: float = 0.0  # user + system, the process and the workers it waited for


class Harness:
    def __init__(self, work: Path, repeats: int):
        self.work, self.repeats = work, repeats
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SPINEWISE_NO_CACHE")}
        self.env.update(PYTHONPYCACHEPREFIX=str(work / "pycache"), XDG_CACHE_HOME=str(work / "cache"))
        script = Path(sys.executable).with_name("spinewise")
        self.spinewise = [str(script)] if script.exists() else [sys.executable, "-m", "spinewise"]

    def once(self, command, env=None) -> Run:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env or self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}")
        return Run(elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)

    def median(self, command, env=None, repeats=None) -> Run:
        return self.medians({"": (command, env)}, repeats)[""]

    def medians(self, commands: dict, repeats=None) -> dict:
        """name -> median Run; the commands take turns, so a busy moment hits them alike."""
        for command, env in commands.values():
            self.once(command, env)  # warm-up: writes bytecode and the rule cache
        runs: dict = {name: [] for name in commands}
        for _ in range(repeats or self.repeats):
            for name, (command, env) in commands.items():
                runs[name].append(self.once(command, env))
        return {name: Run(statistics.median(r.seconds for r in done), max(r.peak_rss_kb for r in done),
                          statistics.median(r.cpu_seconds for r in done))
                for name, done in runs.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def compare(name, measured: float, base: float, target: float, base_name: str) -> Figure:
    ratio = measured / base
    return Figure(name, ms(measured), f"{ms(base)} ({base_name})", f"{ratio:.2f}x", f"<= {target}x",
                  "yes" if ratio <= target else "NO")


PER_CASE_TARGET_US = 600
PER_CASE_TARGET_RATIO = 1 / 3
BATCH_TARGET = 2500


def per_case_us(python: str, cases: int) -> float:
    """Microseconds per `assess` in one process of `python` (benchmarks/profile_case.py --time)."""
    run = subprocess.run([python, str(HERE / "profile_case.py"), "--time", "--cases", str(cases)],
                         capture_output=True, text=True, check=True)
    return float(run.stdout.split()[0])


def per_case_figures(h: Harness, before: str | None, cases: int) -> list[Figure]:
    """`assess` per case, in-process after a warm-up, the median of several processes taking turns."""
    pythons = {"now": sys.executable, **({"before": before} if before else {})}
    runs: dict = {name: [] for name in pythons}
    for _ in range(max(3, h.repeats // 2)):
        for name, python in pythons.items():
            runs[name].append(per_case_us(python, cases))
    now = statistics.median(runs["now"])
    met = now <= PER_CASE_TARGET_US
    figure = Figure(f"assess per case ({cases} random valid cases, in-process)", f"{now:.0f} us",
                    target=f"<= {PER_CASE_TARGET_US} us, <= 0.33x before")
    if before:
        was = statistics.median(runs["before"])
        figure.baseline, figure.ratio = f"{was:.0f} us (before)", f"{now / was:.2f}x"
        met = met and now / was <= PER_CASE_TARGET_RATIO
    figure.met = "yes" if met else "NO"
    spread = f"{min(runs['now']):.0f}-{max(runs['now']):.0f} us over {len(runs['now'])} processes"
    return [figure, Figure("  spread of the per-case runs", spread,
                           f"{min(runs['before']):.0f}-{max(runs['before']):.0f} us" if before else "")]


def startup_figures(h: Harness) -> list[Figure]:
    assess = h.spinewise + ["assess", "--answers", str(EXAMPLE), "--format", "json"]
    t = {name: run.seconds for name, run in h.medians({
        "click": ([sys.executable, "-c", "import click"], None),
        "version": (h.spinewise + ["--version"], None),
        "help": (h.spinewise + ["--help"], None),
        "base": ([sys.executable, "-c", "import spinewise.engine.compat, click, jinja2"], None),
        "assess": (assess, None),
        "uncached": (assess, {**h.env, "SPINEWISE_NO_CACHE": "1"}),
    }).items()}
    engine_base = "import experta, click, jinja2"
    without_cache = compare("  same, rule cache off (what it buys)", t["uncached"], t["base"], 1.5, engine_base)
    without_cache.target = without_cache.met = ""
    return [
        compare("spinewise --version", t["version"], t["click"], 1.3, "import click"),
        compare("spinewise --help", t["help"], t["click"], 1.3, "import click"),
        compare("assess --format json, cold process", t["assess"], t["base"], 1.5, engine_base),
        without_cache,
    ]


def batch_figures(h: Harness, rulebase, cases: int, before: str | None = None) -> list[Figure]:
    from spinewise.batch import available_cores

    source, out = h.work / "cases.jsonl", h.work / "out.jsonl"
    write_cases(source, rulebase, cases)
    figures = []
    cores = available_cores()
    before_script = Path(before).with_name("spinewise") if before else None
    for jobs in sorted({1, 2, cores}):
        arguments = ["batch", str(source), "--output", str(out), "--jobs", str(jobs)]
        commands = {"now": (h.spinewise + arguments, None)}
        if before_script:
            commands["before"] = ([str(before_script)] + arguments, None)
        runs = h.medians(commands, repeats=max(3, h.repeats // 3))
        rate = cases / runs["now"].seconds
        target, met = (f">= {BATCH_TARGET}/s", "yes" if rate >= BATCH_TARGET else "NO") if jobs == 2 else ("", "")
        baseline = f"{runs['now'].seconds:.2f} s whole process, {cases / runs['now'].cpu_seconds:.0f} per CPU-second"
        ratio = ""
        if before_script:
            was = cases / runs["before"].seconds
            baseline = f"{was:.0f} cases/s (before)"
            ratio = f"{rate / was:.2f}x the rate"
        figures.append(Figure(f"batch --jobs {jobs}, {cases} random valid cases", f"{rate:.0f} cases/s",
                              baseline, ratio, target, met))
    small, large = h.work / "small.jsonl", h.work / "large.jsonl"
    write_cases(small, rulebase, cases // 10)
    write_cases(large, rulebase, cases * 2)
    peaks = [h.median(h.spinewise + ["batch", str(path), "--output", str(out), "--jobs", "1"], repeats=1).peak_rss_kb
             for path in (small, large)]
    figures.append(Figure(f"batch peak memory, {cases // 10} vs {cases * 2} cases", f"{peaks[1] / 1024:.0f} MB",
                          f"{peaks[0] / 1024:.0f} MB", f"{peaks[1] / peaks[0]:.2f}x", "flat",
                          "yes" if peaks[1] < peaks[0] * 1.2 else "NO"))
    return figures


def scaling_figures(work: Path, sizes, cases: int) -> list[Figure]:
    from spinewise.engine.triage import Triage
    from spinewise.rulebase.load import load_rulebase

    figures, first = [], None
    for extra in sizes:
        folder = write_synthetic_rulebase(work / f"rules-{extra}", REPO / "rules", extra)
        rulebase = load_rulebase(folder)
        builds = []
        for _ in range(3):
            start = time.perf_counter()
            triage = Triage(rulebase)
            builds.append(time.perf_counter() - start)
        rng = random.Random(extra)
        answers = [random_answers(rulebase, rng) for _ in range(cases)]
        times, fired = [], 0
        for case in answers:
            start = time.perf_counter()
            fired += len(triage.assess(case).rules_fired)
            times.append(time.perf_counter() - start)
        per_case = statistics.median(times)
        build = f"build {statistics.median(builds) * 1000:.0f} ms, {fired / len(answers):.0f} rules fire a case"
        rules = len(rulebase.active_rules())
        if first is None:
            first = (rules, per_case)
            figures.append(Figure(f"{rules} rules (shipped): per case, engine build", f"{per_case * 1000:.1f} ms", build))
            continue
        growth = (per_case / first[1]) / (rules / first[0])
        figures.append(Figure(f"{rules} rules: per case, engine build", f"{per_case * 1000:.1f} ms", build,
                              f"{per_case / first[1]:.1f}x time for {rules / first[0]:.1f}x rules",
                              "sub-linear", "yes" if growth < 1 else "no"))
    return figures


def machine() -> str:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    from spinewise.batch import available_cores

    return (f"{model or 'unknown CPU'}, {available_cores()} cores available, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def print_table(figures, markdown: bool) -> None:
    header = ("figure", "measured", "baseline", "ratio", "target", "met")
    rows = [header] + [(f.name, f.value, f.baseline, f.ratio, f.target, f.met) for f in figures]
    if markdown:
        for index, row in enumerate(rows):
            print("| " + " | ".join(row) + " |")
            if index == 0:
                print("|" + "---|" * len(row))
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller batches")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--skip", action="append", default=[],
                        choices=("case", "startup", "batch", "scaling", "web"))
    parser.add_argument("--before", help="the Python of an environment with an earlier spinewise (benchmarks/before.py)")
    options = parser.parse_args()
    repeats, cases = (5, 2000) if options.quick else (11, 10000)

    from spinewise.api import load_triage

    rulebase = load_triage(REPO / "rules").rulebase
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="spinewise-bench-") as folder:
        harness = Harness(Path(folder), repeats)
        if "case" not in options.skip:
            figures += per_case_figures(harness, options.before, 1000 if options.quick else 3000)
        if "startup" not in options.skip:
            figures += startup_figures(harness)
        if "batch" not in options.skip:
            figures += batch_figures(harness, rulebase, cases, options.before)
        if "scaling" not in options.skip:
            figures += scaling_figures(Path(folder), (0, 250, 1000) if not options.quick else (0, 250),
                                       100 if options.quick else 200)
    print(f"machine: {machine()}")
    print(f"medians of {repeats} whole-process runs after a warm-up; scaling in-process\n")
    print_table(figures, options.markdown)
    if "web" not in options.skip:
        import web

        print("\nweb: simulated lifters against `spinewise serve` (benchmarks/web.py)\n")
        web.print_table(web.measure(5 if options.quick else 20, (100, 1000) if options.quick else (1000, 10_000)),
                        options.markdown)


if __name__ == "__main__":
    main()
