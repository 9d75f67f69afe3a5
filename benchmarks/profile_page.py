"""Where a question page's time goes: cProfile over whole questionnaires through the Flask app.

    python benchmarks/profile_page.py                # 100 lifters, top 30 functions by own time
    python benchmarks/profile_page.py --sort cumulative
    python benchmarks/profile_page.py --time         # no profiler: milliseconds per page only

Each lifter walks the questionnaire as benchmarks/web.py does (seeded random valid
answers), calling the Flask app as a WSGI server would, with a bare environ and a cookie
jar, so the figures are the app's own work without the network, waitress or a test
client's request building (werkzeug's test client costs more than most pages).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from answers import random_answers  # noqa: E402
from web import HIDDEN, _answer_fields  # noqa: E402


class Client:
    """The least a browser does: one cookie, 303s followed, form fields urlencoded."""

    def __init__(self, app):
        self.app, self.cookie = app, ""

    def get(self, path: str) -> "Page":
        return self._open("GET", path, b"")

    def post(self, path: str, data=(), follow_redirects: bool = True) -> "Page":
        return self._open("POST", path, urllib.parse.urlencode(list(data)).encode())

    def _open(self, method: str, path: str, body: bytes) -> "Page":
        while True:
            status, headers, text = self._once(method, path, body)
            if not status.startswith("303"):
                return Page(text)
            method, path, body = "GET", urllib.parse.urlsplit(headers["Location"]).path, b""

    def _once(self, method: str, path: str, body: bytes):
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
                   "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
                   "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)), "HTTP_COOKIE": self.cookie}
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        started = {}

        def start_response(status, headers, exc_info=None):
            started.update(status=status, headers=headers)

        text = b"".join(self.app(environ, start_response)).decode()
        headers = dict(started["headers"])
        for name, value in started["headers"]:
            if name == "Set-Cookie":
                self.cookie = value.split(";")[0]
        return started["status"], headers, text


class Page:
    def __init__(self, text: str):
        self.text = text

    def get_data(self, as_text: bool = True) -> str:
        return self.text


def walk(client, rulebase, answers: dict) -> int:
    """One lifter from the start page to the report (Post/Redirect/Get, answers in the cookie); the number of pages."""
    client.get("/")
    page = client.post("/start", follow_redirects=True).get_data(as_text=True)
    pages = 2
    while True:
        hidden = dict(HIDDEN.findall(page))
        if "question" in hidden:
            question = rulebase.question(hidden["question"])
            fields = [("question", question.id)] + _answer_fields(question, answers[question.id])
            response = client.post("/answer", data=fields)
        elif 'class="stop"' in page:
            response = client.get("/question")
        elif "Check your answers" in page:
            client.get("/report")
            return pages + 1
        else:
            raise RuntimeError("an unexpected page")
        page = response.get_data(as_text=True)
        pages += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lifters", type=int, default=100)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--time", action="store_true", help="only time the pages, without the profiler")
    options = parser.parse_args()

    from spinewise.web import create_app

    app = create_app(secret="benchmark")
    client = Client(app)
    rulebase = app.extensions["spinewise"].rulebase
    rng = random.Random(3)
    lifters = [random_answers(rulebase, rng) for _ in range(options.lifters)]
    for answers in lifters[:5]:
        walk(client, rulebase, answers)  # warm up: templates compiled, caches filled
    start = time.perf_counter()
    pages = sum(walk(client, rulebase, answers) for answers in lifters)
    plain = time.perf_counter() - start
    if options.time:
        print(f"{plain / pages * 1e3:.3f} ms a page ({pages} pages, WSGI without a server)")
        return
    profile = cProfile.Profile()
    profile.enable()
    for answers in lifters:
        walk(client, rulebase, answers)
    profile.disable()
    print(f"{pages} pages, {plain / pages * 1e3:.2f} ms a page without the profiler (WSGI, no server)")
    pstats.Stats(profile).sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
