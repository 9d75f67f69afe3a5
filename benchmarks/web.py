"""Load-test `spinewise serve` with simulated lifters and print the figures beside their targets.

    python benchmarks/web.py            # 20 s per concurrency level, memory after 1,000 and 10,000 lifters
    python benchmarks/web.py --quick    # 5 s per level, memory after 100 and 1,000 lifters
    python benchmarks/web.py --markdown # the table as Markdown, for the README
    python benchmarks/web.py --workers-only --quick  # only 1 process against `serve --workers 2`

Each simulated lifter has a complete set of random valid answers (seeded, benchmarks/answers.py)
and walks the whole questionnaire as a browser would: the start page, every question page
(on the stop disposition's page it chooses to answer the rest), check your answers and the
report. Lifters run closed loop, without think time, at 1, 10 and 50 at once, against the
real `spinewise serve` process. The ceiling is a bare Flask page of the same size served by
the same waitress settings, measured twice: as one request a page (the issue's target is
half its rate), and behind Post/Redirect/Get (a POST, its 303 and a GET, as every answer in
spinewise is, so that Back, Forward and reload work): the like-for-like ceiling, since a
page that costs two requests can never reach half the rate of a page that costs one. Beside
each rate is the server process's CPU time a page, which the load generator sharing the
machine does not blur, split into user and system time, with the context switches a page (a
thread that blocks, for the interpreter lock or for the network, switches). Then 10 and 50
lifters against one `serve` process and against `serve --workers 2` (two processes on one
port), alternating, beside the target: at 50 lifters at least 1.5x one process's rate. Load
goes only to 127.0.0.1 and every phase is bounded in time and in lifters. Run it with the
Python of the environment spinewise is installed in.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from answers import random_answers  # noqa: E402

HIDDEN = re.compile(r'<input type="hidden" name="(question)" value="([^"]*)">')
BARE_APP = """
import sys
from flask import Flask, redirect
from spinewise.web.serve import make_server, address
app = Flask(__name__)
BODY = "x" * int(sys.argv[1])
@app.route("/", methods=["GET", "POST"])
def page():
    return BODY
@app.post("/answer")
def answer():  # the same page behind Post/Redirect/Get, as spinewise answers a question
    return redirect("/", 303)
server = make_server(app, "127.0.0.1", 0)
print(address(server), flush=True)
server.run()
"""


@dataclass
class Stats:
    latencies: dict = field(default_factory=dict)  # kind -> [seconds]
    pages: int = 0
    errors: int = 0
    lifters: int = 0
    bytes: int = 0

    def add(self, kind: str, seconds: float, size: int) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.pages += 1
        self.bytes += size


class Connection:
    """One keep-alive HTTP/1.1 connection with its cookie, as a browser tab holds; redirects are followed."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.cookie = ""

    async def request(self, method: str, path: str, fields=None) -> tuple:
        status, text, location = await self._once(method, path, fields)
        while status in (302, 303) and location:
            status, text, location = await self._once("GET", location, None)
        return status, text

    async def _once(self, method: str, path: str, fields) -> tuple:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = urllib.parse.urlencode(fields or []).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        if fields is not None:
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
        if self.cookie:
            head += f"Cookie: {self.cookie}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        length, location = 0, ""
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "location":
                location = value.strip()
            elif name.lower() == "set-cookie":
                self.cookie = value.strip().split(";")[0]
        text = (await self.reader.readexactly(length)).decode()
        return int(status_line.split()[1]), text, location

    def close(self) -> None:
        if self.writer:
            self.writer.close()


def _fields(page: str) -> dict:
    return dict(HIDDEN.findall(page))


def _answer_fields(question, value) -> list:
    if question.type == "bool":
        return [(question.id, "true" if value else "false")]
    if question.type == "multi":
        return [(question.id, item) for item in value]
    return [(question.id, str(value))]


async def walk(connection: Connection, rulebase, answers: dict, stats: Stats) -> None:
    """One lifter from the start page to the report; any unexpected page counts as an error."""
    async def step(kind, method, path, fields=None):
        start = time.perf_counter()
        status, page = await connection.request(method, path, fields)
        stats.add(kind, time.perf_counter() - start, len(page))
        if status != 200:
            raise RuntimeError(f"{kind}: HTTP {status}")
        return page

    page = await step("start", "GET", "/")
    page = await step("question", "POST", "/start", [])
    while True:
        hidden = _fields(page)
        if "question" in hidden:
            question = rulebase.question(hidden["question"])
            fields = [("question", question.id)]
            page = await step("question", "POST", "/answer", fields + _answer_fields(question, answers[question.id]))
        elif 'class="stop"' in page:
            page = await step("question", "GET", "/question")
        elif "Check your answers" in page:
            page = await step("report", "GET", "/report")
            if "data-disposition=" not in page:
                raise RuntimeError("no report")
            stats.lifters += 1
            return
        else:
            raise RuntimeError("an unexpected page")
    # kinds: the answer that shows the stop page or the check page is timed as a question page; an
    # answer is timed with the redirect it is answered with and the page that follows (Post/Redirect/Get)


async def run_lifters(address: str, rulebase, concurrency: int, seconds: float, max_lifters: int,
                      seed: int) -> Stats:
    host, port = urllib.parse.urlsplit(address).netloc.rsplit(":", 1)
    stats, rng = Stats(), random.Random(seed)
    deadline = time.perf_counter() + seconds

    async def lifter_loop():
        connection = Connection(host, int(port))
        while time.perf_counter() < deadline and stats.lifters + stats.errors < max_lifters:
            try:
                await walk(connection, rulebase, random_answers(rulebase, rng), stats)
            except (RuntimeError, OSError, asyncio.IncompleteReadError, KeyError):
                stats.errors += 1
                connection.close()
                connection = Connection(host, int(port))
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(lifter_loop() for _ in range(concurrency)))
    stats.elapsed = time.perf_counter() - started
    return stats


async def run_bare(address: str, concurrency: int, seconds: float, size: int, path: str = "/") -> Stats:
    """The bare page at `concurrency`; with path "/answer" each page is a POST, its 303 and a GET."""
    host, port = urllib.parse.urlsplit(address).netloc.rsplit(":", 1)
    stats = Stats()
    deadline = time.perf_counter() + seconds
    fields = [("state", "s" * 400), ("question", "q"), ("answer", "true")]

    async def loop():
        connection = Connection(host, int(port))
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            status, page = await connection.request("POST", path, fields)
            stats.add("bare", time.perf_counter() - start, len(page))
            stats.errors += status != 200 or len(page) != size
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    stats.elapsed = time.perf_counter() - started
    return stats


def start(command: list, env: dict, log: Path) -> tuple:
    """Start a server whose output goes to `log` (a pipe nobody reads would fill and stall it)."""
    with open(log, "w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", log.read_text())
        if found:
            return process, found.group(1)
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"could not start: {' '.join(command)}")


def counters(pid: int) -> tuple:
    """(user CPU s, system CPU s, voluntary switches, involuntary switches) of the process `pid`,
    all its threads, and its worker processes (`serve --workers`) so far."""
    totals = [0.0, 0.0, 0, 0]
    for process in [pid, *children(pid)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        totals[0] += int(fields[11]) / os.sysconf("SC_CLK_TCK")
        totals[1] += int(fields[12]) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{process}/task").iterdir():
            status = (task / "status").read_text()
            totals[2] += int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
            totals[3] += int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
    return tuple(totals)


def children(pid: int) -> list[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(child) for child in found.split()]


@dataclass(frozen=True)
class Cost:
    """A phase's server cost a page: CPU (user, system) in ms, and context switches."""
    user: float
    system: float
    voluntary: float
    involuntary: float

    @property
    def cpu(self) -> float:
        return self.user + self.system

    def __str__(self) -> str:
        return (f"{self.cpu:.2f} ms CPU a page ({self.user:.2f} user + {self.system:.2f} system), "
                f"{self.voluntary + self.involuntary:.0f} switches a page")


def measured(pid: int, phase) -> tuple:
    """Run `phase()` (it returns Stats) and return (its Stats, the server's Cost a page)."""
    before = counters(pid)
    stats = phase()
    after = counters(pid)
    spent = [(b - a) / max(stats.pages, 1) for a, b in zip(before, after)]
    return stats, Cost(spent[0] * 1e3, spent[1] * 1e3, spent[2], spent[3])


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def pct(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 s per level; memory after 100 and 1,000 lifters")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--workers-only", action="store_true",
                        help="only 10 and 50 lifters against one process and against --workers 2")
    options = parser.parse_args()
    seconds = 5 if options.quick else 20
    memory_counts = (100, 1000) if options.quick else (1000, 10_000)
    rounds = 2 if options.quick else 3
    rows = workers_rows(seconds, rounds) if options.workers_only else (measure(seconds, memory_counts)
                                                                        + workers_rows(seconds, rounds))
    print_table(rows, options.markdown)
    print(f"\npages: start, question (every answer, the stop page and check your answers), report; "
          f"latency p50/p95. Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"{seconds} s per level, lifters walk whole questionnaires.")


def measure(seconds: float, memory_counts: tuple) -> list[tuple]:
    """The table's rows: 1, 10 and 50 lifters, the bare page at 50, and memory after many lifters."""
    from spinewise.api import load_triage

    rulebase = load_triage().rulebase
    work = Path(tempfile.mkdtemp(prefix="spinewise-web-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "PYTHONUNBUFFERED": "1"}
    script = Path(sys.executable).with_name("spinewise")
    server, address = start([str(script), "serve", "--port", "0"], env, work / "serve.log")
    rows = []
    try:
        asyncio.run(run_lifters(address, rulebase, 2, 2, 20, seed=1))  # warm-up
        levels, cpu = {}, {}
        for concurrency in (1, 10, 50):
            levels[concurrency], cpu[concurrency] = measured(server.pid, lambda: asyncio.run(
                run_lifters(address, rulebase, concurrency, seconds, 10**9, seed=concurrency)))
        size = int(levels[10].bytes / levels[10].pages)
        lifters, memory = 0, {}
        for target in memory_counts:
            while lifters < target:
                batch = asyncio.run(run_lifters(address, rulebase, 10, 3600, target - lifters, seed=1000 + lifters))
                lifters += batch.lifters + batch.errors
            memory[target] = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()
    bare, bare_address = start([sys.executable, "-c", BARE_APP, str(size)], env, work / "bare.log")
    try:
        asyncio.run(run_bare(bare_address, 2, 1, size))
        ceilings = {}
        for path in ("/", "/answer"):
            ceilings[path], cpu[path] = measured(bare.pid, lambda: asyncio.run(
                run_bare(bare_address, 50, seconds, size, path)))
    finally:
        bare.terminate()
        bare.wait()
    ceiling, redirected = ceilings["/"], ceilings["/answer"]
    bare_rate = ceiling.pages / ceiling.elapsed
    prg_rate = redirected.pages / redirected.elapsed

    for concurrency, stats in levels.items():
        rate = stats.pages / stats.elapsed
        kinds = ", ".join(f"{kind} {pct(values, .5):.1f}/{pct(values, .95):.1f}"
                          for kind, values in sorted(stats.latencies.items()))
        target = met = ""
        if concurrency == 1:
            p95 = pct([v for values in stats.latencies.values() for v in values], .95)
            target, met = "p95 < 15 ms", "yes" if p95 < 15 else "NO"
            kinds += f"; all pages p95 {p95:.1f}"
        if concurrency == 50:
            target = f">= 50% of bare, 0 errors: {rate / bare_rate:.2f}x"
            met = "yes" if rate >= bare_rate / 2 and stats.errors == 0 else "NO"
        rows.append((f"{concurrency} lifter{'s' if concurrency > 1 else ''}",
                     f"{rate:.0f} pages/s, {cpu[concurrency]}",
                     f"{stats.lifters / stats.elapsed * 3600:,.0f} lifters/h", str(stats.errors),
                     f"{kinds} ms", target, met))
    fifty = levels[50].pages / levels[50].elapsed
    rows.append(("  the same, like for like", f"{fifty / prg_rate:.2f}x the bare page behind PRG", "", "", "",
                 ">= 50% of bare behind PRG", "yes" if fifty >= prg_rate / 2 and levels[50].errors == 0 else "NO"))
    for name, stats, path in (("bare Flask page, 50 at once", ceiling, "/"),
                              ("bare page behind Post/Redirect/Get, 50 at once", redirected, "/answer")):
        latency = stats.latencies["bare"]
        rows.append((name, f"{stats.pages / stats.elapsed:.0f} pages/s, {cpu[path]}",
                     f"{size} B pages", str(stats.errors), f"bare {pct(latency, .5):.1f}/{pct(latency, .95):.1f} ms",
                     "", ""))
    low, high = memory_counts
    growth = memory[high] / memory[low]
    rows.append((f"server memory after {low:,} / {high:,} lifters", f"{memory[low]:.0f} / {memory[high]:.0f} MB",
                 f"{growth:.2f}x", "", "", "within 10%", "yes" if growth <= 1.10 else "NO"))
    logged = (work / "serve.log").read_text().strip().splitlines()
    if logged[1:]:
        rows.append(("server output", f"{len(logged)} lines", " | ".join(logged[:3]), "", "", "", ""))
    return rows


def workers_rows(seconds: float, rounds: int = 3) -> list[tuple]:
    """10 and 50 lifters against one `serve` process and against `serve --workers 2`, beside the
    target: 50 lifters get at least 1.5x one process's rate. Both servers run throughout and the
    phases alternate (one process, two, one, two...) for `rounds` rounds, each figure the median
    round (of two, the better), so that other work on the machine weighs on both alike."""
    from spinewise.api import load_triage

    rulebase = load_triage().rulebase
    work = Path(tempfile.mkdtemp(prefix="spinewise-web-workers-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "PYTHONUNBUFFERED": "1"}
    script = Path(sys.executable).with_name("spinewise")
    servers = {}
    try:
        for workers in (1, 2):
            servers[workers] = start([str(script), "serve", "--port", "0", "--workers", str(workers)], env,
                                     work / f"serve-{workers}.log")
            asyncio.run(run_lifters(servers[workers][1], rulebase, 4, 2, 40, seed=1))  # warm-up: every worker
        runs = {}
        for concurrency in (10, 50):
            for round_number in range(rounds):
                for workers, (server, address) in servers.items():
                    runs.setdefault((workers, concurrency), []).append(measured(server.pid, lambda: asyncio.run(
                        run_lifters(address, rulebase, concurrency, seconds, 10**9, seed=concurrency + round_number))))
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait()
    rows, rates = [], {}
    for (workers, concurrency), done in sorted(runs.items()):
        stats, cost = sorted(done, key=lambda run: run[0].pages / run[0].elapsed)[len(done) // 2]  # the median
        rates[workers, concurrency] = rate = stats.pages / stats.elapsed
        every = ", ".join(f"{run.pages / run.elapsed:.0f}" for run, _ in done)
        latency = [v for values in stats.latencies.values() for v in values]
        target = met = ""
        if workers == 2 and concurrency == 50:
            gain = rate / rates[1, 50]
            target, met = f">= 1.5x one process: {gain:.2f}x", "yes" if gain >= 1.5 else "NO"
        rows.append((f"serve --workers {workers}, {concurrency} lifters",
                     f"{rate:.0f} pages/s (rounds: {every}), {cost}",
                     f"{stats.lifters / stats.elapsed * 3600:,.0f} lifters/h", str(sum(r.errors for r, _ in done)),
                     f"all pages {pct(latency, .5):.1f}/{pct(latency, .95):.1f} ms", target, met))
    return rows


def print_table(rows, markdown: bool) -> None:
    header = ("figure", "throughput", "lifters", "errors", "latency p50/p95 by page", "target", "met")
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
