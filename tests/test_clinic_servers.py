"""Two `clinic serve` processes on one database: a lifter shares through one with `spinewise journal
share`, a practitioner lists through the other, the lifter withdraws through the first. Real
servers on real ports (8700-8799), against SQLite and PostgreSQL."""

import datetime
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest
from clinic_support import csrf_of, fresh_database, journey_journal, postgres_url

from spinewise.clinic import db, store

PASSWORD = "correct horse battery staple"


@pytest.fixture(params=["sqlite", "postgresql"])
def clinic_db(request, tmp_path):
    if request.param == "postgresql" and postgres_url() is None:
        pytest.skip("SPINEWISE_TEST_POSTGRES is not set (.ci/run sets it)")
    url, drop = fresh_database(request.param, tmp_path)
    db.migrate(url)
    store.init_clinic(url, "Riverside Physio")
    yield url
    drop()


def free_port() -> int:
    for port in range(8700 + os.getpid() % 50, 8800):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8700-8799")


def serve(url: str, *options):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "spinewise", "clinic", "serve", "--db", url, "--port", str(port),
                                *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=1)
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode())
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the clinic server did not start")


def children(pid: int) -> list:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return found.split()


def spinewise(*args):
    return subprocess.run([sys.executable, "-m", "spinewise", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_share_through_one_server_and_list_through_the_other(clinic_db, tmp_path):
    token = store.add_practitioner(clinic_db, "Ana Ruiz", "ana@example.org", "admin")
    first, first_url = serve(clinic_db)
    second, second_url = serve(clinic_db, "--workers", "2")  # and the second as two processes on one port
    assert len(children(second.pid)) == 2
    try:
        code = spinewise("clinic", "share-code", "--db", clinic_db).stdout.strip()
        journal = journey_journal("leg_weakness_in_week_two", tmp_path, datetime.date(2026, 11, 2))
        shared = spinewise("journal", "share", "--journal", journal, "--clinic", first_url, "--code", code)
        assert shared.returncode == 0, shared.stderr
        link = shared.stdout.strip()
        assert re.fullmatch(rf"{re.escape(first_url)}/withdraw/[\w-]{{43}}", link)
        assert "The clinic will see" in shared.stderr and "Shared 3 new entries (3 in all)" in shared.stderr
        again = spinewise("journal", "share", "--journal", journal, "--clinic", second_url, "--code", code)
        assert again.returncode == 0 and "Shared 0 new entries (3 in all)" in again.stderr
        link = again.stdout.strip().replace(second_url, first_url)

        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = browser.open(f"{second_url}/signup/{token}").read().decode()
        browser.open(f"{second_url}/signup/{token}", urlencode(
            {"csrf": csrf_of(page), "password": PASSWORD, "repeated": PASSWORD}).encode())
        page = browser.open(f"{second_url}/signin").read().decode()
        listed = browser.open(f"{second_url}/signin", urlencode(
            {"csrf": csrf_of(page), "email": "ana@example.org", "password": PASSWORD}).encode()).read().decode()
        assert "Go to an emergency department now" in listed and len(re.findall(r'href="/lifters/L-', listed)) == 1

        withdrawn = spinewise("journal", "withdraw", link)
        assert withdrawn.returncode == 0, withdrawn.stderr
        assert "No lifter has shared a journal" in browser.open(f"{second_url}/list").read().decode()
        refused = spinewise("journal", "withdraw", link)
        assert refused.returncode == 2 and "not known" in refused.stderr
        bad = spinewise("journal", "share", "--journal", journal, "--clinic", first_url, "--code", "AAAAA-AAAAA")
        assert bad.returncode == 2 and bad.stderr.count("\n") == 2 and "share code is not known" in bad.stderr
        # A Spanish lifter reads the clinic's refusal in Spanish: the client asks for it (Accept-Language).
        malo = spinewise("journal", "share", "--journal", journal, "--clinic", first_url, "--code", "AAAAA-AAAAA",
                         "--lang", "es")
        assert malo.returncode == 2 and "La clínica verá" in malo.stderr and "no se conoce" in malo.stderr
    finally:
        workers = children(second.pid)
        for process in (first, second):
            process.terminate()
            process.wait(10)
        time.sleep(0.5)
        assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}") and
                    "Z" not in open(f"/proc/{pid}/stat").read().split()[2]], "a worker outlived its server"


def test_clinic_serve_on_port_0_says_which_port_it_picked(clinic_db):
    process = subprocess.Popen([sys.executable, "-m", "spinewise", "clinic", "serve", "--db", clinic_db, "--port", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        address = re.search(r"on (http://127\.0\.0\.1:(\d+)/) ", line)
        assert address and address.group(2) != "0", line
        assert "Sign in" in urllib.request.urlopen(address.group(1) + "signin", timeout=10).read().decode()
    finally:
        process.terminate()
        process.wait(10)
