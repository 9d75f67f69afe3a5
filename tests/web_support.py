"""Helpers for the web tests: read the forms of a page and answer them as a lifter would."""

import html
import re

from spinewise.questionnaire import flow

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)


def hidden(page: str, name: str) -> str:
    """The first hidden field `name` on the page."""
    return html.unescape(next(value for field, value in HIDDEN.findall(page) if field == name))


def form_actions(page: str) -> list:
    return [action for action, _ in FORM.findall(page)]


def form_fields(question, value) -> list:
    """The answer as the form posts it: true/false, a choice, one value per ticked box, digits."""
    if question.type == "bool":
        return [(question.id, "true" if value else "false")]
    if question.type == "multi":
        return [(question.id, item) for item in value]
    return [(question.id, str(value))]


def asked_question(rulebase, page: str):
    return rulebase.question(hidden(page, "question"))


class Lifter:
    """One person with `answers` in mind, walking the pages through a Flask test client.

    Every POST is answered with a redirect to a GET page (Post/Redirect/Get), which the
    client follows, as a browser does; the answers travel in the client's cookie.
    """

    def __init__(self, client, rulebase, answers: dict):
        self.client, self.rulebase, self.answers = client, rulebase, answers
        self.pages = []  # (kind, response) in the order seen

    def post(self, path, fields, kind):
        response = self.client.post(path, data=_multidict(fields), follow_redirects=True)
        self.pages.append((kind, response))
        return response

    def get(self, path, kind):
        response = self.client.get(path, follow_redirects=True)
        self.pages.append((kind, response))
        return response

    def start(self):
        self.get("/", "start")
        return self.post("/start", [], "question")

    def answer_all(self, response, finish_after_stop=True):
        """Answer every question asked; at the stop page, go on (or not). The last response."""
        while 'name="question"' in response.text or "See your report now" in response.text:
            if 'name="question"' not in response.text:  # the stop disposition's page
                if not finish_after_stop or "Answer the other" not in response.text:
                    return self.get("/report", "report")
                response = self.get("/question", "question")
                continue
            question = asked_question(self.rulebase, response.text)
            fields = [("question", question.id)] + form_fields(question, self.answers[question.id])
            response = self.post("/answer", fields, "answer")
        return response

    def report(self, response=None):
        return self.get("/report", "report")

    def walk(self, finish_after_stop=True):
        """Start to report; the report response."""
        last = self.answer_all(self.start(), finish_after_stop)
        if "Check your answers" in last.text and 'data-disposition' not in last.text:
            return self.report(last)
        return last


def cookie_state(client):
    """The state the client's cookie carries, as the server reads it."""
    from spinewise.web.state import COOKIE

    signer = client.application.extensions["spinewise"].signer
    cookie = client.get_cookie(COOKIE)
    return signer.load(cookie.value if cookie else None)


def _multidict(fields):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


def expected_questions(rulebase, answers):
    """The question ids a lifter with `answers` is asked, in order (all of them when finishing)."""
    seen = {}
    while (question := flow.next_question(rulebase, seen)) is not None:
        seen[question.id] = answers[question.id]
    return list(seen)
