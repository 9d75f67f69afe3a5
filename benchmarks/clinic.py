"""The clinic at scale: 10,000 lifters of 12 entries each, on SQLite and on PostgreSQL.

Measures, against a real `spinewise clinic serve` process over HTTP: the list page (the first
50 of 10,000 lifters, most urgent first) and sharing a 52-entry journal through /api/share,
each printed beside its target; then where a list page's time goes, measured in-process.

    python benchmarks/clinic.py                      # SQLite (and PostgreSQL if $SPINEWISE_TEST_POSTGRES is set)
    (source .ci/postgres && python benchmarks/clinic.py)   # both, on a throwaway PostgreSQL cluster
    python benchmarks/clinic.py --postgres postgresql+psycopg://postgres@127.0.0.1:55432/postgres

The lifters are loaded straight into the tables (the journals are real ones, made by the
check-in engine, their dates shifted and their digests sealed again); what is timed goes
through the app as a practitioner and a lifter would.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from clinic_support import JOURNEYS, csrf_of  # noqa: E402

from spinewise import api  # noqa: E402
from spinewise.clinic import db, lifters, store  # noqa: E402
from spinewise.clinic.models import Entry, Lifter  # noqa: E402
from spinewise.journal import entry_digest, read_journal  # noqa: E402

LIFTERS, ENTRIES = 10_000, 12
LIST_TARGET_MS, SHARE_TARGET_MS = 100, 300
PASSWORD = "correct horse battery staple"
TODAY = datetime.date(2026, 12, 6)
QUIET_WEEK = {"saddle_numbness": False, "bladder_bowel_change": False, "leg_weakness": False,
              "radiating_leg_pain": False, "back_pain": False, "felt_in_back": False, "loaded_sessions": 0}


def long_journal(folder: Path, entries: int, ending: dict | None = None) -> list:
    """A real journal of `entries` entries: the arched lifter's program up to the return to load, then
    weeks without loaded sessions (the step holds), the last week `ending` when given."""
    journey = json.loads((JOURNEYS / "arched_lifter_back_to_usual_weight.json").read_text())
    path = folder / f"journal-{len(list(folder.glob('journal-*.json')))}.json"
    first = datetime.date(2026, 1, 5)
    api.start_journal_entry(path, api.assess(journey["first"]), first)
    steps = [step["answers"] for step in journey["checkins"][:4]]
    while len(steps) < entries - 1:
        steps.append(QUIET_WEEK)
    if ending:
        steps[-1] = ending
    for week, answers in enumerate(steps, 1):
        api.checkin(read_journal(path), answers, first + datetime.timedelta(days=7 * week))
    return read_journal(path).entries


def shifted(entries: list, days: int) -> list:
    out = []
    for entry in entries:
        entry = json.loads(json.dumps(entry))
        day = datetime.date.fromisoformat(entry["date"]) + datetime.timedelta(days=days)
        entry["date"] = day.isoformat()
        if entry["result"].get("checkin"):
            entry["result"]["checkin"]["date"] = day.isoformat()
        entry["sha256"] = entry_digest(entry)
        out.append(entry)
    return out


def populate(url: str, templates: list, rulebase) -> None:
    from sqlalchemy import insert

    from spinewise.clinic import secrets as sec

    rng = random.Random(27)
    engine = db.engine_for(url)
    clinic_id = store.init_clinic(url, "Benchmark clinic").id
    with engine.begin() as connection:
        for start in range(0, LIFTERS, 500):
            lifter_rows, bodies = [], []
            for number in range(start, start + 500):
                template = templates[0] if rng.random() < 0.9 else rng.choice(templates[1:])
                last = datetime.date.fromisoformat(template[-1]["date"])
                entries = shifted(template, (TODAY - last).days - rng.randint(0, 40))
                lifter_rows.append({"clinic_id": clinic_id, "label": f"L-B{number:05d}",
                                    "code_sha256": sec.digest(f"code-{number}"),
                                    "withdraw_sha256": sec.digest(f"withdraw-{number}"),
                                    "shared_at": datetime.datetime(2026, 6, 1),
                                    **lifters.summary(entries, rulebase)})
                bodies.append(entries)
            ids = [row.id for row in connection.execute(insert(Lifter).returning(Lifter.id), lifter_rows)]
            connection.execute(insert(Entry), [
                {"lifter_id": lifter_id, "number": n, "sha256": e["sha256"], "kind": e["kind"],
                 "date": datetime.date.fromisoformat(e["date"]), "body": e}
                for lifter_id, entries in zip(ids, bodies) for n, e in enumerate(entries, 1)])


def serve(url: str, port: int):
    import socket

    with socket.socket() as probe:  # another server on the port would answer for ours
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"benchmarks/clinic.py: port {port} is in use; give a free one with --port") from None
    process = subprocess.Popen([sys.executable, "-m", "spinewise", "clinic", "serve", "--db", url, "--port",
                                str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=1)
            return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the clinic server did not start")


def percentile(values: list, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(call, times: int) -> list:
    out = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        out.append((time.perf_counter() - began) * 1000)
    return out


def measure(name: str, url: str, port: int, templates: list, share_journal: bytes, rulebase) -> None:
    began = time.perf_counter()
    db.migrate(url)
    populate(url, templates, rulebase)
    print(f"\n{name}: {LIFTERS:,} lifters x {ENTRIES} entries loaded in {time.perf_counter() - began:.0f} s")
    token = store.add_practitioner(url, "Bench Mark", "bench@example.org", "admin")
    server = serve(url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = browser.open(f"{base}/signup/{token}").read().decode()
        browser.open(f"{base}/signup/{token}", urlencode({"csrf": csrf_of(page), "password": PASSWORD,
                                                          "repeated": PASSWORD}).encode())
        page = browser.open(f"{base}/signin").read().decode()
        browser.open(f"{base}/signin", urlencode({"csrf": csrf_of(page), "email": "bench@example.org",
                                                  "password": PASSWORD}).encode())
        assert "L-B" in browser.open(f"{base}/list").read().decode()
        list_ms = timed(lambda: browser.open(f"{base}/list").read(), 100)
        codes = [store.new_share_code(url) for _ in range(20)]

        def share():
            request = urllib.request.Request(f"{base}/api/share", method="POST", headers={
                "Content-Type": "application/json"}, data=json.dumps({"code": codes.pop(),
                                                                      "journal": share_journal.decode()}).encode())
            assert json.loads(urllib.request.urlopen(request).read())["added"] == 52

        share_ms = timed(share, 20)
    finally:
        server.terminate()
        server.wait(10)
    _print("list page (first 50 of 10,000), GET /list", list_ms, LIST_TARGET_MS)
    _print("share a 52-entry journal, POST /api/share", share_ms, SHARE_TARGET_MS)
    breakdown(url, rulebase, statistics.median(list_ms))


def _print(what: str, values: list, target: float) -> None:
    p95 = percentile(values, 0.95)
    verdict = "ok" if p95 <= target else "OVER"
    print(f"  {what}: p50 {statistics.median(values):6.1f} ms, p95 {p95:6.1f} ms  (target p95 <= {target} ms: "
          f"{verdict})")


def breakdown(url: str, rulebase, over_http: float) -> None:
    """Where one list page's time goes: its parts in-process (medians of 20), the rest being the
    sign-in check, Flask and waitress, and HTTP (the median over HTTP less the parts)."""
    from sqlalchemy import func, select

    from spinewise.clinic import attention, pages
    from spinewise.clinic.app import create_clinic_app

    def groups():
        with store.session(url) as session:
            state = attention._states(1)
            keys = [state.c[name] for name in attention.KEY]
            return session.execute(select(*keys, func.count().label("lifters")).group_by(*keys)).all()

    found = groups()
    app = create_clinic_app(url)
    shown, _ = attention.attention_list(url, rulebase, TODAY, count=50)
    with app.test_request_context("/list"):
        from flask import g, render_template

        g.who, g.new_csrf = None, None
        count = statistics.median(timed(groups, 20))
        rules = statistics.median(timed(lambda: sorted(attention._group_key(rulebase, group, TODAY)
                                                       for group in found), 20))
        whole = statistics.median(timed(lambda: attention.attention_list(url, rulebase, TODAY, count=50), 20))
        template = statistics.median(timed(lambda: render_template(
            "list.html.j2", who=None, rows=pages.list_rows(shown), total=LIFTERS, number=1, last=200,
            first_shown=1, last_shown=50), 20))
    print(f"  where a list page's {over_http:.1f} ms go (medians):")
    for what, ms in ((f"query: count the lifters by state (one GROUP BY, {len(found)} states)", count),
                     ("rules: each state's attention level and place (rule base)", rules),
                     ("query + rules: the 50 rows shown and their reasons; the audit row", whole - count - rules),
                     ("template: render the 50 rows", template),
                     ("the rest: sign-in check, Flask, waitress, HTTP", over_http - whole - template)):
        shown_ms = f"{ms:6.1f} ms" if ms >= 0.05 else "   ~0 ms (less than the parts' own variation)"
        print(f"    {what:<68} {shown_ms}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("SPINEWISE_TEST_POSTGRES"),
                        help="a PostgreSQL server URL (a database is made on it); default $SPINEWISE_TEST_POSTGRES, "
                             "which `source .ci/postgres` sets")
    parser.add_argument("--port", type=int, default=8790, help="the first of the two ports the servers use")
    options = parser.parse_args()
    rulebase = api.load_rulebase()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        templates = [long_journal(folder, ENTRIES),
                     long_journal(folder, ENTRIES, {**QUIET_WEEK, "back_pain": True, "pain_intensity": 6,
                                                    "pain_exacerbated": True, "fever": False, "night_pain": False,
                                                    "significant_trauma": False, "weight_loss": False}),
                     long_journal(folder, ENTRIES, {**QUIET_WEEK, "leg_weakness": True})]
        big = long_journal(folder, 52)
        share_journal = (folder / "journal-3.json").read_bytes()
        assert len(big) == 52
        print(f"one entry is about {len(json.dumps(templates[0][-1]))} bytes of JSON")
        measure("SQLite", f"sqlite:///{folder / 'clinic.sqlite3'}", options.port, templates, share_journal, rulebase)
        if options.postgres:
            import sqlalchemy as sa

            admin = sa.create_engine(options.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text("DROP DATABASE IF EXISTS clinic_bench WITH (FORCE)"))
                connection.execute(sa.text("CREATE DATABASE clinic_bench"))
            url = options.postgres.rsplit("/", 1)[0] + "/clinic_bench"
            try:
                measure("PostgreSQL", url, options.port + 1, templates, share_journal, rulebase)
            finally:
                db.engine_for(url).dispose()
                with admin.connect() as connection:
                    connection.execute(sa.text("DROP DATABASE IF EXISTS clinic_bench WITH (FORCE)"))


if __name__ == "__main__":
    main()
