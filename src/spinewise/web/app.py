"""The Flask app: create_app() loads the rule base once and wires the pages, headers and errors."""

from __future__ import annotations

import threading
import traceback

import jinja2
from flask import Flask, render_template, request

from spinewise.paths import templates_dir
from spinewise.questionnaire import flow
from spinewise.questionnaire.why import plain_why
from spinewise.i18n import N_, gettext, language
from spinewise.rulebase import rules_folder
from spinewise.rulebase.words import in_language
from spinewise.i18n import pages as language_pages
from spinewise.i18n.catalogues import offered
from spinewise.web import urls
from spinewise.web.policy import CSP
from spinewise.web.state import Sealer, StateError, process_secret

_ABSENT = object()
UNANSWERED_PAGES = 2048  # about 3 KB each; the shipped questions reach fewer than a hundred
MAX_BODY = 64 * 1024  # bytes: the longest honest form is one answer, a few hundred bytes


class WebApp(Flask):
    """Every template is HTML: autoescape them all, whatever their file name ends with."""

    def select_jinja_autoescape(self, filename) -> bool:
        return True

    def log_exception(self, exc_info) -> None:
        """Where it failed, without the exception's message: messages can quote an answer."""
        kind, _, trace = exc_info
        where = "".join(traceback.format_tb(trace))
        self.logger.error("%s on %s %s (message withheld: it may hold answers)\n%s",
                          kind.__name__, request.method, request.path, where)


class Questionnaire:
    """What the views share: the compiled rule base, the state signer and the engine lock."""

    def __init__(self, triage, secret: str):
        self.triage = triage
        self.signer = Sealer(secret, triage.rulebase)
        self.checkin_sealer = Sealer(secret, triage.rulebase, purpose="spinewise-checkin", compress=True)
        self._rulebase = triage.rulebase
        self._engine = threading.Lock()  # one experta engine per rule base; waitress serves with threads
        self.deciding_stop = flow.questions_deciding_stop(triage.rulebase, triage.rules)
        self._unanswered: dict = {}  # (mount point, QuestionPage, warned) -> HTML
        self._why: dict = {}  # (language, question id) -> the plain "why" lines

    @property
    def rulebase(self):
        """The rule base in the language of this request (i18n/pages.py chooses it)."""
        return in_language(self._rulebase)

    def unanswered_page(self, page, warned: bool, render) -> str:
        """A question's page with nothing yet chosen on it, rendered once for every lifter who
        reaches it the same way (same count, same back link, same warning): it holds no answer.

        A page with an answer shown or an error is never kept here."""
        key = (request.script_root, page, warned, language())
        html = self._unanswered.get(key)
        if html is None:
            if len(self._unanswered) >= UNANSWERED_PAGES:
                self._unanswered.clear()
            html = self._unanswered[key] = render()
        return html

    def why(self, question) -> tuple:
        """The plain "why are we asking this" lines, made once per question and language."""
        key = (language(), question.id)
        if key not in self._why:
            self._why[key] = tuple(plain_why(question, self.rulebase, self.triage.rules))
        return self._why[key]

    def stops(self, before, answers: dict) -> bool:
        """Whether `answers` reach the stop disposition; `before` is the state they were changed from.

        The engine runs only when a changed answer can make a difference: the state's
        `stop_shown` says whether its own answers reached it.
        """
        changed = {qid for qid in set(before.answers) | set(answers)
                   if before.answers.get(qid, _ABSENT) != answers.get(qid, _ABSENT)}
        if self.deciding_stop is not None and not changed & self.deciding_stop:
            return before.stop_shown
        with self._engine:
            return flow.reaches_stop(self.triage, answers)

    def assess(self, answers: dict):
        with self._engine:
            return self.triage.assess(answers)


def create_app(rules_dir=None, secret: str | None = None, lang: str = "en") -> Flask:
    """The web questionnaire for the rule base in `rules_dir` (default: the shipped one).

    Raises RuleBaseError before serving anything when the rule base is broken.
    """
    from spinewise import api
    from spinewise.web import checkin, views

    folder = templates_dir() / "web"
    app = WebApp(__name__, template_folder=str(folder), static_folder=str(folder / "static"),
                 static_url_path="/static")
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY,
                      SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["url_for"] = urls.url_for
    language_pages.install(app, offered(rules_folder(rules_dir)), lang)
    app.extensions["spinewise"] = Questionnaire(api.load_triage(rules_dir), secret or process_secret())
    app.register_blueprint(views.web)
    app.register_blueprint(checkin.checkin_web)
    app.after_request(_headers)
    for status in (400, 404, 405, 413, 422, 500):
        app.register_error_handler(status, _error_page)
    app.register_error_handler(StateError, views.state_error_page)
    return app


PAGE_CSP = CSP.format(styles="")
SECURITY_HEADERS = (("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"),
                    ("X-Frame-Options", "DENY"))


def _headers(response):
    headers = response.headers
    if "Content-Security-Policy" not in headers:  # the report page sets its own (its style hashes)
        headers.add("Content-Security-Policy", PAGE_CSP)
    for name, value in SECURITY_HEADERS:  # set only here: added, not searched for and replaced
        headers.add(name, value)
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


# Titles and texts are catalogue messages (N_ marks them here; _error_page translates them).
ERRORS = {
    400: (N_("This page cannot be shown"),
          N_("What was sent cannot be used. The answers you have given so far are still kept in this browser."), True),
    404: (N_("Page not found"),
          N_("There is no page at this address. If you typed it, check it. Answers you have given so far are not "
             "affected."), True),
    405: (N_("This page cannot be shown"),
          N_("This address is only reached by answering a question. Answers you have given so far are not "
             "affected."), True),
    413: (N_("The form was too large"),
          N_("What was sent was much larger than any answer needs, so it was not used."), True),
    500: (N_("Sorry, something went wrong"),
          N_("The server could not make this page. Try again in a moment: the answers you have given so far are "
             "still kept in this browser."), True),
}


CHECKIN_ERRORS = {
    400: (N_("This page cannot be shown"),
          N_("What was sent cannot be used for your check-in. Your journal file is unchanged."), True),
    404: (N_("Page not found"),
          N_("There is no page at this address. If you typed it, check it. Your journal file is unchanged."), True),
    405: (N_("This page cannot be shown"),
          N_("This address is only reached from the check-in's forms. Your journal file is unchanged."), True),
    413: (N_("The file was too large"),
          N_("This page takes a journal file of up to 1 MB (a year of weekly check-ins is a few hundred kilobytes), "
             "and what was sent is larger. Choose your journal file, spinewise-journal.json, and upload it again."),
          True),
    422: (N_("This check-in cannot be made"),
          N_("The answers given do not make a check-in. Your journal file is unchanged."), True),
    500: (N_("Sorry, something went wrong"),
          N_("The server could not make this page. Your journal file is unchanged: try again in a moment."), True),
}


def _error_page(error):
    from spinewise.web.checkin import assessment_warning

    status = getattr(error, "code", 500) or 500
    in_checkin = request.blueprint == "checkin" or request.path.startswith("/checkin/")
    table = CHECKIN_ERRORS if in_checkin else ERRORS
    title, text, kept = table.get(status, table[500])
    title, text = gettext(title), gettext(text)
    detail = getattr(error, "description", "") if status in (400, 422) and in_checkin else ""
    try:
        warning = assessment_warning()
    except Exception:  # the error page itself must not fail: no warning rather than no page
        warning = None
    return render_template("error.html.j2", title=title, text=text, kept=kept, rulebase=_rulebase(),
                           warning=warning, area="checkin" if in_checkin else "questionnaire",
                           detail=_sentence(detail) if detail and not detail.startswith("The browser") else ""), status


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _rulebase():
    from flask import current_app

    return current_app.extensions["spinewise"].rulebase
