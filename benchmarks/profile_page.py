"""Where a question page's time goes: cProfile over whole questionnaires through the Flask app.

    python benchmarks/profile_page.py                # 100 lifters, top 30 functions by own time
    python benchmarks/profile_page.py --sort cumulative
    python benchmarks/profile_page.py --time         # no profiler: milliseconds per page only

Each lifter walks the questionnaire as benchmarks/web.py does (seeded random valid
answers), through Flask's test client, so the figures are the app's own work without the
network and waitress.
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
from web import HIDDEN, _answer_fields  # noqa: E402


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
            response = client.post("/answer", data=_multi(fields), follow_redirects=True)
        elif 'class="stop"' in page:
            response = client.get("/question", follow_redirects=True)
        elif "Check your answers" in page:
            client.get("/report")
            return pages + 1
        else:
            raise RuntimeError("an unexpected page")
        page = response.get_data(as_text=True)
        pages += 1


def _multi(fields):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lifters", type=int, default=100)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--time", action="store_true", help="only time the pages, without the profiler")
    options = parser.parse_args()

    from spinewise.web import create_app

    app = create_app(secret="benchmark")
    client = app.test_client()
    rulebase = app.extensions["spinewise"].rulebase
    rng = random.Random(3)
    lifters = [random_answers(rulebase, rng) for _ in range(options.lifters)]
    for answers in lifters[:5]:
        walk(client, rulebase, answers)  # warm up: templates compiled, caches filled
    start = time.perf_counter()
    pages = sum(walk(client, rulebase, answers) for answers in lifters)
    plain = time.perf_counter() - start
    if options.time:
        print(f"{plain / pages * 1e3:.3f} ms a page ({pages} pages, test client)")
        return
    profile = cProfile.Profile()
    profile.enable()
    for answers in lifters:
        walk(client, rulebase, answers)
    profile.disable()
    print(f"{pages} pages, {plain / pages * 1e3:.2f} ms a page without the profiler (test client)")
    pstats.Stats(profile).sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
